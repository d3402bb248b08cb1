"""The pages: every HTML page and its JSON twin render the same data, distances are
geodesic between the anchors, citations highlight the article's own words, unknown
slugs get helpful 404s, and no page loads anything from another host."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import SEEDS, seed
from geopy.distance import geodesic
from markupsafe import escape

JOURNEYS = [j["slug"] for j in yaml.safe_load((SEEDS / "journeys.yaml").read_text("utf-8"))]
SOURCES = yaml.safe_load((SEEDS / "sources.yaml").read_text("utf-8"))
SOURCE_SLUGS = [s["slug"] for s in SOURCES]
HAZARD_SLUGS = [h["slug"] for h in yaml.safe_load((SEEDS / "hazards.yaml").read_text("utf-8"))]

PAGES = [
    ("/", "/index.json"),
    ("/journeys", "/journeys.json"),
    *[(f"/journeys/{slug}", f"/journeys/{slug}.json") for slug in JOURNEYS],
    ("/sources", "/sources.json"),
    *[(f"/sources/{slug}", f"/sources/{slug}.json") for slug in SOURCE_SLUGS],
    ("/hazards", "/hazards.json"),
    ("/discrepancies", "/discrepancies.json"),
]

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


# ---------------------------------------------------------------- a small DOM


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None
    html: str
    children: list[Element | str] = field(default_factory=list)
    inner_start: int = 0
    inner_end: int = -1

    @property
    def inner(self) -> str:
        """The element's content as it is written in the page (entities kept)."""
        return self.html[self.inner_start : self.inner_end]

    @property
    def text(self) -> str:
        """The element's text as a reader sees it (entities decoded)."""
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def iter(self) -> Any:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag) and all(e.attrs.get(k) == v for k, v in attrs.items())
        ]

    def by_id(self, id_: str) -> Element:
        found = self.find_all(id=id_)
        assert len(found) == 1, f"{len(found)} elements with id {id_!r}"
        return found[0]

    def ancestor_ids(self) -> list[str]:
        ids, node = [], self.parent
        while node is not None:
            if "id" in node.attrs:
                ids.append(node.attrs["id"])
            node = node.parent
        return ids

    def links(self) -> dict[str, list[str]]:
        """href -> texts of the <a> elements inside."""
        out: dict[str, list[str]] = {}
        for a in self.find_all("a"):
            out.setdefault(a.attrs.get("href", ""), []).append(squash(a.text))
        return out


class _Builder(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.source = html
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.root = Element("#document", {}, None, html, inner_start=0, inner_end=len(html))
        self.stack = [self.root]

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> Element:
        parent = self.stack[-1]
        element = Element(tag, {k: v or "" for k, v in attrs}, parent, self.source)
        element.inner_start = self._offset() + len(self.get_starttag_text() or "")
        parent.children.append(element)
        return element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._open(tag, attrs)
        if tag not in VOID:
            self.stack.append(element)
        else:
            element.inner_end = element.inner_start

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs).inner_end = self._offset() + len(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                for element in self.stack[depth:]:
                    element.inner_end = self._offset()
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _Builder(html)
    builder.feed(html)
    builder.close()
    for element in builder.stack[1:]:
        element.inner_end = len(html)
    return builder.root


def squash(text: str) -> str:
    return " ".join(text.split())


def esc(value: Any) -> str:
    """The value as Jinja's autoescape writes it."""
    return str(escape(value))


class Site:
    """The seeded atlas seen through a test client, each response fetched once:
    the data is read-only, and some pages take a while to render."""

    def __init__(self, client: Any):
        self.client = client
        self.responses: dict[str, Any] = {}
        self.documents: dict[str, Element] = {}

    def get(self, url: str) -> Any:
        if url not in self.responses:
            self.responses[url] = self.client.get(url)
        return self.responses[url]

    def page(self, url: str) -> Element:
        response = self.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "text/html", url
        if url in self.documents:
            return self.documents[url]
        document = parse(response.get_data(as_text=True))
        if "?" not in url:  # pages with a query string are seen once
            self.documents[url] = document
        return document

    def data(self, url: str) -> Any:
        response = self.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "application/json", url
        return response.get_json()


@pytest.fixture(scope="module")
def site(seeded_app: Any) -> Site:
    return Site(seeded_app.test_client())


def km(value: float) -> str:
    """A distance as the pages print it, to the kilometre: a pattern for the page text."""
    return re.escape(f"{value:,.0f}") + r"\s*km"


def in_order(text: str, words: list[str]) -> bool:
    at = 0
    for word in words:
        at = text.find(word, at)
        if at == -1:
            return False
        at += len(word)
    return True


def smallest_containing(root: Element, *needles: str) -> Element:
    candidates = [e for e in root.iter() if all(n in e.inner for n in needles)]
    assert candidates, f"no element holds all of {needles!r}"
    return min(candidates, key=lambda e: len(e.inner))


# ---------------------------------------------------------------- pages and twins


@pytest.mark.parametrize(("html_url", "json_url"), PAGES)
def test_every_page_is_html_with_a_json_twin_it_links_as_alternate(site, html_url, json_url):
    document = site.page(html_url)
    assert isinstance(site.data(json_url), dict)
    alternates = [
        link.attrs.get("href")
        for link in document.find_all("link", rel="alternate", type="application/json")
    ]
    assert alternates == [json_url]


@pytest.mark.parametrize("slug", JOURNEYS)
def test_the_journey_page_and_its_json_show_the_same_legs_hazards_and_quotes(site, slug):
    journey = site.data(f"/journeys/{slug}.json")
    document = site.page(f"/journeys/{slug}")

    assert esc(journey["title"]) in document.inner
    assert esc(journey["who"]) in document.inner
    assert esc(journey["summary"]) in document.inner
    for citation in journey["citations"]:
        assert esc(citation["quote"]) in document.inner

    leg_ids = [
        e.attrs["id"] for e in document.iter() if re.fullmatch(r"leg-\d+", e.attrs.get("id", ""))
    ]
    assert leg_ids == [leg["id"] for leg in journey["legs"]]
    for leg in journey["legs"]:
        element = document.by_id(leg["id"])
        assert esc(leg["label"]) in element.inner
        assert esc(leg["summary"]) in element.inner
        assert leg["citations"], f"leg {leg['order']} cites nothing"
        for citation in leg["citations"]:
            assert esc(citation["quote"]) in element.inner
            assert citation["url"] in element.links()

    hazard_ids = {
        e.attrs["id"]
        for e in document.find_all("article")
        if e.attrs.get("id", "").startswith("hazard-")
    }
    assert hazard_ids == {h["id"] for h in journey["hazards"]}
    for hazard in journey["hazards"]:
        element = document.by_id(hazard["id"])
        assert esc(hazard["name"]) in element.inner
        assert esc(hazard["summary"]) in element.inner
        for citation in hazard["citations"]:
            assert esc(citation["quote"]) in element.inner


def test_the_journeys_index_and_its_json_list_the_same_journeys(site):
    journeys = site.data("/journeys.json")["journeys"]
    document = site.page("/journeys")
    assert [j["slug"] for j in journeys] == JOURNEYS
    links = document.links()
    for journey in journeys:
        assert squash(journey["title"]) in links.get(journey["url"], [])
        assert esc(journey["who"]) in document.inner


def test_the_sources_index_and_its_json_list_the_same_sources(site):
    sources = site.data("/sources.json")["sources"]
    document = site.page("/sources")
    assert sorted(s["slug"] for s in sources) == sorted(SOURCE_SLUGS)
    links = document.links()
    for source in sources:
        assert squash(source["name"]) in links.get(source["url"], [])
        # The list names articles in words; the stored file's name is on its own page,
        # beside its hash, for whoever checks the text against the file.
        assert esc(source["file"]) not in document.inner
        assert esc(source["file"]) in site.page(source["url"]).inner


# ---------------------------------------------------------------- distances


def geodesic_km(a: list[float], b: list[float]) -> float:
    return float(geodesic((a[0], a[1]), (b[0], b[1])).km)


@pytest.mark.parametrize("slug", JOURNEYS)
def test_each_leg_distance_is_a_lower_bound_never_more_than_its_chosen_points_apart(site, slug):
    """A leg's distance is the shortest straight line between its places' areas,
    rounded down: never more than the points the atlas chose are apart (a distance
    between those would claim more than the sources), none for an untold route."""
    journey = site.data(f"/journeys/{slug}.json")
    anchors = {p["slug"]: p["anchor"] for p in journey["places"]}
    for leg in journey["legs"]:
        start, end = anchors[leg["from"]], anchors[leg["to"]]
        if leg["route"] != "known" or not start or not end:
            assert leg["distance_km"] is None, f"untold leg {leg['order']} has a distance"
        elif leg["distance_km"] is not None:
            assert 50 <= leg["distance_km"] < geodesic_km(start, end), leg["order"]
            # Rounded down to two significant figures: it does not pretend to more.
            digits = f"{leg['distance_km']:.0f}".rstrip("0")
            assert len(digits) <= 2, leg["distance_km"]


def test_the_roh_familys_legs_have_lower_bounds_only_where_their_areas_lie_apart(site):
    legs = site.data("/journeys/roh-family.json")["legs"]
    distances = [leg["distance_km"] for leg in legs]
    # Leg 1 untold; leg 4 (Vientiane → Thailand) joins areas that touch across the Mekong.
    assert distances[0] is None and distances[3] is None
    # China near the border → Vietnam, and Thailand → South Korea: far apart.
    assert 1500 < distances[1] < 3000 and 2000 < distances[4] < 3700, distances


@pytest.mark.parametrize("slug", JOURNEYS)
def test_the_journey_total_sums_its_legs_lower_bounds_and_counts_them(site, slug):
    journey = site.data(f"/journeys/{slug}.json")
    legs = [leg["distance_km"] for leg in journey["legs"] if leg["distance_km"] is not None]
    assert journey["distance_leg_count"] == len(legs)
    if not legs:
        assert journey["distance_km"] is None
        return
    # Rounded down to two significant figures, like each leg's.
    assert 0.9 * sum(legs) <= journey["distance_km"] <= sum(legs)
    assert len(f"{journey['distance_km']:.0f}".rstrip("0")) <= 2


def test_the_direct_route_has_no_distance_its_places_share_the_border(site):
    direct = site.data("/journeys/direct-route.json")
    assert direct["distance_km"] is None
    assert direct["direct_route"] is None  # its own page does not compare it with itself
    for slug in JOURNEYS:
        if slug != "direct-route":
            shown = site.data(f"/journeys/{slug}.json")["direct_route"]
            assert shown is not None and shown["distance_km"] is None, slug


@pytest.mark.parametrize("slug", [s for s in JOURNEYS if s != "direct-route"])
def test_the_journey_page_says_what_its_distances_are(site, slug):
    """Every distance on the page is a lower bound and says so; the total counts the
    legs it sums; the comparison with the direct route says what it compares."""
    journey = site.data(f"/journeys/{slug}.json")
    document = site.page(f"/journeys/{slug}")
    shown = squash(document.text)
    assert "times the direct" not in shown and "between representative points" not in shown
    for match in re.finditer(r"[\d,]+\s*km", shown):
        before = shown[: match.start()][-13:].lower()
        # An area's editorial width ("China within about 100 km of North Korea") is
        # not a distance travelled.
        assert "at least" in before or "within about" in before, (match.group(), before)
    total = journey["distance_km"]
    if total is not None:
        count = journey["distance_leg_count"]
        legs = "leg" if count == 1 else "legs"
        assert re.search(rf"at least {km(total)}", shown), shown
        assert f"over the {count} {legs} whose places lie apart" in shown, shown
        assert "the one border the two Koreas share" in shown, shown
    for leg in journey["legs"]:
        if leg["distance_km"] is not None:
            words = squash(document.by_id(leg["id"]).text)
            assert re.search(rf"At least {km(leg['distance_km'])} in a straight line", words)


# ---------------------------------------------------------------- sources


@pytest.mark.parametrize("slug", SOURCE_SLUGS)
def test_a_source_page_numbers_its_passages_p_1_to_p_n_in_order(site, slug):
    source = site.data(f"/sources/{slug}.json")
    document = site.page(f"/sources/{slug}")
    file = next(s["file"] for s in SOURCES if s["slug"] == slug)
    lines = [ln.strip() for ln in (SEEDS / file).read_text("utf-8").split("\n") if ln.strip()]
    ids = [e.attrs["id"] for e in document.iter() if re.fullmatch(r"p-\d+", e.attrs.get("id", ""))]
    assert ids == [f"p-{n}" for n in range(1, len(lines) + 1)]
    assert [p["text"] for p in source["passages"]] == lines
    for n, line in enumerate(lines, 1):
        assert line in document.by_id(f"p-{n}").text


@pytest.mark.parametrize("slug", SOURCE_SLUGS)
def test_each_cited_passage_lists_what_cites_it_with_links(site, slug):
    source = site.data(f"/sources/{slug}.json")
    document = site.page(f"/sources/{slug}")
    cited = [p for p in source["passages"] if p["cited_by"]]
    assert cited, f"nothing cites {slug}"
    for passage in cited:
        element = document.by_id(passage["id"])
        assert "cited by" in element.text.lower()
        links = element.links()
        for by in passage["cited_by"]:
            assert squash(by["label"]) in links.get(by["url"], []), by
            path = urlsplit(by["url"]).path
            assert site.get(path).status_code == 200, by["url"]


@pytest.mark.parametrize("slug", SOURCE_SLUGS)
def test_a_cited_quote_is_the_one_mark_on_its_source_page_inside_its_passage(site, slug):
    source = site.data(f"/sources/{slug}.json")
    citations = [(p["number"], c) for p in source["passages"] for c in p["cited_by"]]
    assert citations
    for number, citation in citations:
        document = site.page(f"/sources/{slug}?cite={citation['key']}")
        marks = document.find_all("mark")
        assert len(marks) == 1, citation["key"]
        mark = marks[0]
        assert mark.text == citation["quote"]
        assert mark.inner == esc(citation["quote"])
        assert f"p-{number}" in mark.ancestor_ids()


def test_a_source_page_without_a_citation_marks_nothing(site):
    for slug in SOURCE_SLUGS:
        assert site.page(f"/sources/{slug}").find_all("mark") == []


# ---------------------------------------------------------------- hazards and discrepancies


def test_the_hazards_page_groups_every_hazard_by_kind_with_its_citations(site):
    groups = site.data("/hazards.json")["groups"]
    document = site.page("/hazards")
    kinds = [g["kind"] for g in groups]
    assert len(kinds) == len(set(kinds))
    listed = [h["slug"] for g in groups for h in g["hazards"]]
    assert sorted(listed) == sorted(HAZARD_SLUGS)
    for group in groups:
        section = document.by_id(f"kind-{group['kind']}")
        assert esc(group["label"]) in section.inner
        for hazard in group["hazards"]:
            assert hazard["kind"] == group["kind"]
            element = document.by_id(hazard["id"])
            assert f"kind-{group['kind']}" in element.ancestor_ids()
            assert esc(hazard["name"]) in element.inner
            assert hazard["citations"], f"{hazard['slug']} cites nothing"
            for citation in hazard["citations"]:
                assert esc(citation["quote"]) in element.inner
                assert citation["url"] in element.links()


def test_a_hazard_cited_by_several_sources_says_how_many(site):
    groups = site.data("/hazards.json")["groups"]
    document = site.page("/hazards")
    several = 0
    for hazard in (h for g in groups for h in g["hazards"]):
        count = len({c["source"] for c in hazard["citations"]})
        assert hazard["source_count"] == count
        if count > 1:
            several += 1
            assert f"{count} sources" in squash(document.by_id(hazard["id"]).text)
    assert several > 0, "no hazard is cited by more than one source"


def assert_sides_shown_apart(section: Element, discrepancy: dict[str, Any]) -> None:
    sides = discrepancy["sides"]
    assert len(sides) >= 2, discrepancy["slug"]
    quotes = [{esc(c["quote"]) for c in side["citations"]} for side in sides]
    for n, side in enumerate(sides):
        assert side["citations"], f"{discrepancy['slug']}: side {side['label']!r} cites nothing"
        box = smallest_containing(section, esc(side["label"]), *quotes[n])
        others = set().union(*(q for m, q in enumerate(quotes) if m != n)) - quotes[n]
        assert not [q for q in others if q in box.inner], (
            f"{discrepancy['slug']}: side {side['label']!r} is not shown apart from the others"
        )


def test_the_discrepancies_page_shows_every_side_with_its_own_quotes(site):
    discrepancies = site.data("/discrepancies.json")["discrepancies"]
    document = site.page("/discrepancies")
    assert discrepancies
    for discrepancy in discrepancies:
        section = document.by_id(f"disc-{discrepancy['slug']}")
        assert esc(discrepancy["topic"]) in section.inner
        assert_sides_shown_apart(section, discrepancy)


def test_the_roh_family_page_sets_the_family_of_five_quotes_from_000_and_003_side_by_side(
    site,
):
    journey = site.data("/journeys/roh-family.json")
    document = site.page("/journeys/roh-family")
    discrepancy = next(
        d for d in journey["discrepancies"] if d["slug"] == "family-of-five-attribution"
    )
    files = [{c["file"][:3] for c in side["citations"]} for side in discrepancy["sides"]]
    assert {"000"} in files and {"003"} in files
    section = document.by_id("disc-family-of-five-attribution")
    assert_sides_shown_apart(section, discrepancy)


# ---------------------------------------------------------------- unknown slugs


@pytest.mark.parametrize(
    ("url", "index"), [("/journeys/nope", "/journeys.json"), ("/sources/nope", "/sources.json")]
)
def test_an_unknown_slug_is_a_404_page_linking_what_exists(site, url, index):
    response = site.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    links = parse(response.get_data(as_text=True)).links()
    known = next(v for k, v in site.data(index).items() if isinstance(v, list))
    assert known
    for item in known:
        assert item["url"] in links, item["url"]
        name = item.get("title") or item.get("name")
        assert squash(name) in links[item["url"]]


@pytest.mark.parametrize(
    "url", ["/journeys/nope.json", "/sources/nope.json", "/journeys/nope.geojson"]
)
def test_an_unknown_slug_in_a_data_url_is_a_404_json_error(site, url):
    response = site.get(url)
    assert response.status_code == 404
    assert response.is_json, response.mimetype
    body = response.get_json()
    assert isinstance(body, dict) and body.get("error")


# ---------------------------------------------------------------- the atlas home


def test_the_home_page_lists_every_journey_with_who_outcome_countries_and_distance(site):
    journeys = site.data("/index.json")["journeys"]
    document = site.page("/")
    assert sorted(j["slug"] for j in journeys) == sorted(JOURNEYS)
    rows = document.find_all("tr")
    for journey in journeys:
        row = next((r for r in rows if journey["url"] in r.links()), None)
        assert row is not None, f"no row links {journey['url']}"
        text = squash(row.text)
        assert squash(journey["who"]) in text
        assert squash(journey["outcome_label"]) in text
        assert journey["countries"], journey["slug"]
        cells = [squash(cell.text) for cell in row.find_all("td")]
        assert any(in_order(cell, journey["countries"]) for cell in cells), cells
        if journey["distance_km"] is None:
            assert "no distance" in text
        else:
            assert re.search("at least " + km(journey["distance_km"]), text), text


def test_the_home_page_lists_every_source(site):
    sources = site.data("/index.json")["sources"]
    links = site.page("/").links()
    assert sorted(s["slug"] for s in sources) == sorted(SOURCE_SLUGS)
    for source in sources:
        assert squash(source["name"]) in links.get(source["url"], [])


def test_the_home_page_explains_how_to_read_the_map(site):
    document = site.page("/")
    heading = next(
        (h for h in document.iter() if h.tag in {"h2", "h3"} and "How to read the map" in h.text),
        None,
    )
    assert heading is not None and heading.parent is not None
    note = squash(heading.parent.text).lower()
    for term in ("dashed line", "shaded area", "numbered stop"):
        assert term in note


# ---------------------------------------------------------------- nothing from other hosts


ALL_HTML = [html_url for html_url, _ in PAGES] + ["/journeys/nope", "/sources/nope"]


@pytest.mark.parametrize("url", ALL_HTML)
def test_a_page_loads_scripts_styles_and_images_only_from_static(site, url):
    response = site.get(url)
    document = parse(response.get_data(as_text=True))
    offsite = []
    for element in document.iter():
        for attr in ("src", "href"):
            value = element.attrs.get(attr)
            if value is None or (attr == "href" and element.tag != "link"):
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:
                offsite.append(f"<{element.tag} {attr}={value}>")
    assert offsite == []
    for script in document.find_all("script"):
        if "src" in script.attrs:
            assert script.attrs["src"].startswith("/static/"), script.attrs["src"]
    for link in document.find_all("link"):
        if link.attrs.get("rel") == "alternate":
            assert link.attrs["href"].startswith("/") and not link.attrs["href"].startswith("//")
        else:
            assert link.attrs.get("href", "").startswith("/static/"), link.attrs
    for img in document.find_all("img"):
        assert img.attrs.get("src", "").startswith("/static/"), img.attrs


# ---------------------------------------------------------------- one atlas, one database


@pytest.mark.database
def test_a_page_shows_its_own_databases_data_when_another_atlas_is_at_the_same_revision(
    seeded_app, empty_app, seeds_copy
):
    hazards = yaml.safe_load((seeds_copy / "hazards.yaml").read_text("utf-8"))
    original = hazards[0]["name"]
    hazards[0]["name"] = f"{original} (renamed in this copy)"
    (seeds_copy / "hazards.yaml").write_text(
        yaml.safe_dump(hazards, allow_unicode=True, sort_keys=False), "utf-8"
    )
    seed(empty_app, seeds_copy)
    first = seeded_app.test_client().get("/hazards.json").get_json()
    assert original in [h["name"] for g in first["groups"] for h in g["hazards"]]

    second = empty_app.test_client().get("/hazards.json").get_json()

    names = [h["name"] for g in second["groups"] for h in g["hazards"]]
    assert hazards[0]["name"] in names
    assert original not in names
