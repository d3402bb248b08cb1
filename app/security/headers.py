"""The security headers of every response (pages, embeds, JSON, static files, errors).

Content-Security-Policy: scripts only from our own origin, plus the inline scripts we
wrote ourselves: a page writes each one with `inline_script(code)` (in templates), which
records the script's SHA-256, and the policy lists exactly those hashes
('sha256-...'). A script smuggled into a page (a quote that escaped its escaping) has
none of those hashes and does not run. Hashes rather than a nonce: a cached page is
sent many times and a 304 reuses the browser's stored body under new headers, so the
policy must fit the body, whenever it was made. Nothing loads from another host,
except the optional OpenStreetMap tiles when ONLINE_TILES is on.

Framing: embeds (/embed/...) and the presentation mode (/present/...) are made to be
shown in other sites' iframes: any site by default, or only the sites
`FRAME_ANCESTORS` names (a CSP source list such as "https://school.example"). Every
other page refuses to be framed, so it cannot be overlaid and clicked through on
someone else's site.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, has_request_context, request
from markupsafe import Markup

from ..maps.journey_map import online_tiles_url

# First path segments of the pages other sites may frame, and of the embeds among them.
FRAMEABLE = ("embed", "present")
EMBED = "embed"

# This response's inline script hashes, kept on the request (its WSGI environ), not on
# `g`: two requests made inside one application context (as tests do) share `g`.
_HASHES_KEY = "atlas.csp_script_hashes"


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


def script_hash(code: str) -> str:
    """The CSP source that allows exactly this inline script: its UTF-8 SHA-256."""
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_script(code: str) -> Markup:
    """`<script>code</script>`, allowed by this response's policy (its hash is listed).

    The code is trusted (our map script: every piece of text in it went through
    app/escaping.py). Line ends are written as the HTML parser will read them (CR LF
    and CR become LF; NUL becomes U+FFFD), so that the browser hashes the same text."""
    code = code.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    if "</script" in code.lower():
        raise ValueError("an inline script must not contain a closing script tag")
    if has_request_context():
        hashes: list[str] = request.environ.setdefault(_HASHES_KEY, [])
        source = script_hash(code)
        if source not in hashes:
            hashes.append(source)
    return Markup("<script>") + Markup(code) + Markup("</script>")  # noqa: S704 (trusted code)


def response_script_hashes() -> list[str]:
    return list(request.environ.get(_HASHES_KEY, ())) if has_request_context() else []


@lru_cache(maxsize=1)
def online_tiles_origin() -> str:
    """Where the optional OpenStreetMap layer loads its images from (scheme and host)."""
    parts = urlsplit(online_tiles_url())
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def content_security_policy(
    script_hashes: Iterable[str], ancestors: str, online_tiles: bool
) -> str:
    directives = {
        "default-src": "'self'",
        # No 'unsafe-inline' and no 'unsafe-eval': nothing we load needs them.
        "script-src": " ".join(["'self'", *script_hashes]),
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
        response_script_hashes(),
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
    app.jinja_env.globals["inline_script"] = inline_script
    app.after_request(security_headers)
