"""Large journeys (flask synthetic): maps past the threshold are drawn from data on a
canvas, hazards grouped by place, popups fetched when opened (escaped by the server);
pages keep their long lists bounded; maps below the threshold stay as they were.

One atlas (seeded, then synthetic journeys of 1,000 and 10,000 hazards) for the module,
in its own database; a live server and Chromium for the browser checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveServer, PageWatch, make_app, seed
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.maps.data_layer import THRESHOLD, drawn_count
from app.models import Hazard
from app.transactions import write_transaction

MID = "synthetic-100-legs-1000-hazards"
BIG = "synthetic-1000-legs-10000-hazards"
SMALL = "synthetic-10-legs-100-hazards"
# Hazard 4 of the mid-size journey stands at place P3 (hazards take the places in turn).
HOSTILE_SLUG = f"{MID}-h4"
HOSTILE_PLACE = f"{MID}-p3"
HOSTILE = '<img src=x onerror="window.__xss=1">Hostile synthetic name'
READY = "() => document.documentElement.dataset.atlasMap === 'ready'"


@pytest.fixture(scope="module")
def large_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    app = make_app(tmp_path_factory.mktemp("large") / "atlas.sqlite")
    seed(app)
    runner = app.test_cli_runner()
    for hazards, legs in ((100, 10), (1000, 100), (10000, 1000)):
        result = runner.invoke(args=["synthetic", "--hazards", str(hazards), "--legs", str(legs)])
        assert result.exit_code == 0, result.output
    with app.app_context(), write_transaction():
        hazard = db.session.scalars(select(Hazard).where(Hazard.slug == HOSTILE_SLUG)).one()
        hazard.name = HOSTILE
    return app


@pytest.fixture(scope="module")
def large_client(large_app: Flask) -> Any:
    return large_app.test_client()


@pytest.fixture(scope="module")
def large_server(large_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(large_app) as server:
        yield server


def twin(client: Any, slug: str) -> Any:
    return client.get(f"/journeys/{slug}.json?lang=en").json


def test_the_threshold_separates_the_small_from_the_large(large_client):
    small, mid = twin(large_client, SMALL), twin(large_client, MID)
    assert drawn_count([small], small["hazards"], small["places"]) <= THRESHOLD
    assert drawn_count([mid], mid["hazards"], mid["places"]) > THRESHOLD
    for slug in ("roh-family", SMALL):  # drawn by Folium, as before
        page = large_client.get(f"/journeys/{slug}").get_data(as_text=True)
        assert "atlasDataLayer" not in page and "map-data.js" not in page, slug
        assert "L.marker(" in page, slug
    page = large_client.get(f"/journeys/{MID}").get_data(as_text=True)
    assert "atlasDataLayer" in page and "map-data.js" in page
    assert "L.marker(" not in page  # no Folium element per feature
    assert page.count("bindPopup") == 0


def test_the_map_document_holds_every_drawn_feature_as_plain_text(large_client):
    data = twin(large_client, MID)
    document = large_client.get(f"/journeys/{MID}/map-data.json?lang=en").json
    (route,) = document["routes"]
    assert len(route["stops"]) == len(data["stops"]) == 101
    told = [leg for leg in data["legs"] if leg["route"] == "known"]
    assert [leg["order"] for leg in route["legs"]] == [leg["order"] for leg in told]
    assert sum(g["count"] for g in document["hazards"]) == len(data["hazards"]) == 1000
    # One group per place with hazards, at the place's anchor: no invented spot.
    anchors = {p["slug"]: p["anchor"] for p in data["places"]}
    for group in document["hazards"]:
        assert group["at"] == [round(x, 5) for x in anchors[group["place"]]]
    approximate = [p for p in data["places"] if p["approximate"]]
    assert {a["id"] for a in document["areas"]} == {p["slug"] for p in approximate}
    # Text as data: the hostile name is the characters typed, for textContent.
    (group,) = [g for g in document["hazards"] if g["place"] == HOSTILE_PLACE]
    assert HOSTILE_SLUG in group["hazards"]


def test_a_popup_is_the_servers_escaped_fragment_with_its_citations(large_client):
    url = f"/journeys/{MID}/popup/hazards/{HOSTILE_PLACE}?lang=en&classroom=0"
    answer = large_client.get(url)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert "<img" not in html
    assert "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;Hostile synthetic name" in html
    links = re.findall(r'href="(/sources/[^"]+)"', html)
    assert links, "no citation link in the popup"
    source = large_client.get(links[0].replace("&amp;", "&"))
    assert source.status_code == 200
    assert "<mark" in source.get_data(as_text=True)
    for bad in ("hazards/nowhere", "stop/nope:1", f"leg/{MID}:99999", "elsewhere/x"):
        assert large_client.get(f"/journeys/{MID}/popup/{bad}").status_code == 404, bad


def test_pages_stay_bounded_with_ten_thousand_hazards(large_client):
    sizes = {}
    for url in (
        f"/journeys/{BIG}",
        f"/journeys/{BIG}?hazards=57&legs=10",
        "/hazards",
        "/",
        f"/embed/journeys/{BIG}",
        f"/present/journeys/{BIG}",
    ):
        answer = large_client.get(url)
        assert answer.status_code == 200, url
        sizes[url] = len(answer.get_data())
    assert all(size < 1_000_000 for size in sizes.values()), sizes
    page = large_client.get(f"/journeys/{BIG}?hazards=3").get_data(as_text=True)
    # The third hundred of hazards, and the way to the others.
    assert f'id="hazard-{BIG}-h201"' in page and f'id="hazard-{BIG}-h301"' not in page
    assert "Showing hazards 201–300 of 10000." in page
    assert f'href="/journeys/{BIG}?hazards=4#hazards-h"' in page
    hazards = large_client.get("/hazards").get_data(as_text=True)
    assert 'href="/hazards?kind=landmines#kind-landmines"' in hazards
    deck = large_client.get(f"/present/journeys/{BIG}").get_data(as_text=True)
    assert "900 more legs are not slides here" in deck
    assert len(large_client.get(f"/present/journeys/{BIG}.json").json["slides"]) > 1000


def map_ready(page: Any, url: str, watch: PageWatch) -> None:
    page.goto(url, timeout=120_000)
    page.wait_for_function(READY, timeout=120_000)
    watch.assert_clean()


@pytest.mark.browser
def test_a_large_map_is_drawn_on_a_canvas_and_its_popups_load_on_click(browser, large_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = PageWatch(large_server.url)
    watch.attach(context, page)
    try:
        map_ready(page, f"{large_server.url}/journeys/{MID}", watch)
        container = page.locator(".folium-map")
        assert container.get_attribute("data-atlas-data-mode") == "drawn"
        assert container.locator(".leaflet-overlay-pane canvas").count() >= 1
        assert container.locator(".leaflet-marker-icon").count() == 0  # nothing as DOM
        container.scroll_into_view_if_needed()
        # Where the hostile hazard's group is drawn, in page pixels; click there.
        x, y = page.evaluate(
            """(key) => {
                const entry = window.atlasMaps[0];
                const layer = entry.features[key];
                entry.map.setView(layer.getLatLng(), 8, {animate: false});
                const point = entry.map.latLngToContainerPoint(layer.getLatLng());
                const box = entry.map.getContainer().getBoundingClientRect();
                return [box.left + point.x, box.top + point.y];
            }""",
            f"hazard-{HOSTILE_SLUG}",
        )
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup-content")
        popup.locator(".atlas-popup-group").wait_for()
        assert "Hostile synthetic name" in popup.inner_text()
        assert '<img src=x onerror="window.__xss=1">' in popup.inner_text()  # as text
        assert popup.locator("img").count() == 0
        assert page.evaluate("() => window.__xss") is None
        link = popup.locator(f'a[href*="/sources/{MID}?cite="]').first
        link.click()
        page.wait_for_url(re.compile(rf"/sources/{MID}\?cite="))
        assert page.locator("mark").count() == 1
        watch.assert_clean()
    finally:
        context.close()


@pytest.mark.browser
def test_ten_thousand_hazards_get_ready_under_a_megabyte_compressed(
    browser, large_server, large_client
):
    # The first answer builds the page (once per dataset revision): outside the count.
    assert large_client.get(f"/journeys/{BIG}").status_code == 200
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = PageWatch(large_server.url)
    watch.attach(context, page)
    try:
        map_ready(page, f"{large_server.url}/journeys/{BIG}", watch)
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    try:
        page.goto(f"{large_server.url}/journeys/{BIG}", timeout=120_000)
        page.wait_for_function(READY, timeout=120_000)
        groups = page.evaluate(
            "() => { let n = 0; window.atlasMaps[0].map.eachLayer((l) => {"
            " if (l instanceof L.CircleMarker && l.options.fillOpacity === 0.85) n++; });"
            " return n; }"
        )
        assert groups == 1001  # one per place: every place has hazards
        page.wait_for_load_state("networkidle")
        total = sum(sizes.values())
        assert 0 < total < 1_000_000, f"{total} bytes on first visit"
    finally:
        context.close()


@pytest.mark.browser
def test_a_link_to_a_hazard_opens_its_group_once_the_data_is_drawn(browser, large_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = PageWatch(large_server.url)
    watch.attach(context, page)
    try:
        slug = f"{MID}-h5"  # hazard 5 stands at place P4, alone with its kind there
        map_ready(page, f"{large_server.url}/journeys/{MID}#hazard-{slug}", watch)
        popup = page.locator(".leaflet-popup-content .atlas-popup-group")
        popup.wait_for()
        assert "Synthetic hazard H5 (" in popup.inner_text()
        watch.assert_clean()
    finally:
        context.close()


def test_the_home_map_and_embeds_draw_large_journeys_from_data_too(large_client):
    home = large_client.get("/").get_data(as_text=True)
    assert "atlasDataLayer" in home and "L.marker(" not in home
    document = large_client.get("/map-data.json?lang=en").json
    slugs = [route["slug"] for route in document["routes"]]
    assert "roh-family" in slugs and BIG in slugs and MID in slugs
    popup = large_client.get(f"/popup/hazards/{HOSTILE_PLACE}?lang=en&classroom=0")
    assert popup.status_code == 200
    assert "&lt;img src=x" in popup.get_data(as_text=True)
    # An embed's popups open passages in a new tab and keep its language.
    embed = large_client.get(f"/embed/journeys/{MID}?lang=ko").get_data(as_text=True)
    assert "atlasDataLayer" in embed and "embed=1" in embed
    answer = large_client.get(f"/journeys/{MID}/popup/leg/{MID}:2?lang=ko&classroom=0&embed=1")
    html = answer.get_data(as_text=True)
    assert 'target="_blank"' in html and 'rel="noopener"' in html
    assert re.search(r'href="/sources/[^"]*lang=ko', html), html


def test_an_untold_leg_has_no_popup(large_client):
    untold = [leg for leg in twin(large_client, MID)["legs"] if leg["route"] != "known"]
    assert untold  # every 25th leg of the synthetic data
    order = untold[0]["order"]
    assert large_client.get(f"/journeys/{MID}/popup/leg/{MID}:{order}").status_code == 404
    assert large_client.get(f"/journeys/{MID}/popup/leg/{MID}:{order - 1}").status_code == 200
