"""The synthetic benchmark article: generated sentences, one per record, laid out in
paragraphs (lines) as the real sources are, so that every synthetic record can cite
its own verbatim words. Nothing here is reporting; the text says so on its first line."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..annotation import CONTEXT_CHARS, PassageSpan, Selector, split_passages

# Sentences per paragraph: real articles hold a few sentences per passage.
SENTENCES_PER_PASSAGE = 8


@dataclass(frozen=True)
class Quote:
    """A sentence of the article and where it lies (offsets into the whole text)."""

    selector: Selector
    passage: int


@dataclass
class ArticleBuilder:
    """Collects sentences under keys, then lays them out as text with known offsets."""

    heading: str
    _sentences: list[tuple[str, str]] = field(default_factory=list)

    def add(self, key: str, sentence: str) -> None:
        self._sentences.append((key, sentence))

    def build(self) -> tuple[str, list[PassageSpan], dict[str, Quote]]:
        lines = [self.heading]
        spans: dict[str, tuple[int, int, int]] = {}  # key -> (line, start in line, end)
        current: list[str] = []
        length = 0
        for key, sentence in self._sentences:
            if len(current) == SENTENCES_PER_PASSAGE:
                lines.append(" ".join(current))
                current, length = [], 0
            if current:
                length += 1  # the space between sentences
            spans[key] = (len(lines), length, length + len(sentence))
            current.append(sentence)
            length += len(sentence)
        if current:
            lines.append(" ".join(current))
        # Paragraphs are separated by a blank line, as in seeds/*.txt.
        text = "\n\n".join(lines) + "\n"
        passages = split_passages(text)
        assert len(passages) == len(lines)
        quotes: dict[str, Quote] = {}
        for key, (line, begin, end) in spans.items():
            passage = passages[line]
            start, stop = passage.start + begin, passage.start + end
            quotes[key] = Quote(
                Selector(
                    exact=text[start:stop],
                    prefix=text[max(0, start - CONTEXT_CHARS) : start],
                    suffix=text[stop : stop + CONTEXT_CHARS],
                    start=start,
                    end=stop,
                ),
                passage.number,
            )
        return text, passages, quotes
