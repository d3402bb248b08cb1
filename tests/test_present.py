"""Presentation mode (/present/journeys/<slug>): a journey as slides beside its map.

The deck and its JSON twin are checked on the server; the slides as an audience and a
presenter meet them in headless Chromium with the network cut, on the real seed data:
every key a keyboard or a presentation clicker sends, the URL hash, where the map looks
on each slide, which hazard symbols it shows, the quotes, and the layout at projector
sizes (screenshots are kept in test-artifacts/).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from browser_helpers import (
    SEED_JOURNEYS,
    assert_only_local_requests,
    get_json,
    watched_page,
)
from conftest import REPO, LiveServer, make_app, seed
from markupsafe import escape
from playwright.sync_api import expect
from test_hostile import (
    HAZARD_NAME,
    HOSTILE_HAZARD,
    HOSTILE_LEG,
    JOURNEY_TITLE,
    PLACE_NAME,
    PWNED,
    SOURCE_LABEL,
    add_hostile_text,
    copy_seeds,
)

ARTIFACTS = REPO / "test-artifacts"
ROH = "roh-family"

DECK_READY = "() => !!(window.atlasMaps && window.atlasMaps.length && window.atlasPresent)"

# Where the map looks, and what it shows: the view's bounds and zoom, which hazard
# symbols are on the map, and the screen distance between two points.
MAP_VIEW = """() => {
    const entry = window.atlasMaps[0];
    const map = entry.map;
    const shown = Object.keys(entry.features)
        .filter((key) => key.startsWith("hazard-") && map.hasLayer(entry.features[key]))
        .map((key) => key.slice("hazard-".length));
    return {zoom: map.getZoom(), maxZoom: map.getMaxZoom(), size: map.getSize(), hazards: shown};
}"""
CONTAINS = """(points) => {
    const map = window.atlasMaps[0].map;
    return points.map((p) => map.getBounds().contains(p));
}"""
AREAS_SHOWN = """(slugs) => {
    const entry = window.atlasMaps[0];
    return slugs.map((slug) => {
        const area = entry.features["place-" + slug];
        return area ? entry.map.getBounds().contains(area.getBounds()) : null;
    });
}"""
PIXEL_SPAN = """([a, b]) => {
    const map = window.atlasMaps[0].map;
    const p = map.latLngToContainerPoint(a), q = map.latLngToContainerPoint(b);
    return Math.max(Math.abs(p.x - q.x), Math.abs(p.y - q.y));
}"""
# What the reader sees of the panel: which slide, and whether anything spills over.
PANEL = """() => {
    const shown = Array.from(document.querySelectorAll(".slide")).filter((s) => !s.hidden);
    const slide = shown[0];
    const body = slide.querySelector(".slide-body");
    const quotes = Array.from(slide.querySelectorAll(".slide-quote blockquote"));
    const nav = document.querySelector(".deck-nav");
    const inView = (el) => {
        const r = el.getBoundingClientRect();
        return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
    };
    return {
        shown: shown.map((s) => Number(s.dataset.number)),
        pageScrolls: document.documentElement.scrollHeight > innerHeight
            || document.documentElement.scrollWidth > innerWidth,
        slideClipped: slide.scrollHeight > slide.clientHeight + 1,
        bodyScrolls: !!body && body.scrollHeight > body.clientHeight + 1,
        overflowing: slide.classList.contains("overflowing"),
        // The cue's words, from the page in its language (CSS content: attr(...)).
        cue: getComputedStyle(slide, "::after").content,
        quoteSizes: quotes.map((q) => parseFloat(getComputedStyle(q).fontSize)),
        navFits: nav.scrollWidth <= nav.clientWidth
            && Array.from(nav.querySelectorAll("button:not([hidden]), a")).every(inView),
        headingInView: inView(slide.querySelector("h1, h2")),
        // Numbered stops a hazard symbol (drawn above them) covers by more than a sliver.
        coveredStops: Array.from(document.querySelectorAll(".leaflet-marker-icon .atlas-stop"))
            .filter((stop) => {
                const s = stop.getBoundingClientRect();
                const hazards = document.querySelectorAll(".leaflet-marker-icon .atlas-hazard");
                return Array.from(hazards).some((hazard) => {
                    const h = hazard.getBoundingClientRect();
                    const w = Math.min(s.right, h.right) - Math.max(s.left, h.left);
                    const t = Math.min(s.bottom, h.bottom) - Math.max(s.top, h.top);
                    return w > 0 && t > 0 && w * t > 0.15 * s.width * s.height;
                });
            })
            .map((stop) => stop.textContent.trim()),
    };
}"""


def deck_url(server: Any, slug: str, suffix: str = "") -> str:
    return f"{server.url}/present/journeys/{slug}{suffix}"


def open_deck(page: Any, url: str, watch: Any) -> None:
    """Open a deck and let every request it makes finish (the outlines, the favicon), so
    that leaving the page later aborts none of them."""
    page.goto(url, wait_until="networkidle")
    if not page.evaluate(DECK_READY):
        pytest.fail(f"{url}: the presentation did not start; page errors: {watch.page_errors}")


def progress(page: Any) -> str:
    return page.locator(".deck-progress").text_content().strip()


def at_slide(page: Any, n: int, count: int) -> None:
    """The deck shows slide n, says so, and the URL hash says so too."""
    expect(page.locator(".deck-progress")).to_have_text(f"{n} / {count}")
    assert urlsplit(page.url).fragment == str(n), page.url
    assert page.evaluate(PANEL)["shown"] == [n]


FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def settled(page: Any, n: int) -> None:
    """Wait until the map has finished moving to slide n."""
    page.wait_for_function("(n) => window.atlasPresent.settled === n", arg=n)


def quotes_on(page: Any, n: int) -> list[str]:
    """The quoted words on slide n, without the curly quotes around them."""
    texts = page.locator(f"#slide-{n} .slide-quote blockquote").all_text_contents()
    for text in texts:
        assert text.startswith("\u201c") and text.endswith("\u201d"), text
    return [text[1:-1] for text in texts]


def anchors_of(journey: dict[str, Any], leg: dict[str, Any]) -> list[list[float]]:
    places = {p["slug"]: p for p in journey["places"]}
    return [places[s]["anchor"] for s in (leg["from"], leg["to"]) if places[s]["anchor"]]


def leg_hazards_drawn(journey: dict[str, Any], leg: dict[str, Any]) -> set[str]:
    hazards = {h["slug"]: h for h in journey["hazards"]}
    return {slug for slug in leg["hazards"] if hazards[slug]["mapped"]}


def loose_hazards(journey: dict[str, Any]) -> list[dict[str, Any]]:
    """The journey's hazards no leg of it carries: they get the Hazards slide."""
    on_legs = {slug for leg in journey["legs"] for slug in leg["hazards"]}
    return [h for h in journey["hazards"] if h["slug"] not in on_legs]


def expected_kinds(journey: dict[str, Any]) -> list[str]:
    return [
        "title",
        "overview",
        *["leg"] * len(journey["legs"]),
        *(["hazards"] if loose_hazards(journey) else []),
        "sources",
    ]


def check_map_on(page: Any, journey: dict[str, Any], deck: dict[str, Any], n: int) -> None:
    """On a leg slide the map shows that leg, and only its hazards; elsewhere the
    slide's own hazards (the Hazards slide's, or none)."""
    slide = deck["slides"][n - 1]
    view = page.evaluate(MAP_VIEW)
    if slide["kind"] != "leg":
        expected = set()
        if slide["kind"] == "hazards":
            expected = {h["slug"] for h in loose_hazards(journey) if h["mapped"]}
        assert set(view["hazards"]) == expected, f"slide {n}: hazard symbols shown"
        return
    leg = journey["legs"][slide["order"] - 1]
    anchors = anchors_of(journey, leg)
    assert all(page.evaluate(CONTAINS, anchors)), f"slide {n}: leg {leg['order']} out of view"
    assert set(view["hazards"]) == leg_hazards_drawn(journey, leg), f"slide {n}: hazards"
    if leg["route"] == "known":
        # The map flew to the leg: it fills the view, or the map is as close as it goes.
        span = page.evaluate(PIXEL_SPAN, anchors)
        small_side = min(view["size"]["x"], view["size"]["y"])
        assert span >= 0.2 * small_side or view["zoom"] >= 7, f"slide {n}: {span}px of leg"
    else:
        places = {p["slug"]: p for p in journey["places"]}
        areas = [s for s in (leg["from"], leg["to"]) if places[s]["approximate"]]
        shown = page.evaluate(AREAS_SHOWN, areas)
        assert all(v is not False for v in shown), f"slide {n}: an area is out of view"


# ---------------------------------------------------------------- the deck (server side)


@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_the_json_twin_has_one_slide_per_leg_plus_the_fixed_ones(client, slug):
    journey = client.get(f"/journeys/{slug}.json").get_json()
    response = client.get(f"/present/journeys/{slug}.json")
    assert response.status_code == 200
    deck = response.get_json()
    slides = deck["slides"]
    assert [s["kind"] for s in slides] == expected_kinds(journey)
    assert [s["number"] for s in slides] == list(range(1, len(slides) + 1))
    assert deck["slide_count"] == len(slides)
    legs = [s for s in slides if s["kind"] == "leg"]
    assert [s["order"] for s in legs] == [leg["order"] for leg in journey["legs"]]
    for slide, leg in zip(legs, journey["legs"], strict=True):
        assert [q["quote"] for q in slide["quotes"]] == [c["quote"] for c in leg["citations"]]
        assert [h["slug"] for h in slide["hazards"]] == leg["hazards"]
    overview = slides[1]
    assert overview["distance_km"] == journey["distance_km"]
    direct = journey["direct_route"]
    assert overview["direct_route"] == direct
    if slug != "direct-route":
        # The direct route is beside every other journey, without a distance: the two
        # Koreas share the border it crosses (a lower bound there would be zero).
        assert direct and direct["distance_km"] is None
    assert overview["distance_leg_count"] == journey["distance_leg_count"]


@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_the_html_renders_every_slide_of_the_json_twin(client, slug):
    deck = client.get(f"/present/journeys/{slug}.json").get_json()
    response = client.get(f"/present/journeys/{slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    numbers = [int(n) for n in re.findall(r'<article class="slide [^"]*" id="slide-(\d+)"', html)]
    assert numbers == [s["number"] for s in deck["slides"]]
    for slide in deck["slides"]:
        assert str(escape(slide["heading"])) in html, slide["heading"]
    assert f'<p class="deck-progress">1 / {deck["slide_count"]}</p>' in html


def test_the_sources_slide_lists_each_article_the_journey_cites(client):
    journey = client.get(f"/journeys/{ROH}.json").get_json()
    deck = client.get(f"/present/journeys/{ROH}.json").get_json()
    sources = deck["slides"][-1]["sources"]
    cited: dict[str, set[int]] = {}
    for item in [journey, *journey["legs"], *journey["hazards"]]:
        for c in item["citations"]:
            cited.setdefault(c["source"], set()).add(c["passage"])
    assert {s["slug"]: set(s["passages"]) for s in sources} == cited
    for source in sources:
        assert client.get(source["url"]).status_code == 200


@pytest.mark.parametrize("url", ["/present/journeys/nope", "/present/journeys/nope.json"])
def test_an_unknown_journey_has_no_presentation(client, url):
    response = client.get(url)
    assert response.status_code == 404
    if url.endswith(".json"):
        assert response.is_json and response.get_json()["error"]
    else:
        assert response.mimetype == "text/html"
        assert f'href="/journeys/{ROH}"' in response.get_data(as_text=True)


def deck_links(html: str) -> list[str]:
    """Our own links in the page around the map (its popups are checked in a browser)."""
    markup = html.split('<script type="application/json"')[0]
    hrefs = re.findall(r'href="([^"]+)"', markup)
    return [h for h in hrefs if h.startswith("/") and not h.startswith("/static/")]


def test_classroom_mode_is_kept_in_every_link(client):
    """The deck starts in the classroom setting, and it must survive every step a class
    takes; with ?classroom=0 no link carries it."""
    plain = deck_links(client.get(f"/present/journeys/{ROH}?classroom=0").get_data(as_text=True))
    assert plain
    assert [h for h in plain if "classroom" in h] == []

    for query in ("", "?classroom=1"):
        page = client.get(f"/present/journeys/{ROH}{query}").get_data(as_text=True)
        links = deck_links(page)
        assert len(links) == len(plain)
        for href in links:
            url = urlsplit(href.replace("&amp;", "&"))
            assert parse_qs(url.query).get("classroom") == ["1"], href
    # A source passage link keeps its citation and its passage as well.
    assert any("cite=" in h and re.search(r"#p-\d+$", h) for h in links)

    journey_page = client.get(f"/journeys/{ROH}?classroom=1").get_data(as_text=True)
    assert f'href="/present/journeys/{ROH}?classroom=1"' in journey_page
    assert f'href="/present/journeys/{ROH}"' in client.get(f"/journeys/{ROH}").get_data(
        as_text=True
    )


@pytest.mark.database
def test_a_journey_without_legs_gets_title_overview_and_sources(empty_app, seeds_copy, browser):
    journeys = yaml.safe_load((seeds_copy / "journeys.yaml").read_text("utf-8"))
    slug = "hyeonseo-lee"
    bare = next(j for j in journeys if j["slug"] == slug)
    assert bare["legs"]
    bare["legs"] = []
    (seeds_copy / "journeys.yaml").write_text(
        yaml.safe_dump(journeys, allow_unicode=True, sort_keys=False), "utf-8"
    )
    # Nor hazards: the deck is its bare minimum (her journey shares the propaganda hazard).
    hazards = yaml.safe_load((seeds_copy / "hazards.yaml").read_text("utf-8"))
    for hazard in hazards:
        hazard["journeys"] = [j for j in hazard["journeys"] if j != slug]
    (seeds_copy / "hazards.yaml").write_text(
        yaml.safe_dump(hazards, allow_unicode=True, sort_keys=False), "utf-8"
    )
    seed(empty_app, seeds_copy)
    client = empty_app.test_client()
    assert client.get(f"/journeys/{slug}.json").get_json()["legs"] == []
    deck = client.get(f"/present/journeys/{slug}.json").get_json()
    assert [s["kind"] for s in deck["slides"]] == ["title", "overview", "sources"]

    with (
        LiveServer(empty_app) as server,
        watched_page(browser, server.url, 1280, 720) as (page, watch, _dialogs),
    ):
        open_deck(page, deck_url(server, slug), watch)
        for n in (1, 2, 3):
            at_slide(page, n, 3)
            settled(page, n)
            page.keyboard.press("ArrowRight")
        at_slide(page, 3, 3)
        watch.assert_clean()


# ---------------------------------------------------------------- presenting (browser)


@pytest.mark.browser
def test_arrow_keys_walk_every_slide_of_the_roh_family_and_back(page_watch, live_server):
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/{ROH}.json")
    deck = get_json(live_server.url, f"/present/journeys/{ROH}.json")
    count = deck["slide_count"]
    assert count == len(journey["legs"]) + 4  # title, overview, hazards, sources
    open_deck(page, deck_url(live_server, ROH), watch)
    at_slide(page, 1, count)
    settled(page, 1)
    check_map_on(page, journey, deck, 1)

    for n in [*range(2, count + 1), count]:  # the last press stays on the last slide
        page.keyboard.press("ArrowRight")
        at_slide(page, n, count)
        settled(page, n)
        check_map_on(page, journey, deck, n)
    for n in [*range(count - 1, 0, -1), 1]:
        page.keyboard.press("ArrowLeft")
        at_slide(page, n, count)
        settled(page, n)
        check_map_on(page, journey, deck, n)
    watch.assert_clean()
    assert_only_local_requests(watch)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("forward", "back"),
    [("PageDown", "PageUp"), ("Space", "Shift+Space")],
)
def test_clicker_keys_and_space_step_through_the_slides(page_watch, live_server, forward, back):
    page, watch = page_watch
    count = get_json(live_server.url, f"/present/journeys/{ROH}.json")["slide_count"]
    open_deck(page, deck_url(live_server, ROH), watch)
    for n in range(2, count + 1):
        page.keyboard.press(forward)
        at_slide(page, n, count)
    for n in range(count - 1, 0, -1):
        page.keyboard.press(back)
        at_slide(page, n, count)
    watch.assert_clean()


@pytest.mark.browser
def test_home_and_end_jump_to_the_first_and_last_slides(page_watch, live_server):
    page, watch = page_watch
    count = get_json(live_server.url, f"/present/journeys/{ROH}.json")["slide_count"]
    open_deck(page, deck_url(live_server, ROH, "#4"), watch)
    at_slide(page, 4, count)
    page.keyboard.press("End")
    at_slide(page, count, count)
    page.keyboard.press("Home")
    at_slide(page, 1, count)
    page.keyboard.press("End")
    at_slide(page, count, count)
    settled(page, count)
    watch.assert_clean()


@pytest.mark.browser
def test_leg_slides_quote_exactly_the_legs_citations_with_links(page_watch, live_server):
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/{ROH}.json")
    deck = get_json(live_server.url, f"/present/journeys/{ROH}.json")
    # Every quote in view and links as they are (the classroom setting is tested apart).
    open_deck(page, deck_url(live_server, ROH, "?classroom=0"), watch)
    legs = {s["order"]: s["number"] for s in deck["slides"] if s["kind"] == "leg"}
    assert sorted(legs) == [leg["order"] for leg in journey["legs"]]
    for leg in journey["legs"]:
        n = legs[leg["order"]]
        assert quotes_on(page, n) == [c["quote"] for c in leg["citations"]]
        links = page.locator(f"#slide-{n} .slide-quote figcaption a")
        assert links.count() == len(leg["citations"])
        for i, citation in enumerate(leg["citations"]):
            assert links.nth(i).get_attribute("href") == citation["url"]
            expected = f"{citation['source_name']}, passage {citation['passage']}"
            assert links.nth(i).text_content().strip() == expected
        expect(page.locator(f"#slide-{n} h2")).to_have_text(
            f"{leg['from_name']} \u2192 {leg['to_name']}"
        )
        if leg["route"] != "known":
            expect(page.locator(f"#slide-{n} .leg-facts")).to_contain_text("Route not told")

    hazards_slide = next(s["number"] for s in deck["slides"] if s["kind"] == "hazards")
    loose = loose_hazards(journey)
    names = page.locator(f"#slide-{hazards_slide} .slide-hazard h3").all_text_contents()
    assert [name.strip() for name in names] == [h["name"] for h in loose]
    assert quotes_on(page, hazards_slide) == [c["quote"] for h in loose for c in h["citations"]]
    watch.assert_clean()


@pytest.mark.browser
def test_a_reload_or_a_shared_link_opens_the_slide_in_the_hash(page_watch, live_server):
    page, watch = page_watch
    count = get_json(live_server.url, f"/present/journeys/{ROH}.json")["slide_count"]
    open_deck(page, deck_url(live_server, ROH, "#3"), watch)
    at_slide(page, 3, count)
    page.keyboard.press("ArrowRight")
    at_slide(page, 4, count)
    # Let the first load finish (the browser's own favicon fetch included), so that the
    # reload cancels nothing the watcher would count as a failed request.
    page.wait_for_load_state("networkidle")
    page.reload()
    assert page.evaluate(DECK_READY)
    at_slide(page, 4, count)
    settled(page, 4)

    page.evaluate("() => { location.hash = '#6'; }")  # an edited hash navigates too
    at_slide(page, 6, count)
    settled(page, 6)
    watch.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize(("hash_", "expected"), [("#999", "last"), ("#0", 1), ("#two", 1)])
def test_a_slide_number_out_of_range_is_clamped(page_watch, live_server, hash_, expected):
    page, watch = page_watch
    count = get_json(live_server.url, f"/present/journeys/{ROH}.json")["slide_count"]
    n = count if expected == "last" else expected
    open_deck(page, deck_url(live_server, ROH, hash_), watch)
    at_slide(page, n, count)
    watch.assert_clean()


@pytest.mark.browser
def test_reduced_motion_moves_the_map_at_once_and_to_the_right_place(page_watch, live_server):
    page, watch = page_watch
    page.emulate_media(reduced_motion="reduce")
    journey = get_json(live_server.url, f"/journeys/{ROH}.json")
    deck = get_json(live_server.url, f"/present/journeys/{ROH}.json")
    open_deck(page, deck_url(live_server, ROH), watch)
    for n in range(2, deck["slide_count"] + 1):
        page.keyboard.press("ArrowRight")
        # No flight: the move is over by the time the key press has been handled.
        assert page.evaluate("window.atlasPresent.settled") == n
        at_slide(page, n, deck["slide_count"])
        check_map_on(page, journey, deck, n)
    watch.assert_clean()


@pytest.mark.browser
def test_the_buttons_step_and_each_change_is_announced(page_watch, live_server):
    page, watch = page_watch
    deck = get_json(live_server.url, f"/present/journeys/{ROH}.json")
    count = deck["slide_count"]
    open_deck(page, deck_url(live_server, ROH), watch)
    expect(page.locator(".deck-prev")).to_be_disabled()
    page.locator(".deck-next").click()
    page.locator(".deck-next").click()
    at_slide(page, 3, count)
    # Space on the focused button moves one slide, not two.
    page.keyboard.press("Space")
    at_slide(page, 4, count)
    page.locator(".deck-prev").click()
    at_slide(page, 3, count)
    slide = deck["slides"][2]
    status = page.locator("#deck-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(
        f"Slide 3 of {count}. Leg {slide['order']} of {slide['of']}: {slide['heading']}"
    )
    page.keyboard.press("End")
    expect(page.locator(".deck-next")).to_be_disabled()
    expect(status).to_have_text(f"Slide {count} of {count}. Sources: Sources")
    watch.assert_clean()


@pytest.mark.browser
def test_f_toggles_full_screen_and_escape_leaves_only_outside_it(page_watch, live_server):
    page, watch = page_watch
    open_deck(page, deck_url(live_server, ROH, "?classroom=1#2"), watch)
    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement === document.documentElement")
    page.keyboard.press("Escape")  # in full screen, Esc is the browser's: the deck stays
    assert urlsplit(page.url).path == f"/present/journeys/{ROH}"
    page.keyboard.press("F")
    page.wait_for_function("() => document.fullscreenElement === null")
    # A popup the presenter opened closes with the first Esc; the deck stays.
    page.evaluate("() => window.atlasMaps[0].features['place-north-korea'].openPopup()")
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    assert urlsplit(page.url).path == f"/present/journeys/{ROH}"
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(rf"/journeys/{ROH}\?classroom=1$"))
    assert page.evaluate("() => !document.querySelector('.deck')")
    watch.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_every_journeys_presentation_runs_offline_without_errors(page_watch, live_server, slug):
    page, watch = page_watch
    page.emulate_media(reduced_motion="reduce")
    journey = get_json(live_server.url, f"/journeys/{slug}.json")
    deck = get_json(live_server.url, f"/present/journeys/{slug}.json")
    open_deck(page, deck_url(live_server, slug), watch)
    for n in range(1, deck["slide_count"] + 1):
        at_slide(page, n, deck["slide_count"])
        check_map_on(page, journey, deck, n)
        page.keyboard.press("ArrowRight")
    watch.assert_clean()
    assert_only_local_requests(watch)


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_every_slide_reads_at_projector_sizes_and_is_kept_as_a_screenshot(
    browser, live_server, width, height
):
    """Large type, nothing cut off, no page scrolling: only a long quote area scrolls."""
    ARTIFACTS.mkdir(exist_ok=True)
    deck = get_json(live_server.url, f"/present/journeys/{ROH}.json")
    with watched_page(browser, live_server.url, width, height) as (page, watch, _dialogs):
        page.emulate_media(reduced_motion="reduce")  # no shot mid-flight
        open_deck(page, deck_url(live_server, ROH), watch)
        page.wait_for_function(
            "() => document.fonts.status === 'loaded'"
            " && document.querySelector('[data-atlas-basemap=\"drawn\"]') !== null"
        )
        for n in range(1, deck["slide_count"] + 1):
            at_slide(page, n, deck["slide_count"])
            settled(page, n)  # the map has moved and the symbols were set aside
            page.evaluate(FRAMES)  # and the type has been fitted and painted
            panel = page.evaluate(PANEL)
            shot = ARTIFACTS / f"present-{ROH}-{width}x{height}-{n:02d}.png"
            page.screenshot(path=str(shot))
            assert png_size(shot) == (width, height)
            assert not panel["pageScrolls"], f"slide {n}: the page scrolls"
            assert not panel["slideClipped"], f"slide {n}: the slide text is cut off"
            assert panel["navFits"], f"slide {n}: a control is out of view"
            assert panel["headingInView"], f"slide {n}: the heading is out of view"
            assert panel["overflowing"] == panel["bodyScrolls"], f"slide {n}: no scroll cue"
            if panel["overflowing"]:
                assert panel["cue"] == '"more below: ↓"', f"slide {n}: cue {panel['cue']}"
            assert all(size >= 28 for size in panel["quoteSizes"]), panel["quoteSizes"]
            assert panel["coveredStops"] == [], f"slide {n}: stops under a hazard symbol"
            if deck["slides"][n - 1]["kind"] == "leg":
                assert panel["quoteSizes"], f"slide {n} shows no quote"
            page.keyboard.press("ArrowRight")
        watch.assert_clean()


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


@pytest.mark.browser
def test_a_long_quote_area_scrolls_with_the_down_arrow(page_watch, live_server):
    page, watch = page_watch
    page.set_viewport_size({"width": 1280, "height": 720})
    page.emulate_media(reduced_motion="reduce")
    deck = get_json(live_server.url, f"/present/journeys/{ROH}.json")
    open_deck(page, deck_url(live_server, ROH), watch)
    longest = max(
        (s for s in deck["slides"] if s["kind"] == "leg"),
        key=lambda s: sum(len(q["quote"]) for q in s["quotes"]),
    )
    page.evaluate(f"() => {{ location.hash = '#{longest['number']}'; }}")
    at_slide(page, longest["number"], deck["slide_count"])
    body = page.locator(f"#slide-{longest['number']} .slide-body")
    assert page.evaluate(PANEL)["bodyScrolls"], "the longest quotes fit: test another slide"
    assert body.evaluate("b => b.scrollTop") == 0
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "(n) => document.querySelector(`#slide-${n} .slide-body`).scrollTop > 0",
        arg=longest["number"],
    )
    at_slide(page, longest["number"], deck["slide_count"])  # scrolling is not a slide change
    watch.assert_clean()


# ---------------------------------------------------------------- hostile text


@pytest.fixture()
def hostile_server(tmp_path: Path) -> Any:
    seeds = copy_seeds(tmp_path / "seeds")
    add_hostile_text(seeds)
    app = make_app(tmp_path / "hostile.sqlite")
    seed(app, seeds)
    with LiveServer(app) as server:
        yield server


@pytest.mark.database
@pytest.mark.browser
def test_hostile_text_on_the_slides_never_runs_and_reads_as_written(browser, hostile_server):
    deck = get_json(hostile_server.url, f"/present/journeys/{ROH}.json")
    leg = next(s for s in deck["slides"] if s["kind"] == "leg" and s["order"] == HOSTILE_LEG)
    chips = next(
        s["number"]
        for s in deck["slides"]
        if s["kind"] == "leg" and HOSTILE_HAZARD in [h["slug"] for h in s["hazards"]]
    )
    with watched_page(browser, hostile_server.url, 1280, 720) as (page, watch, dialogs):
        page.emulate_media(reduced_motion="reduce")
        open_deck(page, deck_url(hostile_server, ROH), watch)
        # The deck reaches the script as JSON inside the page, hostile text and all.
        embedded = page.evaluate(
            "() => JSON.parse(document.getElementById('deck-data').textContent)"
        )
        assert embedded == deck
        assert page.title() == f"Presentation: {JOURNEY_TITLE} \u00b7 Escape Route Atlas"
        expect(page.locator("#slide-1 h1")).to_have_text(JOURNEY_TITLE)
        for n in range(2, deck["slide_count"] + 1):
            page.keyboard.press("ArrowRight")
            at_slide(page, n, deck["slide_count"])
            if n == leg["number"]:
                heading = f"{leg['from_name']} \u2192 {PLACE_NAME}"
                expect(page.locator(f"#slide-{n} h2")).to_have_text(heading)
                expect(page.locator("#deck-status")).to_have_text(
                    f"Slide {n} of {deck['slide_count']}. "
                    f"Leg {leg['order']} of {leg['of']}: {heading}"
                )
        chip_names = page.locator(f"#slide-{chips} .hazard-chips li").all_text_contents()
        assert HAZARD_NAME in [name.strip() for name in chip_names]
        sources = page.locator(".kind-sources .slide-sources a").all_text_contents()
        assert SOURCE_LABEL in sources
        assert page.evaluate(PWNED) == "undefined", "a payload ran"
        assert dialogs.messages == []
        watch.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize("query", ["", "?classroom=1"])
def test_classroom_mode_reaches_the_links_in_the_maps_popups(page_watch, live_server, query):
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/{ROH}.json")
    leg = next(leg for leg in journey["legs"] if leg["route"] == "known")
    open_deck(page, deck_url(live_server, ROH, query), watch)
    page.evaluate("(key) => window.atlasMaps[0].features[key].openPopup()", f"{ROH}-{leg['id']}")
    link = page.locator(".leaflet-popup blockquote a").first
    href = link.get_attribute("href")
    assert href == leg["citations"][0]["url"].replace("#", "&classroom=1#"), href
    watch.assert_clean()
