"""Citations: made by selecting words in a passage (the source's passages on a page of
their own; static/js/editor-cite.js turns the selection into the exact text and its
offsets), re-verified by the server (app/editor/quotes.py) before saving; deleting a
record's last citation is refused. A new leg, hazard or place comes with its first
citation (`read_first_citation`), so no record is ever saved without one."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ..annotation import QuoteError
from ..auth import editor_required
from ..extensions import db
from ..history.pages import entity_label
from ..models import Citation, Hazard, Journey, Leg, Place, Source
from ..transactions import locked
from ..vocabulary import SENSITIVITY_TAGS
from .blueprint import bp
from .fields import Field, FormErrors, fixed, read_fields
from .quotes import MUST_CITE, TARGETS, VerifiedQuote, add_citation, target_of, verify
from .saving import page, submit


def source_choices() -> list[tuple[str, str]]:
    return [(s.slug, s.label) for s in db.session.scalars(select(Source).order_by(Source.id))]


CITE_FIELDS = [
    Field("cite_source", _l("Source"), kind="choice", choices=source_choices),
    Field(
        "cite_quote",
        _l("Quote"),
        kind="textarea",
        help=_l(
            "the exact words, as the source has them; select them in the source to fill this in"
        ),
    ),
    Field("cite_start", _l("Start"), kind="hidden", required=False),
    Field("cite_end", _l("End"), kind="hidden", required=False),
    Field(
        "cite_sensitivity",
        _l("Content notes for the quote"),
        kind="tags",
        required=False,
        choices=fixed(SENSITIVITY_TAGS),
    ),
]


def read_first_citation(
    session: Session, errors: dict[str, str]
) -> tuple[VerifiedQuote, list[str]] | None:
    """The citation a new record is created with, verified against its source; a
    message in `errors` (and None) when it is missing or not in the source."""
    values = read_fields(CITE_FIELDS, request.form, errors)
    if not values["cite_source"] or not values["cite_quote"]:
        return None
    source = session.scalars(select(Source).filter_by(slug=values["cite_source"])).one()
    try:
        quote = verify(
            session, source, str(values["cite_quote"]), values["cite_start"], values["cite_end"]
        )
    except QuoteError as exc:
        errors["cite_quote"] = _(
            "Refused: %(reason)s (%(source)s).", reason=exc, source=source.label
        )
        return None
    return quote, list(values["cite_sensitivity"])


def cite_form_defaults() -> dict[str, Any]:
    """A citation picked in the source reader arrives in the query string."""
    return {
        f.name: (request.args.getlist(f.name) if f.multiple else request.args.get(f.name, ""))
        for f in CITE_FIELDS
    }


def target_record(session: Session, kind: str, record_id: int) -> Journey | Leg | Hazard | Place:
    model = TARGETS.get(kind)
    record = session.get(model, record_id) if model else None
    if not isinstance(record, (Journey, Leg, Hazard, Place)):
        abort(404)
    return record


def record_url(kind: str, record: Journey | Leg | Hazard | Place) -> str:
    if isinstance(record, Leg):
        return url_for("editor.leg_edit", leg_id=record.id)
    if isinstance(record, Place):
        return url_for("editor.place_edit", slug=record.slug)
    if isinstance(record, Hazard):
        return url_for("editor.hazard_edit", slug=record.slug)
    assert isinstance(record, Journey)
    return url_for("editor.journey_edit", slug=record.slug)


def record_label(record: Journey | Leg | Hazard | Place) -> str:
    if isinstance(record, Leg):
        return str(
            _(
                "leg %(n)s of %(journey)s: %(start)s → %(end)s",
                n=record.position,
                journey=record.journey.title,
                start=record.from_place.name,
                end=record.to_place.name,
            )
        )
    if isinstance(record, Journey):
        return str(_("journey: %(title)s", title=record.title))
    if isinstance(record, Hazard):
        return str(_("hazard: %(name)s", name=record.name))
    return str(_("place: %(name)s", name=record.name))


def _reader(
    kind: str,
    record_id: int,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
    pick: str | None = None,
) -> Response:
    """The source's passages, to select the quote in."""
    session = db.session()
    record = target_record(session, kind, record_id) if kind != "pick" else None
    sources = list(session.scalars(select(Source).order_by(Source.id)))
    slug = (
        (form or {}).get("cite_source")
        or request.args.get("source")
        or (sources[0].slug if sources else None)
    )
    source = next((s for s in sources if s.slug == slug), None)
    return page(
        "editor/cite.html",
        _("Cite a source"),
        status,
        kind=kind,
        record=record,
        label=record_label(record) if record is not None else _("a new record"),
        back=record_url(kind, record) if record is not None else pick,
        sources=sources,
        source=source,
        fields=CITE_FIELDS,
        form=form or {},
        errors=errors or {},
        pick=pick,
    )


@bp.get("/cite/<kind>/<int:record_id>")
@editor_required
def cite(kind: str, record_id: int) -> Response:
    return _reader(kind, record_id)


@bp.get("/pick-quote")
@editor_required
def pick_quote() -> Response:
    """Select a quote for a record not made yet: the quote goes back to its form."""
    back = request.args.get("next", "")
    if not back.startswith("/edit/"):  # only back into the editor, never elsewhere
        abort(400)
    return _reader("pick", 0, pick=back)


@bp.post("/cite/<kind>/<int:record_id>")
@editor_required
def cite_save(kind: str, record_id: int) -> Response:
    def work(session: Session) -> str:
        record = target_record(session, kind, record_id)
        errors: dict[str, str] = {}
        first = read_first_citation(session, errors)
        if errors or first is None:
            raise FormErrors(errors or {"cite_quote": _("Select the words to cite.")})
        quote, tags = first
        try:
            citation = add_citation(session, kind, record, quote, tags)
        except QuoteError as exc:
            raise FormErrors({"cite_quote": _("Refused: %(reason)s.", reason=exc)}) from None
        return record_url(kind, record) + f"#citation-{citation.id}"

    outcome = submit(work)
    if not outcome.ok:
        db.session.expire_all()
        form = {
            f.name: (request.form.getlist(f.name) if f.multiple else request.form.get(f.name, ""))
            for f in CITE_FIELDS
        }
        return _reader(kind, record_id, outcome.errors, form, 422)
    return redirect(str(outcome.value), code=303)


@bp.post("/citations/<int:citation_id>/delete")
@editor_required
def citation_delete(citation_id: int) -> Response:
    citation = db.session.get(Citation, citation_id)
    if citation is None:
        abort(404)
    kind, record = target_of(citation)
    if record is None:
        abort(404)  # discrepancy sides are not edited here
    back = record_url(kind, record)

    def work(session: Session) -> None:
        found = locked(Citation, citation_id)
        if found is None:
            raise FormErrors({"": _("That citation is already deleted.")})
        locked(type(record), record.id)  # two deletions of a record's citations queue up
        column = getattr(Citation, f"{kind}_id")
        count = session.scalar(select(func.count(Citation.id)).where(column == record.id))
        if kind in MUST_CITE and (count or 0) <= 1:
            raise FormErrors(
                {
                    "": _(
                        "Refused: this is the last citation of the %(kind)s; every %(kind)s"
                        " keeps at least one. Add another citation first.",
                        kind=entity_label(kind),
                    )
                }
            )
        session.delete(found)

    outcome = submit(work)
    if not outcome.ok:
        return page("editor/refused.html", _("Not deleted"), 422, errors=outcome.errors, back=back)
    return redirect(back + "#citations", code=303)
