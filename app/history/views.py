"""History pages (each with a JSON twin), the list of deleted records, and restore."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, url_for
from sqlalchemy import select

from ..auth import current_user, editor_required, has_role
from ..extensions import db
from ..views.rendering import html_response, json_response
from .pages import HistoryNotFound, deleted_page, history_page
from .restore import RestoreError, restore_version
from .snapshot import CONTENT, model

bp = Blueprint("history", __name__, template_folder="templates")


def _can_restore() -> bool:
    user = current_user()
    return user is not None and has_role(user, "editor")


def _page(entity: str, entity_id: int) -> dict[str, object]:
    try:
        return history_page(entity, entity_id)
    except HistoryNotFound as exc:
        abort(404, description=str(exc))


@bp.get("/history/deleted")
def deleted() -> Response:
    return html_response("history/deleted.html", deleted_page(), can_restore=_can_restore())


@bp.get("/history/deleted.json")
def deleted_json() -> Response:
    return json_response(deleted_page())


@bp.get("/history/<entity>/<int:entity_id>")
def show(entity: str, entity_id: int) -> Response:
    restored = request.args.get("restored", type=int)
    return html_response(
        "history/show.html", _page(entity, entity_id), restored=restored, can_restore=_can_restore()
    )


@bp.get("/history/<entity>/<int:entity_id>.json")
def show_json(entity: str, entity_id: int) -> Response:
    return json_response(_page(entity, entity_id))


@bp.get("/history/<entity>/by-slug/<slug>")
def by_slug(entity: str, slug: str) -> Response:
    """The history of the record that has this slug now (links from its page)."""
    if entity not in CONTENT or "slug" not in model(entity).__table__.c:
        abort(404, description=f"no {entity} has a slug")
    Model = model(entity)
    ident = db.session.scalar(select(Model.id).where(Model.slug == slug))  # type: ignore[attr-defined]
    if ident is None:
        abort(404, description=f"no {entity} called {slug!r}")
    return redirect(url_for("history.show", entity=entity, entity_id=ident))  # type: ignore[return-value]


@bp.post("/history/<entity>/<int:entity_id>/restore/<int:version>")
@editor_required
def restore(entity: str, entity_id: int, version: int) -> Response:
    try:
        restore_version(entity, entity_id, version)
    except RestoreError as exc:
        data = {**_page(entity, entity_id), "error": str(exc)}
        if request.accept_mimetypes.best == "application/json":
            return json_response({"error": str(exc)}, status=409)
        return html_response("history/show.html", data, status=409, restored=None, can_restore=True)
    target = url_for("history.show", entity=entity, entity_id=entity_id, restored=version)
    return redirect(target, code=303)  # type: ignore[return-value]
