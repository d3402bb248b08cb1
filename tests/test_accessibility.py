"""Accessibility, judged in Chromium the way assistive technology meets the pages.

axe-core (node_modules/axe-core, from the npm registry) runs in headless Chromium on
every page type, in English and in Korean, including the map inside a cross-origin
<iframe> on a host page: no violation of serious or critical impact (WCAG 2.0/2.1 A and
AA, plus axe's best practices). Every impact is counted and printed (pytest -s) and
written to test-artifacts/axe-summary.json.

axe is injected with page.evaluate of its source: the DevTools protocol evaluates it
outside the page's Content-Security-Policy, so the pages keep their real, strict CSP
(with nonces) while they are checked; nothing is relaxed for the run.

Also: the map is operable by keyboard (Tab reaches a leg line and a hazard symbol,
each named; Enter opens its popup and moves focus into it; Esc closes it and gives
focus back; the focus ring is visible), and presentation mode announces each slide in
an aria-live region.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from auth_helpers import PASSWORD, make_user
from browser_helpers import ATLAS_READY, OUTLINES_LOADED
from conftest import REPO, LiveServer, make_app, seed
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE_SOURCE = (REPO / "node_modules" / "axe-core" / "axe.min.js").read_text("utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")
SUMMARY_FILE = REPO / "test-artifacts" / "axe-summary.json"
LANGS = ("en", "ko")
EDITOR = "a11y-editor"

AXE_RUN = """async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
        iframes: false,
    });
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target, summary: n.failureSummary})),
        count: v.nodes.length,
    }));
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    app = make_app(tmp_path_factory.mktemp("a11y") / "a11y.sqlite")
    seed(app)
    make_user(app, EDITOR, "editor")
    with LiveServer(app) as live:
        yield live


class HostPage(http.server.BaseHTTPRequestHandler):
    """Another site (another origin: another port) that embeds the atlas's map."""

    body = b""

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def host_site() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostPage)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def host_page_html(embed_url: str, lang: str) -> bytes:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>A class page about escapes</title></head><body><main>"
        "<h1>Our lesson: the Roh family's escape</h1>"
        f'<iframe src="{embed_url}" title="Map: the Roh family\'s escape" '
        'width="800" height="500" style="border:0"></iframe>'
        "</main></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def summary() -> Iterator[dict[str, dict[str, dict[str, int]]]]:
    """page -> language -> impact -> violations; printed and written at the end."""
    table: dict[str, dict[str, dict[str, int]]] = {}
    yield table
    SUMMARY_FILE.parent.mkdir(exist_ok=True)
    SUMMARY_FILE.write_text(json.dumps(table, indent=2, ensure_ascii=False), "utf-8")
    width = max((len(p) for p in table), default=10)
    print(f"\naxe-core {axe_version()} ({', '.join(AXE_TAGS)}): violations by impact")
    print(f"{'page':<{width}}  lang  " + "  ".join(f"{i:>8}" for i in IMPACTS))
    for page_name, by_lang in table.items():
        for lang, counts in by_lang.items():
            cells = "  ".join(f"{counts.get(i, 0):>8}" for i in IMPACTS)
            print(f"{page_name:<{width}}  {lang:<4}  {cells}")
    checks = sum(len(v) for v in table.values())
    total = {i: sum(c.get(i, 0) for v in table.values() for c in v.values()) for i in IMPACTS}
    print(f"{len(table)} pages x languages = {checks} checks; totals {total}")


def axe_version() -> str:
    manifest = json.loads((REPO / "node_modules" / "axe-core" / "package.json").read_text())
    return str(manifest["version"])


def run_axe(frame: Any) -> list[dict[str, Any]]:
    """axe in one document (a page or a frame), its source evaluated there."""
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE_SOURCE)
    return list(frame.evaluate(AXE_RUN, AXE_TAGS))


def with_lang(url: str, lang: str) -> str:
    url, hash_, fragment = url.partition("#")
    return f"{url}{'&' if '?' in url else '?'}lang={lang}{hash_}{fragment}"


def wait_for_map(frame: Any) -> None:
    frame.wait_for_function(ATLAS_READY)
    frame.wait_for_function(OUTLINES_LOADED)


def log_in(page: Any, url: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Name").fill(EDITOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit], form button[type=submit]").last.click()
    expect(page.locator(".session-name")).to_have_text(EDITOR)


@pytest.fixture(scope="module")
def editor_state(browser: Any, server: LiveServer) -> Any:
    """A logged-in editor's cookies, made once through the login form: logging in is
    set-up for the editor pages' checks (the login page itself is checked as a page)."""
    context = browser.new_context()
    try:
        log_in(context.new_page(), server.url)
        return context.storage_state()
    finally:
        context.close()


# Public pages: (name, path, has a map). Journeys: the one with most legs (roh-family),
# one whose legs are partly untold (soyeon-lee), the direct route, one with no legs.
PUBLIC_PAGES = [
    ("home", "/", True),
    ("journeys index", "/journeys", False),
    ("journey roh-family", "/journeys/roh-family", True),
    ("journey soyeon-lee", "/journeys/soyeon-lee", True),
    ("journey direct-route", "/journeys/direct-route", True),
    ("journey imprisoned-defector", "/journeys/imprisoned-defector", True),
    ("sources index", "/sources", False),
    ("source with ?cite=", None, False),  # the first citation of roh-family, found below
    ("hazards", "/hazards", False),
    ("discrepancies", "/discrepancies", False),
    ("handout", "/journeys/roh-family/handout", False),
    ("presentation", "/present/journeys/roh-family", True),
    ("embed", "/embed/journeys/roh-family", True),
    ("not found (404)", "/journeys/no-such-journey", False),
    ("login", "/login", False),
]
EDITOR_PAGES = [
    ("editor dashboard", "/edit"),
    ("editor form: journey", "/edit/journeys/roh-family"),
    ("editor form: leg", None),  # the first leg of roh-family, found below
    ("history: journey", "/history/journey/by-slug/roh-family"),
]


def first_link(page: Any, url: str, selector: str) -> str:
    """The path of the first link matching `selector` on the page at `url`."""
    page.goto(url)
    href = page.locator(selector).first.get_attribute("href")
    assert href, f"{url} has no link {selector}"
    return str(href)


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_serious_or_critical_violation(
    browser, server, host_site, summary, editor_state, lang
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    editor = browser.new_context(
        viewport={"width": 1280, "height": 900}, storage_state=editor_state
    )
    found: dict[str, list[dict[str, Any]]] = {}

    def check(name: str, frame: Any) -> None:
        violations = run_axe(frame)
        counts = {i: sum(1 for v in violations if v["impact"] == i) for i in IMPACTS}
        summary.setdefault(name, {})[lang] = counts
        found[name] = violations

    try:
        page = context.new_page()
        for name, path, has_map in PUBLIC_PAGES:
            if path is None:
                path = first_link(page, server.url + "/journeys/roh-family", "a[href*='cite=']")
            response = page.goto(with_lang(server.url + path, lang))
            assert response is not None
            assert response.status == (404 if "404" in name else 200), (name, response.status)
            if has_map:
                wait_for_map(page)
            check(name, page)
            if name == "journey roh-family":
                # A popup's quotes and links are text on the page too.
                page.evaluate(
                    """() => {
                        const f = window.atlasMaps[0].features;
                        const key = Object.keys(f).find((k) => k.startsWith("hazard-"));
                        f[key].openPopup();
                    }"""
                )
                expect(page.locator(".leaflet-popup")).to_have_count(1)
                # Leaflet fades a popup in: judge its colours once it is opaque.
                page.wait_for_function(
                    "() => getComputedStyle(document.querySelector('.leaflet-popup'))"
                    ".opacity === '1'"
                )
                check("journey roh-family, hazard popup open", page)
            if name == "presentation":
                page.keyboard.press("PageDown")
                expect(page.locator("#slide-2")).to_be_visible()
                check("presentation, slide 2", page)

        # The map in a frame on another site's page: axe in the host page and in the frame.
        HostPage.body = host_page_html(
            with_lang(server.url + "/embed/journeys/roh-family", lang), lang
        )
        page.goto(host_site + "/")
        frame = page.locator("iframe").element_handle().content_frame()
        assert frame is not None
        wait_for_map(frame)
        check("host page with embed iframe", page)
        check("embed inside the iframe", frame)

        page = editor.new_page()
        for name, path in EDITOR_PAGES:
            if path is None:
                path = first_link(
                    page, server.url + "/edit/journeys/roh-family", "a[href*='/edit/legs/']"
                )
            response = page.goto(with_lang(server.url + path, lang))
            if f"lang={lang}" not in page.url:  # redirected (history by slug -> by id)
                response = page.goto(with_lang(page.url, lang))
            assert response is not None and response.status == 200, (name, path)
            check(name, page)
    finally:
        context.close()
        editor.close()

    failing = {
        name: [v for v in violations if v["impact"] in FAILING]
        for name, violations in found.items()
    }
    failing = {k: v for k, v in failing.items() if v}
    assert len(found) == len(PUBLIC_PAGES) + 2 + 2 + len(EDITOR_PAGES)
    for name, violations in found.items():
        for v in violations:
            print(
                f"  [{lang}] {name}: {v['impact']} {v['id']} x{v['count']}: {v['help']}",
                v["nodes"][:2],
            )
    assert failing == {}, json.dumps(failing, indent=1, ensure_ascii=False)


def test_the_axe_harness_reports_what_it_should(browser):
    """The harness can fail: a page with an unnamed image, an unlabelled field and grey on
    grey text is reported with critical and serious violations."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>'
            '<h1>Bad</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            '<input type="text"><p style="color:#aaa;background:#bbb">faint words</p>'
            "</main></body></html>"
        )
        ids = {v["id"]: v["impact"] for v in run_axe(page)}
    finally:
        context.close()
    assert ids.get("image-alt") == "critical", ids
    assert ids.get("label") == "critical", ids
    assert ids.get("color-contrast") == "serious", ids


# Which indexed map feature (leg-2, hazard-landmines, stop-1, place-...) has the focus,
# with what the focused element tells assistive technology and how its focus is drawn.
FOCUSED = r"""() => {
    const entry = window.atlasMaps[0];
    const active = document.activeElement;
    let key = null;
    for (const [k, layer] of Object.entries(entry.features)) {
        const els = [];
        if (layer._icon) els.push(layer._icon);
        if (layer._path) els.push(layer._path);
        if (layer.eachLayer) layer.eachLayer((c) => c._path && els.push(c._path));
        if (els.includes(active)) key = k;
    }
    const style = getComputedStyle(active);
    const layer = key && entry.features[key];
    const tip = layer && layer.getTooltip && layer.getTooltip();
    const tooltip = tip ? new DOMParser().parseFromString(tip.getContent(), "text/html")
        .body.textContent.replace(/\s+/g, " ").trim() : null;
    return {
        key: key,
        tooltip: tooltip,
        tag: active.tagName.toLowerCase(),
        role: active.getAttribute("role"),
        label: active.getAttribute("aria-label"),
        tabindex: active.getAttribute("tabindex"),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        outlineColor: style.outlineColor,
        focusVisible: active.matches(":focus-visible"),
        inPopup: Boolean(active.closest(".leaflet-popup")),
        popupOpenFor: Object.keys(entry.features).filter((k) => entry.features[k].isPopupOpen
            && entry.features[k].isPopupOpen()),
    };
}"""

DECORATION = """() => {
    const panes = window.atlasMaps[0].map.getPanes();
    const pane = panes.overlayPane;
    const paths = Array.from(pane.querySelectorAll("path"));
    return {
        basemapHidden: ["atlasBasemap", "atlasBasemapLabels"].every(
            (name) => panes[name] && panes[name].getAttribute("aria-hidden") === "true"),
        paths: paths.length,
        hidden: paths.filter((p) => p.getAttribute("aria-hidden") === "true").length,
        focusable: paths.filter((p) => p.hasAttribute("tabindex")).length,
        hiddenAndFocusable: paths.filter((p) => p.getAttribute("aria-hidden") === "true"
            && p.getAttribute("tabindex") === "0").length,
    };
}"""


def tab_into_map(page: Any) -> dict[str, Any]:
    """Focus the link just before the map, then press Tab until a feature has the focus
    (the map's own container, which Leaflet makes focusable for panning, comes first)."""
    page.locator(".present-link a").focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now["key"] is not None:
            return dict(now)
    pytest.fail("Tab does not reach the map's features")


def tab_through_map(page: Any, presses: int) -> list[dict[str, Any]]:
    """Every feature Tab reaches, in order, from entering the map until leaving it."""
    seen = [tab_into_map(page)]
    for _ in range(presses):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now["key"] is None:
            return seen
        seen.append(now)
    pytest.fail(f"Tab did not leave the map after {presses} presses")


def tab_to(page: Any, key: str) -> dict[str, Any]:
    now = tab_into_map(page)
    for _ in range(200):
        if now["key"] == key:
            return now
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
    pytest.fail(f"Tab does not reach {key}")


@pytest.mark.parametrize("lang", LANGS)
def test_the_map_is_operable_by_keyboard(browser, server, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(with_lang(server.url + "/journeys/roh-family", lang))
        wait_for_map(page)
        page.wait_for_function("() => document.querySelector('.atlas-focusable')")
        walked = tab_through_map(page, 120)
        keys = [f["key"] for f in walked]
        print(f"\n[{lang}] Tab order on the map:", keys)

        # Every stop, leg, hazard symbol and area is reached, each a named button.
        legs = [k for k in keys if k and k.startswith("leg-")]
        hazards = [k for k in keys if k and k.startswith("hazard-")]
        stops = [k for k in keys if k and k.startswith("stop-")]
        assert legs and hazards and stops, keys
        assert len(set(keys)) == len(keys), "a feature is reached twice"
        for f in walked:
            assert f["role"] == "button" and f["label"] and f["label"].strip(), f
            # The name is the server's tooltip text, so it follows the page's language.
            assert f["label"] == f["tooltip"], f
            if lang == "ko":
                assert re.search("[\uac00-\ud7a3]", f["label"]), f
            assert f["focusVisible"] and f["outlineStyle"] != "none" and f["outlineWidth"] >= 2, f
        # Itinerary order: stop 1, leg 1, stop 2, leg 2 ... then hazards, then areas.
        walk = [k for k in keys if k.startswith(("leg-", "stop-"))]
        numbers = [int(k.split("-")[1]) * 2 + k.startswith("leg-") for k in walk]
        assert numbers == sorted(numbers), walk
        assert keys.index(walk[-1]) < keys.index(hazards[0]), keys

        decoration = page.evaluate(DECORATION)
        # The base map (a canvas and its names) and the drawn lines under the hit lines
        # are hidden.
        assert decoration["basemapHidden"], decoration
        assert decoration["hidden"] >= len(legs), decoration
        assert decoration["hiddenAndFocusable"] == 0, decoration

        for key in (legs[0], hazards[0]):
            tab_to(page, key)
            page.keyboard.press("Enter" if key.startswith("leg-") else " ")
            expect(page.locator(".leaflet-popup")).to_have_count(1)
            expect(page.locator(".leaflet-popup")).to_be_visible()
            opened = page.evaluate(FOCUSED)
            assert opened["inPopup"], opened
            assert opened["popupOpenFor"] == [key], opened
            page.keyboard.press("Escape")
            expect(page.locator(".leaflet-popup")).to_have_count(0)
            after = page.evaluate(FOCUSED)
            assert after["key"] == key and after["focusVisible"], after
        # Shift+Tab from the first hazard reaches the last stop or leg.
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(FOCUSED)["key"] == walk[-1]
    finally:
        context.close()


LIVE_REGION = """() => {
    const region = document.getElementById("deck-status");
    const style = getComputedStyle(region);
    return {
        live: region.getAttribute("aria-live"),
        hiddenFromAT: Boolean(region.closest("[hidden], [aria-hidden='true']"))
            || style.display === "none" || style.visibility === "hidden",
        text: region.textContent.trim(),
    };
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_the_presentation_announces_each_new_slide(browser, server, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(with_lang(server.url + "/present/journeys/roh-family", lang))
        page.wait_for_function("() => window.atlasPresent && window.atlasPresent.current === 1")
        count = page.locator("article.slide").count()
        assert count >= 3
        before = page.evaluate(LIVE_REGION)
        assert before["live"] == "polite" and not before["hiddenFromAT"], before
        for n in (2, 3):
            page.keyboard.press("PageDown")
            expect(page.locator(f"#slide-{n}")).to_be_visible()
            heading = " ".join(page.locator(f"#slide-{n}-h").text_content().split())
            status = page.locator("#deck-status")
            expect(status).to_contain_text(heading)
            said = page.evaluate(LIVE_REGION)["text"]
            print(f"\n[{lang}] slide {n} announced: {said!r}")
            assert f"{n}" in said and f"{count}" in said, said
            if lang == "en":
                assert said.startswith(f"Slide {n} of {count}"), said
    finally:
        context.close()
