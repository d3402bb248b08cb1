"""Readable differences between two snapshots: field by field, and for long texts the
changed words with a little context around them."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from .snapshot import Snapshot

_LONG = 120  # texts longer than this are shown as word changes, not whole
_CONTEXT = 16  # words and spaces kept on each side of a change
_WORDS = re.compile(r"\s+|[^\s]+")


def _show(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def word_diff(before: str, after: str) -> list[dict[str, str]]:
    """Segments {kind: same|gap|del|ins, text}; long unchanged runs become a gap."""
    a, b = _WORDS.findall(before), _WORDS.findall(after)
    segments: list[dict[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            words = a[i1:i2]
            if len(words) > 2 * _CONTEXT + 1:
                head = "".join(words[:_CONTEXT]) if segments else ""
                tail = "".join(words[-_CONTEXT:]) if i2 < len(a) or j2 < len(b) else ""
                if head:
                    segments.append({"kind": "same", "text": head})
                segments.append({"kind": "gap", "text": "…"})
                if tail:
                    segments.append({"kind": "same", "text": tail})
            else:
                segments.append({"kind": "same", "text": "".join(words)})
            continue
        if i2 > i1:
            segments.append({"kind": "del", "text": "".join(a[i1:i2])})
        if j2 > j1:
            segments.append({"kind": "ins", "text": "".join(b[j1:j2])})
    return segments


def field_changes(
    before: Snapshot | None, after: Snapshot | None, fields: list[str]
) -> list[dict[str, Any]]:
    """One entry per field whose value differs: before, after, and for long texts the
    word changes. `fields` orders them (the table's columns); other keys follow."""
    old, new = before or {}, after or {}
    keys = [f for f in fields if f in old or f in new]
    keys += sorted((set(old) | set(new)) - set(keys))
    changes = []
    for key in keys:
        if key == "id" and before is not None and after is not None:
            continue
        was, now = _show(old.get(key)), _show(new.get(key))
        if was == now or (before is None and now is None) or (after is None and was is None):
            continue
        words = None
        if was is not None and now is not None and max(len(was), len(now)) > _LONG:
            words = word_diff(was, now)
        changes.append({"field": key, "before": was, "after": now, "words": words})
    return changes
