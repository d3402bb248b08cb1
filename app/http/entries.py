"""One stored answer (status, headers, body, its gzip) and how it is sent: ETag and
304, gzip when the client takes it, HEAD without a body. Used for cached pages
(response_cache.py) and static files (static_files.py) alike.

ETags, one per encoding (`"<hex>"`, and `"<hex>-gz"` for the gzip body):
- strong, the body's SHA-256, when the same content is always the same bytes (static
  files);
- weak (`W/"<hex>"`), the SHA-256 of what the answer was built from, when it is given
  (`validator`): pages. Each process renders a map with its own random element ids
  (branca names every element `<kind>_<urandom hex>`), so two gunicorn workers send
  the same page in different bytes; a tag from the body would then miss every time a
  reload reaches the other worker. The same inputs make an equivalent page: weak.
If-None-Match is compared weakly (RFC 9110 13.1.2) against both tags of the entry:
either one names the same content, so a client holding either gets its 304.

A 304 carries only what RFC 9110 15.4.5 lists (Cache-Control, ETag, Vary; the server
adds Date): the browser keeps the rest of its stored answer, so the stored body keeps
the Content-Security-Policy made for it (the script hashes of the body it holds,
perhaps from another worker)."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache

# Below this a gzip body saves too little to be worth a header and a decompression.
MIN_GZIP_BYTES = 1024
# Above this, a compressible body is kept only gzipped (made at once): a large journey's
# GeoJSON is tens of MB as text and a tenth of that packed, and nearly every client
# takes gzip; the rare one that does not gets it unpacked per request.
GZIP_ONLY_BYTES = 1024 * 1024
# What compresses: text of any kind (HTML, CSS, JS, JSON, GeoJSON, KML, GPX, CSV, SVG),
# and TrueType fonts (woff2 and images are compressed already).
_COMPRESSIBLE_SUFFIXES = ("json", "javascript", "+xml", "/xml", "ecmascript")
_COMPRESSIBLE_TYPES = frozenset({"font/ttf", "font/otf", "application/x-font-ttf"})
# Headers that describe a body: a 304 carries none of them (it has no body).
_NOT_MODIFIED_HEADERS = frozenset({"cache-control", "etag", "vary", "expires", "content-location"})

Headers = list[tuple[str, str]]


def compressible(content_type: str) -> bool:
    mimetype = content_type.split(";", 1)[0].strip().lower()
    return (
        mimetype.startswith("text/")
        or mimetype.endswith(_COMPRESSIBLE_SUFFIXES)
        or mimetype in _COMPRESSIBLE_TYPES
    )


@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (by name or `*`, with q > 0)."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.partition(";")
        if name.strip() not in ("gzip", "x-gzip", "*"):
            continue
        q = params.strip()
        if q.startswith("q="):
            try:
                if float(q[2:]) <= 0:
                    continue
            except ValueError:
                continue
        return True
    return False


def etag_matches(if_none_match: str, tags: Iterable[str]) -> bool:
    """Weak comparison of an If-None-Match list with our tags (or `*`)."""
    wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in wanted or any(tag.removeprefix("W/") in wanted for tag in tags)


def _header(headers: Headers, name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)


class Entry:
    """A complete 200 answer, ready to be sent any number of times. Its gzip body is
    made once, on the first request that accepts it (then kept)."""

    __slots__ = (
        "_gz",
        "_gz_only",
        "_lock",
        "body",
        "compress_level",
        "etag",
        "gz_etag",
        "headers",
        "on_grow",
    )

    def __init__(
        self,
        headers: Headers,
        body: bytes,
        *,
        cache_control: str | None = None,
        compress_level: int = 6,
        validator: str | None = None,
    ):
        content_type = _header(headers, "Content-Type") or ""
        headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "etag")]
        weak = "W/" if validator is not None else ""
        source = validator.encode("utf-8") if validator is not None else body
        digest = hashlib.sha256(source).hexdigest()[:32]
        self.body = body
        self.etag = f'{weak}"{digest}"'
        self.compress_level = compress_level
        # None: not compressible; b"": not made yet.
        self._gz: bytes | None = (
            b"" if len(body) >= MIN_GZIP_BYTES and compressible(content_type) else None
        )
        self.gz_etag = f'{weak}"{digest}-gz"' if self._gz is not None else self.etag
        if cache_control is not None:
            headers = [(k, v) for k, v in headers if k.lower() != "cache-control"]
            headers.append(("Cache-Control", cache_control))
        elif _header(headers, "Cache-Control") is None:
            # Stored, but asked again each time: an edit must show at once.
            headers.append(("Cache-Control", "no-cache"))
        if self._gz is not None:
            vary = _header(headers, "Vary")
            if vary is None:
                headers.append(("Vary", "Accept-Encoding"))
            elif "accept-encoding" not in vary.lower():
                headers = [(k, v) for k, v in headers if k.lower() != "vary"]
                headers.append(("Vary", f"{vary}, Accept-Encoding"))
        self.headers = headers
        self.on_grow: Callable[[int], None] | None = None
        self._lock = threading.Lock()
        self._gz_only = False
        if self._gz is not None and len(body) > GZIP_ONLY_BYTES:
            packed = gzip.compress(body, compress_level, mtime=0)
            if len(packed) < len(body):
                self._gz, self._gz_only, self.body = packed, True, b""
            else:
                self._gz = None

    @property
    def size(self) -> int:
        """Bytes this entry holds (the gzip body counted once it exists)."""
        headers = sum(len(k) + len(v) for k, v in self.headers)
        return len(self.body) + len(self._gz or b"") + headers + 200

    def gzip_body(self) -> bytes | None:
        """The gzip body, made on first use; None when gzip would not help."""
        if self._gz is None:
            return None
        if not self._gz:
            with self._lock:
                if self._gz == b"":
                    packed = gzip.compress(self.body, self.compress_level, mtime=0)
                    self._gz = packed if len(packed) < len(self.body) else None
                    if self._gz is not None and self.on_grow is not None:
                        self.on_grow(len(self._gz))
        return self._gz

    def answer(
        self,
        environ: dict[str, object],
        *,
        drop_head_body: bool = True,
        cache_control: str | None = None,
    ) -> tuple[str, Headers, bytes]:
        """Status, headers and body for this request: 304 when If-None-Match names
        this content, the gzip body when accepted, no body for HEAD (unless the caller
        is a Flask view: Werkzeug drops it then, keeping Content-Length). A
        `cache_control` given here replaces the entry's own."""
        headers = list(self.headers)
        if cache_control is not None:
            headers = [(k, v) for k, v in headers if k.lower() != "cache-control"]
            headers.append(("Cache-Control", cache_control))
        body, etag = self.body, self.etag
        if self._gz is not None and accepts_gzip(str(environ.get("HTTP_ACCEPT_ENCODING", ""))):
            packed = self.gzip_body()
            if packed is not None:
                body, etag = packed, self.gz_etag
                headers.append(("Content-Encoding", "gzip"))
        elif self._gz_only and self._gz is not None:
            body = gzip.decompress(self._gz)
        headers.append(("ETag", etag))
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if isinstance(if_none_match, str) and etag_matches(
            if_none_match, (self.etag, self.gz_etag)
        ):
            kept = [h for h in headers if h[0].lower() in _NOT_MODIFIED_HEADERS]
            return "304 Not Modified", kept, b""
        headers.append(("Content-Length", str(len(body))))
        if drop_head_body and environ.get("REQUEST_METHOD") == "HEAD":
            body = b""
        return "200 OK", headers, body
