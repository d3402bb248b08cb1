"""Embedding: the chrome-less map at /embed/journeys/<slug> inside another site's iframe
(a second HTTP server on another loopback port plays that site), its options, the Embed
form of a journey page, oEmbed as a CMS consumes it, and who may frame which page."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
from browser_helpers import (
    MAP_STATE,
    OUTLINES_LOADED,
    POPUP,
    SEED_JOURNEYS,
    Dialogs,
    get_json,
    known_legs,
)
from conftest import REPO, PageWatch, make_app, seed
from flask import Flask, session, url_for
from playwright.sync_api import expect

SLUG = "roh-family"
ARTIFACTS = REPO / "test-artifacts"
CSP = "Content-Security-Policy"


def frame_ancestors(response: Any) -> str:
    """The frame-ancestors directive of a response's policy (the rest: tests/test_csp.py)."""
    directives = [d.strip() for d in response.headers.get(CSP, "").split(";")]
    return next(d for d in directives if d.startswith("frame-ancestors "))


# Whether the map in a frame is built; the frame's document has loaded by then.
MAP_BUILT = "() => !!(window.atlasMaps && window.atlasMaps.length)"

# The map's box, Leaflet's idea of its size, and the frame's viewport.
MAP_BOX = """() => {
    const map = window.atlasMaps[0].map;
    const box = map.getContainer().getBoundingClientRect();
    const size = map.getSize();
    return {
        box: [box.left, box.top, box.width, box.height],
        size: [size.x, size.y],
        viewport: [document.documentElement.clientWidth, document.documentElement.clientHeight],
        overflow: [document.documentElement.scrollWidth - document.documentElement.clientWidth,
                   document.documentElement.scrollHeight - document.documentElement.clientHeight],
    };
}"""

# The open popup: its box, and whether its close button is what a click there reaches.
POPUP_BOX = """() => {
    const popup = document.querySelector(".leaflet-popup");
    if (!popup) return null;
    const box = popup.getBoundingClientRect();
    const close = popup.querySelector(".leaflet-popup-close-button").getBoundingClientRect();
    const hit = document.elementFromPoint(close.x + close.width / 2, close.y + close.height / 2);
    return {
        box: [box.left, box.top, box.right, box.bottom],
        closeReachable: !!hit && !!hit.closest(".leaflet-popup-close-button"),
    };
}"""

# The zoom at which the map shows the leg whole (as embed.js fits it) and where it is.
LEG_FIT = """(key) => {
    const map = window.atlasMaps[0].map;
    const layer = window.atlasMaps[0].features[key];
    const bounds = layer.getBounds();
    return {
        zoom: map.getZoom(),
        // Framed clear of the controls, with room for the symbols (map-layout.js).
        fitZoom: Math.min(map.getMaxZoom(), 7, map.getBoundsZoom(bounds, false,
            ((p) => p.paddingTopLeft.add(p.paddingBottomRight))(atlasLayout.padding(map)))),
        centreInView: map.getBounds().contains(bounds.getCenter()),
        popupOpen: layer.isPopupOpen(),
    };
}"""


# ---------------------------------------------------------------- another site


class OtherSite:
    """A second origin: a plain static HTTP server on another loopback port."""

    def __init__(self, root: Path):
        self.root = root
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, name: str, body: str) -> str:
        """Publish an HTML page (no favicon request: the icon is inline) and return its URL."""
        (self.root / name).write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<link rel="icon" href="data:,"><title>A school page</title></head>'
            f"<body style='margin:0'><h1>Our lesson</h1>{body}</body></html>",
            "utf-8",
        )
        return f"{self.url}/{name}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OtherSite]:
    site = OtherSite(tmp_path_factory.mktemp("other-site"))
    site.thread.start()
    yield site
    site.server.shutdown()


class TwoOrigins(PageWatch):
    """PageWatch (network cut, errors recorded) that also lets the other site through."""

    def __init__(self, atlas: str, other: str):
        super().__init__(atlas)
        self.other = other

    def attach(self, context: Any, page: Any) -> None:
        super().attach(context, page)

        # Routes registered later run first: pass the other site, leave the rest to PageWatch.
        def other_site(route: Any) -> None:
            if route.request.url.startswith(self.other + "/"):
                route.continue_()
            else:
                route.fallback()

        context.route("**/*", other_site)

    def elsewhere(self) -> list[str]:
        origins = (self.origin + "/", self.other + "/")
        return [url for url in self.requests if not url.startswith(origins)]


@contextmanager
def host_page(
    browser: Any, atlas: str, other: str, width: int = 1300, height: int = 900, **context: Any
) -> Iterator[tuple[Any, TwoOrigins]]:
    ctx = browser.new_context(viewport={"width": width, "height": height}, **context)
    try:
        page = ctx.new_page()
        watch = TwoOrigins(atlas, other)
        watch.attach(ctx, page)
        Dialogs(page)
        yield page, watch
    finally:
        ctx.close()


def iframe(src: str, width: int = 800, height: int = 500, extra: str = "") -> str:
    return (
        f'<iframe src="{src}" width="{width}" height="{height}" title="Escape map" '
        f'style="border:1px solid #888" {extra}></iframe>'
    )


def embed_frame(page: Any, selector: str = "iframe") -> Any:
    """The Frame of an embed on the host page, once its map is built."""
    handle = page.locator(selector).element_handle()
    frame = handle.content_frame()
    assert frame is not None, f"{selector} has no frame"
    frame.wait_for_function(MAP_BUILT)
    return frame


def embed_url(live_server: Any, query: str = "", slug: str = SLUG) -> str:
    return f"{live_server.url}/embed/journeys/{slug}" + (f"?{query}" if query else "")


def cited_sources(journey: dict[str, Any]) -> set[str]:
    """Every article the journey's data cites: the journey, its legs, hazards and places."""
    items = [journey, *journey["legs"], *journey["hazards"], *journey["places"]]
    return {c["source"] for item in items for c in item["citations"]}


# ---------------------------------------------------------------- in another site's frame


@pytest.mark.browser
def test_an_embed_on_another_site_shows_the_map_its_sources_and_passage_links(
    browser, live_server, other_site
):
    journey = get_json(live_server.url, f"/journeys/{SLUG}.json")
    names = {s["slug"]: s["name"] for s in get_json(live_server.url, "/sources.json")["sources"]}
    host = other_site.page("lesson.html", iframe(embed_url(live_server)))

    with host_page(browser, live_server.url, other_site.url) as (page, watch):
        page.goto(host)
        frame = embed_frame(page)
        framed = page.frame_locator("iframe")
        expect(framed.locator(".leaflet-container")).to_be_visible()
        frame.wait_for_function(OUTLINES_LOADED)

        features = frame.evaluate(MAP_STATE)["features"]
        legs = {f"leg-{leg['order']}" for leg in known_legs(journey)}
        assert legs and {k for k in features if re.fullmatch(r"leg-\d+", k)} == legs
        for key in legs:
            assert features[key]["polyline"] and features[key]["onMap"], key

        # The Sources panel: folded, then open, listing exactly the articles cited.
        sources = framed.locator(".embed-sources")
        expect(sources.locator("summary")).to_have_text(f"Sources ({len(cited_sources(journey))})")
        expect(sources.locator("ul")).to_be_hidden()
        sources.locator("summary").click()
        links = sources.locator("li a")
        expect(links.first).to_be_visible()
        listed = {
            links.nth(i).get_attribute("href"): links.nth(i).text_content()
            for i in range(links.count())
        }
        assert listed == {f"/sources/{s}": names[s] for s in cited_sources(journey)}
        for i in range(links.count()):
            assert links.nth(i).get_attribute("target") == "_blank"

        atlas = framed.locator("a.embed-open")
        expect(atlas).to_have_text("Open in the atlas")
        assert atlas.get_attribute("href") == f"/journeys/{SLUG}"
        assert atlas.get_attribute("target") == "_blank"

        # A popup keeps its quote and its passage link, which opens in a new tab.
        leg = known_legs(journey)[0]
        frame.evaluate(
            "(key) => window.atlasMaps[0].features[key].openPopup()", f"leg-{leg['order']}"
        )
        expect(framed.locator(".leaflet-popup")).to_have_count(1)
        quote = framed.locator(f"{POPUP} blockquote").first
        expect(quote).to_contain_text(leg["citations"][0]["quote"])
        link = quote.locator("a")
        assert link.get_attribute("href") == leg["citations"][0]["url"]
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in (link.get_attribute("rel") or "").split()
        with page.context.expect_page() as opened:
            link.click()
        passage = opened.value
        passage.wait_for_load_state()
        assert passage.url == live_server.url + leg["citations"][0]["url"]
        assert frame.url == embed_url(live_server), "the frame itself navigated"
        assert passage.evaluate("window.opener") is None

        assert frame.evaluate("document.cookie") == ""
        assert page.context.cookies() == []
        watch.assert_clean()
        assert watch.elsewhere() == []
        assert any(url.startswith(live_server.url + "/static/") for url in watch.requests)


@pytest.mark.browser
@pytest.mark.parametrize("path", [f"/journeys/{SLUG}", "/", "/sources/heartbreaking-stories"])
def test_another_page_of_the_atlas_is_refused_in_another_sites_frame(
    browser, live_server, other_site, path
):
    """Chromium blocks the response (ERR_BLOCKED_BY_RESPONSE), says why on the console,
    and shows its own error page in the frame; an embed beside it on the same page loads."""
    refused = live_server.url + path
    host = other_site.page(
        "refused.html",
        iframe(refused, extra='id="page"') + iframe(embed_url(live_server), extra='id="embed"'),
    )
    with host_page(browser, live_server.url, other_site.url) as (page, watch):
        blocked: list[str] = []
        page.on(
            "requestfailed",
            lambda r: r.url == refused and blocked.append(r.failure or ""),
        )
        # The refusal's three signs come from different parts of the browser, in no set
        # order: wait for each (the error page, the failed request, the console message).
        with (
            page.expect_event(
                "framenavigated", predicate=lambda f: f.url.startswith("chrome-error://")
            ),
            page.expect_event("requestfailed", lambda r: r.url == refused),
            page.expect_console_message(lambda m: "frame-ancestors" in m.text),
        ):
            page.goto(host)
        embed_frame(page, "#embed")  # the embed on the same page is shown

        frame = page.locator("#page").element_handle().content_frame()
        assert frame.url == "chrome-error://chromewebdata/"
        assert blocked == ["net::ERR_BLOCKED_BY_RESPONSE"]
        assert frame.evaluate("!!window.atlasMaps") is False
        expect(page.frame_locator("#page").locator("main#content")).to_have_count(0)
        expect(page.frame_locator("#page").locator(".site-header")).to_have_count(0)
        origin = live_server.url + "/"
        assert [message.strip() for message in watch.console_errors] == [
            f"Framing '{origin}' violates the following Content Security Policy directive: "
            "\"frame-ancestors 'none'\". The request has been blocked."
        ]
        assert watch.page_errors == [] and watch.offsite == []
        assert watch.elsewhere() == []


@pytest.mark.browser
@pytest.mark.parametrize(
    ("width", "height", "new_width", "new_height"), [(320, 400, 480, 260), (1200, 600, 900, 700)]
)
def test_an_embed_fills_its_frame_and_follows_a_resize(
    browser, live_server, other_site, width, height, new_width, new_height
):
    src = embed_url(live_server, "leg=2")
    host = other_site.page(f"size-{width}.html", iframe(src, width, height))
    with host_page(browser, live_server.url, other_site.url) as (page, watch):
        page.goto(host)
        frame = embed_frame(page)
        frame.wait_for_function(OUTLINES_LOADED)
        inner = page.evaluate(
            "() => { const f = document.querySelector('iframe');"
            " return [f.clientWidth, f.clientHeight]; }"
        )
        assert inner == [width, height]
        assert_fills(frame.evaluate(MAP_BOX), width, height)

        # The leg's popup is whole inside the frame, below the controls, closable.
        frame.wait_for_function("() => !!document.querySelector('.leaflet-popup')")
        frame.wait_for_function(POPUP_SETTLED)
        popup = frame.evaluate(POPUP_BOX)
        left, top, right, bottom = popup["box"]
        assert left >= 0 and top >= 0 and right <= width and bottom <= height, popup
        assert popup["closeReachable"], "the popup's close button is under a control"

        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("iframe").screenshot(path=str(ARTIFACTS / f"embed-{width}.png"))
        framed = page.frame_locator("iframe")
        framed.locator(".embed-sources summary").click()
        expect(framed.locator(".embed-sources li").first).to_be_visible()
        page.locator("iframe").screenshot(path=str(ARTIFACTS / f"embed-{width}-sources.png"))

        page.evaluate(RESIZE_FRAME, [new_width, new_height])
        frame.wait_for_function(MAP_SIZE_IS, arg=[new_width, new_height])
        assert_fills(frame.evaluate(MAP_BOX), new_width, new_height)
        frame.wait_for_function(POPUP_SETTLED)
        page.locator("iframe").screenshot(path=str(ARTIFACTS / f"embed-{width}-resized.png"))
        watch.assert_clean()
        assert watch.elsewhere() == []


RESIZE_FRAME = """([w, h]) => {
    const frame = document.querySelector("iframe");
    frame.width = w;
    frame.height = h;
}"""
MAP_SIZE_IS = """([w, h]) => {
    const size = window.atlasMaps[0].map.getSize();
    return size.x === w && size.y === h;
}"""

# The popup has stopped panning: its place in the frame is the same over a few frames.
POPUP_SETTLED = """() => new Promise((resolve) => {
    const where = () => {
        const box = document.querySelector(".leaflet-popup").getBoundingClientRect();
        return box.left + "," + box.top;
    };
    let last = where(), still = 0;
    const tick = () => {
        const now = where();
        still = now === last ? still + 1 : 0;
        last = now;
        if (still >= 5) resolve(true); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
})"""


def assert_fills(state: dict[str, Any], width: int, height: int) -> None:
    left, top, box_width, box_height = state["box"]
    assert abs(left) <= 2 and abs(top) <= 2, state
    assert abs(box_width - width) <= 2 and abs(box_height - height) <= 2, state
    assert state["size"] == [round(box_width), round(box_height)], state
    assert state["viewport"] == [width, height], state
    assert state["overflow"] == [0, 0], f"the embed scrolls: {state}"


# ---------------------------------------------------------------- options


# The page has loaded, embed.js has done its first fit (and opened a leg's popup when
# asked), and nothing has moved for a few frames.
EMBED_SETTLED = """() => new Promise((resolve) => {
    const map = window.atlasMaps[0].map;
    const focus = document.body.getAttribute("data-focus");
    const where = () => JSON.stringify([map.getCenter(), map.getZoom(),
        document.querySelectorAll(".leaflet-popup").length]);
    let last = null, still = 0;
    const tick = () => {
        const ready = document.readyState === "complete" &&
            (!focus || window.atlasMaps[0].features[focus].isPopupOpen());
        const now = where();
        still = ready && now === last ? still + 1 : 0;
        last = now;
        if (still >= 10) resolve(true); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
})"""


def framed_state(browser: Any, live_server: Any, other_site: Any, query: str) -> dict[str, Any]:
    """What an embed with this query string shows, framed by the other site."""
    host = other_site.page("options.html", iframe(embed_url(live_server, query)))
    with host_page(browser, live_server.url, other_site.url) as (page, watch):
        page.goto(host)
        frame = embed_frame(page)
        frame.wait_for_function(EMBED_SETTLED)
        state = frame.evaluate(MAP_STATE)
        state["controls"] = frame.evaluate(
            """() => ({
                zoom: document.querySelectorAll(".leaflet-control-zoom").length,
                layers: document.querySelectorAll(".leaflet-control-layers").length,
                fullscreen: document.querySelectorAll(".leaflet-control-zoom-fullscreen").length,
                legend: document.querySelectorAll(".atlas-legend").length,
                sources: document.querySelectorAll(".embed-panel .embed-sources").length,
                hazardIcons: document.querySelectorAll(".leaflet-marker-pane .atlas-hazard").length,
                openPopups: document.querySelectorAll(".leaflet-popup").length,
                wheelZoom: window.atlasMaps[0].map.scrollWheelZoom.enabled(),
            })"""
        )
        state["legs"] = {key: frame.evaluate(LEG_FIT, key) for key in ("leg-2", "leg-4")}
        titles = frame.locator(".leaflet-popup h3")
        state["popupTitle"] = titles.first.text_content() if titles.count() else None
        watch.assert_clean()
        assert watch.elsewhere() == []
    return state


@pytest.fixture(scope="module")
def default_embed(browser, live_server, other_site) -> dict[str, Any]:
    return framed_state(browser, live_server, other_site, "")


@pytest.mark.browser
def test_by_default_an_embed_shows_hazards_controls_and_legend_and_opens_no_popup(
    default_embed,
):
    hazards = [k for k in default_embed["features"] if k.startswith("hazard-")]
    assert hazards and all(default_embed["features"][k]["onMap"] for k in hazards)
    controls = default_embed["controls"]
    assert controls["hazardIcons"] == len(hazards)
    assert {k: controls[k] for k in ("zoom", "layers", "fullscreen", "legend", "sources")} == {
        "zoom": 1,
        "layers": 1,
        "fullscreen": 1,
        "legend": 1,
        "sources": 1,
    }
    assert controls["openPopups"] == 0
    assert controls["wheelZoom"] is False, "the wheel should scroll the host page"
    assert "OpenStreetMap (online)" not in default_embed["layerControl"]


@pytest.mark.browser
def test_hazards_0_hides_the_hazard_layers(browser, live_server, other_site, default_embed):
    state = framed_state(browser, live_server, other_site, "hazards=0")
    hazards = [k for k in state["features"] if k.startswith("hazard-")]
    assert hazards == [k for k in default_embed["features"] if k.startswith("hazard-")]
    assert not any(state["features"][k]["onMap"] for k in hazards)
    assert state["controls"]["hazardIcons"] == 0
    assert all(state["features"][k]["onMap"] for k in state["features"] if k.startswith("leg-"))


@pytest.mark.browser
def test_controls_0_removes_zoom_layers_fullscreen_and_legend(browser, live_server, other_site):
    controls = framed_state(browser, live_server, other_site, "controls=0")["controls"]
    assert {k: controls[k] for k in ("zoom", "layers", "fullscreen", "legend")} == {
        "zoom": 0,
        "layers": 0,
        "fullscreen": 0,
        "legend": 0,
    }
    assert controls["sources"] == 1, "the sources stay with the map"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "legend", "zoom"), [("legend=0", 0, 1), ("controls=0&legend=1", 1, 0)]
)
def test_legend_0_or_1_overrides_the_controls_for_the_legend_alone(
    browser, live_server, other_site, query, legend, zoom
):
    controls = framed_state(browser, live_server, other_site, query)["controls"]
    assert (controls["legend"], controls["zoom"]) == (legend, zoom)


@pytest.mark.browser
@pytest.mark.parametrize("order", [2, 4])
def test_leg_n_fits_that_leg_and_opens_its_popup(
    browser, live_server, other_site, default_embed, order
):
    """Leg 2 spans about as far as the whole journey; leg 4 (Vientiane to Thailand) is
    short, so there fitting the leg rather than the journey shows in the zoom too."""
    journey = get_json(live_server.url, f"/journeys/{SLUG}.json")
    leg = next(leg for leg in journey["legs"] if leg["order"] == order)
    assert leg["route"] == "known"
    key = f"leg-{order}"
    state = framed_state(browser, live_server, other_site, f"leg={order}")
    fit = state["legs"][key]
    assert fit["popupOpen"] and state["controls"]["openPopups"] == 1
    assert state["popupTitle"] == f"Leg {order}: {leg['label']}"
    assert fit["zoom"] == fit["fitZoom"], fit
    assert fit["centreInView"]
    assert not default_embed["legs"][key]["popupOpen"]
    if order == 4:
        assert default_embed["legs"][key]["zoom"] < fit["zoom"], "the journey was fitted"


@pytest.mark.browser
def test_invalid_option_values_are_ignored(browser, live_server, other_site, default_embed):
    query = "leg=1&hazards=maybe&controls=&legend=yes&scroll=2&lang=%3Cb%3E"  # leg 1 is untold
    state = framed_state(browser, live_server, other_site, query)
    assert state["controls"] == default_embed["controls"]
    assert state["features"].keys() == default_embed["features"].keys()


def normalised(html: str) -> str:
    """A page with Folium's random element names and the response's CSP nonce made equal."""
    return re.sub(r'nonce="[^"]*"', 'nonce=""', re.sub(r"_[0-9a-f]{32}\b", "_X", html))


@pytest.mark.parametrize(
    "query",
    [
        "leg=99",
        "leg=1",
        "leg=02x",
        "hazards=no",
        "controls=true",
        "legend=",
        "scroll=on",
        "classroom=yes",
        "lang=%3Cscript%3E",
        "lang=" + "x" * 40,
        "unknown=1",
    ],
)
def test_an_invalid_option_value_gives_exactly_the_default_embed(client, query):
    default = client.get(f"/embed/journeys/{SLUG}")
    response = client.get(f"/embed/journeys/{SLUG}?{query}")
    assert response.status_code == default.status_code == 200
    assert normalised(response.get_data(as_text=True)) == normalised(default.get_data(as_text=True))


@pytest.mark.parametrize("query", ["leg=2", "hazards=0", "controls=0", "legend=0", "scroll=1"])
def test_each_valid_option_changes_the_embed(client, query):
    default = client.get(f"/embed/journeys/{SLUG}").get_data(as_text=True)
    changed = client.get(f"/embed/journeys/{SLUG}?{query}").get_data(as_text=True)
    assert normalised(changed) != normalised(default)


def test_classroom_and_lang_are_passed_on_to_every_link_into_the_atlas(client):
    html = client.get(f"/embed/journeys/{SLUG}?classroom=1&lang=ko&leg=2").get_data(as_text=True)
    links = [
        href.replace("&amp;", "&")
        for href in re.findall(r'href="(/(?:sources|journeys)[^"]*)"', html)
    ]
    assert any(link.startswith("/sources/") and "cite=" in link for link in links), links
    assert f"/journeys/{SLUG}?classroom=1&lang=ko#leg-2" in links
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert query["classroom"] == ["1"] and query["lang"] == ["ko"], link


def test_the_embed_is_chrome_less_and_its_popup_links_open_a_new_tab_unlike_the_page(client):
    embed = client.get(f"/embed/journeys/{SLUG}").get_data(as_text=True)
    page = client.get(f"/journeys/{SLUG}").get_data(as_text=True)
    assert 'class="site-header"' not in embed and 'class="site-footer"' not in embed
    # Passage links in popups: the only <a> with a target among the cite= links.
    popup_link = re.compile(r'<a href="/sources/[^"]*\?cite=[^"]*" target=[^>]*>')
    in_embed, in_page = popup_link.findall(embed), popup_link.findall(page)
    assert in_embed and len(in_embed) == len(in_page)
    assert all('target="_blank" rel="noopener"' in a for a in in_embed), in_embed[0]
    assert all('target="_self"' in a and "rel=" not in a for a in in_page), in_page[0]
    assert "openstreetmap" not in embed.lower(), "an embed offers no online tiles"


# ---------------------------------------------------------------- a journey that is not there


@pytest.mark.browser
def test_an_unknown_journey_is_a_small_404_that_fits_a_small_frame(
    browser, live_server, other_site
):
    url = embed_url(live_server, slug="nope")
    host = other_site.page("missing.html", iframe(url, 320, 200))
    with host_page(browser, live_server.url, other_site.url) as (page, watch):
        page.goto(host)
        framed = page.frame_locator("iframe")
        expect(framed.locator("h1")).to_have_text("No journey called “nope”")
        frame = page.locator("iframe").element_handle().content_frame()
        assert frame.url == url
        overflow = frame.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        links = framed.locator("a")
        assert links.count() == len(SEED_JOURNEYS) + 1
        for i in range(links.count()):
            assert links.nth(i).get_attribute("target") == "_blank"
        assert watch.failed == [f"404 {url}"]
        assert watch.offsite == [] and watch.page_errors == [] and watch.elsewhere() == []


# ---------------------------------------------------------------- the Embed form


def parse_iframe(snippet: str) -> dict[str, str]:
    attrs = _Tags.parse(snippet, "iframe")
    assert len(attrs) == 1, snippet
    return attrs[0]


class _Tags(HTMLParser):
    def __init__(self, tag: str):
        super().__init__(convert_charrefs=True)
        self.tag = tag
        self.found: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.tag:
            self.found.append({k: v or "" for k, v in attrs})

    @classmethod
    def parse(cls, html: str, tag: str) -> list[dict[str, str]]:
        parser = cls(tag)
        parser.feed(html)
        parser.close()
        return parser.found


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.mark.browser
def test_the_embed_form_writes_the_snippet_copies_it_and_the_snippet_works(
    browser, live_server, other_site
):
    page_url = f"{live_server.url}/journeys/{SLUG}"
    with urllib.request.urlopen(page_url, timeout=10) as response:
        served = response.read().decode("utf-8")
    (textarea,) = re.findall(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', served, re.S)
    server_snippet = textarea.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
    server_snippet = server_snippet.replace("&#39;", "'").replace("&amp;", "&")

    with host_page(
        browser,
        live_server.url,
        other_site.url,
        permissions=["clipboard-read", "clipboard-write"],
    ) as (page, watch):
        page.goto(page_url)
        form = page.locator("#embed-form")
        expect(form).to_be_hidden()
        toggle = page.get_by_role("button", name="Embed")
        toggle.click()
        expect(form).to_be_visible()
        assert toggle.get_attribute("aria-expanded") == "true"
        code = page.locator("#embed-code")
        assert code.input_value() == server_snippet, "the script and the server write it apart"
        frame_attrs = parse_iframe(code.input_value())
        assert frame_attrs["src"] == embed_url(live_server)
        assert "allowfullscreen" in frame_attrs and frame_attrs["referrerpolicy"] == "no-referrer"

        form.locator("input[name=size][value=fixed]").check()
        form.locator("input[name=width]").fill("640")
        form.locator("input[name=height]").fill("360")
        form.locator("input[name=hazards]").uncheck()
        form.locator("input[name=legend]").uncheck()
        form.locator("select[name=leg]").select_option("2")
        fixed = parse_iframe(code.input_value())
        assert (fixed["width"], fixed["height"]) == ("640", "360")
        assert query_of(fixed["src"]) == {"leg": ["2"], "hazards": ["0"], "legend": ["0"]}

        form.locator("input[name=controls]").uncheck()  # the legend now follows the controls
        assert query_of(parse_iframe(code.input_value())["src"]) == {
            "leg": ["2"],
            "hazards": ["0"],
            "controls": ["0"],
        }

        form.locator("input[name=size][value='4:3']").check()
        form.locator("input[name=controls]").check()
        form.locator("input[name=legend]").check()
        snippet = code.input_value()
        assert "width=" not in snippet and "padding-top:75%" in snippet
        page.get_by_role("button", name="Copy").click()
        expect(page.locator(".embed-status")).to_have_text("Copied.")
        assert page.evaluate("navigator.clipboard.readText()") == snippet
        watch.assert_clean()

        # The copied code, pasted into the other site, shows the map at 4:3.
        page.goto(other_site.page("pasted.html", f'<div style="width:640px">{snippet}</div>'))
        frame = embed_frame(page)
        frame.wait_for_function("() => window.atlasMaps[0].features['leg-2'].isPopupOpen()")
        box = page.locator("iframe").bounding_box()
        assert box is not None and box["width"] == 640 and abs(box["height"] - 480) <= 1
        watch.assert_clean()
        assert watch.elsewhere() == []


@pytest.mark.browser
def test_the_open_embed_form_fits_a_phone(browser, live_server):
    with host_page(browser, live_server.url, live_server.url, 390, 844) as (page, watch):
        page.goto(f"{live_server.url}/journeys/{SLUG}")
        page.get_by_role("button", name="Embed").click()
        expect(page.locator("#embed-code")).to_be_visible()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        watch.assert_clean()


@pytest.mark.browser
def test_without_the_clipboard_api_copy_selects_the_code(browser, live_server):
    with host_page(browser, live_server.url, live_server.url) as (page, watch):
        page.add_init_script("delete Navigator.prototype.clipboard;")
        page.goto(f"{live_server.url}/journeys/{SLUG}")
        assert page.evaluate("navigator.clipboard") is None
        page.get_by_role("button", name="Embed").click()
        page.get_by_role("button", name="Copy").click()
        expect(page.locator(".embed-status")).not_to_have_text("")
        selected = page.evaluate(
            """() => { const t = document.getElementById("embed-code");
                return [document.activeElement === t, t.selectionStart, t.selectionEnd,
                        t.value.length]; }"""
        )
        assert selected[:3] == [True, 0, selected[3]] and selected[3] > 0
        watch.assert_clean()


# ---------------------------------------------------------------- oEmbed, as a CMS uses it


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":
            values = {k: v or "" for k, v in attrs}
            if values.get("rel") == "alternate":
                self.links.append(values)


def fetch(url: str) -> tuple[int, str, bytes]:
    """Status, Content-Type and body, as a CMS's HTTP client sees them (errors included)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def discover(page_url: str) -> dict[str, str]:
    status, _, body = fetch(page_url)
    assert status == 200
    parser = _Alternates()
    parser.feed(body.decode("utf-8"))
    found = [link for link in parser.links if link.get("type") == "application/json+oembed"]
    assert len(found) == 1, parser.links
    return found[0]


def oembed(live_server: Any, **params: str) -> tuple[int, str, Any]:
    status, content_type, body = fetch(f"{live_server.url}/oembed?{urlencode(params)}")
    return status, content_type, json.loads(body)


@pytest.mark.browser
def test_a_cms_discovers_the_oembed_of_a_journey_page_and_its_html_works_elsewhere(
    browser, live_server, other_site
):
    page_url = f"{live_server.url}/journeys/{SLUG}"
    journey = get_json(live_server.url, f"/journeys/{SLUG}.json")
    link = discover(page_url)
    assert link["title"] == journey["title"]
    endpoint = urljoin(page_url, link["href"])  # as HTML resolves a link's href
    assert query_of(endpoint) == {"url": [page_url], "format": ["json"]}

    status, content_type, body = fetch(endpoint)
    assert status == 200
    assert content_type.split(";")[0] == "application/json"
    answer = json.loads(body)
    assert {
        k: answer.get(k) for k in ("type", "version", "title", "provider_name", "provider_url")
    } == {
        "type": "rich",
        "version": "1.0",
        "title": journey["title"],
        "provider_name": "Escape Route Atlas",
        "provider_url": live_server.url + "/",
    }
    assert isinstance(answer["html"], str)
    assert type(answer["width"]) is int and type(answer["height"]) is int
    assert (answer["width"], answer["height"]) == (800, 500)
    frame = parse_iframe(answer["html"])
    assert frame["src"] == embed_url(live_server)
    assert (frame["width"], frame["height"]) == ("800", "500")

    status, _, body = fetch(endpoint + "&maxwidth=320")
    small = json.loads(body)
    assert status == 200 and small["width"] <= 320
    assert (small["width"], small["height"]) == (320, 200)
    assert parse_iframe(small["html"])["width"] == "320"

    host = other_site.page("cms.html", f"<article>{answer['html']}</article>")
    with host_page(browser, live_server.url, other_site.url) as (page, watch):
        page.goto(host)
        frame = embed_frame(page)
        expect(page.frame_locator("iframe").locator(".leaflet-container")).to_be_visible()
        features = frame.evaluate(MAP_STATE)["features"]
        assert {f"leg-{leg['order']}" for leg in known_legs(journey)} <= features.keys()
        watch.assert_clean()
        assert watch.elsewhere() == []


@pytest.mark.parametrize(
    ("maxima", "size"),
    [
        ({"maxwidth": "320"}, (320, 200)),
        ({"maxheight": "100"}, (160, 100)),
        ({"maxwidth": "400", "maxheight": "100"}, (160, 100)),
        ({"maxwidth": "333"}, (333, 208)),
        ({"maxwidth": "1600", "maxheight": "1000"}, (800, 500)),
        ({"maxwidth": "0"}, (800, 500)),
        ({"maxwidth": "-5", "maxheight": "abc"}, (800, 500)),
    ],
)
def test_oembed_never_exceeds_maxwidth_or_maxheight_and_keeps_the_shape(live_server, maxima, size):
    status, _, answer = oembed(
        live_server, url=f"{live_server.url}/journeys/{SLUG}", format="json", **maxima
    )
    assert status == 200
    assert (answer["width"], answer["height"]) == size
    for key, dimension in (("maxwidth", "width"), ("maxheight", "height")):
        if maxima.get(key, "").isdigit() and int(maxima[key]) > 0:
            assert answer[dimension] <= int(maxima[key])
    frame = parse_iframe(answer["html"])
    assert (frame["width"], frame["height"]) == tuple(str(n) for n in size)


def test_oembed_keeps_the_embed_options_of_the_url_and_only_those(live_server):
    url = embed_url(live_server, "leg=2&hazards=0&controls=perhaps&utm_source=mail&leg=3")
    status, _, answer = oembed(live_server, url=url)
    assert status == 200
    src = parse_iframe(answer["html"])["src"]
    assert src.startswith(embed_url(live_server) + "?")
    assert query_of(src) == {"leg": ["2"], "hazards": ["0"]}


@pytest.mark.parametrize(
    "url",
    [
        f"http://example.com/journeys/{SLUG}",
        "OTHER_SITE/journeys/" + SLUG,
        "ATLAS/sources/heartbreaking-stories",
        "ATLAS/journeys",
        f"ATLAS/journeys/{SLUG}.json",
        f"ATLAS/journeys/{SLUG}/extra",
        "ATLAS/journeys/nope",
        "ATLAS/embed/journeys/nope",
        f"ftp://ATLAS_HOST/journeys/{SLUG}",
        "not a url",
    ],
)
def test_oembed_answers_404_for_a_url_that_is_not_one_of_our_journeys(live_server, other_site, url):
    url = url.replace("OTHER_SITE", other_site.url).replace("ATLAS_HOST", "127.0.0.1")
    url = url.replace("ATLAS", live_server.url)
    status, content_type, answer = oembed(live_server, url=url, format="json")
    assert status == 404, answer
    assert content_type == "application/json"


def test_oembed_answers_501_for_another_format_and_400_without_a_url(live_server):
    journey = f"{live_server.url}/journeys/{SLUG}"
    assert oembed(live_server, url=journey, format="xml")[0] == 501
    assert oembed(live_server, format="json")[0] == 400
    assert oembed(live_server, url=journey)[0] == 200, "format defaults to json"


# ---------------------------------------------------------------- who may frame what


def sample_values(app: Flask, rule: Any) -> dict[str, str]:
    """Real values for a rule's variables: a journey or source slug, a static file."""
    values: dict[str, str] = {}
    for name in rule.arguments:
        if name == "slug":
            values[name] = "heartbreaking-stories" if rule.endpoint.startswith("sources.") else SLUG
        elif name == "filename":
            values[name] = "css/atlas.css"
        elif name in ("entity", "kind"):  # history of a journey; citing for a leg
            values[name] = "journey" if name == "entity" else "leg"
        elif name.endswith("_id"):
            values[name] = "1"
        elif name == "code":  # the language switch
            values[name] = "ko"
        elif name == "ident":  # a data-mode map's popup: leg 2 (drawn) of the journey
            values[name] = f"{SLUG}:2"
        else:
            pytest.fail(f"{rule.rule}: give the header test a real value for <{name}>")
    return values


QUERIES = {"embed.oembed": {"url": f"http://localhost/journeys/{SLUG}", "format": "json"}}


def every_get_url(app: Flask) -> list[str]:
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in (rule.methods or ()):
                values = {**sample_values(app, rule), **QUERIES.get(rule.endpoint, {})}
                urls.append(url_for(rule.endpoint, **values))
    return urls


def frameable(url: str) -> bool:
    return urlsplit(url).path.split("/")[1] in ("embed", "present")


def test_every_route_but_embeds_and_presentations_refuses_to_be_framed(seeded_app):
    client = seeded_app.test_client()
    urls = every_get_url(seeded_app) + ["/nope", "/journeys/nope", "/sources/nope.json"]
    assert f"/journeys/{SLUG}" in urls and f"/embed/journeys/{SLUG}" in urls
    checked = 0
    for url in urls:
        response = client.get(url)
        if url.startswith(("/settings/", "/language/")):  # the toggles redirect back
            assert response.status_code == 303, f"{url}: {response.status_code}"
        elif url.startswith("/history/journey/by-slug/"):  # to the journey's history by id
            assert re.fullmatch(r"/history/journey/[0-9]+", response.headers["Location"]), url
        elif response.status_code == 302:  # pages for editors send readers to log in
            assert response.headers["Location"].startswith("/login?next="), url
        elif url not in ("/nope", "/journeys/nope", "/sources/nope.json"):
            assert response.status_code in (200, 204), f"{url}: {response.status_code}"
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url
        if frameable(url):
            assert frame_ancestors(response) == "frame-ancestors *", url
            assert "X-Frame-Options" not in response.headers, url
        else:
            assert frame_ancestors(response) == "frame-ancestors 'none'", url
            assert response.headers.get("X-Frame-Options") == "DENY", url
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("path", [f"/embed/journeys/{SLUG}", "/embed/journeys/nope"])
def test_embeds_send_no_referrer_and_may_be_framed_anywhere(client, path):
    response = client.get(path)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert frame_ancestors(response) == "frame-ancestors *"
    assert "X-Frame-Options" not in response.headers


@pytest.fixture(scope="module")
def school_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An atlas that only school.example may frame, with sessions enabled (a secret key)."""
    app = make_app(
        tmp_path_factory.mktemp("school") / "atlas.sqlite",
        FRAME_ANCESTORS="https://school.example https://lms.school.example",
        SECRET_KEY="a key that would sign a session cookie",
    )

    @app.get("/_test/session")
    def uses_the_session() -> str:  # shows that the cookie checks below can fail
        session["seen"] = True
        return "ok"

    seed(app)
    return app


def test_frame_ancestors_narrows_who_may_frame_the_embeds(school_app):
    client = school_app.test_client()
    embed = client.get(f"/embed/journeys/{SLUG}")
    assert embed.status_code == 200
    assert frame_ancestors(embed) == (
        "frame-ancestors https://school.example https://lms.school.example"
    )
    assert "X-Frame-Options" not in embed.headers
    page = client.get(f"/journeys/{SLUG}")
    assert frame_ancestors(page) == "frame-ancestors 'none'"
    assert page.headers["X-Frame-Options"] == "DENY"


def test_a_frame_ancestors_setting_that_would_add_directives_is_refused(tmp_path):
    with pytest.raises(ValueError, match="FRAME_ANCESTORS"):
        make_app(tmp_path / "bad.sqlite", FRAME_ANCESTORS="https://a.example; script-src *")


@pytest.mark.parametrize(
    "path", [f"/embed/journeys/{SLUG}", f"/embed/journeys/{SLUG}?leg=2", "/embed/journeys/nope"]
)
def test_embeds_set_no_cookie_and_never_touch_the_session(school_app, path):
    client = school_app.test_client()
    touched = client.get("/_test/session")
    assert "Set-Cookie" in touched.headers and "Cookie" in touched.headers.get("Vary", "")

    response = client.get(path)  # the client now sends that session cookie
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", ""), "the session was read"


def test_oembed_sets_no_cookie_and_is_served_as_json(school_app):
    client = school_app.test_client()
    response = client.get("/oembed", query_string={"url": f"http://localhost/journeys/{SLUG}"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
