"""The editor's blueprint: every route under /edit, for editors (and admins) only."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from ..auth import current_user, has_role
from ..auth.sessions import refuse_anonymous, refuse_forbidden

bp = Blueprint("editor", __name__, url_prefix="/edit")


@bp.before_request
def editors_only() -> Response | None:
    """The net under each view's own `editor_required`."""
    user = current_user()
    if user is None:
        return refuse_anonymous()
    if not has_role(user, "editor"):
        return refuse_forbidden("editor")
    return None
