"""Legs within a journey: add (with its first citation), edit, delete, and move up or
down. Order stays contiguous, 1..n: a new leg goes last, a deleted one closes the gap,
a move swaps two neighbours. A move or deletion carries the order the editor saw; if
the journey's legs changed meanwhile it is a conflict, not a guess."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ..auth import editor_required
from ..extensions import db
from ..models import LEG_DRAWINGS, ROUTES, Journey, Leg, Place
from ..transactions import locked
from .blueprint import bp
from .citations import CITE_FIELDS, cite_form_defaults, read_first_citation
from .fields import Field, FormErrors, displayed, fixed, korean, read_fields, shown
from .journeys import get_journey
from .quotes import add_citation
from .saving import Outcome, check_version, conflict_page, page, submit


def place_choices() -> list[tuple[str, str]]:
    return [
        (str(p.id), f"{p.name} ({p.slug})")
        for p in db.session.scalars(select(Place).order_by(Place.name))
    ]


FIELDS = [
    Field("from_place_id", _l("From"), kind="ref", choices=place_choices),
    Field("to_place_id", _l("To"), kind="ref", choices=place_choices),
    Field(
        "route",
        _l("Route"),
        kind="choice",
        choices=fixed(
            {
                "known": _l("known: the sources state this stage (drawn as a schematic line)"),
                "untold": _l("untold: the sources do not say how or where (not drawn)"),
            }
        ),
    ),
    Field(
        "drawing",
        _l("Drawing (an editorial choice)"),
        kind="choice",
        required=False,
        choices=fixed(
            {
                "overland": _l(
                    "overland: told as overland through a country but not traced (a schematic"
                    " path over land, labelled 'route through … not told')"
                ),
                "relocated": _l(
                    "relocated: moved from one place to the other, how not told (a thin"
                    " connector, not a path)"
                ),
            }
        ),
        help=_l("empty: a schematic straight line between the two places"),
    ),
    Field("summary", _l("Summary"), kind="textarea"),
    korean("summary_ko", kind="textarea"),
]
assert {value for value, _ in FIELDS[2].choices()} == set(ROUTES)  # type: ignore[misc]
assert {value for value, _ in FIELDS[3].choices()} == set(LEG_DRAWINGS)  # type: ignore[misc]


def _leg(leg_id: int) -> Leg:
    leg = db.session.get(Leg, leg_id)
    if leg is None:
        abort(404)
    return leg


def order_of(journey: Journey) -> str:
    """The journey's legs as the editor sees them: their ids in order."""
    return ",".join(str(leg.id) for leg in journey.legs)


def check_contiguous(session: Session, journey: Journey) -> None:
    session.flush()
    positions = list(
        session.scalars(
            select(Leg.position).filter_by(journey_id=journey.id).order_by(Leg.position)
        )
    )
    if positions != list(range(1, len(positions) + 1)):
        raise FormErrors({"": f"The legs' order would not be 1..{len(positions)}: {positions}."})


def _values(session: Session) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values = read_fields(FIELDS, request.form, errors)
    if values.get("route") == "known" and values.get("from_place_id") and values.get("to_place_id"):
        for key in ("from_place_id", "to_place_id"):
            place = session.get(Place, values[key])
            if place is not None and place.anchor_lat is None:
                errors["route"] = _(
                    "%(place)s has no point on the map (location unknown), so a leg to or"
                    " from it cannot be drawn: its route is untold.",
                    place=place.name,
                )
    if values.get("drawing") and values.get("route") != "known":
        errors["drawing"] = _("Only a told route is drawn: leave the drawing empty.")
    if errors:
        raise FormErrors(errors)
    return values


def _form_page(
    journey: Journey,
    leg: Leg | None,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return page(
        "editor/leg.html",
        _("Leg %(n)s of %(journey)s", n=leg.position, journey=journey.title)
        if leg
        else _("New leg of %(journey)s", journey=journey.title),
        status,
        journey=journey,
        leg=leg,
        fields=FIELDS,
        cite_fields=CITE_FIELDS if leg is None else [],
        form=form,
        errors=errors or {},
        version=leg.lock_version if leg else None,
    )


@bp.get("/journeys/<slug>/legs/new")
@editor_required
def leg_new(slug: str) -> Response:
    journey = get_journey(slug)
    last = journey.legs[-1] if journey.legs else None
    form = displayed(
        FIELDS, {"route": "known", "from_place_id": last.to_place_id if last else None}
    )
    return _form_page(journey, None, {**form, **cite_form_defaults(), **request.args.to_dict()})


@bp.post("/journeys/<slug>/legs/new")
@editor_required
def leg_create(slug: str) -> Response:
    journey_id = get_journey(slug).id

    def work(session: Session) -> int:
        journey = locked(Journey, journey_id)
        assert journey is not None
        errors: dict[str, str] = {}
        try:
            values = _values(session)
        except FormErrors as exc:
            errors, values = exc.errors, {}
        first = read_first_citation(session, errors)
        if errors or first is None:
            raise FormErrors(errors or {"cite_quote": _("A new leg needs its first citation.")})
        leg = Leg(journey_id=journey.id, position=len(journey.legs) + 1, **values)
        session.add(leg)
        session.flush()
        add_citation(session, "leg", leg, *first)
        check_contiguous(session, journey)
        return leg.id

    outcome = submit(work)
    if not outcome.ok:
        db.session.expire_all()
        form = {**shown(FIELDS, request.form), **shown(CITE_FIELDS, request.form)}
        return _form_page(get_journey(slug), None, form, outcome.errors, 422)
    return redirect(url_for("editor.journey_edit", slug=slug) + f"#leg-{outcome.value}", code=303)


@bp.get("/legs/<int:leg_id>")
@editor_required
def leg_edit(leg_id: int) -> Response:
    leg = _leg(leg_id)
    return _form_page(leg.journey, leg, displayed(FIELDS, leg))


@bp.post("/legs/<int:leg_id>")
@editor_required
def leg_update(leg_id: int) -> Response:
    _leg(leg_id)

    def work(session: Session) -> str:
        leg = locked(Leg, leg_id)
        assert leg is not None
        check_version(leg, request.form.get("lock_version"))
        for name, value in _values(session).items():
            if getattr(leg, name) != value:
                setattr(leg, name, value)
        leg.lock_version += 1
        return leg.journey.slug

    outcome = submit(work)
    db.session.expire_all()
    leg = _leg(leg_id)
    if outcome.conflict:
        return conflict_page(
            what=_("leg %(n)s of %(journey)s", n=leg.position, journey=leg.journey.title),
            entity="leg",
            record=leg,
            fields=FIELDS,
            theirs=displayed(FIELDS, leg),
            yours=shown(FIELDS, request.form),
            action=url_for("editor.leg_update", leg_id=leg_id),
            edit_url=url_for("editor.leg_edit", leg_id=leg_id),
        )
    if not outcome.ok:
        return _form_page(leg.journey, leg, shown(FIELDS, request.form), outcome.errors, 422)
    return redirect(url_for("editor.journey_edit", slug=outcome.value) + f"#leg-{leg_id}", code=303)


def _order_conflict(journey: Journey) -> Response:
    return page(
        "editor/refused.html",
        _("The legs changed"),
        409,
        errors={
            "": _(
                "The journey's legs changed since you loaded the page (another editor moved,"
                " added or deleted one). Nothing was changed: here is the current order."
            )
        },
        back=url_for("editor.journey_edit", slug=journey.slug) + "#legs",
    )


def _swap(session: Session, a: Leg, b: Leg) -> None:
    """Swap two legs' positions without ever holding one position twice."""
    pa, pb = a.position, b.position
    a.position = 0
    session.flush()
    b.position = pa
    session.flush()
    a.position = pb
    session.flush()


@bp.post("/legs/<int:leg_id>/move")
@editor_required
def leg_move(leg_id: int) -> Response:
    journey_id = _leg(leg_id).journey_id
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)

    def work(session: Session) -> str:
        journey = locked(Journey, journey_id)
        assert journey is not None
        if request.form.get("order") != order_of(journey):
            raise FormErrors({"order": "changed"})
        legs = list(journey.legs)
        index = next(i for i, leg in enumerate(legs) if leg.id == leg_id)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(legs):
            _swap(session, legs[index], legs[other])
        check_contiguous(session, journey)
        return journey.slug

    return _after_order_change(submit(work), journey_id, _("Not moved"))


@bp.post("/legs/<int:leg_id>/delete")
@editor_required
def leg_delete(leg_id: int) -> Response:
    journey_id = _leg(leg_id).journey_id

    def work(session: Session) -> str:
        journey = locked(Journey, journey_id)
        assert journey is not None
        if request.form.get("order") != order_of(journey):
            raise FormErrors({"order": "changed"})
        leg = locked(Leg, leg_id)
        assert leg is not None
        check_version(leg, request.form.get("lock_version"))
        after = [other for other in journey.legs if other.position > leg.position]
        session.delete(leg)
        session.flush()
        session.expire(journey, ["legs"])
        for other in after:  # close the gap, lowest first (positions stay unique)
            other.position -= 1
            session.flush()
        check_contiguous(session, journey)
        return journey.slug

    return _after_order_change(submit(work), journey_id, _("Not deleted"))


def _after_order_change(outcome: Outcome[str], journey_id: int, refused: str) -> Response:
    """The answer to a move or a deletion of a leg: back to the journey's legs, the 409
    page when the order changed meanwhile, or the reasons it was refused."""
    db.session.expire_all()
    journey = db.session.get(Journey, journey_id)
    assert journey is not None
    if outcome.errors.get("order") or outcome.conflict:
        return _order_conflict(journey)
    if not outcome.ok:
        return page(
            "editor/refused.html",
            refused,
            422,
            errors=outcome.errors,
            back=url_for("editor.journey_edit", slug=journey.slug),
        )
    return redirect(url_for("editor.journey_edit", slug=journey.slug) + "#legs", code=303)
