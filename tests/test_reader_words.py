"""Words for readers, not codes (issue 13): no text a reader sees, in English or Korean,
names an article by its file number ("Article 002", "000:", "000 기사") or a record by
its slug ("see discrepancy family-of-five-attribution").

Every page type is fetched in both languages (home, journeys list, every journey page,
its embed, presentation and handout, hazards, discrepancies, sources, every source page,
the history of every seeded record, login), and the downloads that carry prose (KML,
GPX, CSV). What a reader can read is taken from the rendered HTML: the text outside
scripts and styles, the attributes read aloud or shown on hover (aria-label, title,
alt, placeholder), and the HTML of the map's popups and tooltips (Folium writes them
into its script as template strings). Addresses may keep slugs (a link's target, the
embed code's URL); the words around them may not."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from conftest import SEEDS

LANGUAGES = ("en", "ko")

# Attributes whose values are read aloud or shown to a reader.
READ_ATTRIBUTES = frozenset(
    {"aria-label", "aria-description", "aria-roledescription", "title", "alt", "placeholder"}
)


def seed_slugs(seeds_dir: Path = SEEDS) -> set[str]:
    """Every slug of the seed data that cannot be mistaken for a word: the hyphenated ones
    ("torture", "laos" or "famine" are slugs too, and words a sentence may use)."""
    slugs = set()
    for name in ("sources", "places", "journeys", "hazards", "discrepancies"):
        for record in yaml.safe_load((seeds_dir / f"{name}.yaml").read_text(encoding="utf-8")):
            slugs.add(record["slug"])
    return {slug for slug in slugs if "-" in slug}


def code_pattern(slugs: set[str]) -> re.Pattern[str]:
    """A slug or a file number standing as a word of its own. Not part of an address
    (after "/", "=", "#") or of a longer token (a file name "000_61f….txt", "1,000")."""
    words = "|".join(sorted((re.escape(s) for s in slugs), key=len, reverse=True))
    return re.compile(
        rf"(?<![\w/#=?.,-])(?:{words}|00[023])(?![\w/#?=-])|\bArticle 00\d", re.IGNORECASE
    )


class ReadableText(HTMLParser):
    """The text of an HTML document or fragment that a reader can see or hear."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0  # inside <script>/<style>/<template>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES:
                self.parts.append(value)
        if tag == "meta":
            meta = dict(attrs)
            if meta.get("name") == "description" or (meta.get("property") or "").startswith("og:"):
                self.parts.append(meta.get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def readable(markup: str) -> list[str]:
    parser = ReadableText()
    parser.feed(markup)
    parser.close()
    return [" ".join(part.split()) for part in parser.parts if part.strip()]


# Folium's popups, tooltips and icon labels: HTML inside JavaScript template strings.
_TEMPLATE_STRING = re.compile(r"`([^`]*)`", re.S)
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)


def map_fragments(page: str) -> Iterator[str]:
    for script in _SCRIPT.findall(page):
        for fragment in _TEMPLATE_STRING.findall(script):
            if "<" in fragment:
                yield from readable(fragment)


# History pages show each stored field; identifier fields (slug, kind, place, source …)
# are the record's data, not sentences: only the rows of fields written in words count.
PROSE_FIELDS = re.compile(
    r"^(title|who|outcome_label|summary|name|label|topic|notes|provenance_note|anchor_note"
    r"|quote)(_ko)?$"
)
_DIFF_ROW = re.compile(r"<tr><th scope=\"row\"><code[^>]*>([^<]*)</code></th>.*?</tr>", re.S)


def without_identifier_rows(page: str) -> str:
    return _DIFF_ROW.sub(lambda row: row.group(0) if PROSE_FIELDS.match(row.group(1)) else "", page)


def page_texts(page: str) -> list[str]:
    return readable(without_identifier_rows(page)) + list(map_fragments(page))


def kml_texts(document: str) -> list[str]:
    root = ElementTree.fromstring(document.encode("utf-8"))
    texts = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "name" and element.text:
            texts.append(element.text)
        elif tag == "description" and element.text:
            texts += readable(element.text)
    return texts


def gpx_texts(document: str) -> list[str]:
    root = ElementTree.fromstring(document.encode("utf-8"))
    return [
        text
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] in ("name", "desc", "cmt")
        for text in readable(html.escape(element.text or ""))
    ]


CSV_PROSE = re.compile(r"name|title|summary|label|quote|topic|note|who|^place$")


def csv_texts(document: str) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(document)))
    return [
        value
        for row in rows
        for column, value in row.items()
        if column and CSV_PROSE.search(column) and value
    ]


# ---------------------------------------------------------------- what is visited


def reader_urls(client: Any) -> list[tuple[str, str]]:
    """(url, kind) for every page type and prose download, in both languages."""
    journeys = [j["slug"] for j in client.get("/journeys.json").get_json()["journeys"]]
    sources = [s["slug"] for s in client.get("/sources.json").get_json()["sources"]]
    pages = ["/", "/journeys", "/hazards", "/discrepancies", "/sources", "/login"]
    pages += [f"/sources/{slug}" for slug in sources]
    for slug in journeys:
        pages += [
            f"/journeys/{slug}",
            f"/embed/journeys/{slug}",
            f"/present/journeys/{slug}",
            f"/journeys/{slug}/handout",
        ]
    pages += ["/history/deleted"]
    for entity, name in (
        ("source", "sources"),
        ("place", "places"),
        ("journey", "journeys"),
        ("hazard", "hazards"),
        ("discrepancy", "discrepancies"),
    ):
        for record in yaml.safe_load((SEEDS / f"{name}.yaml").read_text(encoding="utf-8")):
            pages.append(f"/history/{entity}/by-slug/{record['slug']}")
    downloads = [("/atlas.kml", "kml"), ("/atlas.gpx", "gpx"), ("/atlas.csv", "csv")]
    for slug in journeys:
        downloads += [
            (f"/journeys/{slug}.kml", "kml"),
            (f"/journeys/{slug}.gpx", "gpx"),
            (f"/journeys/{slug}.csv", "csv"),
        ]
    return [
        (f"{url}{'&' if '?' in url else '?'}lang={language}", kind)
        for language in LANGUAGES
        for url, kind in [(page, "html") for page in pages] + downloads
    ]


READERS = {"html": page_texts, "kml": kml_texts, "gpx": gpx_texts, "csv": csv_texts}


def offending(texts: list[str], pattern: re.Pattern[str]) -> list[str]:
    """Each match with the words around it: the sentence to fix."""
    found = []
    for text in texts:
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 80), min(len(text), match.end() + 80)
            found.append(f"{match.group(0)!r} in …{text[start:end]}…")
    return found


def test_the_pattern_finds_codes_and_spares_addresses_and_words():
    pattern = code_pattern({"family-of-five-attribution", "general-route"})
    for text in (
        "Article 002 tells this story",
        "000 presents the four-country flight",
        "000: Soyeon Lee's family of five",
        "see discrepancy family-of-five-attribution)",
        "(see general-route).",
        "000 기사: 북한 당국",
        "000·003 기사: 지뢰",
        "Kim Seongeun (000, 003)",
    ):
        assert pattern.search(text), text
    for text in (
        "http://localhost/embed/journeys/general-route",
        "/journeys/general-route?lang=ko",
        "more than 1,000 people",
        "000_61f541ecfe11489a.txt",
        "the general route through China",
        "in 2003 and 2023",
    ):
        assert not pattern.search(text), text


def test_no_reader_facing_text_holds_a_file_number_or_a_slug(seeded_app):
    """Fails with every offending sentence, page by page."""
    client = seeded_app.test_client()
    pattern = code_pattern(seed_slugs())
    problems: list[str] = []
    visited = 0
    for url, kind in reader_urls(client):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        visited += 1
        texts = READERS[kind](response.get_data(as_text=True))
        assert texts, f"{url}: no text read"
        problems += [f"{url}: {found}" for found in offending(texts, pattern)]
    assert visited > 200
    assert not problems, f"{len(problems)} codes a reader sees:\n" + "\n".join(problems[:60])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_source_pages_say_what_the_text_states_and_not_stated_for_the_rest(
    seeded_app, language
):
    client = seeded_app.test_client()
    not_stated = {"en": "not stated in the text", "ko": "본문에 나와 있지 않음"}[language]
    review = " ".join(
        readable(client.get(f"/sources/worth-watching?lang={language}").get_data(as_text=True))
    )
    assert "Anonymousse" in review and "2023-11-29" in review
    assert "“Beyond Utopia” Is Out Now And It Is Worth Watching" in review
    assert review.count(not_stated) == 1  # the outlet
    for slug in ("heartbreaking-stories", "chilling-details"):
        text = " ".join(
            readable(client.get(f"/sources/{slug}?lang={language}").get_data(as_text=True))
        )
        assert text.count(not_stated) == 4, slug  # title, author, outlet, date


# The seed data's own words: every field a page, popup, slide or download may show.
READER_FIELDS = re.compile(
    r"^(title|who|outcome_label|summary|name|label|topic|notes|provenance_note|anchor_note)"
    r"(_ko)?$"
)


def reader_fields(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and READER_FIELDS.match(str(key)):
                yield f"{where}.{key}", item
            elif key != "citations":
                yield from reader_fields(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from reader_fields(item, f"{where}[{n}]")


def test_no_seed_text_a_reader_sees_names_a_file_number_or_a_slug():
    pattern = code_pattern(seed_slugs())
    problems = []
    for name in ("sources", "places", "journeys", "hazards", "discrepancies"):
        records = yaml.safe_load((SEEDS / f"{name}.yaml").read_text(encoding="utf-8"))
        for where, text in reader_fields(records, name):
            problems += [f"{where}: {found}" for found in offending([text], pattern)]
    assert not problems, "\n".join(problems)
