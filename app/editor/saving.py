"""Saving a form: one write transaction per submit (all or nothing), and optimistic
locking: a form carries the `lock_version` of the record it was loaded at, and a save
against a newer version is a conflict (HTTP 409 with both versions), never a silent
overwrite. A race the version check cannot see (another save committed between our
read and our write) is caught by SQLAlchemy's `version_id_col` as StaleDataError."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from flask import Response, render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..models import ContentVersion
from ..transactions import write_transaction
from .fields import Field, FormErrors

T = TypeVar("T")


class EditConflict(Exception):
    """The record changed since the editor's form was loaded."""


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    errors: dict[str, str] = field(default_factory=dict)
    conflict: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflict


def check_version(record: Any, submitted: str | None) -> None:
    """Refuse a save made from a form loaded at another version of the record."""
    try:
        loaded = int(submitted or "")
    except ValueError:
        raise FormErrors(
            {"": _("The form does not say which version it edits: reload the page and edit again.")}
        ) from None
    if loaded != record.lock_version:
        raise EditConflict()


def submit(work: Callable[[Session], T]) -> Outcome[T]:
    """Run `work` in one write transaction; refusals and conflicts change nothing."""
    try:
        with write_transaction() as session:
            value = work(session)
        return Outcome(value=value)
    except FormErrors as exc:
        return Outcome(errors=exc.errors)
    except (EditConflict, StaleDataError):
        return Outcome(conflict=True)
    except IntegrityError:
        return Outcome(
            errors={
                "": _(
                    "The change clashes with what is stored now (another editor may have"
                    " just used the same slug); nothing was saved."
                )
            }
        )


def page(template: str, title: str, status: int = 200, **context: Any) -> Response:
    """An editor page: never cached, never shared."""
    body = render_template(template, data={"title": title}, **context)
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def last_change(entity: str, entity_id: int) -> ContentVersion | None:
    from ..extensions import db

    return db.session.scalars(
        select(ContentVersion)
        .filter_by(entity=entity, entity_id=entity_id)
        .order_by(ContentVersion.version.desc())
        .limit(1)
    ).first()


def conflict_page(
    *,
    what: str,
    entity: str,
    record: Any,
    fields: list[Field],
    theirs: dict[str, Any],
    yours: dict[str, Any],
    action: str,
    edit_url: str,
) -> Response:
    """HTTP 409: both versions side by side (theirs, as saved now; yours, as sent),
    and a form that re-applies yours over the current version."""
    differs = {f.name for f in fields if theirs.get(f.name) != yours.get(f.name)}
    return page(
        "editor/conflict.html",
        _("Conflict: %(what)s", what=what),
        status=409,
        what=what,
        fields=fields,
        theirs=theirs,
        yours=yours,
        differs=differs,
        version=record.lock_version,
        change=last_change(entity, record.id),
        action=action,
        edit_url=edit_url,
    )
