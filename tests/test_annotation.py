"""Passages and W3C selectors: a quote is found exactly once, or refused."""

import pytest

from app.annotation import QuoteError, locate_quote, passage_for, split_passages

TEXT = "First line here.\n\n  Second line, with a repeat. A repeat.\nThird: a repeat.\n"


def test_every_non_blank_line_is_a_numbered_passage_with_its_offsets():
    passages = split_passages(TEXT)
    assert [p.number for p in passages] == [1, 2, 3]
    for p in passages:
        assert TEXT[p.start : p.end] == p.text
    assert passages[1].text == "Second line, with a repeat. A repeat."


def test_a_unique_quote_resolves_to_its_positions_and_passage():
    selector = locate_quote(TEXT, "Second line")
    assert TEXT[selector.start : selector.end] == "Second line"
    assert passage_for(split_passages(TEXT), selector).number == 2
    assert selector.prefix.endswith("\n\n  ")


def test_a_missing_quote_is_refused():
    with pytest.raises(QuoteError, match="not found verbatim"):
        locate_quote(TEXT, "Fourth line")


def test_a_repeated_quote_needs_a_prefix_or_suffix():
    with pytest.raises(QuoteError, match="occurs 3 times"):
        locate_quote(TEXT, "repeat")
    chosen = locate_quote(TEXT, "repeat", prefix="Third: a ")
    assert TEXT[chosen.start - 9 : chosen.start] == "Third: a "
    chosen = locate_quote(TEXT, "repeat", prefix="A ", suffix=".\nThird")
    assert chosen.start == TEXT.index("A repeat.") + 2


def test_a_prefix_that_does_not_match_is_refused():
    with pytest.raises(QuoteError, match="never with the given prefix"):
        locate_quote(TEXT, "repeat", prefix="nothing like this ")


def test_a_quote_across_two_passages_is_refused():
    selector = locate_quote(TEXT, "A repeat.\nThird")
    with pytest.raises(QuoteError, match="more than one passage"):
        passage_for(split_passages(TEXT), selector)
