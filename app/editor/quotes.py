"""Citations made in the browser, verified by the server against the stored text.

The browser sends the selected words and their code-point offsets into the source's
text; the server checks that exactly those words stand at exactly those offsets, finds
the passage that holds them, and computes the prefix and suffix itself (the W3C
TextQuoteSelector and TextPositionSelector, as the seed loader stores them). A quote
typed by hand (no offsets) must occur exactly once, like a seeded one
(app/annotation.py `locate_quote`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..annotation import (
    CONTEXT_CHARS,
    QuoteError,
    Selector,
    citation_key,
    locate_quote,
    passage_for,
    split_passages,
)
from ..models import Citation, Hazard, Journey, Leg, Passage, Place, Source, join_tags

# What a citation made in the editor may support, and its column on Citation.
TARGETS: dict[str, type[Journey | Leg | Hazard | Place]] = {
    "journey": Journey,
    "leg": Leg,
    "hazard": Hazard,
    "place": Place,
}
# These must keep at least one citation (a journey is supported by its legs' too).
MUST_CITE = ("leg", "hazard", "place")


@dataclass(frozen=True)
class VerifiedQuote:
    source: Source
    passage: Passage
    selector: Selector


def _passage(session: Session, source: Source, selector: Selector) -> Passage:
    span = passage_for(split_passages(source.text), selector)
    passage = session.scalars(
        select(Passage).filter_by(source_id=source.id, number=span.number)
    ).one_or_none()
    if passage is None:  # the passages are always split from the stored text
        raise QuoteError("the source's passages are out of date; reload it")
    return passage


def verify_selection(
    session: Session, source: Source, exact: str, start: int, end: int
) -> VerifiedQuote:
    """The words selected in the browser, checked at their offsets in the stored text."""
    text = source.text
    if not exact.strip():
        raise QuoteError("the quote is empty: select some words of a passage")
    if not (0 <= start < end <= len(text)) or end - start != len(exact):
        raise QuoteError("the selection's positions do not fit the quote; select the words again")
    if text[start:end] != exact:
        raise QuoteError(
            "the quote is not in the source at the selected position"
            f" (the stored text there reads {text[start:end][:80]!r}); select the words again"
        )
    selector = Selector(
        exact=exact,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        start=start,
        end=end,
    )
    return VerifiedQuote(source, _passage(session, source, selector), selector)


def verify_typed(session: Session, source: Source, quote: str) -> VerifiedQuote:
    """A quote typed or pasted by hand: it must occur exactly once in the source."""
    selector = locate_quote(source.text, quote)
    return VerifiedQuote(source, _passage(session, source, selector), selector)


def verify(
    session: Session, source: Source, quote: str, start: str | None, end: str | None
) -> VerifiedQuote:
    """Offsets given (a selection): checked there; none given: found in the text."""
    if start or end:
        try:
            begin, finish = int(start or ""), int(end or "")
        except ValueError:
            raise QuoteError("the selection's positions are not numbers") from None
        return verify_selection(session, source, quote, begin, finish)
    return verify_typed(session, source, quote)


def target_of(citation: Citation) -> tuple[str, Journey | Leg | Hazard | Place | None]:
    for kind in TARGETS:
        record = getattr(citation, kind)
        if record is not None:
            return kind, record
    return "discrepancy_side", None


def add_citation(
    session: Session,
    kind: str,
    record: Journey | Leg | Hazard | Place,
    quote: VerifiedQuote,
    sensitivity: list[str],
) -> Citation:
    """A new citation of `record` (flushed, so it has an id). Refuses a quote the
    record already cites."""
    key = citation_key(f"{kind}#{record.id}", quote.source.slug, quote.selector)
    if session.scalar(select(Citation.id).filter_by(key=key)) is not None:
        raise QuoteError("this record already cites exactly these words")
    column = getattr(Citation, f"{kind}_id")
    last = session.scalar(select(func.max(Citation.position)).where(column == record.id))
    citation = Citation(
        key=key,
        position=(last or 0) + 1,
        source_id=quote.source.id,
        passage_id=quote.passage.id,
        exact=quote.selector.exact,
        prefix=quote.selector.prefix,
        suffix=quote.selector.suffix,
        start_pos=quote.selector.start,
        end_pos=quote.selector.end,
        sensitivity=join_tags(sensitivity),
        **{f"{kind}_id": record.id},
    )
    session.add(citation)
    session.flush()
    return citation
