"""Every citation with the record it supports: the data of the CSV downloads and of
the Web Annotations. Records are named as stored (in English, the articles' language);
quotes are always the articles' own words."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Citation, ContentVersion, Hazard, Journey
from ..pages.builders import CITED_BY, _cited_by
from ..pages.records import Data, citation_url, leg_label, leg_precision, source_name


def _place_journeys() -> dict[int, list[str]]:
    """The journeys each place belongs to: their legs' ends and their hazards' places."""
    found: dict[int, list[str]] = {}
    for journey in db.session.scalars(select(Journey).order_by(Journey.position)):
        places = [p for leg in journey.legs for p in (leg.from_place, leg.to_place)]
        places += [h.place for h in journey.hazards if h.place is not None]
        for place in places:
            slugs = found.setdefault(place.id, [])
            if journey.slug not in slugs:
                slugs.append(journey.slug)
    return found


def _created() -> dict[int, datetime]:
    """When each citation was first recorded (its history's first version)."""
    rows = db.session.execute(
        select(ContentVersion.entity_id, func.min(ContentVersion.at))
        .where(ContentVersion.entity == "citation")
        .group_by(ContentVersion.entity_id)
    )
    # SQLite gives the stored UTC time back without its zone.
    return {entity_id: at if at.tzinfo else at.replace(tzinfo=UTC) for entity_id, at in rows}


def _subject(citation: Citation, place_journeys: dict[int, list[str]]) -> Data:
    empty = {"hazard_kind": "", "place": "", "precision": ""}
    if citation.journey is not None:
        j = citation.journey
        return {
            **empty,
            "type": "journey",
            "id": j.slug,
            "name": j.title,
            "journeys": [j.slug],
        }
    if citation.leg is not None:
        leg = citation.leg
        return {
            **empty,
            "type": "leg",
            "id": f"{leg.journey.slug}:leg-{leg.position}",
            "name": leg_label(leg),
            "precision": leg_precision(leg),
            "journeys": [leg.journey.slug],
        }
    if citation.hazard is not None:
        hazard: Hazard = citation.hazard
        return {
            "type": "hazard",
            "id": hazard.slug,
            "name": hazard.name,
            "hazard_kind": hazard.kind,
            "place": hazard.place.name if hazard.place else "",
            "precision": hazard.place.precision if hazard.place else "unknown",
            "journeys": [j.slug for j in hazard.journeys],
        }
    if citation.place is not None:
        place = citation.place
        return {
            **empty,
            "type": "place",
            "id": place.slug,
            "name": place.name,
            "place": place.name,
            "precision": place.precision,
            "journeys": place_journeys.get(place.id, []),
        }
    side = citation.discrepancy_side
    assert side is not None
    return {
        **empty,
        "type": "discrepancy",
        "id": side.discrepancy.slug,
        "name": f"{side.discrepancy.topic} ({side.label})",
        "journeys": [],
    }


def cited_records() -> list[Data]:
    """Every citation, in source order, with its subject, selectors and links
    (site-relative; the formats make them absolute)."""
    citations = db.session.scalars(
        select(Citation)
        .options(*CITED_BY, selectinload(Citation.source))
        .order_by(Citation.source_id, Citation.start_pos, Citation.id)
    )
    place_journeys = _place_journeys()
    created = _created()
    records = []
    for c in citations:
        at = created.get(c.id)
        records.append(
            {
                "key": c.key,
                "subject": _subject(c, place_journeys),
                "record_url": _cited_by(c)["url"],
                "source": c.source.slug,
                "source_name": source_name(c.source),
                "source_url": url_for("sources.show", slug=c.source.slug),
                "passage": c.passage.number,
                "quote": c.exact,
                # Content notes (app/vocabulary.py SENSITIVITY_TAGS): a download carries
                # every quote, so it says which ones a classroom would hide.
                "sensitivity": c.sensitivity_tags,
                "prefix": c.prefix,
                "suffix": c.suffix,
                "start": c.start_pos,
                "end": c.end_pos,
                "url": citation_url(c),
                "created": at.isoformat() if at else None,
            }
        )
    return records
