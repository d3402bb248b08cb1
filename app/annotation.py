"""Passages and W3C Web Annotation selectors over a source's text.

A source is split into passages (its non-blank lines, as published). A quote is
located with a TextQuoteSelector (exact text, optionally disambiguated by the
text immediately before and after it) and stored with its TextPositionSelector
(code-point offsets into the whole text), which is how the W3C model counts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# How much surrounding text a stored TextQuoteSelector keeps, so that the
# selector stays unambiguous even if the caller gave no prefix or suffix.
CONTEXT_CHARS = 32


@dataclass(frozen=True)
class PassageSpan:
    number: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Selector:
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


class QuoteError(ValueError):
    """The quote cannot be located exactly once in the source."""


def split_passages(text: str) -> list[PassageSpan]:
    """Every non-blank line is a passage, numbered from 1 in reading order."""
    passages: list[PassageSpan] = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            passages.append(PassageSpan(len(passages) + 1, start, start + len(stripped), stripped))
        offset += len(line) + 1
    return passages


def _occurrences(text: str, needle: str) -> list[int]:
    found: list[int] = []
    at = text.find(needle)
    while at != -1:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def locate_quote(text: str, exact: str, prefix: str = "", suffix: str = "") -> Selector:
    """Resolve a TextQuoteSelector to positions, refusing a missing or ambiguous quote."""
    if not exact or not exact.strip():
        raise QuoteError("the quote is empty")
    starts = _occurrences(text, exact)
    if not starts:
        raise QuoteError("the quote is not found verbatim in the source")
    matching = [
        s
        for s in starts
        if text[max(0, s - len(prefix)) : s] == prefix
        and text[s + len(exact) : s + len(exact) + len(suffix)] == suffix
    ]
    if not matching:
        raise QuoteError(
            f"the quote occurs {len(starts)} time(s) but never with the given prefix/suffix"
        )
    if len(matching) > 1:
        raise QuoteError(
            f"the quote occurs {len(matching)} times; add a prefix or suffix to choose one"
        )
    start = matching[0]
    end = start + len(exact)
    return Selector(
        exact=exact,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        start=start,
        end=end,
    )


def passage_for(passages: list[PassageSpan], selector: Selector) -> PassageSpan:
    """The single passage that contains the whole quote."""
    for passage in passages:
        if passage.start <= selector.start and selector.end <= passage.end:
            return passage
    raise QuoteError("the quote spans more than one passage; cite within one paragraph")


def citation_key(target: str, source_slug: str, selector: Selector) -> str:
    """A short, stable identifier for links (?cite=KEY) that survives a re-seed."""
    raw = f"{target}|{source_slug}|{selector.start}|{selector.end}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]
