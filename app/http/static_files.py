"""Static files under content-hashed names, kept in memory with their gzip.

`url_for('static', filename='css/atlas.css')` gives `/static/css/atlas.<hash>.css`,
the hash being the first 10 hex digits of the file's SHA-256: a changed file gets a
new URL, so an URL can be cached for a year (`immutable`). The static view maps the
name back. An unhashed URL, or one with a hash that is no longer the file's (a page
from before a deploy), still answers, with the current content under `no-cache` and
an ETag. Files stylesheets load by relative url() (fonts, images) are asked for by
their plain names, and keep them.

Whatever is in static/ is hashed when first linked (and again if the file changes on
disk), so the list of vendored files (app/maps/assets.py) is nobody's to repeat here.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Response, abort, request
from werkzeug.security import safe_join
from werkzeug.utils import get_content_type

from .entries import Entry

HASH_LENGTH = 10
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# "name.<hash>.ext" (the hash just before the last suffix).
_HASHED = re.compile(
    r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{" + str(HASH_LENGTH) + r"})(?P<ext>\.[A-Za-z0-9]+)$"
)
# The types a browser needs right (the rest from the mimetypes module).
_TYPES = {".geojson": "application/geo+json", ".map": "application/json", ".woff2": "font/woff2"}


@dataclass(frozen=True)
class _Stat:
    mtime_ns: int
    size: int


class StaticFiles:
    def __init__(self, folder: str | os.PathLike[str]):
        self.folder = Path(folder)
        self._digests: dict[str, tuple[_Stat, str]] = {}
        self._entries: dict[str, tuple[_Stat, Entry]] = {}
        self._lock = threading.Lock()

    def _path(self, name: str) -> Path | None:
        joined = safe_join(str(self.folder), name)
        return Path(joined) if joined is not None else None

    @staticmethod
    def _stat(path: Path) -> _Stat | None:
        try:
            found = path.stat()
        except OSError:
            return None
        if not path.is_file():
            return None
        return _Stat(found.st_mtime_ns, found.st_size)

    def digest(self, name: str) -> str | None:
        """The file's content hash (HASH_LENGTH hex digits), or None if no such file."""
        path = self._path(name)
        stat = self._stat(path) if path is not None else None
        if path is None or stat is None:
            return None
        known = self._digests.get(name)
        if known is not None and known[0] == stat:
            return known[1]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        with self._lock:
            self._digests[name] = (stat, digest)
        return digest

    def hashed_name(self, name: str) -> str:
        """`name` with its content hash before the last suffix; unchanged when there is
        no such file, or the name has no suffix to put it before."""
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem or "/" in ext:
            return name
        digest = self.digest(name)
        return name if digest is None else f"{stem}.{digest}.{ext}"

    def resolve(self, name: str) -> tuple[str, bool]:
        """The real file a requested name means, and whether the name carried the
        file's current hash (may be cached for good)."""
        directory, _, base = name.rpartition("/")
        match = _HASHED.match(base)
        if match is None or self.digest(name) is not None:
            return name, False  # a plain name (also one that merely looks hashed)
        original = (directory + "/" if directory else "") + match["stem"] + match["ext"]
        return original, self.digest(original) == match["hash"]

    def entry(self, name: str) -> Entry | None:
        """The file's entry (body, gzip, ETag), kept until the file changes on disk."""
        path = self._path(name)
        stat = self._stat(path) if path is not None else None
        if path is None or stat is None:
            return None
        known = self._entries.get(name)
        if known is not None and known[0] == stat:
            return known[1]
        suffix = path.suffix.lower()
        mimetype = _TYPES.get(suffix) or mimetypes.guess_type(path.name)[0]
        content_type = get_content_type(mimetype or "application/octet-stream", "utf-8")
        entry = Entry(
            [("Content-Type", content_type)],
            path.read_bytes(),
            cache_control=REVALIDATE,
            compress_level=9,  # once per file and process: the smallest is worth it
        )
        with self._lock:
            self._entries[name] = (stat, entry)
        return entry

    def serve(self, filename: str) -> Response:
        """The static view: the file under its plain or hashed name (404 otherwise)."""
        original, current = self.resolve(filename)
        entry = self.entry(original)
        if entry is None:
            abort(404)
        status, headers, body = entry.answer(
            request.environ,
            drop_head_body=False,
            cache_control=IMMUTABLE if current else REVALIDATE,
        )
        return Response(body, status=status, headers=headers)

    def url_defaults(self, endpoint: str, values: dict[str, Any]) -> None:
        """`url_for('static', filename=...)` gives the hashed name."""
        if endpoint == "static" and isinstance(values.get("filename"), str):
            values["filename"] = self.hashed_name(values["filename"])


_STATIC_URL = re.compile(r"(?<=/static/)[\w./@-]+")


def plain_static_urls(static: StaticFiles, body: str) -> str:
    """Every hashed /static/ URL in `body` under its file's plain name: the offline
    copy (app/export) holds the files under their own names, and no HTTP cache."""

    def plain(match: re.Match[str]) -> str:
        original, _current = static.resolve(match.group(0))
        return original

    return _STATIC_URL.sub(plain, body)
