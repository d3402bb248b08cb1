"""Places: create (with the first citation) and edit. The anchor is set by clicking a
Leaflet map (static/js/editor-map.js; the fields can be typed too); precision and
provenance say how exactly the sources locate it; the area is computed as the seed
loader computes it (app/seeding/areas.py): a Natural Earth country, a circle, or a
line drawn through points."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import abort, current_app, jsonify, redirect, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ..auth import editor_required
from ..extensions import db
from ..geocoding import lookup
from ..models import PRECISIONS, PROVENANCES, DiscrepancySubject, Hazard, Leg, Place
from ..reader import select_language
from ..seeding.areas import country_shapes, line_geometry
from ..transactions import locked
from ..vocabulary import PLACE_KIND_LABELS, PRECISION_LABELS
from .blueprint import bp
from .citations import CITE_FIELDS, cite_form_defaults, read_first_citation
from .fields import Field, FormErrors, displayed, fixed, korean, read_fields, shown
from .quotes import add_citation
from .saving import check_version, conflict_page, page, submit

AREAS = {
    "natural_earth": _l("the country's outline (Natural Earth)"),
    "circle": _l("a circle around the anchor"),
    "line": _l("a line through points (a river, a border)"),
    "none": _l("none: not drawn (only when the location is unknown)"),
}


@lru_cache(maxsize=2)
def _shapes(path: str) -> dict[str, dict[str, Any]]:
    return country_shapes(Path(path))


@lru_cache(maxsize=2)
def _country_names(path: str) -> list[tuple[str, str]]:
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    named = [
        (str(f["id"]), f"{f['properties'].get('name', f['id'])} ({f['id']})")
        for f in collection["features"]
        if f.get("id") is not None and f.get("geometry")
    ]
    return sorted(named, key=lambda pair: pair[1])


def natural_earth_path() -> str:
    return str(current_app.config["NATURAL_EARTH_PATH"])


def country_choices() -> list[tuple[str, str]]:
    return _country_names(natural_earth_path())


def country_place_choices() -> list[tuple[str, str]]:
    query = select(Place).filter_by(kind="country").order_by(Place.name)
    return [(str(p.id), p.name) for p in db.session.scalars(query)]


FIELDS = [
    Field("name", _l("Name"), max_len=200),
    korean("name_ko", max_len=200),
    Field("slug", _l("Slug (in its address)"), kind="slug", max_len=80),
    Field("kind", _l("Kind"), kind="choice", choices=fixed(PLACE_KIND_LABELS)),
    Field(
        "precision",
        _l("Precision: how exactly the sources locate it"),
        kind="choice",
        choices=fixed({p: PRECISION_LABELS[p] for p in PRECISIONS}),
    ),
    Field(
        "provenance",
        _l("Provenance"),
        kind="choice",
        choices=fixed(
            {
                "stated": _l("stated: a source names it"),
                "editorial": _l("editorial: our assumption"),
            }
        ),
    ),
    Field(
        "provenance_note",
        _l("Provenance note"),
        kind="textarea",
        required=False,
        help=_l("why, or what exactly the source says (required when editorial)"),
    ),
    Field(
        "anchor_lat",
        _l("Anchor latitude"),
        kind="number",
        required=False,
        low=-90,
        high=90,
        help=_l("click the map to set the anchor"),
    ),
    Field("anchor_lon", _l("Anchor longitude"), kind="number", required=False, low=-180, high=180),
    Field(
        "anchor_note",
        _l("Anchor note"),
        kind="textarea",
        required=False,
        help=_l("the anchor is always an editorial point: say why it is there"),
    ),
    korean("anchor_note_ko", kind="textarea"),
    Field("area_kind", _l("Area drawn"), kind="choice", choices=fixed(AREAS)),
    Field(
        "area_country",
        _l("Country outline"),
        kind="choice",
        required=False,
        choices=country_choices,
        help=_l(
            "left empty, a place keeps the area derived for it from several countries "
            "(a union, or a band along a border, as the seed data define it)"
        ),
    ),
    Field("circle_km", _l("Circle radius (km)"), kind="number", required=False, low=0.1, high=5000),
    Field(
        "line_points",
        _l("Line points"),
        kind="textarea",
        required=False,
        help=_l("one “lat, lon” per line; with the line selected, clicks on the map add points"),
    ),
    Field(
        "country_id",
        _l("In the country"),
        kind="ref",
        required=False,
        choices=country_place_choices,
        help=_l("only when a source says so"),
    ),
]
assert set(PROVENANCES) == {"stated", "editorial"}


def _place(slug: str) -> Place:
    place = db.session.scalars(select(Place).filter_by(slug=slug)).one_or_none()
    if place is None:
        abort(404)
    return place


def place_values(place: Place) -> dict[str, Any]:
    """A place as its form shows it (the area as the choices that make it)."""
    values: dict[str, Any] = {f.name: getattr(place, f.name, None) for f in FIELDS}
    values["area_kind"] = place.area_kind
    geometry = json.loads(place.area_geojson) if place.area_geojson else None
    if place.area_kind == "natural_earth" and geometry is not None:
        shapes = _shapes(natural_earth_path())
        values["area_country"] = next((k for k, g in shapes.items() if g == geometry), None)
    if place.area_kind == "line" and geometry is not None:
        values["line_points"] = "\n".join(f"{lat}, {lon}" for lon, lat in geometry["coordinates"])
    return values


def _line(text: str, errors: dict[str, str]) -> list[list[float]]:
    points: list[list[float]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            lat, lon = (float(part) for part in line.replace(";", ",").split(","))
        except ValueError:
            errors["line_points"] = _(
                "Line point %(n)s must be “lat, lon”, not %(text)s.", n=n, text=repr(line.strip())
            )
            return []
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors["line_points"] = _(
                "Line point %(n)s is out of range (lat -90..90, lon -180..180).", n=n
            )
            return []
        points.append([lat, lon])
    if len(points) < 2:
        errors["line_points"] = _("A line needs at least two points.")
    return points


def read_place(session: Session, own_id: int | None, errors: dict[str, str]) -> dict[str, Any]:
    """The place's columns from the form, with every rule of seeds/README.md checked."""
    v = read_fields(FIELDS, request.form, errors)
    if v["slug"]:
        taken = session.scalar(select(Place.id).filter_by(slug=v["slug"]))
        if taken is not None and taken != own_id:
            errors["slug"] = _(
                "The slug %(slug)s is already used by another place.", slug=repr(v["slug"])
            )
    if v["provenance"] == "editorial" and not v["provenance_note"]:
        errors.setdefault(
            "provenance_note", _("An editorial place needs a provenance note saying why.")
        )
    lat, lon = v["anchor_lat"], v["anchor_lon"]
    anchored = lat is not None and lon is not None
    if (lat is None) != (lon is None) and "anchor_lat" not in errors and "anchor_lon" not in errors:
        errors["anchor_lat"] = _("Give both the latitude and the longitude, or neither.")
    if anchored and not v["anchor_note"]:
        errors.setdefault(
            "anchor_note", _("The anchor is an editorial choice: say why it is there.")
        )
    if (
        not anchored
        and v["precision"]
        and v["precision"] != "unknown"
        and "anchor_lat" not in errors
    ):
        errors["anchor_lat"] = _("A place whose precision is known needs an anchor: click the map.")
    area: dict[str, Any] = {"area_geojson": None, "circle_km": None}
    kind = v["area_kind"]
    if kind == "none" and (anchored or v["precision"] not in (None, "unknown")):
        errors["area_kind"] = _("Only a place whose location is unknown (no anchor) has no area.")
    elif kind == "natural_earth":
        geometry = _shapes(natural_earth_path()).get(v["area_country"] or "")
        if geometry is None and not v["area_country"] and own_id is not None:
            # A derived area (a union of countries, a band along a border) is no single
            # country of the list: saving the place's other fields keeps it.
            current = session.get(Place, own_id)
            if (
                current is not None
                and current.area_kind == "natural_earth"
                and current.area_geojson
            ):
                geometry = json.loads(current.area_geojson)
        if geometry is None:
            errors.setdefault("area_country", _("Choose the country whose outline is drawn."))
        area["area_geojson"] = json.dumps(geometry)
    elif kind == "circle":
        if v["circle_km"] is None:
            errors.setdefault("circle_km", _("Give the circle's radius in km."))
        if not anchored:
            errors.setdefault("area_kind", _("A circle is drawn around the anchor: set one."))
        area["circle_km"] = v["circle_km"]
    elif kind == "line":
        points = _line(v["line_points"] or "", errors)
        area["area_geojson"] = json.dumps(line_geometry(points)) if points else None
    if own_id is not None and v["country_id"] == own_id:
        errors["country_id"] = _("A place cannot lie in itself.")
    columns = {
        k: v[k]
        for k in (
            "name",
            "name_ko",
            "slug",
            "kind",
            "precision",
            "provenance",
            "provenance_note",
            "anchor_lat",
            "anchor_lon",
            "anchor_note",
            "anchor_note_ko",
            "country_id",
        )
    }
    return {**columns, "area_kind": kind, **area}


def _form_page(
    place: Place | None,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return page(
        "editor/place.html",
        _("Edit %(name)s", name=place.name) if place else _("New place"),
        status,
        place=place,
        fields=FIELDS,
        cite_fields=CITE_FIELDS if place is None else [],
        form=form,
        errors=errors or {},
        version=place.lock_version if place else None,
    )


@bp.get("/places/new")
@editor_required
def place_new() -> Response:
    defaults = displayed(
        FIELDS,
        {
            "kind": "city",
            "precision": "city",
            "provenance": "stated",
            "area_kind": "circle",
            "circle_km": 25,
        },
    )
    return _form_page(None, {**defaults, **cite_form_defaults(), **request.args.to_dict()})


@bp.post("/places/new")
@editor_required
def place_create() -> Response:
    def work(session: Session) -> str:
        errors: dict[str, str] = {}
        values = read_place(session, None, errors)
        first = read_first_citation(session, errors)
        if errors or first is None:
            raise FormErrors(errors or {"cite_quote": _("A new place needs its first citation.")})
        place = Place(**values)
        session.add(place)
        session.flush()
        add_citation(session, "place", place, *first)
        return place.slug

    outcome = submit(work)
    if not outcome.ok:
        form = {**shown(FIELDS, request.form), **shown(CITE_FIELDS, request.form)}
        return _form_page(None, form, outcome.errors, 422)
    return redirect(url_for("editor.place_edit", slug=outcome.value), code=303)


@bp.get("/places/<slug>")
@editor_required
def place_edit(slug: str) -> Response:
    place = _place(slug)
    return _form_page(place, displayed(FIELDS, place_values(place)))


@bp.post("/places/<slug>")
@editor_required
def place_update(slug: str) -> Response:
    place_id = _place(slug).id

    def work(session: Session) -> str:
        place = locked(Place, place_id)
        assert place is not None
        check_version(place, request.form.get("lock_version"))
        errors: dict[str, str] = {}
        values = read_place(session, place.id, errors)
        if errors:
            raise FormErrors(errors)
        for name, value in values.items():
            if getattr(place, name) != value:
                setattr(place, name, value)
        place.lock_version += 1
        return place.slug

    outcome = submit(work)
    db.session.expire_all()
    if outcome.conflict:
        place = _place(slug)
        return conflict_page(
            what=_("place %(name)s", name=place.name),
            entity="place",
            record=place,
            fields=FIELDS,
            theirs=displayed(FIELDS, place_values(place)),
            yours=shown(FIELDS, request.form),
            action=url_for("editor.place_update", slug=slug),
            edit_url=url_for("editor.place_edit", slug=slug),
        )
    if not outcome.ok:
        return _form_page(_place(slug), shown(FIELDS, request.form), outcome.errors, 422)
    return redirect(url_for("editor.place_edit", slug=outcome.value, saved=1), code=303)


def _uses(session: Session, place: Place) -> list[str]:
    """What still points at the place (a deletion would break it)."""
    legs = session.scalar(
        select(func.count(Leg.id)).where(
            or_(Leg.from_place_id == place.id, Leg.to_place_id == place.id)
        )
    )
    hazards = session.scalar(select(func.count(Hazard.id)).where(Hazard.place_id == place.id))
    inside = session.scalar(select(func.count(Place.id)).where(Place.country_id == place.id))
    about = session.scalar(
        select(func.count(DiscrepancySubject.id)).where(DiscrepancySubject.place_id == place.id)
    )
    named = [
        (legs, "leg"),
        (hazards, "hazard"),
        (inside, "place inside it"),
        (about, "discrepancy"),
    ]
    return [f"{n} {what}{'s' if n != 1 else ''}" for n, what in named if n]


@bp.post("/places/<slug>/delete")
@editor_required
def place_delete(slug: str) -> Response:
    place_id = _place(slug).id

    def work(session: Session) -> None:
        place = locked(Place, place_id)
        assert place is not None
        check_version(place, request.form.get("lock_version"))
        uses = _uses(session, place)
        if uses:
            raise FormErrors(
                {
                    "": _(
                        "%(place)s is still used by %(uses)s: change those first.",
                        place=place.name,
                        uses=", ".join(uses),
                    )
                }
            )
        session.delete(place)

    outcome = submit(work)
    if not outcome.ok:
        db.session.expire_all()
        place = _place(slug)
        errors = outcome.errors or {"": _("The place changed since you loaded it; check it again.")}
        status = 409 if outcome.conflict else 422
        return _form_page(place, displayed(FIELDS, place_values(place)), errors, status)
    return redirect(url_for("editor.dashboard", deleted=slug), code=303)


@bp.get("/geocode")
@editor_required
def place_lookup() -> Response:
    """Candidates for the place form's "Look up" (JSON for static/js/editor-map.js):
    the offline gazetteer, or Nominatim when configured, with a message when it failed."""
    query = " ".join((request.args.get("q") or "").split())
    if not query:
        response = jsonify(error=gettext("Type a place name to look up."))
        response.status_code = 400
    else:
        language = request.args.get("lang") or select_language()
        online = {"1": True, "0": False}.get(request.args.get("online", ""))
        response = jsonify(lookup(query, language, online).as_dict())
    response.headers["Cache-Control"] = "no-store"
    return response
