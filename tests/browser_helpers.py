"""Shared helpers for the browser tests: reading the atlas's own JSON, waiting for a
Leaflet map to be built, and asking the page what its map holds (through the
`window.atlasMaps` index the app publishes)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import yaml
from conftest import SEEDS, PageWatch
from playwright.sync_api import expect

ATLAS_READY = "() => !!(window.atlasMaps && window.atlasMaps.length)"
# The page's own "map ready" signal (static/js/atlas.js): every map of the page built, its
# country outlines drawn and its pending layers settled.
MAP_READY = "() => document.documentElement.dataset.atlasMap === 'ready'"

# The offline base map (static/js/basemap.js) loads its data as scripts after the page;
# it marks the map's container once land, water and labels are drawn.
OUTLINES_LOADED = """() => {
    const map = window.atlasMaps && window.atlasMaps.length && window.atlasMaps[0].map;
    return !!map && map.getContainer().dataset.atlasBasemap === "drawn";
}"""

MAP_STATE = """() => {
    const entry = window.atlasMaps[0];
    const map = entry.map;
    const container = map.getContainer();
    const features = {};
    for (const [key, layer] of Object.entries(entry.features)) {
        const icon = layer._icon || null;
        features[key] = {
            onMap: !!layer._map && map.hasLayer(layer),
            polyline: layer instanceof L.Polyline && !(layer instanceof L.Polygon),
            marker: layer instanceof L.Marker,
            iconInDom: !!(icon && icon.isConnected && container.contains(icon)),
            iconTitle: icon ? icon.getAttribute("title") : null,
            hazardIcon: !!(icon && icon.querySelector(".atlas-hazard")),
            stopIcon: !!(icon && icon.querySelector(".atlas-stop")),
        };
    }
    // The base map's land: its polygons' rings, drawn on the base map's canvas.
    let outlines = 0;
    map.eachLayer((l) => {
        if (l instanceof L.Polygon && l.options.pane === "atlasBasemap") {
            outlines += l.getLatLngs().length;
        }
    });
    return {
        maps: window.atlasMaps.length,
        isLeafletMap: map instanceof L.Map,
        features: features,
        outlineFeatures: outlines,
        outlineCanvas: !!container.querySelector(".leaflet-atlasBasemap-pane canvas"),
        baseLabels: Array.from(container.querySelectorAll(".atlas-label:not([hidden])"),
            (label) => label.textContent),
        defaultPins: container.querySelectorAll("img.leaflet-marker-icon").length,
        layerControl: Array.from(
            container.querySelectorAll(".leaflet-control-layers label"),
            (label) => label.textContent.trim()),
    };
}"""

# The map has stopped moving: Folium's fitBounds pans the map after the map script set
# its first view (a quarter-second animation that can outlast the page's load), so what
# lies where in "the first view" is read once no pan or zoom is under way.
MAP_STILL = """() => window.atlasMaps.every(({map}) =>
    !map._animatingZoom && !(map._panAnim && map._panAnim._inProgress))"""

# Leaflet fades a closed popup out before removing it, so wait until only one is left.
POPUP = ".leaflet-popup .leaflet-popup-content"

# Points along the middle third of a line (by length along it: a schematic line is one
# straight stretch, a path drawn over land several), nearest its midpoint first, after
# fitting the map to the line (as a reader zooms in to it); each with whether a click
# there would reach the line's own SVG path.
LINE_POINTS = """(key) => {
    const entry = window.atlasMaps[0];
    const map = entry.map;
    const layer = entry.features[key];
    map.closePopup();
    map.fitBounds(layer.getBounds(), {padding: [60, 60], animate: false});
    const all = layer.getLatLngs().map((ll) => map.latLngToContainerPoint(ll));
    const lengths = all.slice(1).map((p, i) => p.distanceTo(all[i]));
    const length = lengths.reduce((a, b) => a + b, 0);
    const at = (s) => {  // the point `s` pixels along the line
        for (let i = 0; i < lengths.length; i++) {
            if (s <= lengths[i] || i === lengths.length - 1) {
                const t = lengths[i] ? Math.min(1, s / lengths[i]) : 0;
                return [all[i].x + (all[i + 1].x - all[i].x) * t,
                        all[i].y + (all[i + 1].y - all[i].y) * t];
            }
            s -= lengths[i];
        }
    };
    const box = map.getContainer().getBoundingClientRect();
    const points = [];
    for (let px = -length / 6; px <= length / 6; px += 1) {
        const [lx, ly] = at(length / 2 + px);
        const x = box.left + lx;
        const y = box.top + ly;
        const element = document.elementFromPoint(x, y);
        // A stop or hazard symbol drawn over the line answers for itself.
        const covered = Boolean(element && element.closest(".leaflet-marker-icon"));
        points.push([Math.abs(px), x, y, element === layer._path, covered]);
    }
    points.sort((p, q) => p[0] - q[0]);
    return points.map(([, x, y, hit, covered]) => ({x: x, y: y, hit: hit, covered: covered}));
}"""


# The vendored Bootstrap CSS makes page scrolling smooth: wait until the page has stood
# still for a few frames before the next real click, so two scrolls never overlap.
SCROLL_SETTLED = """() => new Promise((resolve) => {
    let last = window.scrollY, still = 0;
    const tick = () => {
        still = window.scrollY === last ? still + 1 : 0;
        last = window.scrollY;
        if (still >= 5) resolve(true); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
})"""


def is_favicon(request: Any) -> bool:
    return "/static/favicon." in request.url


class Requests:
    """The requests of a page (as Playwright sees them) still under way, to wait for on
    their own events rather than on the network having been quiet for a while.

    The favicon is asked for by the browser itself after the page's load event (on a
    reload too, from the cache): wrap the navigation in `page.expect_request_finished(
    is_favicon)` so that it is among them before `settle()`."""

    def __init__(self, page: Any):
        self.under_way: dict[Any, None] = {}  # in the order they were made
        page.on("request", lambda r: self.under_way.setdefault(r))
        page.on("requestfinished", lambda r: self.under_way.pop(r, None))
        page.on("requestfailed", lambda r: self.under_way.pop(r, None))

    def settle(self) -> None:
        """Until every request made so far has ended (finished or failed), each
        waited for on its own response's end."""
        while self.under_way:
            request = next(iter(self.under_way))
            response = request.response()  # None once it failed without an answer
            if response is not None:
                response.finished()
            self.under_way.pop(request, None)


def open_popup(page: Any, key: str) -> Any:
    """Open a feature's popup through the index; return the locator of its content."""
    page.evaluate(
        """(key) => {
            const entry = window.atlasMaps[0];
            entry.map.closePopup();
            entry.features[key].openPopup();
        }""",
        key,
    )
    return settled_popup(page)


def settled_popup(page: Any) -> Any:
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    # A popup pans the map into view (autoPan): a click during the pan lands elsewhere.
    page.wait_for_function(MAP_STILL)
    return page.locator(POPUP)


def get_json(base_url: str, path: str) -> Any:
    with urllib.request.urlopen(base_url + path, timeout=10) as response:
        assert response.status == 200, f"{path} answered {response.status}"
        return json.load(response)


def journey_slugs(base_url: str) -> list[str]:
    slugs = [j["slug"] for j in get_json(base_url, "/journeys.json")["journeys"]]
    assert slugs, "/journeys.json lists no journey"
    return slugs


# The journeys of the seed data the shared live server serves, known at collection time
# so that every journey is its own test case (checked against /journeys.json).
SEED_JOURNEYS = [j["slug"] for j in yaml.safe_load((SEEDS / "journeys.yaml").read_text("utf-8"))]


def open_map_page(page: Any, url: str, watch: PageWatch, *, outlines: bool = True) -> None:
    """Go to a page with a map and wait until the map (and its base outlines) exist.

    The map script is inline, so once the page has loaded the index either exists or
    the script stopped on an error: fail at once, naming the error."""
    page.goto(url)
    if not page.evaluate(ATLAS_READY):
        pytest.fail(f"{url}: the map was not built; page errors: {watch.page_errors}")
    if outlines:
        page.wait_for_function(OUTLINES_LOADED)
    page.wait_for_function(MAP_STILL)


def map_state(page: Any) -> dict[str, Any]:
    return page.evaluate(MAP_STATE)


def drawn_place_slugs(journey: dict[str, Any]) -> set[str]:
    """Places with a representative point: only these carry a stop or a hazard symbol."""
    return {p["slug"] for p in journey["places"] if p["anchor"]}


def drawn_hazards(journey: dict[str, Any]) -> list[dict[str, Any]]:
    """Hazards the map can draw: their place is told and has a representative point."""
    anchored = drawn_place_slugs(journey)
    return [h for h in journey["hazards"] if h["place"] and h["place"] in anchored]


def known_legs(journey: dict[str, Any]) -> list[dict[str, Any]]:
    return [leg for leg in journey["legs"] if leg["route"] == "known"]


def assert_only_local_requests(watch: PageWatch) -> None:
    """Everything the page asked for came from the live server itself."""
    assert watch.requests, "the page made no request at all"
    elsewhere = [url for url in watch.requests if not url.startswith(watch.origin + "/")]
    assert elsewhere == [], f"requests not to {watch.origin}: {elsewhere}"


class Dialogs:
    """Records (and dismisses) every alert/confirm/prompt a page opens."""

    def __init__(self, page: Any):
        self.messages: list[str] = []
        page.on("dialog", self._record)

    def _record(self, dialog: Any) -> None:
        self.messages.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@contextmanager
def watched_page(
    browser: Any, origin: str, width: int = 1280, height: int = 900
) -> Iterator[tuple[Any, PageWatch, Dialogs]]:
    """A fresh page of the given size with the network cut (only `origin` is reachable)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        watch = PageWatch(origin)
        watch.attach(context, page)
        yield page, watch, Dialogs(page)
    finally:
        context.close()
