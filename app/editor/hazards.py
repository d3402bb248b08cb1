"""Hazards: create (with the first citation), edit (kind, place, the journeys and legs
it belongs to, summary, content-note tags), delete."""

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
from ..models import Hazard, Journey, Leg, join_tags
from ..transactions import locked
from ..vocabulary import HAZARD_KINDS, SENSITIVITY_TAGS
from .blueprint import bp
from .citations import CITE_FIELDS, cite_form_defaults, read_first_citation
from .fields import Field, FormErrors, displayed, fixed, korean, read_fields, shown
from .legs import place_choices
from .quotes import add_citation
from .saving import check_version, conflict_page, page, submit


def journey_choices() -> list[tuple[str, str]]:
    query = select(Journey).order_by(Journey.position)
    return [(str(j.id), j.title) for j in db.session.scalars(query)]


def leg_choices() -> list[tuple[str, str]]:
    query = select(Leg).join(Journey).order_by(Journey.position, Leg.position)
    return [
        (
            str(leg.id),
            _(
                "%(journey)s, leg %(n)s: %(start)s → %(end)s",
                journey=leg.journey.title,
                n=leg.position,
                start=leg.from_place.name,
                end=leg.to_place.name,
            ),
        )
        for leg in db.session.scalars(query)
    ]


FIELDS = [
    Field("name", _l("Name"), max_len=300),
    korean("name_ko", max_len=300),
    Field("slug", _l("Slug (in its address)"), kind="slug", max_len=80),
    Field(
        "kind",
        _l("Kind"),
        kind="choice",
        choices=fixed({k: v.label for k, v in HAZARD_KINDS.items()}),
    ),
    Field("summary", _l("Summary"), kind="textarea", help=_l("our words, from the sources")),
    korean("summary_ko", kind="textarea"),
    Field(
        "sensitivity",
        _l("Content notes (what its subject is)"),
        kind="tags",
        required=False,
        choices=fixed(SENSITIVITY_TAGS),
    ),
    Field(
        "place_id",
        _l("Where"),
        kind="ref",
        required=False,
        choices=place_choices,
        help=_l("leave empty when the sources do not say where"),
    ),
    Field(
        "journey_ids",
        _l("Journeys it affects"),
        kind="refs",
        required=False,
        choices=journey_choices,
    ),
    Field("leg_ids", _l("Legs it affects"), kind="refs", required=False, choices=leg_choices),
]


def _hazard(slug: str) -> Hazard:
    hazard = db.session.scalars(select(Hazard).filter_by(slug=slug)).one_or_none()
    if hazard is None:
        abort(404)
    return hazard


def hazard_values(hazard: Hazard) -> dict[str, Any]:
    return {
        **{f.name: getattr(hazard, f.name, None) for f in FIELDS},
        "sensitivity": hazard.sensitivity_tags,
        "journey_ids": [j.id for j in hazard.journeys],
        "leg_ids": sorted(leg.id for leg in hazard.legs),
    }


def _apply(session: Session, hazard: Hazard, own_id: int | None) -> None:
    errors: dict[str, str] = {}
    v = read_fields(FIELDS, request.form, errors)
    if v["slug"]:
        taken = session.scalar(select(Hazard.id).filter_by(slug=v["slug"]))
        if taken is not None and taken != own_id:
            errors["slug"] = _(
                "The slug %(slug)s is already used by another hazard.", slug=repr(v["slug"])
            )
    if errors:
        raise FormErrors(errors)
    for name in ("name", "name_ko", "slug", "kind", "summary", "summary_ko", "place_id"):
        if getattr(hazard, name) != v[name]:
            setattr(hazard, name, v[name])
    tags = join_tags([t for t in SENSITIVITY_TAGS if t in v["sensitivity"]])
    if hazard.sensitivity != tags:
        hazard.sensitivity = tags
    journeys = [session.get(Journey, i) for i in v["journey_ids"]]
    legs = [session.get(Leg, i) for i in v["leg_ids"]]
    if [j.id for j in hazard.journeys] != v["journey_ids"]:
        hazard.journeys = [j for j in journeys if j is not None]
    if sorted(leg.id for leg in hazard.legs) != sorted(v["leg_ids"]):
        hazard.legs = [leg for leg in legs if leg is not None]


def _form_page(
    hazard: Hazard | None,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return page(
        "editor/hazard.html",
        _("Edit %(name)s", name=hazard.name) if hazard else _("New hazard"),
        status,
        hazard=hazard,
        fields=FIELDS,
        cite_fields=CITE_FIELDS if hazard is None else [],
        form=form,
        errors=errors or {},
        version=hazard.lock_version if hazard else None,
    )


@bp.get("/hazards/new")
@editor_required
def hazard_new() -> Response:
    return _form_page(
        None, {**displayed(FIELDS, {}), **cite_form_defaults(), **request.args.to_dict()}
    )


@bp.post("/hazards/new")
@editor_required
def hazard_create() -> Response:
    def work(session: Session) -> str:
        last = session.scalar(select(func.max(Hazard.position)))
        hazard = Hazard(position=(last or 0) + 1)
        session.add(hazard)
        errors: dict[str, str] = {}
        with session.no_autoflush:  # nothing is written before everything is checked
            try:
                _apply(session, hazard, None)
            except FormErrors as exc:
                errors = exc.errors
            first = read_first_citation(session, errors)
        if errors or first is None:
            raise FormErrors(errors or {"cite_quote": _("A new hazard needs its first citation.")})
        session.flush()
        add_citation(session, "hazard", hazard, *first)
        return hazard.slug

    outcome = submit(work)
    if not outcome.ok:
        form = {**shown(FIELDS, request.form), **shown(CITE_FIELDS, request.form)}
        return _form_page(None, form, outcome.errors, 422)
    return redirect(url_for("editor.hazard_edit", slug=outcome.value), code=303)


@bp.get("/hazards/<slug>")
@editor_required
def hazard_edit(slug: str) -> Response:
    hazard = _hazard(slug)
    return _form_page(hazard, displayed(FIELDS, hazard_values(hazard)))


@bp.post("/hazards/<slug>")
@editor_required
def hazard_update(slug: str) -> Response:
    hazard_id = _hazard(slug).id

    def work(session: Session) -> str:
        hazard = locked(Hazard, hazard_id)
        assert hazard is not None
        check_version(hazard, request.form.get("lock_version"))
        _apply(session, hazard, hazard.id)
        hazard.lock_version += 1  # also when only its memberships changed
        return hazard.slug

    outcome = submit(work)
    db.session.expire_all()
    if outcome.conflict:
        hazard = _hazard(slug)
        return conflict_page(
            what=_("hazard %(name)s", name=hazard.name),
            entity="hazard",
            record=hazard,
            fields=FIELDS,
            theirs=displayed(FIELDS, hazard_values(hazard)),
            yours=shown(FIELDS, request.form),
            action=url_for("editor.hazard_update", slug=slug),
            edit_url=url_for("editor.hazard_edit", slug=slug),
        )
    if not outcome.ok:
        return _form_page(_hazard(slug), shown(FIELDS, request.form), outcome.errors, 422)
    return redirect(url_for("editor.hazard_edit", slug=outcome.value, saved=1), code=303)


@bp.post("/hazards/<slug>/delete")
@editor_required
def hazard_delete(slug: str) -> Response:
    hazard_id = _hazard(slug).id

    def work(session: Session) -> None:
        hazard = locked(Hazard, hazard_id)
        assert hazard is not None
        check_version(hazard, request.form.get("lock_version"))
        session.delete(hazard)

    outcome = submit(work)
    if not outcome.ok:
        db.session.expire_all()
        hazard = _hazard(slug)
        errors = outcome.errors or {
            "": _("The hazard changed since you loaded it; check it again.")
        }
        return _form_page(hazard, displayed(FIELDS, hazard_values(hazard)), errors, 409)
    return redirect(url_for("editor.dashboard", deleted=slug), code=303)
