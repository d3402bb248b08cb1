"""The security headers of every response (pages, embeds, JSON, static files, errors).

Content-Security-Policy: scripts only from our own origin, plus the inline scripts we
wrote ourselves, which carry this response's nonce (`csp_nonce()` in templates). A
script smuggled into a page (a quote that escaped its escaping) has no nonce and does
not run. Nothing loads from another host, except the optional OpenStreetMap tiles when
ONLINE_TILES is on.

Framing: embeds (/embed/...) and the presentation mode (/present/...) are made to be
shown in other sites' iframes: any site by default, or only the sites
`FRAME_ANCESTORS` names (a CSP source list such as "https://school.example"). Every
other page refuses to be framed, so it cannot be overlaid and clicked through on
someone else's site.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_request_context, request

from ..maps.journey_map import online_tiles_url

# First path segments of the pages other sites may frame, and of the embeds among them.
FRAMEABLE = ("embed", "present")
EMBED = "embed"

_NONCE_KEY = "atlas.csp_nonce"


def first_segment(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


def frame_ancestors(config: Mapping[str, Any]) -> str:
    """The configured source list for frameable pages: "*" unless narrowed.
    A value that would end the directive (";" or ",") is refused, not repaired."""
    value = config.get("FRAME_ANCESTORS") or "*"
    sources = value.split() if isinstance(value, str) else [str(v) for v in value]
    if any(";" in s or "," in s for s in sources):
        raise ValueError(f"FRAME_ANCESTORS is not a CSP source list: {value!r}")
    return " ".join(sources) or "*"


def csp_nonce() -> str:
    """This response's nonce, made on first use: 128 random bits, base64url.

    Kept on the request (its WSGI environ), not on `g`: two requests made inside one
    application context (as tests do) share `g`, and must not share a nonce."""
    store: Any = request.environ if has_request_context() else g.__dict__
    nonce = store.get(_NONCE_KEY)
    if nonce is None:
        nonce = store[_NONCE_KEY] = secrets.token_urlsafe(16)
    return str(nonce)


@lru_cache(maxsize=1)
def online_tiles_origin() -> str:
    """Where the optional OpenStreetMap layer loads its images from (scheme and host)."""
    parts = urlsplit(online_tiles_url())
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def content_security_policy(nonce: str, ancestors: str, online_tiles: bool) -> str:
    directives = {
        "default-src": "'self'",
        # No 'unsafe-inline' and no 'unsafe-eval': nothing we load needs them.
        "script-src": f"'self' 'nonce-{nonce}'",
        # Inline styles are allowed: Folium writes <style> blocks into the map's head,
        # Leaflet and its plugins build HTML strings with style attributes, and so do
        # our own icons (a colour per journey or hazard kind). Styles cannot run code.
        "style-src": "'self' 'unsafe-inline'",
        # data: images are Bootstrap's inline SVG icons in its stylesheet.
        "img-src": "'self' data:" + (f" {online_tiles_origin()}" if online_tiles else ""),
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(response: Response) -> Response:
    segment = first_segment(request.path)
    headers = response.headers
    frameable = segment in FRAMEABLE
    headers["Content-Security-Policy"] = content_security_policy(
        csp_nonce(),
        frame_ancestors(current_app.config) if frameable else "'none'",
        # An embed never offers the online layer (app/views/embed.py).
        online_tiles=bool(current_app.config["ONLINE_TILES"]) and segment != EMBED,
    )
    if frameable:
        # X-Frame-Options can only deny or allow its own origin: left out, CSP decides.
        headers.pop("X-Frame-Options", None)
    else:
        headers["X-Frame-Options"] = "DENY"
    # Embeds live on other sites' pages: their links and requests say nothing about
    # the page around them. Our own pages tell another site only our origin, never the
    # page or its query (which article, which quote): enough for the optional
    # OpenStreetMap tiles, whose usage policy asks for a Referer, and for no one to
    # learn what a reader was reading.
    referrer = "no-referrer" if segment == EMBED else "strict-origin-when-cross-origin"
    headers["Referrer-Policy"] = referrer
    headers["X-Content-Type-Options"] = "nosniff"
    return response


def register(app: Flask) -> None:
    frame_ancestors(app.config)  # a bad setting fails at start-up, not on a request
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(security_headers)
