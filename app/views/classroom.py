"""The classroom setting: quotes tagged with a content note (app/vocabulary.py
SENSITIVITY_TAGS) are shown only when a reader asks, behind a <details> notice.

How a page decides (`classroom_setting`):

- `?classroom=1` / `?classroom=0` on any page turns it on / off for that page;
- otherwise a first-party cookie `classroom=1`, set by the header's toggle through
  GET /settings/classroom?on=1&next=<local path>, turns it on for the reader;
- embeds (/embed/...) never read or set cookies: only their query parameter counts;
- presentation mode starts on (the room may be a class) unless `?classroom=0`.

Page data is the same either way; templates and map popups render the flag, so every
cached map is keyed by it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Flask, redirect, request, url_for
from werkzeug.wrappers import Response

bp = Blueprint("settings", __name__)

PARAM = COOKIE = "classroom"
COOKIE_MAX_AGE = 365 * 24 * 3600
_FLAGS = {"1": True, "0": False}


def classroom_setting(*, default: bool = False, cookies: bool = True) -> bool:
    """Whether this request shows pages in the classroom setting."""
    asked = _FLAGS.get(request.args.get(PARAM, ""))
    if asked is not None:
        return asked
    if cookies and request.cookies.get(COOKIE) == "1":
        return True
    return default


def local_path(value: str | None) -> str | None:
    """`value` if it is a path on this site ("/journeys/x?y#z"), else None: no scheme,
    no host, no protocol-relative "//host" or "/\\host", no control characters."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ch == "\x7f" or ch == "\\" for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def without_flag(path: str) -> str:
    """The path with any `classroom` parameter taken out of its query."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _here() -> str:
    path = request.script_root + request.path
    return path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")


@bp.get("/settings/classroom")
def toggle() -> Response:
    on = request.args.get("on") == "1"
    target = local_path(request.args.get("next")) or url_for("atlas.home")
    response = redirect(without_flag(target), code=303)
    if on:
        response.set_cookie(
            COOKIE, "1", max_age=COOKIE_MAX_AGE, path="/", samesite="Lax", httponly=False
        )
    else:
        response.delete_cookie(COOKIE, path="/", samesite="Lax")
    return response


def register(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def classroom_context() -> dict[str, Any]:
        # A view may pass its own `classroom` (embeds, presentation mode): it wins.
        embed = request.blueprint == "embed"
        on = classroom_setting(cookies=not embed)
        return {
            "classroom": on,
            "classroom_toggle": url_for("settings.toggle", on="0" if on else "1", next=_here()),
        }
