"""Sources: add one by pasting its text or uploading a .txt/.md file; edit what is
said about it. The text is split into passages exactly as the seeded ones are
(app/annotation.py `split_passages`). Once anything cites it, the stored text is
immutable (citations point at offsets into it); until then it may be replaced."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from ..annotation import split_passages
from ..auth import editor_required
from ..extensions import db
from ..models import Citation, Passage, Source
from ..transactions import locked
from .blueprint import bp
from .fields import Field, FormErrors, displayed, read_fields, shown
from .saving import check_version, conflict_page, page, submit

MAX_TEXT = 2_000_000  # characters; the seeded articles are 5–20 thousand
UPLOAD_SUFFIXES = (".txt", ".md")

FIELDS = [
    Field("label", _l("Label (how the atlas names it)"), max_len=300),
    Field("slug", _l("Slug (in its address)"), kind="slug", max_len=80),
    Field(
        "title", _l("Headline"), required=False, max_len=300, help=_l("only if the text states one")
    ),
    Field("author", _l("Author"), required=False, max_len=200),
    Field("outlet", _l("Outlet"), required=False, max_len=200, help=_l("its own publisher")),
    Field(
        "date", _l("Date"), required=False, max_len=10, help=_l("ISO: 2023-11-02, 2023-11 or 2023")
    ),
    Field("notes", _l("Notes"), kind="textarea", required=False),
]
TEXT = Field("text", _l("Text"), kind="textarea", required=False)


def _source(slug: str) -> Source:
    source = db.session.scalars(select(Source).filter_by(slug=slug)).one_or_none()
    if source is None:
        abort(404)
    return source


def cited_count(session: Session, source: Source) -> int:
    return int(
        session.scalar(select(func.count(Citation.id)).where(Citation.source_id == source.id)) or 0
    )


def _values(form: Any) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values = read_fields(FIELDS, form, errors)
    date = values.get("date")
    if date and not _iso_date(date):
        errors["date"] = _("Date must be ISO: 2023-11-02, 2023-11 or 2023.")
    if errors:
        raise FormErrors(errors)
    return values


def _iso_date(value: str) -> bool:
    parts = value.split("-")
    lengths = [len(p) for p in parts]
    return all(p.isdigit() for p in parts) and lengths in ([4], [4, 2], [4, 2, 2])


def _slug_free(session: Session, slug: str, own_id: int | None) -> None:
    taken = session.scalar(select(Source.id).filter_by(slug=slug))
    if taken is not None and taken != own_id:
        raise FormErrors(
            {"slug": _("The slug %(slug)s is already used by another source.", slug=repr(slug))}
        )


def _submitted_text(slug: str, *, required: bool) -> tuple[str | None, str | None]:
    """(text, file name) from the pasted text or the uploaded file, checked."""
    errors: dict[str, str] = {}
    pasted = request.form.get("text", "").replace("\r\n", "\n").replace("\r", "\n")
    upload = request.files.get("upload")
    name = None
    text: str | None = pasted if pasted.strip() else None
    if upload is not None and upload.filename:
        if text is not None:
            raise FormErrors({"text": _("Paste the text or upload a file, not both.")})
        suffix = PurePath(upload.filename).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise FormErrors({"upload": _("Upload a plain-text file: .txt or .md.")})
        try:
            text = upload.read(MAX_TEXT * 4 + 1).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormErrors({"upload": _("The file is not UTF-8 text.")}) from None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        name = secure_filename(upload.filename) or f"{slug}{suffix}"
    if text is None:
        if required:
            errors["text"] = _("Paste the article's text or upload it as a .txt or .md file.")
    elif "\x00" in text:
        errors["text"] = _("The text contains a NUL character; remove it.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("The text is longer than %(n)s characters.", n=f"{MAX_TEXT:,}")
    elif not split_passages(text):
        errors["text"] = _("The text has no passage (no line with words).")
    if errors:
        raise FormErrors(errors)
    return text, name


def store_text(session: Session, source: Source, text: str) -> None:
    """The text and its passages, split as the seed loader splits them."""
    source.text = text
    source.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if source.passages:
        source.passages.clear()
        session.flush()  # the old passages go before new ones take their numbers
    for span in split_passages(text):
        source.passages.append(
            Passage(number=span.number, start=span.start, end=span.end, text=span.text)
        )


def _form_page(
    source: Source | None,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
    text: str = "",
) -> Response:
    cited = cited_count(db.session(), source) if source is not None else 0
    return page(
        "editor/source.html",
        _("Edit %(name)s", name=source.label) if source else _("New source"),
        status,
        source=source,
        fields=FIELDS,
        text_field=TEXT,
        form=form,
        text=text,
        errors=errors or {},
        cited=cited,
        version=source.lock_version if source else None,
    )


@bp.get("/sources/new")
@editor_required
def source_new() -> Response:
    return _form_page(None, displayed(FIELDS, {}))


@bp.post("/sources/new")
@editor_required
def source_create() -> Response:
    def work(session: Session) -> str:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        text, name = None, None
        try:
            values = _values(request.form)
            _slug_free(session, values["slug"], None)
        except FormErrors as exc:
            errors.update(exc.errors)
        try:
            text, name = _submitted_text(values.get("slug") or "source", required=True)
        except FormErrors as exc:
            errors.update(exc.errors)
        if errors or text is None:
            raise FormErrors(errors)
        file = name or f"{values['slug']}.txt"
        if session.scalar(select(Source.id).filter_by(file=file)) is not None:
            raise FormErrors(
                {"upload": _("A source from the file %(file)s exists already.", file=repr(file))}
            )
        source = Source(file=file, **values)
        session.add(source)
        store_text(session, source, text)
        return str(values["slug"])

    outcome = submit(work)
    if not outcome.ok:
        return _form_page(
            None, shown(FIELDS, request.form), outcome.errors, 422, request.form.get("text", "")
        )
    return redirect(url_for("editor.source_edit", slug=outcome.value), code=303)


@bp.get("/sources/<slug>")
@editor_required
def source_edit(slug: str) -> Response:
    source = _source(slug)
    return _form_page(source, displayed(FIELDS, source), text=source.text)


@bp.post("/sources/<slug>")
@editor_required
def source_update(slug: str) -> Response:
    source_id = _source(slug).id

    def work(session: Session) -> str:
        source = locked(Source, source_id)
        assert source is not None
        check_version(source, request.form.get("lock_version"))
        values = _values(request.form)
        _slug_free(session, values["slug"], source.id)
        for name, value in values.items():
            if getattr(source, name) != value:
                setattr(source, name, value)
        text, _name = _submitted_text(values["slug"], required=False)
        if text is not None and text != source.text:
            if cited_count(session, source):
                raise FormErrors(
                    {
                        "text": _(
                            "This source is cited, so its text cannot change: citations"
                            " point at the words where they stand. Add the new text as a new"
                            " source."
                        )
                    }
                )
            store_text(session, source, text)
        source.lock_version += 1  # every save is a new version, whatever it changed
        return str(values["slug"])

    outcome = submit(work)
    if outcome.conflict:
        db.session.expire_all()
        source = _source(slug)
        return conflict_page(
            what=_("source %(name)s", name=source.label),
            entity="source",
            record=source,
            fields=FIELDS,
            theirs=displayed(FIELDS, source),
            yours=shown(FIELDS, request.form),
            action=url_for("editor.source_update", slug=slug),
            edit_url=url_for("editor.source_edit", slug=slug),
        )
    if not outcome.ok:
        db.session.expire_all()
        return _form_page(
            _source(slug),
            shown(FIELDS, request.form),
            outcome.errors,
            422,
            request.form.get("text", ""),
        )
    return redirect(url_for("editor.source_edit", slug=outcome.value, saved=1), code=303)


@bp.post("/sources/<slug>/delete")
@editor_required
def source_delete(slug: str) -> Response:
    source_id = _source(slug).id

    def work(session: Session) -> None:
        source = locked(Source, source_id)
        assert source is not None
        check_version(source, request.form.get("lock_version"))
        if cited_count(session, source):
            raise FormErrors({"": _("This source is cited; delete its citations first.")})
        session.delete(source)

    outcome = submit(work)
    if not outcome.ok:
        db.session.expire_all()
        source = _source(slug)
        errors = outcome.errors or {
            "": _("The source changed since you loaded it; check it again.")
        }
        return _form_page(
            source, displayed(FIELDS, source), errors, 409 if outcome.conflict else 422, source.text
        )
    return redirect(url_for("editor.dashboard", deleted=slug), code=303)
