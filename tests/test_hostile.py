"""Hostile text in the data never executes and is displayed exactly as written.

The seed data is copied, then a source of hostile lines is added and cited, and names,
summaries, a title and a label are replaced by payloads aimed at every language the
text passes through: HTML, attributes, JavaScript template strings, inline <script>,
and Jinja (ours and Folium's second pass). The atlas is then seeded and served for real.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_helpers import (
    POPUP,
    map_state,
    open_map_page,
    open_popup,
    settled_popup,
    watched_page,
)
from conftest import SEEDS, LiveServer, make_app, seed
from flask import Flask
from playwright.sync_api import expect

from app.seeding import SeedError

PWNED = "() => typeof window.__pwned"
OPEN_TOOLTIP = "(key) => { window.atlasMaps[0].features[key].openTooltip(); }"

# One payload per line of the hostile source; each line is cited verbatim.
HOSTILE_LINES = [
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    "`${window.__pwned=3}`",
    "\\`;window.__pwned=4;//",
    "{{ 7*7 }}",
    "{{citation needed}}",
    "{% if true %}X{% endif %}",
    '" onmouseover="window.__pwned=5',
    "<svg onload=window.__pwned=6>",
    "' onmouseover='window.__pwned=7",
    "{# a Jinja comment #}",
    '<script>alert("xss")</script>',
    "&lt;b&gt;not bold&lt;/b&gt; &amp; &#36;{x}",
    "\u202eevil\u202c zero\u200dwidth joiner \U0001f469\u200d\U0001f469\u200d\U0001f467 \U0001f9e8",
]
# Kept apart: a no-break space and a narrow no-break space, as French or Korean
# typography writes them; quoted word for word, they must stay what they are.
NBSP_LINE = "About 50\u00a0km, then 7\u202f000\u00a0km more."

HAZARD_NAME = (
    'Hazard <img src=x onerror="window.__pwned=1"> {{citation needed}} {% if true %}X{% endif %}'
)
HAZARD_SUMMARY = (
    "<svg onload=window.__pwned=6> \\`;window.__pwned=4;// {{ 7*7 }} "
    "' onmouseover='window.__pwned=7 ${window.__pwned=3}"
)
JOURNEY_TITLE = "The Rohs </script><script>window.__pwned=2</script> {{ 7*7 }} & co"
PLACE_NAME = 'Vientiane " onmouseover="window.__pwned=5 `${window.__pwned=3}` {# c #}'
LEG_SUMMARY = '<script>alert("xss")</script> {% for x in range(3) %}x{% endfor %} \u202eevil\u202c'
SOURCE_LABEL = "Hostile <i>source</i> {{ 7*7 }} </script>"
HOSTILE_PLACE = "vientiane"
HOSTILE_LEG = 3  # vietnamese-jungle -> vientiane, a known (drawn) leg of the Rohs


def _load(seeds: Path, name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((seeds / f"{name}.yaml").read_text("utf-8"))


def _dump(seeds: Path, name: str, records: list[dict[str, Any]]) -> None:
    text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=10_000)
    (seeds / f"{name}.yaml").write_text(text, "utf-8")


def drawn_roh_hazards(seeds: Path) -> list[str]:
    """Slugs of the Roh family's hazards the map draws (a place with an anchor)."""
    anchored = {p["slug"] for p in _load(seeds, "places") if p.get("anchor")}
    return [
        h["slug"]
        for h in _load(seeds, "hazards")
        if "roh-family" in (h.get("journeys") or []) and h.get("place") in anchored
    ]


HOSTILE_HAZARD = drawn_roh_hazards(SEEDS)[0]
LONG_HAZARD = drawn_roh_hazards(SEEDS)[1]


def copy_seeds(target: Path) -> Path:
    shutil.copytree(SEEDS, target)
    return target


def add_hostile_text(seeds: Path) -> None:
    """Add the hostile source and cite it; put payloads into names, summaries, labels."""
    (seeds / "999_hostile.txt").write_text("\n".join([*HOSTILE_LINES, NBSP_LINE]) + "\n", "utf-8")
    sources = _load(seeds, "sources")
    sources.append(
        {
            "slug": "hostile",
            "file": "999_hostile.txt",
            "label": SOURCE_LABEL,
            "title": None,
            "author": None,
            "outlet": None,
            "date": None,
            "notes": None,
        }
    )
    _dump(seeds, "sources", sources)

    hazards = _load(seeds, "hazards")
    hazard = next(h for h in hazards if h["slug"] == HOSTILE_HAZARD)
    hazard["name"] = HAZARD_NAME
    hazard["summary"] = HAZARD_SUMMARY
    hazard["citations"] += [
        {"source": "hostile", "quote": line} for line in [*HOSTILE_LINES, NBSP_LINE]
    ]
    _dump(seeds, "hazards", hazards)

    journeys = _load(seeds, "journeys")
    roh = next(j for j in journeys if j["slug"] == "roh-family")
    roh["title"] = JOURNEY_TITLE
    roh["legs"][HOSTILE_LEG - 1]["summary"] = LEG_SUMMARY
    assert roh["legs"][HOSTILE_LEG - 1]["route"] == "known"
    assert roh["legs"][HOSTILE_LEG - 1]["to"] == HOSTILE_PLACE
    _dump(seeds, "journeys", journeys)

    places = _load(seeds, "places")
    next(p for p in places if p["slug"] == HOSTILE_PLACE)["name"] = PLACE_NAME
    _dump(seeds, "places", places)


def seeded_app(tmp_path: Path, seeds: Path) -> Flask:
    app = make_app(tmp_path / "hostile.sqlite")
    seed(app, seeds)
    return app


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One hostile atlas for the module: the tests read it, none changes it."""
    tmp_path: Path = tmp_path_factory.mktemp("hostile")
    seeds = copy_seeds(tmp_path / "seeds")
    add_hostile_text(seeds)
    return seeded_app(tmp_path, seeds)


@pytest.fixture(scope="module")
def hostile_server(hostile_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(hostile_app) as server:
        yield server


def popup_markup(page_html: str) -> list[str]:
    """The HTML of every popup in a page's map script, as the browser will parse it."""
    return re.findall(r'\$\(`(<div id="html_\w+".*?)`\)\[0\]', page_html, flags=re.DOTALL)


def text_of(page: Any, selector: str) -> str:
    return page.locator(selector).evaluate("e => e.textContent").strip()


def visit(page: Any, url: str) -> None:
    """Load a page and let every request it makes (the favicon too) finish, so the next
    navigation aborts none of them."""
    page.goto(url, wait_until="networkidle")


def assert_nothing_ran(page: Any, watch: Any, dialogs: Any) -> None:
    assert page.evaluate(PWNED) == "undefined", "a payload ran"
    assert dialogs.messages == [], f"a payload opened a dialog: {dialogs.messages}"
    # A payload the Content-Security-Policy stopped still fails here: Chromium reports
    # the refusal as a console error. So escaping is tested, not only the policy.
    watch.assert_clean()


@pytest.mark.database
def test_hostile_text_is_served_and_never_evaluated_by_jinja(hostile_app):
    client = hostile_app.test_client()
    journey = client.get("/journeys/roh-family.json").get_json()
    hazard = next(h for h in journey["hazards"] if h["slug"] == HOSTILE_HAZARD)
    keys = [c["key"] for c in hazard["citations"] if c["source"] == "hostile"]
    assert len(keys) == len(HOSTILE_LINES) + 1
    pages = [
        "/",
        "/journeys/roh-family",
        "/journeys/general-route",
        "/hazards",
        "/sources/hostile",
        f"/sources/hostile?cite={keys[0]}",
        "/sources",
        "/journeys",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        body = response.get_data(as_text=True)
        for payload in [*HOSTILE_LINES, HAZARD_NAME, JOURNEY_TITLE, SOURCE_LABEL]:
            if "<" in payload:
                assert payload not in body, f"{path} carries {payload!r} as markup"

    page_html = client.get("/journeys/roh-family").get_data(as_text=True)
    popups = popup_markup(page_html)
    assert popups, "no popup found in the map script"
    # Every character that means something is a reference, so the markup carries no
    # payload as such; its text, the references read once, is the payload verbatim: a
    # template evaluation ("{{ 7*7 }}" -> "49", "{% if %}" -> "X") would have changed it.
    active = re.compile(r"[<>\"'`${}&\\]")
    for payload in [*HOSTILE_LINES, HAZARD_NAME, JOURNEY_TITLE, PLACE_NAME, LEG_SUMMARY]:
        if active.search(payload):
            assert not [m for m in popups if payload in m], f"{payload!r} is raw in a popup"
    texts = [html.unescape(markup) for markup in popups]
    hazard_popups = [t for t in texts if f"<h3>{HAZARD_NAME}</h3>" in t]
    assert len(hazard_popups) == 1, "the hazard popup does not show its name verbatim"
    for payload in [HAZARD_SUMMARY, *HOSTILE_LINES]:
        assert payload in hazard_popups[0], f"{payload!r} is not verbatim in the popup"
    assert "49" not in hazard_popups[0].split("<h3>", 1)[1].split("<blockquote>", 1)[0]
    leg_popups = [t for t in texts if f"<p>{LEG_SUMMARY}</p>" in t]
    assert len(leg_popups) == 1, "the leg popup does not show its summary verbatim"
    assert f"Leg · {JOURNEY_TITLE}" in leg_popups[0]

    assert hazard["name"] == HAZARD_NAME
    assert journey["title"] == JOURNEY_TITLE


@pytest.mark.browser
def test_hostile_text_on_the_journey_map_never_runs_and_reads_as_written(browser, hostile_server):
    with watched_page(browser, hostile_server.url) as (page, watch, dialogs):
        open_map_page(page, hostile_server.url + "/journeys/roh-family", watch)
        journey = page.request.get(hostile_server.url + "/journeys/roh-family.json").json()
        state = map_state(page)
        features = state["features"]

        # Every popup and every tooltip opened; then the mouse passed over each hazard
        # symbol and over the hostile popups' text (an injected onmouseover would fire).
        for key in features:
            open_popup(page, key)
            page.evaluate(OPEN_TOOLTIP, key)
        page.evaluate("() => { window.atlasMaps[0].map.closePopup(); }")
        for key in (k for k in features if k.startswith("hazard-")):
            box = page.evaluate(
                "(key) => window.atlasMaps[0].features[key]._icon.getBoundingClientRect().toJSON()",
                key,
            )
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=2)
        for key in [f"hazard-{HOSTILE_HAZARD}", f"leg-{HOSTILE_LEG}"]:
            box = open_popup(page, key).bounding_box()
            page.mouse.move(box["x"] + 2, box["y"] + 2)
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)

        popup = open_popup(page, f"hazard-{HOSTILE_HAZARD}")
        assert text_of(page, f"{POPUP} h3") == HAZARD_NAME
        paragraphs = popup.locator(".atlas-popup > p").all_text_contents()
        assert HAZARD_SUMMARY in paragraphs
        quotes = popup.locator("blockquote").evaluate_all("bs => bs.map(b => b.textContent)")
        for line in HOSTILE_LINES:
            assert any(line in q for q in quotes), f"{line!r} is not verbatim in a quote"

        popup = open_popup(page, f"leg-{HOSTILE_LEG}")
        assert LEG_SUMMARY in popup.locator(".atlas-popup > p").all_text_contents()
        assert text_of(page, f"{POPUP} .atlas-popup-kind") == f"Leg · {JOURNEY_TITLE}"

        stop = next(s for s in journey["stops"] if s["place"] == HOSTILE_PLACE)
        open_popup(page, f"stop-{stop['number']}")
        assert text_of(page, f"{POPUP} h3") == f"Stop {stop['number']}: {PLACE_NAME}"
        open_popup(page, f"place-{HOSTILE_PLACE}")
        assert text_of(page, f"{POPUP} h3") == PLACE_NAME
        page.evaluate(OPEN_TOOLTIP, f"place-{HOSTILE_PLACE}")
        tooltips = page.locator(".leaflet-tooltip").all_text_contents()
        assert f"{PLACE_NAME} (approximate)" in [t.strip() for t in tooltips]

        # The itinerary and the page head show the same words.
        assert text_of(page, "h1") == JOURNEY_TITLE
        assert page.title().startswith(JOURNEY_TITLE)
        assert text_of(page, f"article#hazard-{HOSTILE_HAZARD} h3") == HAZARD_NAME
        assert LEG_SUMMARY in page.locator(f"li#leg-{HOSTILE_LEG} > p").all_text_contents()

        # The layer control and the legend are whole.
        kinds = {h["kind_label"] for h in journey["hazards"] if f"hazard-{h['slug']}" in features}
        labels = map_state(page)["layerControl"]
        for label in ["Base map (offline)", "Approximate places", "Route: legs and stops"]:
            assert labels.count(label) == 1, labels
        assert {lb.removeprefix("Hazard: ") for lb in labels if lb.startswith("Hazard: ")} == kinds
        expect(page.locator(".atlas-legend summary")).to_have_text("How to read this map")
        legend = [t.strip() for t in page.locator(".atlas-legend li").all_text_contents()]
        assert kinds <= set(legend)

        assert_nothing_ran(page, watch, dialogs)


@pytest.mark.browser
def test_hostile_text_on_the_source_hazards_and_home_pages_never_runs_and_reads_as_written(
    browser, hostile_server
):
    base = hostile_server.url
    with watched_page(browser, base) as (page, watch, dialogs):
        source = page.request.get(base + "/sources/hostile.json").json()
        visit(page, base + "/sources/hostile")
        assert text_of(page, "h1") == SOURCE_LABEL
        shown = page.locator("li.passage .passage-text").all_text_contents()
        for line in HOSTILE_LINES:
            assert any(text.strip().endswith(line) for text in shown), f"{line!r} not shown"
        for item in (c for p in source["passages"] for c in p["cited_by"]):
            visit(page, f"{base}/sources/hostile?cite={item['key']}")
            assert page.locator("mark").text_content() in [*HOSTILE_LINES, NBSP_LINE]
            expect(page.locator("mark")).to_have_text(item["quote"], use_inner_text=False)
        assert_nothing_ran(page, watch, dialogs)

        visit(page, base + "/hazards")
        article = page.locator(f"article#hazard-{HOSTILE_HAZARD}")
        assert article.locator("h3").evaluate("e => e.firstChild.textContent").strip() == (
            HAZARD_NAME
        )
        assert HAZARD_SUMMARY in article.locator("p").all_text_contents()
        quotes = article.locator("blockquote").all_text_contents()
        for line in HOSTILE_LINES:
            assert f"\u201c{line}\u201d" in quotes, f"{line!r} is not verbatim on /hazards"
        assert_nothing_ran(page, watch, dialogs)

        open_map_page(page, base + "/", watch)
        assert f"Journey: {JOURNEY_TITLE}" in map_state(page)["layerControl"]
        assert JOURNEY_TITLE in page.locator("table.journeys-table a").all_text_contents()
        for key in (k for k in map_state(page)["features"] if k.startswith("roh-family-leg-")):
            popup = open_popup(page, key)
            expect(popup.locator(".atlas-popup-kind")).to_have_text(f"Leg · {JOURNEY_TITLE}")
        assert_nothing_ran(page, watch, dialogs)


@pytest.mark.browser
def test_the_hostile_hazard_symbol_title_reads_exactly_as_written(browser, hostile_server):
    """The marker's title is its accessible name and hover text."""
    with watched_page(browser, hostile_server.url) as (page, watch, dialogs):
        open_map_page(page, hostile_server.url + "/journeys/roh-family", watch, outlines=False)
        titles = {key: f["iconTitle"] for key, f in map_state(page)["features"].items()}
        assert titles[f"hazard-{HOSTILE_HAZARD}"] == f"Hazard: {HAZARD_NAME}"
        assert_nothing_ran(page, watch, dialogs)


@pytest.mark.browser
def test_a_no_break_space_in_a_quote_reaches_the_popup_unchanged(browser, hostile_server):
    with watched_page(browser, hostile_server.url) as (page, watch, dialogs):
        open_map_page(page, hostile_server.url + "/journeys/roh-family", watch, outlines=False)
        popup = open_popup(page, f"hazard-{HOSTILE_HAZARD}")
        quotes = popup.locator("blockquote").evaluate_all("bs => bs.map(b => b.textContent)")
        shown = [q for q in quotes if "50" in q]
        assert any(NBSP_LINE in q for q in quotes), f"quoted {NBSP_LINE!r}, shown {shown!r}"
        assert_nothing_ran(page, watch, dialogs)


@pytest.mark.database
@pytest.mark.browser
def test_a_10000_character_summary_does_not_break_the_page(browser, tmp_path):
    long_run = "x" * 10_000
    summary = f"Before, after {long_run} end."
    seeds = copy_seeds(tmp_path / "seeds")
    hazards = _load(seeds, "hazards")
    next(h for h in hazards if h["slug"] == LONG_HAZARD)["summary"] = summary
    _dump(seeds, "hazards", hazards)
    app = seeded_app(tmp_path, seeds)

    client = app.test_client()
    for path in ["/journeys/roh-family", "/journeys/roh-family.json", "/hazards", "/"]:
        assert client.get(path).status_code == 200, path
    stored = client.get("/journeys/roh-family.json").get_json()
    assert next(h for h in stored["hazards"] if h["slug"] == LONG_HAZARD)["summary"] == summary

    with LiveServer(app) as server, watched_page(browser, server.url) as (page, watch, dialogs):
        open_map_page(page, server.url + "/journeys/roh-family", watch)
        assert f"hazard-{LONG_HAZARD}" in map_state(page)["features"]
        popup = open_popup(page, f"hazard-{LONG_HAZARD}")
        expect(popup.locator("h3")).to_be_visible()
        assert any(
            f"after {long_run} end." in text
            for text in popup.locator(".atlas-popup > p").all_text_contents()
        )
        itinerary = page.locator(f"article#hazard-{LONG_HAZARD}").text_content()
        assert f"after {long_run} end." in itinerary
        assert settled_popup(page).is_visible()
        assert_nothing_ran(page, watch, dialogs)


@pytest.mark.database
def test_a_nul_byte_in_the_seed_data_is_refused_naming_the_record(tmp_path):
    """No database text column (PostgreSQL's included) holds a NUL: the loader refuses it."""
    seeds = copy_seeds(tmp_path / "seeds")
    hazards = _load(seeds, "hazards")
    next(h for h in hazards if h["slug"] == LONG_HAZARD)["summary"] = "Before\x00after"
    _dump(seeds, "hazards", hazards)
    app = make_app(tmp_path / "nul.sqlite")
    with pytest.raises(SeedError) as refused:
        seed(app, seeds)
    assert f"seeds/hazards.yaml: hazard {LONG_HAZARD!r}: field 'summary' contains a NUL byte" in (
        refused.value.problems
    )
