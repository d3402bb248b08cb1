"""The fields of the editor's forms, read and checked in one place.

Each form is a list of `Field`s. `read_fields` turns the submitted form into typed
values and collects one clear message per field that is wrong; the view re-renders
the form with what the editor typed (`shown`) and those messages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ..seeding.korean import korean_problem

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
Choices = Callable[[], list[tuple[str, str]]]


class FormErrors(Exception):
    """The submission is refused; `errors` maps a field name ("" for the whole form)
    to the message shown beside it."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(f"{k or 'form'}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    # text | textarea | slug | choice | number | tags | ref | refs | hidden
    kind: str = "text"
    required: bool = True
    max_len: int | None = None
    choices: Choices | None = None
    help: str = ""
    low: float | None = None
    high: float | None = None
    # The language of the text typed in ("ko": Korean text, checked by the seed
    # loader's rule and marked lang="ko" so browsers pick Korean fonts and input).
    lang: str = ""

    @property
    def multiple(self) -> bool:
        return self.kind in ("tags", "refs")


KOREAN_HELP = _l(
    "optional: leave it empty while there is no Korean text (pages then show the English"
    " and say so)"
)


# The labels of the Korean fields, by column name (the same name on every record kind).
KOREAN_LABELS = {
    "name_ko": _l("Name in Korean"),
    "title_ko": _l("Title in Korean"),
    "who_ko": _l("Who, in Korean"),
    "outcome_label_ko": _l("Outcome in words, in Korean"),
    "summary_ko": _l("Summary in Korean"),
    "anchor_note_ko": _l("Anchor note in Korean"),
}


def korean(name: str, kind: str = "text", max_len: int | None = None) -> Field:
    """The Korean field beside an English one (`title_ko` beside `title`)."""
    return Field(
        name,
        KOREAN_LABELS[name],
        kind=kind,
        required=False,
        max_len=max_len,
        help=KOREAN_HELP,
        lang="ko",
    )


def fixed(options: Mapping[str, str] | Iterable[str]) -> Choices:
    """Choices from a vocabulary (value → label) or a list of values. Labels are
    str()-ed on each call: they may be lazy translations, in the reader's language."""
    if isinstance(options, Mapping):
        items = dict(options)
        return lambda: [(str(k), str(v)) for k, v in items.items()]
    values = [str(v) for v in options]
    return lambda: [(v, v) for v in values]


def _clean(value: str) -> str:
    # Browsers send CRLF for newlines in a textarea; the atlas stores LF.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def read_field(field: Field, form: MultiDict[str, str], errors: dict[str, str]) -> Any:
    """The typed value of one field, or None (and a message in `errors`)."""
    if field.multiple:
        values = [_clean(v) for v in form.getlist(field.name) if _clean(v)]
        allowed = {value for value, _ in field.choices()} if field.choices else set()
        unknown = [v for v in values if v not in allowed]
        if unknown:
            errors[field.name] = _(
                "%(label)s: unknown choice %(value)s.", label=field.label, value=repr(unknown[0])
            )
            return []
        if field.kind == "refs":
            return [int(v) for v in values]
        return values
    raw = _clean(form.get(field.name, ""))
    if "\x00" in raw:
        errors[field.name] = _(
            "%(label)s: the text contains a NUL character; remove it.", label=field.label
        )
        return None
    if not raw:
        if field.required:
            errors[field.name] = _("%(label)s is required.", label=field.label)
        return None
    if field.max_len is not None and len(raw) > field.max_len:
        errors[field.name] = _(
            "%(label)s is %(n)s characters long; at most %(max)s fit.",
            label=field.label,
            n=len(raw),
            max=field.max_len,
        )
        return None
    if field.lang == "ko" and korean_problem(raw) is not None:
        # NUL and empty text are refused above; what is left is text without Hangul.
        errors[field.name] = _(
            "%(label)s has no Korean (Hangul) letters: is it the English pasted here by"
            " mistake? Leave it empty while there is no Korean text.",
            label=field.label,
        )
        return None
    if field.kind == "slug" and not SLUG.match(raw):
        errors[field.name] = _(
            "%(label)s must be lowercase letters and digits joined by single hyphens"
            " (like roh-family).",
            label=field.label,
        )
        return None
    if field.kind in ("choice", "ref"):
        allowed = {value for value, _ in field.choices()} if field.choices else set()
        if raw not in allowed:
            errors[field.name] = _("%(label)s: choose one of the listed values.", label=field.label)
            return None
        return int(raw) if field.kind == "ref" else raw
    if field.kind == "number":
        try:
            number = float(raw)
        except ValueError:
            errors[field.name] = _(
                "%(label)s must be a number, not %(value)s.", label=field.label, value=repr(raw)
            )
            return None
        if not math.isfinite(number) or (
            (field.low is not None and number < field.low)
            or (field.high is not None and number > field.high)
        ):
            errors[field.name] = _(
                "%(label)s must be between %(low)s and %(high)s.",
                label=field.label,
                low=f"{field.low:g}",
                high=f"{field.high:g}",
            )
            return None
        return number
    return raw


def read_fields(
    fields: Iterable[Field], form: MultiDict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    return {field.name: read_field(field, form, errors) for field in fields}


def shown(fields: Iterable[Field], form: MultiDict[str, str]) -> dict[str, Any]:
    """What the editor submitted, to put back into the re-rendered form as typed."""
    values: dict[str, Any] = {}
    for field in fields:
        values[field.name] = form.getlist(field.name) if field.multiple else form.get(field.name)
    return values


def displayed(fields: Iterable[Field], values: Mapping[str, Any] | object) -> dict[str, Any]:
    """A record's values (a mapping, or a record's attributes) as form values: strings,
    and lists of strings for multiples."""
    out: dict[str, Any] = {}
    for field in fields:
        if isinstance(values, Mapping):
            value = values.get(field.name)
        else:
            value = getattr(values, field.name, None)
        if field.multiple:
            out[field.name] = [str(v) for v in value or []]
        elif value is None:
            out[field.name] = ""
        else:
            out[field.name] = str(value)
    return out
