"""HTTP caching: whole answers kept for anonymous readers per dataset revision
(response_cache.py), ETag/304 and gzip (entries.py), content-hashed static URLs with
year-long caching (static_files.py).

Cache-Control, as a browser or a proxy reads it:
- public pages and documents: `no-cache` (store, but ask each time: an edit shows at
  once; the answer is then a 304 without a body while nothing changed);
- anything built for a logged-in user: `private, no-store` (their name, a CSRF token);
- `/static/<name>.<hash>.<ext>`: `public, max-age=31536000, immutable`; a plain or
  stale name: `no-cache`.

Settings: HTTP_CACHE_MAX_BYTES (per process, default 64 MiB; 0 turns the response
cache off).
"""

from __future__ import annotations

from typing import Any

import folium.elements
from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import db
from .fingerprint import deployment_fingerprint
from .response_cache import CACHEABLE, ResponseCache, cacheable_endpoint
from .revision import READER, RevisionReader
from .static_files import StaticFiles

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
PRIVATE = "private, no-store"


def mark_cacheable(response: Response) -> Response:
    """Tell the response cache whether this answer may be kept; make anything built
    for a logged-in user private."""
    if g.get("_auth_user") is not None:  # app/auth/sessions.py's current_user()
        response.headers["Cache-Control"] = PRIVATE
    elif (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and cacheable_endpoint(request.endpoint)
        and not response.is_streamed
    ):
        request.environ[CACHEABLE] = True
    return response


def hash_folium_assets(static: StaticFiles, static_url_path: str) -> None:
    """Folium's class-level asset lists (pointed at /static/ by app/maps/assets.py)
    name the hashed files too; every Folium class that declares assets is looked at."""
    prefix = static_url_path.rstrip("/") + "/"
    pending: list[type[Any]] = [folium.elements.JSCSSMixin]
    seen: set[type[Any]] = set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        pending.extend(cls.__subclasses__())
        for attr in ("default_js", "default_css"):
            assets = cls.__dict__.get(attr)
            if not isinstance(assets, list):
                continue
            hashed = []
            for name, url in assets:
                if isinstance(url, str) and url.startswith(prefix):
                    plain = static.resolve(url.removeprefix(prefix))[0]
                    url = prefix + static.hashed_name(plain)
                hashed.append((name, url))
            setattr(cls, attr, hashed)


def register(app: Flask) -> None:
    static = StaticFiles(app.static_folder or "static")
    app.extensions["atlas_static_files"] = static
    app.url_defaults(static.url_defaults)
    app.view_functions["static"] = static.serve
    hash_folium_assets(static, app.static_url_path or "/static")

    app.after_request(mark_cacheable)
    with app.app_context():
        engine = db.engine
    # One reader of the dataset revision for the app: the response cache's, and
    # app/pages/cache.py's for a request the cache has not read it for.
    reader = RevisionReader(engine)
    app.extensions[READER] = reader
    max_bytes = int(app.config.get("HTTP_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES))
    if max_bytes <= 0:
        return
    # Inside ProxyFix (app/auth/cookies.py) when there is one: the key then holds the
    # scheme and host the client asked for.
    inner = app.wsgi_app.app if isinstance(app.wsgi_app, ProxyFix) else app.wsgi_app
    fingerprint = deployment_fingerprint(app)
    cache = ResponseCache(inner, app, reader, max_bytes, fingerprint)
    app.extensions["atlas_response_cache"] = cache
    if isinstance(app.wsgi_app, ProxyFix):
        app.wsgi_app.app = cache
    else:
        app.wsgi_app = cache  # type: ignore[method-assign]
