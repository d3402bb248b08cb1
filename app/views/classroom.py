"""The classroom setting's toggle and what every page is told of it. The toggle, GET
/settings/classroom?on=1|0&next=<local path>, sets (or clears) the first-party cookie
`classroom=1` and goes back to the page; the context processor gives each template the
setting and the toggle's link. What the setting does, and how a page decides it:
app/reader.py (`classroom_setting`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, redirect, request, url_for
from werkzeug.wrappers import Response

from ..reader import CLASSROOM_COOKIE, classroom_setting, local_path, without_flag

bp = Blueprint("settings", __name__)

COOKIE_MAX_AGE = 365 * 24 * 3600


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
            CLASSROOM_COOKIE, "1", max_age=COOKIE_MAX_AGE, path="/", samesite="Lax", httponly=False
        )
    else:
        response.delete_cookie(CLASSROOM_COOKIE, path="/", samesite="Lax")
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
