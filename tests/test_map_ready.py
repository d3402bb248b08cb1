"""The "map ready" signal (static/js/atlas.js): `<html data-atlas-map="ready">` once
the country outlines are drawn on every map of the page and every Promise in
`window.atlasPendingLayers` has settled. The benchmarks time pages by it, and map
scripts that load data announce their Promise there."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PageWatch

pytestmark = pytest.mark.browser

READY = "() => document.documentElement.dataset.atlasMap === 'ready'"
STATE = "() => document.documentElement.dataset.atlasMap || null"

# The base map's land polygons drawn on each map of the page (static/js/basemap.js).
OUTLINES_PER_MAP = """() => (window.atlasMaps || []).map((entry) => {
    let rings = 0;
    entry.map.eachLayer((l) => {
        if (l instanceof L.Polygon && l.options.pane === "atlasBasemap") {
            rings += l.getLatLngs().length;
        }
    });
    return rings;
})"""

# A map script's data layer as the contract has it push its Promise (before the page's
# own scripts run); the test settles it when it chooses.
PENDING_LAYER = """
window.atlasPendingLayers = window.atlasPendingLayers || [];
window.atlasPendingLayers.push(new Promise((resolve) => { window.releaseFirstLayer = resolve; }));
"""

PAGES = {
    "journey": "/journeys/roh-family",
    "home": "/",
    "embed": "/embed/journeys/roh-family",
    "presentation": "/present/journeys/roh-family",
}


def new_page(browser: Any, live_server: Any) -> tuple[Any, Any, PageWatch]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = PageWatch(live_server.url)
    watch.attach(context, page)
    return context, page, watch


def is_outlines_script(url: str) -> bool:
    """The base map's first level of detail (the whole region), which every map needs."""
    return "/static/vendor/basemap/basemap-0" in url


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_ready_waits_for_the_outlines_of_every_map(browser, live_server, kind):
    """The outlines script is held back: the page has its maps but is not ready; once
    the script arrives it becomes ready, and then every map has its outlines."""
    context, page, watch = new_page(browser, live_server)
    held: list[Any] = []
    context.route(is_outlines_script, lambda route: held.append(route))
    try:
        with page.expect_request(lambda request: is_outlines_script(request.url)):
            page.goto(live_server.url + PAGES[kind], wait_until="domcontentloaded")
        page.wait_for_function("() => !!(window.atlasMaps && window.atlasMaps.length)")
        while not held:  # the route handler runs as Playwright delivers its events
            page.evaluate("() => new Promise((resolve) => requestAnimationFrame(resolve))")
        assert page.evaluate(STATE) is None
        held[0].continue_()
        page.wait_for_function(READY)
        outlines = page.evaluate(OUTLINES_PER_MAP)
        assert outlines and all(n > 100 for n in outlines), outlines
        assert len(held) == 1  # once per page, however many maps
        watch.assert_clean()
    finally:
        context.close()


def test_ready_waits_for_every_pending_layer_also_those_pushed_later(browser, live_server):
    context, page, watch = new_page(browser, live_server)
    page.add_init_script(PENDING_LAYER)
    try:
        page.goto(live_server.url + PAGES["journey"], wait_until="load")
        # Outlines drawn and the page loaded: only the pending layer holds it back.
        page.wait_for_function(
            "() => window.atlasMaps.every(({map}) => map.getContainer().dataset.atlasBasemap)"
        )
        assert min(page.evaluate(OUTLINES_PER_MAP)) > 100
        assert page.evaluate(STATE) is None
        # While the first settles, a second layer is pushed: ready waits for it too.
        page.evaluate(
            """() => {
                window.atlasPendingLayers.push(
                    new Promise((resolve) => { window.releaseSecondLayer = resolve; }));
                window.releaseFirstLayer();
            }"""
        )
        # Let the first Promise's settling run through atlas.js before looking again.
        page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")
        assert page.evaluate(STATE) is None
        page.evaluate("() => window.releaseSecondLayer()")
        page.wait_for_function(READY)
        watch.assert_clean()
    finally:
        context.close()


def test_a_rejected_layer_still_lets_the_map_be_ready(browser, live_server):
    """Settled, not fulfilled: a layer that failed to load must not hang the signal."""
    context, page, watch = new_page(browser, live_server)
    page.add_init_script(
        """window.atlasPendingLayers = [Promise.reject(new Error("no data"))];
        window.atlasPendingLayers[0].catch(() => {});"""
    )
    try:
        page.goto(live_server.url + PAGES["embed"], wait_until="load")
        page.wait_for_function(READY)
        watch.assert_clean()
    finally:
        context.close()


def test_a_page_with_no_map_never_says_ready(browser, live_server):
    """atlas.js on a page without a map (here added to /hazards, which has none) runs
    its load handler and leaves the signal unset."""
    context, page, watch = new_page(browser, live_server)
    try:
        page.goto(live_server.url + "/hazards", wait_until="load")
        page.add_script_tag(url=live_server.url + "/static/js/atlas.js")
        page.evaluate(
            """() => new Promise((resolve) => {
                window.dispatchEvent(new Event("load"));
                setTimeout(resolve, 0);  // after every Promise atlas.js may have started
            })"""
        )
        assert page.evaluate("() => (window.atlasMaps || []).length") == 0
        assert page.evaluate(STATE) is None
        watch.assert_clean()
    finally:
        context.close()
