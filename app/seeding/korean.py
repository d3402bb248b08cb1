"""The Korean text beside the English (issue 5): which fields hold it, and the one rule
both the seed loader and the editor apply to it.

A Korean field is optional (NULL = no Korean text yet; the pages then fall back to the
English and say so). When present it must be real text, hold no NUL, and contain Hangul:
the check that catches the English pasted into the Korean box by mistake."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Hangul syllables, Jamo and compatibility Jamo.
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")

# Problems a Korean text can have; each caller words them for its own reader.
NUL = "nul"
EMPTY = "empty"
NO_HANGUL = "no-hangul"

# Korean column -> the English column it translates, per record kind (table name).
KOREAN_FIELDS: dict[str, dict[str, str]] = {
    "place": {"name_ko": "name", "anchor_note_ko": "anchor_note"},
    "journey": {
        "title_ko": "title",
        "who_ko": "who",
        "outcome_label_ko": "outcome_label",
        "summary_ko": "summary",
    },
    "leg": {"summary_ko": "summary"},
    "hazard": {"name_ko": "name", "summary_ko": "summary"},
    "discrepancy": {"topic_ko": "topic", "summary_ko": "summary"},
    "discrepancy_side": {"label_ko": "label"},
}


def korean_problem(value: str) -> str | None:
    """None when `value` may be stored as Korean text, else NUL, EMPTY or NO_HANGUL."""
    if "\x00" in value:
        # PostgreSQL text cannot hold it, and no reader could see it.
        return NUL
    if not value.strip():
        return EMPTY
    if not HANGUL.search(value):
        return NO_HANGUL
    return None


def fully_korean(kind: str, record: Any) -> bool:
    """Whether every English text of the record that is filled has its Korean text."""
    return all(
        getattr(record, korean, None) is not None
        for korean, english in KOREAN_FIELDS[kind].items()
        if getattr(record, english, None)
    )


def coverage(kind: str, records: Iterable[Any]) -> tuple[int, int]:
    """(records with all their Korean text, records)."""
    listed = list(records)
    return sum(fully_korean(kind, r) for r in listed), len(listed)
