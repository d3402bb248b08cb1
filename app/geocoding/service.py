"""One way to look a place up, for the CLI and the editor (never for page rendering):
the database cache first, then the chosen geocoder; when the online one fails, a clear
message and the offline gazetteer's answer instead.

Only online answers are cached: the gazetteer is local and instant, and caching it would
keep old answers after gazetteer.yaml is corrected. An online answer with no result is
cached too (asking again would only repeat it)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import current_app, has_request_context
from flask_babel import gettext
from geopy.location import Location
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import GeocodeCache
from ..transactions import write_transaction
from .gazetteer import OfflineGazetteer
from .online import OnlineNotConfigured, OnlineSettings, failure_kind, search_online

LANGUAGES = ("en", "ko")
MAX_QUERY = 200
LIMIT = 8
OFFLINE = "offline"
NOMINATIM = "nominatim"


@dataclass
class Candidate:
    """One answer, the same shape from either geocoder (and in the cache)."""

    provider: str
    id: str
    name: str  # in the language asked for
    name_en: str | None
    name_ko: str | None
    kind: str
    lat: float
    lon: float
    address: str
    country: str | None = None
    natural_earth: str | None = None


@dataclass
class LookupResult:
    query: str
    language: str
    provider: str  # who answered: "offline" or "nominatim"
    cached: bool
    results: list[Candidate] = field(default_factory=list)
    message: str | None = None  # for the user, when the online geocoder failed
    failure: str | None = None  # "timeout", "unreachable", "error", "not-configured"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _(message: str, **values: Any) -> str:
    """Translated in a request (the editor), English on the command line (named `_`
    so that `pybabel extract` finds the messages)."""
    return gettext(message, **values) if has_request_context() else message % values


def _offline_candidates(query: str, language: str) -> list[Candidate]:
    geocoder = OfflineGazetteer()
    found = geocoder.geocode(query, exactly_one=False, language=language, limit=LIMIT) or []
    gazetteer = geocoder.gazetteer
    candidates = []
    for location in found:
        entry = location.raw
        country = gazetteer.entry(entry["country"]) if entry.get("country") else None
        candidates.append(
            Candidate(
                provider=OFFLINE,
                id=entry["id"],
                name=entry["ko"] if language == "ko" else entry["en"],
                name_en=entry["en"],
                name_ko=entry["ko"],
                kind=entry["kind"],
                lat=float(entry["lat"]),
                lon=float(entry["lon"]),
                address=location.address,
                country=country["id"] if country else None,
                natural_earth=entry.get("natural_earth"),
            )
        )
    return candidates


_OSM_KINDS = {
    "country": "country",
    "state": "region",
    "province": "region",
    "region": "region",
    "county": "region",
    "city": "city",
    "town": "city",
    "village": "city",
    "municipality": "city",
    "river": "river",
}


def _online_candidate(location: Location, language: str) -> Candidate:
    raw = location.raw
    details = raw.get("namedetails")
    if not isinstance(details, dict):  # what a third party sends is checked, not trusted
        details = {}
    first = str(location.address).split(",")[0].strip()
    name_en = str(details.get("name:en") or "") or (first if language == "en" else None)
    name_ko = str(details.get("name:ko") or "") or (first if language == "ko" else None)
    osm_kind = str(raw.get("addresstype") or raw.get("type") or "")
    kind = _OSM_KINDS.get(osm_kind, osm_kind)  # an unmapped kind is shown, never guessed
    return Candidate(
        provider=NOMINATIM,
        id=f"{raw.get('osm_type', '')}/{raw.get('osm_id', raw.get('place_id', ''))}",
        name=(name_ko if language == "ko" else name_en) or first,
        name_en=name_en,
        name_ko=name_ko,
        kind=kind,
        lat=float(location.latitude),
        lon=float(location.longitude),
        address=str(location.address),
    )


def _cached(query_key: str, language: str) -> list[Candidate] | None:
    row = db.session.scalars(
        select(GeocodeCache).filter_by(provider=NOMINATIM, query=query_key, language=language)
    ).one_or_none()
    if row is None:
        return None
    return [Candidate(**item) for item in json.loads(row.results)]


def _store(query_key: str, language: str, candidates: list[Candidate]) -> None:
    try:
        with write_transaction() as session:
            exists = session.scalars(
                select(GeocodeCache.id).filter_by(
                    provider=NOMINATIM, query=query_key, language=language
                )
            ).first()
            if exists is None:
                session.add(
                    GeocodeCache(
                        provider=NOMINATIM,
                        query=query_key,
                        language=language,
                        results=json.dumps([asdict(c) for c in candidates], ensure_ascii=False),
                        created_at=datetime.now(UTC),
                    )
                )
    except IntegrityError:
        pass  # another lookup of the same query cached it first: same answer


def _failure_message(failure: str, timeout: float) -> str:
    if failure == "timeout":
        return _(
            "The online geocoder did not answer within %(seconds)s s;"
            " showing the offline gazetteer's result.",
            seconds=f"{timeout:g}",
        )
    if failure == "unreachable":
        return _(
            "The online geocoder could not be reached; showing the offline gazetteer's result."
        )
    return _("The online geocoder answered with an error; showing the offline gazetteer's result.")


def online_default() -> bool:
    return str(current_app.config.get("GEOCODER", OFFLINE)).lower() == NOMINATIM


def cache_key(query: str) -> str:
    """Queries differing only in case or spacing share one cache row."""
    return " ".join(query.split()).casefold()


def lookup(query: str, language: str = "en", online: bool | None = None) -> LookupResult:
    query = " ".join(query.split())[:MAX_QUERY]
    language = language if language in LANGUAGES else "en"
    if online is None:
        online = online_default()
    if not online:
        return LookupResult(query, language, OFFLINE, False, _offline_candidates(query, language))

    fallback = LookupResult(query, language, OFFLINE, False, [])
    try:
        settings = OnlineSettings.from_config(current_app.config)
    except OnlineNotConfigured:
        fallback.failure = "not-configured"
        fallback.message = _(
            "Online geocoding is not configured (ATLAS_GEOCODER_USER_AGENT is not set);"
            " showing the offline gazetteer's result."
        )
        fallback.results = _offline_candidates(query, language)
        return fallback

    key = cache_key(query)
    cached = _cached(key, language)
    if cached is not None:
        return LookupResult(query, language, NOMINATIM, True, cached)
    db.session.rollback()  # hold no read transaction while waiting for the network

    try:
        locations = search_online(settings, query, language, LIMIT)
    except Exception as error:  # geopy's, or the network's below it
        fallback.failure = failure_kind(error)
        fallback.message = _failure_message(fallback.failure, settings.timeout)
        current_app.logger.warning("geocoding %r online failed: %r", query, error)
    else:
        candidates = [_online_candidate(location, language) for location in locations]
        _store(key, language, candidates)
        return LookupResult(query, language, NOMINATIM, False, candidates)
    fallback.results = _offline_candidates(query, language)
    return fallback
