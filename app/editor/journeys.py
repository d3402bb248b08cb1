"""Journeys: create, edit (with optimistic locking), delete; the journey's page in the
editor also lists its legs (app/editor/legs.py) and citations."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ..auth import editor_required
from ..extensions import db
from ..models import Journey
from ..transactions import locked
from ..vocabulary import JOURNEY_KINDS, OUTCOMES
from .blueprint import bp
from .fields import Field, FormErrors, displayed, fixed, korean, read_fields, shown
from .saving import check_version, conflict_page, page, submit

FIELDS = [
    Field("title", _l("Title"), max_len=300),
    korean("title_ko", max_len=300),
    Field("slug", _l("Slug (in its address)"), kind="slug", max_len=80),
    Field("who", _l("Who"), max_len=300, help=_l("as the sources name them; never invented names")),
    korean("who_ko", max_len=300),
    Field("kind", _l("Kind"), kind="choice", choices=fixed(JOURNEY_KINDS)),
    Field("outcome", _l("Outcome"), kind="choice", choices=fixed(OUTCOMES)),
    Field("outcome_label", _l("Outcome, in words"), max_len=300),
    korean("outcome_label_ko", max_len=300),
    Field(
        "summary",
        _l("Summary"),
        kind="textarea",
        help=_l("1–3 sentences in our words, from the sources"),
    ),
    korean("summary_ko", kind="textarea"),
]


def get_journey(slug: str) -> Journey:
    journey = db.session.scalars(select(Journey).filter_by(slug=slug)).one_or_none()
    if journey is None:
        abort(404)
    return journey


def _values(session: Session, own_id: int | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values = read_fields(FIELDS, request.form, errors)
    slug = values.get("slug")
    if slug:
        taken = session.scalar(select(Journey.id).filter_by(slug=slug))
        if taken is not None and taken != own_id:
            errors["slug"] = _(
                "The slug %(slug)s is already used by another journey.", slug=repr(slug)
            )
    if errors:
        raise FormErrors(errors)
    return values


def _form_page(
    journey: Journey | None,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return page(
        "editor/journey.html",
        _("Edit %(name)s", name=journey.title) if journey else _("New journey"),
        status,
        journey=journey,
        fields=FIELDS,
        form=form,
        errors=errors or {},
        version=journey.lock_version if journey else None,
    )


@bp.get("/journeys/new")
@editor_required
def journey_new() -> Response:
    return _form_page(None, displayed(FIELDS, {"kind": "journey"}))


@bp.post("/journeys/new")
@editor_required
def journey_create() -> Response:
    def work(session: Session) -> str:
        values = _values(session, None)
        last = session.scalar(select(func.max(Journey.position)))
        session.add(Journey(position=(last or 0) + 1, **values))
        return str(values["slug"])

    outcome = submit(work)
    if not outcome.ok:
        return _form_page(None, shown(FIELDS, request.form), outcome.errors, 422)
    return redirect(url_for("editor.journey_edit", slug=outcome.value), code=303)


@bp.get("/journeys/<slug>")
@editor_required
def journey_edit(slug: str) -> Response:
    journey = get_journey(slug)
    return _form_page(journey, displayed(FIELDS, journey))


@bp.post("/journeys/<slug>")
@editor_required
def journey_update(slug: str) -> Response:
    journey_id = get_journey(slug).id

    def work(session: Session) -> str:
        journey = locked(Journey, journey_id)
        assert journey is not None
        check_version(journey, request.form.get("lock_version"))
        values = _values(session, journey.id)
        for name, value in values.items():
            if getattr(journey, name) != value:
                setattr(journey, name, value)
        journey.lock_version += 1
        return str(values["slug"])

    outcome = submit(work)
    db.session.expire_all()
    if outcome.conflict:
        journey = get_journey(slug)
        return conflict_page(
            what=_("journey %(name)s", name=journey.title),
            entity="journey",
            record=journey,
            fields=FIELDS,
            theirs=displayed(FIELDS, journey),
            yours=shown(FIELDS, request.form),
            action=url_for("editor.journey_update", slug=slug),
            edit_url=url_for("editor.journey_edit", slug=slug),
        )
    if not outcome.ok:
        return _form_page(get_journey(slug), shown(FIELDS, request.form), outcome.errors, 422)
    return redirect(url_for("editor.journey_edit", slug=outcome.value, saved=1), code=303)


@bp.post("/journeys/<slug>/delete")
@editor_required
def journey_delete(slug: str) -> Response:
    journey_id = get_journey(slug).id

    def work(session: Session) -> None:
        journey = locked(Journey, journey_id)
        assert journey is not None
        check_version(journey, request.form.get("lock_version"))
        session.delete(journey)

    outcome = submit(work)
    if not outcome.ok:
        db.session.expire_all()
        journey = get_journey(slug)
        errors = outcome.errors or {
            "": _("The journey changed since you loaded it; check it before deleting it.")
        }
        return _form_page(journey, displayed(FIELDS, journey), errors, 409)
    return redirect(url_for("editor.dashboard", deleted=slug), code=303)
