"""The maps as a reader meets them: headless Chromium with the network cut, on the real
seed data served by a live server. Features are found through the index the app
publishes (`window.atlasMaps[0].features`), then clicked, hovered or opened."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_helpers import (
    LINE_POINTS,
    POPUP,
    SCROLL_SETTLED,
    SEED_JOURNEYS,
    assert_only_local_requests,
    drawn_hazards,
    drawn_place_slugs,
    get_json,
    journey_slugs,
    known_legs,
    map_state,
    open_map_page,
    open_popup,
    settled_popup,
    watched_page,
)
from conftest import REPO
from playwright.sync_api import expect

from app.vocabulary import HAZARD_KINDS

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"


def journey_url(live_server: Any, slug: str) -> str:
    return f"{live_server.url}/journeys/{slug}"


def icon_centre_is_clickable(page: Any, key: str) -> bool:
    """Whether a real click at the centre of a marker's icon would reach that icon."""
    return page.evaluate(
        """(key) => {
            const icon = window.atlasMaps[0].features[key]._icon;
            const r = icon.getBoundingClientRect();
            const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return !!hit && icon.contains(hit);
        }""",
        key,
    )


def first_quote(page: Any) -> str:
    """The quoted words of the open popup's first citation, without the curly quotes."""
    text = page.locator(f"{POPUP} blockquote").first.evaluate("b => b.firstChild.textContent")
    text = text.strip()
    assert text.startswith("\u201c") and text.endswith("\u201d"), text
    return text[1:-1]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_the_live_server_lists_the_journeys_of_the_seed_data(live_server):
    assert journey_slugs(live_server.url) == SEED_JOURNEYS


@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_a_journey_map_draws_its_known_legs_hazards_and_outlines_offline(
    page_watch, live_server, slug
):
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/{slug}.json")
    open_map_page(page, journey_url(live_server, slug), watch)
    state = map_state(page)
    features = state["features"]

    assert state["maps"] == 1
    assert state["isLeafletMap"], "atlasMaps[0].map is not a Leaflet map"

    expected_legs = {f"leg-{leg['order']}" for leg in known_legs(journey)}
    drawn_legs = {key for key in features if re.fullmatch(r"leg-\d+", key)}
    assert drawn_legs == expected_legs, "drawn legs differ from the known routes"
    for key in drawn_legs:
        assert features[key]["polyline"], f"{key} is not a line"
        assert features[key]["onMap"], f"{key} is not on the map"

    expected_hazards = {f"hazard-{h['slug']}" for h in drawn_hazards(journey)}
    indexed_hazards = {key for key in features if key.startswith("hazard-")}
    assert indexed_hazards == expected_hazards, "hazard symbols differ from the JSON"
    for key in expected_hazards:
        assert features[key]["onMap"], f"{key} is not on the map"
        assert features[key]["iconInDom"], f"{key} has no icon in the map"
        assert features[key]["hazardIcon"], f"{key} icon is not a hazard symbol"

    assert state["outlineFeatures"] > 100, "the base map's land did not load"
    assert state["outlineCanvas"], "the base map was not drawn"
    assert state["baseLabels"], "the base map shows no names"
    watch.assert_clean()
    assert_only_local_requests(watch)


def test_a_hazard_popup_link_lands_on_the_highlighted_passage(page_watch, live_server):
    page, watch = page_watch
    journey = get_json(live_server.url, "/journeys/roh-family.json")
    open_map_page(page, journey_url(live_server, "roh-family"), watch)
    candidates = [f"hazard-{h['slug']}" for h in drawn_hazards(journey) if h["citations"]]
    clickable = [key for key in candidates if icon_centre_is_clickable(page, key)]
    assert clickable, f"no hazard symbol of {candidates} can be clicked"

    icon = page.evaluate_handle(f"window.atlasMaps[0].features[{clickable[0]!r}]._icon")
    icon.as_element().click()  # a real mouse click on the symbol
    expect(settled_popup(page).locator(".atlas-popup")).to_be_visible()
    quote = first_quote(page)
    page.locator(f"{POPUP} blockquote a").first.click()
    page.wait_for_url(re.compile(r"/sources/[\w-]+\?cite=\w+#p-\d+$"))

    url = urlsplit(page.url)
    assert parse_qs(url.query)["cite"], page.url
    passage = re.fullmatch(r"p-(\d+)", url.fragment)
    assert passage, page.url
    mark = page.locator("mark")
    expect(mark).to_have_count(1)
    expect(mark).to_be_visible()
    assert mark.text_content() == quote
    expect(page.locator(f"li#p-{passage.group(1)} mark")).to_have_count(1)
    expect(mark).to_be_in_viewport()
    watch.assert_clean()
    assert_only_local_requests(watch)


def test_clicking_a_leg_line_opens_its_popup_with_quote_and_link(page_watch, live_server):
    page, watch = page_watch
    journey = get_json(live_server.url, "/journeys/roh-family.json")
    open_map_page(page, journey_url(live_server, "roh-family"), watch)
    page.locator(".map-frame").scroll_into_view_if_needed()
    legs = known_legs(journey)
    assert legs
    for leg in legs:
        points = page.evaluate(LINE_POINTS, f"leg-{leg['order']}")
        on_line = [p for p in points if p["hit"]]
        assert on_line, f"no point in the middle of leg {leg['order']} can be clicked"
        page.mouse.click(on_line[0]["x"], on_line[0]["y"])  # a real click, nearest the middle
        popup = settled_popup(page)
        expect(popup.locator("h3")).to_have_text(f"Leg {leg['order']}: {leg['label']}")
        assert first_quote(page) == leg["citations"][0]["quote"]
        link = popup.locator("blockquote a").first
        assert link.get_attribute("href") == leg["citations"][0]["url"]
    watch.assert_clean()


def test_a_dashed_leg_answers_a_click_between_its_dashes(page_watch, live_server):
    """A reader aims at the line, not at a dash: every point of its middle third is live."""
    page, watch = page_watch
    journey = get_json(live_server.url, "/journeys/roh-family.json")
    open_map_page(page, journey_url(live_server, "roh-family"), watch)
    page.locator(".map-frame").scroll_into_view_if_needed()
    dead: dict[str, int] = {}
    for leg in known_legs(journey):
        points = page.evaluate(LINE_POINTS, f"leg-{leg['order']}")
        misses = sum(1 for p in points if not p["hit"] and not p["covered"])
        if misses:
            dead[f"leg-{leg['order']}"] = round(100 * misses / len(points))
    assert dead == {}, f"percent of the middle third of each leg that ignores clicks: {dead}"
    watch.assert_clean()


@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_approximate_places_are_areas_and_their_popups_say_approximate(
    page_watch, live_server, slug
):
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/{slug}.json")
    places = {p["slug"]: p for p in journey["places"]}
    open_map_page(page, journey_url(live_server, slug), watch)
    state = map_state(page)
    assert state["defaultPins"] == 0, "a default Leaflet pin is drawn"

    located = [
        (f"stop-{s['number']}", s["place"])
        for s in journey["stops"]
        if s["place"] in drawn_place_slugs(journey)
    ]
    located += [(f"hazard-{h['slug']}", h["place"]) for h in drawn_hazards(journey)]
    assert located, "nothing is located on the map"
    for key, place_slug in located:
        place = places[place_slug]
        assert key in state["features"], f"{key} is not on the map"
        if place["precision"] == "point":
            continue
        popup = open_popup(page, key)
        expect(popup.locator(".atlas-approx")).to_contain_text("Approximate")
        if place["area"]["kind"] != "none":
            area = f"place-{place_slug}"
            assert area in state["features"], f"{place_slug} has no area drawn"
            assert state["features"][area]["onMap"], f"{area} is not on the map"
    watch.assert_clean()


def test_show_on_map_opens_the_popup_of_the_leg_or_hazard_it_names(page_watch, live_server):
    page, watch = page_watch
    journey = get_json(live_server.url, "/journeys/roh-family.json")
    open_map_page(page, journey_url(live_server, "roh-family"), watch)
    titles = {leg["id"]: f"Leg {leg['order']}: {leg['label']}" for leg in known_legs(journey)}
    titles.update({h["id"]: h["name"] for h in drawn_hazards(journey)})
    buttons = page.locator("button.show-on-map")
    offered = [buttons.nth(i).get_attribute("data-feature") for i in range(buttons.count())]
    assert set(titles) <= set(offered), "a drawn leg or hazard has no Show on map button"

    for feature, title in titles.items():
        page.evaluate("() => { window.atlasMaps[0].map.closePopup(); }")
        page.locator(f'button.show-on-map[data-feature="{feature}"]').click()
        expect(settled_popup(page).locator("h3")).to_have_text(title)
        assert page.evaluate(f"window.atlasMaps[0].features[{feature!r}].isPopupOpen()")
        # The page scrolls (smoothly) until the whole map is in view.
        map_frame = expect(page.locator(".map-frame"), f"{feature}: the map is not in view")
        map_frame.to_be_in_viewport(ratio=1)
        page.evaluate(SCROLL_SETTLED)
    watch.assert_clean()


@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_every_show_on_map_button_names_a_feature_on_the_map(page_watch, live_server, slug):
    """A button that does nothing when pressed is a broken promise to the reader."""
    page, watch = page_watch
    open_map_page(page, journey_url(live_server, slug), watch, outlines=False)
    features = map_state(page)["features"]
    buttons = page.locator("button.show-on-map")
    offered = [buttons.nth(i).get_attribute("data-feature") for i in range(buttons.count())]
    assert [f for f in offered if f not in features] == [], "buttons for features not drawn"
    watch.assert_clean()


def test_a_link_to_a_leg_opens_that_legs_popup_on_arrival(page_watch, live_server):
    page, watch = page_watch
    journey = get_json(live_server.url, "/journeys/roh-family.json")
    leg = known_legs(journey)[-1]
    open_map_page(page, journey_url(live_server, "roh-family") + f"#{leg['id']}", watch)
    expect(settled_popup(page).locator("h3")).to_have_text(f"Leg {leg['order']}: {leg['label']}")
    watch.assert_clean()


def test_the_home_overview_map_draws_every_journeys_known_legs(page_watch, live_server):
    page, watch = page_watch
    expected: set[str] = set()
    for slug in journey_slugs(live_server.url):
        journey = get_json(live_server.url, f"/journeys/{slug}.json")
        expected |= {f"{slug}-leg-{leg['order']}" for leg in known_legs(journey)}
    assert expected, "no journey has a known leg to draw"

    open_map_page(page, live_server.url + "/", watch)
    state = map_state(page)
    features = state["features"]
    drawn = {key for key in features if re.fullmatch(r".+-leg-\d+", key)}
    assert drawn == expected
    for key in drawn:
        assert features[key]["polyline"], f"{key} is not a line"
        assert features[key]["onMap"], f"{key} is not on the map"
    assert not [key for key in features if key.startswith("stop-")], "stops are indexed"
    watch.assert_clean()
    assert_only_local_requests(watch)


def test_the_layer_control_lists_the_legs_and_each_drawn_hazard_kind(page_watch, live_server):
    page, watch = page_watch
    journey = get_json(live_server.url, "/journeys/roh-family.json")
    open_map_page(page, journey_url(live_server, "roh-family"), watch)
    labels = map_state(page)["layerControl"]
    assert labels.count("Route: legs and stops") == 1, labels
    kinds = {h["kind_label"] for h in drawn_hazards(journey)}
    assert kinds
    for kind in kinds:
        assert labels.count(f"Hazard: {kind}") == 1, f"{kind!r} is not listed once in {labels}"
    watch.assert_clean()


@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_the_layer_control_and_legend_offer_no_empty_hazard_layer(page_watch, live_server, slug):
    """A hazard kind whose hazards are all unplaced has no symbol: it is not a map layer."""
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/{slug}.json")
    open_map_page(page, journey_url(live_server, slug), watch, outlines=False)
    drawn = {h["kind_label"] for h in drawn_hazards(journey)}
    listed = {
        label.removeprefix("Hazard: ")
        for label in map_state(page)["layerControl"]
        if label.startswith("Hazard: ")
    }
    assert listed == drawn, "the layer control's hazard layers differ from the drawn kinds"
    legend = {item.strip() for item in page.locator(".atlas-legend li").all_text_contents()}
    all_kinds = {kind.label for kind in HAZARD_KINDS.values()}
    assert legend & all_kinds == drawn, "the legend's hazard symbols differ from the drawn kinds"
    watch.assert_clean()


@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_marker_titles_read_exactly_as_the_names_they_label(page_watch, live_server, slug):
    """The title is the marker's accessible name and hover text: no HTML references."""
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/{slug}.json")
    names = {p["slug"]: p["name"] for p in journey["places"]}
    expected = {f"hazard-{h['slug']}": f"Hazard: {h['name']}" for h in drawn_hazards(journey)}
    expected.update(
        {
            f"stop-{s['number']}": f"Stop {s['number']}: {names[s['place']]}"
            for s in journey["stops"]
            if s["place"] in drawn_place_slugs(journey)
        }
    )
    open_map_page(page, journey_url(live_server, slug), watch, outlines=False)
    features = map_state(page)["features"]
    titles = {key: features[key]["iconTitle"] for key in expected}
    assert titles == expected
    watch.assert_clean()


@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_every_hazard_symbol_can_be_clicked_in_the_first_view(page_watch, live_server, slug):
    """No hazard symbol is hidden under another marker at the zoom the page opens with."""
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/{slug}.json")
    open_map_page(page, journey_url(live_server, slug), watch, outlines=False)
    page.locator(".map-frame").scroll_into_view_if_needed()
    keys = [f"hazard-{h['slug']}" for h in drawn_hazards(journey)]
    hidden = [key for key in keys if not icon_centre_is_clickable(page, key)]
    assert hidden == [], "hazard symbols covered by another marker"
    watch.assert_clean()


@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_no_hazard_symbol_hides_a_numbered_stop_in_the_first_view(page_watch, live_server, slug):
    """Hazard symbols are drawn above stops, so they are moved aside where they would cover one."""
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/{slug}.json")
    open_map_page(page, journey_url(live_server, slug), watch, outlines=False)
    page.locator(".map-frame").scroll_into_view_if_needed()
    covered = page.evaluate(
        """() => {
            const stops = document.querySelectorAll(".leaflet-marker-icon .atlas-stop");
            return Array.from(stops).filter((stop) => {
                const r = stop.getBoundingClientRect();
                const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                return hit && hit.closest(".leaflet-marker-icon .atlas-hazard");
            }).map((stop) => stop.textContent);
        }"""
    )
    assert len(journey["stops"]) > 0
    assert covered == [], f"stops hidden under a hazard symbol: {covered}"
    watch.assert_clean()


@pytest.mark.parametrize(("width", "height", "label"), [(1366, 900, "wide"), (390, 844, "narrow")])
@pytest.mark.parametrize(("path", "name"), [("/", "home"), ("/journeys/roh-family", "roh-family")])
def test_screenshots_of_the_maps_are_kept_as_evidence(
    browser, live_server, width, height, label, path, name
):
    ARTIFACTS.mkdir(exist_ok=True)
    with watched_page(browser, live_server.url, width, height) as (page, watch, _dialogs):
        open_map_page(page, live_server.url + path, watch)
        expect(page.locator(".leaflet-container")).to_be_in_viewport()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        full = ARTIFACTS / f"{name}-{label}-full.png"
        page.screenshot(path=str(full), full_page=True)
        page.locator(".map-frame").scroll_into_view_if_needed()
        page.evaluate(SCROLL_SETTLED)
        shot = ARTIFACTS / f"{name}-{label}.png"
        page.screenshot(path=str(shot))
        watch.assert_clean()
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    assert png_size(shot) == (width, height)
    assert png_size(full)[0] == width
