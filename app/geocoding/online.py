"""The opt-in online geocoder: geopy's Nominatim behind geopy's RateLimiter, bounded by
one deadline per lookup.

Why a deadline and not just geopy's timeout: the timeout is per request, and both the
RateLimiter (max_retries) and HTTP-level retries would multiply it. So HTTP retries are
off (the stdlib adapter has none), the RateLimiter retries only a quick refusal
(unreachable, rate limited) and only while there is time left for its wait and another
try, and each try gets only the time that is left. A timed-out try is final: it has used
the whole budget. Waiting for the rate limiter's slot (1 s between requests per
Nominatim's usage policy, per process) comes before the first try; with one editor at a
time it is at most 1 s."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from geopy.adapters import URLLibAdapter
from geopy.exc import (
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

MIN_DELAY_SECONDS = 1.0  # Nominatim's usage policy: at most one request per second
MAX_RETRIES = 1


def failure_kind(error: BaseException) -> str:
    """ "timeout", "unreachable" or "error", from geopy's exception and what it was
    raised from (geopy's urllib adapter turns a refused connection into a plain
    GeocoderServiceError; the refusal is its context)."""
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for item in chain:
        reason = getattr(item, "reason", None)  # urllib's URLError
        if isinstance(item, GeocoderTimedOut | TimeoutError) or isinstance(reason, TimeoutError):
            return "timeout"
    for item in chain:
        reason = getattr(item, "reason", None)
        if isinstance(item, GeocoderUnavailable | ConnectionError | socket.gaierror):
            return "unreachable"
        if isinstance(reason, OSError):
            return "unreachable"
    return "error"


class OnlineNotConfigured(RuntimeError):
    """Online geocoding was asked for without a user agent of our own."""


class FinalFailure(Exception):
    """A failed try the RateLimiter must not retry (not a GeocoderServiceError, which
    it would); `error` is geopy's exception."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class OnlineSettings:
    url: str
    user_agent: str
    timeout: float
    min_delay_seconds: float = MIN_DELAY_SECONDS

    @classmethod
    def from_config(cls, config: Any) -> OnlineSettings:
        agent = (config.get("GEOCODER_USER_AGENT") or "").strip()
        if not agent:
            raise OnlineNotConfigured(
                "online geocoding needs ATLAS_GEOCODER_USER_AGENT (who is asking, with a"
                " contact, per Nominatim's usage policy)"
            )
        return cls(
            url=str(config["NOMINATIM_URL"]),
            user_agent=agent,
            timeout=float(config["GEOCODER_TIMEOUT"]),
            min_delay_seconds=float(config.get("GEOCODER_MIN_DELAY_SECONDS", MIN_DELAY_SECONDS)),
        )


def nominatim(settings: OnlineSettings) -> Nominatim:
    parts = urlsplit(settings.url)
    return Nominatim(
        user_agent=settings.user_agent,
        domain=parts.netloc + parts.path.rstrip("/"),
        scheme=parts.scheme or "https",
        timeout=settings.timeout,
        adapter_factory=URLLibAdapter,  # no HTTP-level retries (requests' adapter has two)
    )


class BoundedSearch:
    """One try of a search, given only the time left before the lookup's deadline."""

    def __init__(self, geocoder: Nominatim, error_wait: float):
        self.geocoder = geocoder
        self.error_wait = error_wait

    def __call__(self, query: str, *, deadline: float, language: str, limit: int) -> Any:
        left = deadline - time.monotonic()
        if left <= 0:
            raise FinalFailure(GeocoderTimedOut("no time left before the deadline"))
        try:
            return self.geocoder.geocode(
                query,
                exactly_one=False,
                timeout=left,
                language=language,
                limit=limit,
                namedetails=True,
            )
        except Exception as error:
            # Only a quick refusal is tried again (the RateLimiter waits error_wait
            # first), and only when that still fits before the deadline; a timeout
            # has used the whole budget, an error answer would only be repeated.
            transient = isinstance(error, GeocoderRateLimited) or (
                failure_kind(error) == "unreachable"
            )
            if transient and deadline - time.monotonic() >= self.error_wait + 0.5:
                if isinstance(error, GeocoderServiceError):
                    raise
                raise GeocoderUnavailable(str(error)) from error
            raise FinalFailure(error) from error


_limiters: dict[OnlineSettings, RateLimiter] = {}
_limiters_lock = threading.Lock()


def rate_limited_search(settings: OnlineSettings) -> RateLimiter:
    """The process's one rate-limited Nominatim search for these settings (the limiter
    counts the delay between requests, so it must be shared, not made per lookup)."""
    with _limiters_lock:
        limiter = _limiters.get(settings)
        if limiter is None:
            limiter = RateLimiter(
                BoundedSearch(nominatim(settings), settings.min_delay_seconds),
                min_delay_seconds=settings.min_delay_seconds,
                max_retries=MAX_RETRIES,
                error_wait_seconds=settings.min_delay_seconds,
                swallow_exceptions=False,
            )
            _limiters[settings] = limiter
        return limiter


def search_online(settings: OnlineSettings, query: str, language: str, limit: int) -> list[Any]:
    """geopy Locations from Nominatim; raises geopy's exception when it failed."""
    deadline = time.monotonic() + settings.timeout
    try:
        found = rate_limited_search(settings)(
            query, deadline=deadline, language=language, limit=limit
        )
    except FinalFailure as failure:
        raise failure.error from None
    return list(found or [])
