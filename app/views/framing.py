"""Who may frame our pages, sent with every response.

Embeds (/embed/...) and the presentation mode (/present/...) are made to be shown in
other sites' iframes: any site by default, or only the sites `FRAME_ANCESTORS` names
(a CSP source list such as "https://school.example"). Every other page refuses to be
framed, so it cannot be overlaid and clicked through on someone else's site.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request

# First path segments of the pages other sites may frame, and of the embeds among them.
FRAMEABLE = ("embed", "present")
EMBED = "embed"


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


def _add_csp(response: Response, directive: str) -> None:
    # Join any policy a view has set, rather than replace it.
    policy = response.headers.get("Content-Security-Policy")
    if policy and "frame-ancestors" in policy:
        return
    response.headers["Content-Security-Policy"] = (
        f"{policy.rstrip('; ')}; {directive}" if policy else directive
    )


def framing_headers(response: Response) -> Response:
    segment = first_segment(request.path)
    if segment in FRAMEABLE:
        _add_csp(response, f"frame-ancestors {frame_ancestors(current_app.config)}")
        # X-Frame-Options can only deny or allow its own origin: left out, CSP decides.
        response.headers.pop("X-Frame-Options", None)
    else:
        _add_csp(response, "frame-ancestors 'none'")
        response.headers["X-Frame-Options"] = "DENY"
    if segment == EMBED:
        # Links and requests from an embed say nothing about the page around it.
        response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def register(app: Flask) -> None:
    frame_ancestors(app.config)  # a bad setting fails at start-up, not on a request
    app.after_request(framing_headers)
