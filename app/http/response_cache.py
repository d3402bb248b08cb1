"""Whole answers for anonymous readers, kept per dataset revision (WSGI middleware).

A GET or HEAD of a public page or document (`cacheable_endpoint`) by a reader without
a session cookie is looked up before Flask sees the request: a hit costs one cheap
revision query (revision.py) and a dictionary lookup, then the stored status, headers
and body are sent (or a 304, or the gzip body: entries.py). A miss runs the app; the
Flask side (`mark_cacheable`, an after_request hook) says whether the answer may be
kept: a 200 of a public endpoint, built for nobody in particular. The answer is kept
only if it sets no cookie and is not private or no-store. The revision it read is left
on the request's environ (revision.py's REVISION): the pages the app builds for this
request are built at it (app/pages/cache.py), with no read of their own.

The key holds everything such an answer depends on: the revision (database, number,
content hash), scheme, host, script root, path, query string, the language
Accept-Language picks, and every cookie (a reader's language and classroom settings).
A request carrying a session cookie (a logged-in editor sees their name, a CSRF
token and edit links) is never answered from here, and what it gets is never kept.
Memory is bounded: least recently used entries go first, counted in bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from typing import Any

from flask import Flask
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

from ..reader import DEFAULT_LANGUAGE, LANGUAGES
from .entries import Entry, Headers
from .revision import REVISION, Revision

# Set on the request's environ by the Flask side: this answer may be kept.
CACHEABLE = "atlas.http.cacheable"

# Reader-facing blueprints whose GET answers depend only on the key above.
CACHED_BLUEPRINTS = frozenset(
    {
        "atlas",
        "journeys",
        "sources",
        "hazards",
        "handout",
        "present",
        "embed",
        "downloads",
        "map_data",
    }
)
CACHED_ENDPOINTS = frozenset({"api.openapi"})
# The empty reference answer the benchmarks compare with: left exactly as it was.
NEVER_CACHED = frozenset({"atlas.health"})

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def cacheable_endpoint(endpoint: str | None) -> bool:
    if not endpoint or endpoint in NEVER_CACHED:
        return False
    return endpoint in CACHED_ENDPOINTS or endpoint.split(".", 1)[0] in CACHED_BLUEPRINTS


def first_segment(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


@lru_cache(maxsize=256)
def language_of(accept_language: str) -> str:
    """The language Accept-Language picks, as app/reader.py's select_language() does."""
    accept = parse_accept_header(accept_language, LanguageAccept)
    return str(accept.best_match(LANGUAGES, default=DEFAULT_LANGUAGE))


class ByteLRU:
    """Entries by key, least recently used dropped first once over `max_bytes`."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.total = 0
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, entry: Entry) -> None:
        # One entry may take a quarter of the space at most, so one huge document
        # cannot push out everything else.
        if entry.size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.total -= old.size
                old.on_grow = None
            self._entries[key] = entry
            self.total += entry.size
            entry.on_grow = self._grown
            self._trim()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.total = 0

    def _grown(self, extra: int) -> None:
        """An entry made its gzip body: count it (and make room)."""
        with self._lock:
            self.total += extra
            self._trim()

    def _trim(self) -> None:
        while self.total > self.max_bytes and self._entries:
            _key, dropped = self._entries.popitem(last=False)
            dropped.on_grow = None
            self.total -= dropped.size


class ResponseCache:
    """The WSGI middleware (see the module's docstring)."""

    def __init__(
        self,
        app: WSGIApp,
        flask_app: Flask,
        revision: Callable[[], Revision],
        max_bytes: int,
        fingerprint: str = "",
    ):
        self.app = app
        self.flask_app = flask_app
        self.revision = revision
        self.fingerprint = fingerprint
        self.store = ByteLRU(max_bytes)
        self.session_cookie = str(flask_app.config["SESSION_COOKIE_NAME"])
        self._segments: frozenset[str] | None = None
        self._cookies = lru_cache(maxsize=1024)(self._parse_cookies)

    def segments(self) -> frozenset[str]:
        """First path segments of the cached endpoints' routes, worked out once the app
        is complete (on the first request): any other path skips the cache at once."""
        if self._segments is None:
            self._segments = frozenset(
                first_segment(rule.rule.split("<", 1)[0])
                for rule in self.flask_app.url_map.iter_rules()
                if cacheable_endpoint(rule.endpoint)
            )
        return self._segments

    def _parse_cookies(self, header: str) -> tuple[tuple[str, str], ...] | None:
        """Every cookie, sorted; None when one of them is a session cookie."""
        cookies = parse_cookie(header)
        if self.session_cookie in cookies:
            return None
        return tuple(sorted(cookies.items(multi=True)))

    def key(self, environ: dict[str, Any], revision: Revision) -> Hashable | None:
        """The cache key of this request, or None when it must not be cached."""
        cookies = self._cookies(environ.get("HTTP_COOKIE", ""))
        if cookies is None:
            return None
        return (
            revision,
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            language_of(environ.get("HTTP_ACCEPT_LANGUAGE", "")),
            cookies,
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or (
            first_segment(environ.get("PATH_INFO", "")) not in self.segments()
        ):
            return self.app(environ, start_response)
        try:
            revision = self.revision()
        except Exception:  # no schema yet (before `flask db upgrade`): the app says so
            return self.app(environ, start_response)
        # The request's one revision read: app/pages/cache.py builds its pages at it,
        # also for a request this cache does not keep (a logged-in editor's).
        environ[REVISION] = revision
        key = self.key(environ, revision)
        if key is None:
            return self.app(environ, start_response)
        entry = self.store.get(key)
        if entry is None:
            built = self._build(environ, key)
            if isinstance(built, tuple):
                status, headers, body = built
                start_response(status, headers)
                return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
            entry = built
            self.store.put(key, entry)
        status, headers, body = entry.answer(environ)
        start_response(status, headers)
        return [body]

    def _build(self, environ: dict[str, Any], key: Hashable) -> Entry | tuple[str, Headers, bytes]:
        """Run the app; an Entry when its answer may be kept, else the answer itself.
        A HEAD is run as a GET, so that its entry has the body later GETs send."""
        head = environ["REQUEST_METHOD"] == "HEAD"
        inner = dict(environ, REQUEST_METHOD="GET") if head else environ
        inner[CACHEABLE] = False
        captured: dict[str, Any] = {}
        written: list[bytes] = []

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, list(headers)
            return written.append

        result = self.app(inner, capture)
        try:
            written.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        body = b"".join(written)
        status: str = captured["status"]
        headers: Headers = captured["headers"]
        if inner.get(CACHEABLE) is True and status.startswith("200") and _keepable(headers):
            # The ETag names the inputs (see entries.py): the same in every worker.
            return Entry(headers, body, validator=repr((self.fingerprint, key)))
        return status, headers, body


def _keepable(headers: Headers) -> bool:
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "cache-control" and ("private" in value or "no-store" in value):
            return False
    return True
