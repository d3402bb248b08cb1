"""The Content-Security-Policy and the other security headers (app/security/headers.py).

Every response carries the policy; it allows our own origin's scripts and, by their
SHA-256, exactly the inline scripts of that very response (no nonce: a cached page is
sent many times, and a 304 reuses the stored body). Then headless Chromium opens
every page type, builds the maps, opens their popups and walks the slides, and counts
the policy's violations (none); and the policy is shown to bite: an injected inline
script, event handler, `javascript:` URL or eval does not run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from auth_helpers import editor_client
from browser_helpers import (
    SEED_JOURNEYS,
    get_json,
    open_map_page,
    settled_popup,
    watched_page,
)
from conftest import REPO, LiveServer, make_app, seed
from flask import Flask, render_template_string, url_for
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from werkzeug.routing import IntegerConverter

from app.maps.assets import LINKED_ASSETS

CSP = "Content-Security-Policy"
SLUG = "roh-family"
SOURCE = "heartbreaking-stories"

# The policy's fixed directives; script-src carries the script hashes, img-src the optional
# tiles and frame-ancestors the framing policy (checked per response below).
FIXED = {
    "default-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}
SCRIPT_SRC = re.compile(r"'self'((?: 'sha256-[A-Za-z0-9+/]{43}=')*)")
# <script> types a browser runs; anything else (application/json) is a data block.
JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


def policy(response: Any) -> dict[str, str]:
    header = response.headers.get(CSP)
    assert header, f"no {CSP} header"
    directives = [d.strip().split(" ", 1) for d in header.split(";") if d.strip()]
    names = [d[0] for d in directives]
    assert len(names) == len(set(names)), f"a directive is repeated: {header}"
    return {d[0]: d[1] for d in directives}


def script_hashes(response: Any) -> list[str]:
    """The inline scripts the policy allows (besides our origin's files), by hash."""
    match = SCRIPT_SRC.fullmatch(policy(response)["script-src"])
    assert match, policy(response)["script-src"]
    return match.group(1).split()


def sha256_source(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def frameable(path: str) -> bool:
    return urlsplit(path).path.split("/")[1] in ("embed", "present")


def check_headers(app: Flask, url: str, response: Any) -> None:
    """The whole policy and the other headers, as the path of the response asks."""
    path = urlsplit(url).path
    embed = path.startswith("/embed/")
    found = policy(response)
    for name, value in FIXED.items():
        assert found.get(name) == value, f"{url}: {name} is {found.get(name)!r}"
    script_hashes(response)
    tiles = " https://tile.openstreetmap.org" if app.config["ONLINE_TILES"] and not embed else ""
    assert found["img-src"] == "'self' data:" + tiles, url
    assert set(found) == {*FIXED, "script-src", "img-src", "frame-ancestors"}, url
    assert "unsafe-eval" not in response.headers[CSP], url
    assert response.headers["X-Content-Type-Options"] == "nosniff", url
    if frameable(path):
        assert found["frame-ancestors"] == "*", url
        assert "X-Frame-Options" not in response.headers, url
    else:
        assert found["frame-ancestors"] == "'none'", url
        assert response.headers["X-Frame-Options"] == "DENY", url
    expected = "no-referrer" if embed else "strict-origin-when-cross-origin"
    assert response.headers["Referrer-Policy"] == expected, url


def every_get_url(app: Flask) -> list[str]:
    """One URL per GET route of the app (whatever blueprints it has by now), with real
    values where the seed data has them; a made-up value answers 404, also checked."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()):
                continue
            values: dict[str, Any] = {}
            for name in rule.arguments:
                converter = rule._converters[name]
                if name == "slug":
                    values[name] = SOURCE if rule.endpoint.startswith("sources.") else SLUG
                elif name == "filename":
                    values[name] = "css/atlas.css"
                elif isinstance(converter, IntegerConverter):
                    values[name] = 1
                else:  # the history of a journey; a citation for a leg
                    values[name] = {"entity": "journey", "kind": "leg"}.get(name, "x")
            if rule.endpoint == "embed.oembed":
                values |= {"url": f"http://localhost/journeys/{SLUG}", "format": "json"}
            urls.append(url_for(rule.endpoint, **values))
    return urls


def html_page_urls(client: Any) -> list[str]:
    """Every page type, in the variants that change its scripts or its map."""
    journeys = [j["slug"] for j in client.get("/journeys.json").json["journeys"]]
    cite = client.get(f"/journeys/{SLUG}.json").json["legs"][0]["citations"][0]["url"]
    return [
        "/",
        "/?classroom=1",
        "/journeys",
        "/sources",
        "/hazards",
        "/discrepancies",
        f"/sources/{SOURCE}",
        cite,
        *(f"/journeys/{slug}" for slug in journeys),
        f"/journeys/{SLUG}?classroom=1",
        *(f"/embed/journeys/{slug}" for slug in journeys),
        f"/embed/journeys/{SLUG}?leg=1&controls=0&hazards=0",
        "/embed/journeys/nope",
        *(f"/present/journeys/{slug}" for slug in journeys),
        f"/present/journeys/{SLUG}?classroom=0",
        *(f"/journeys/{slug}/handout" for slug in journeys),
        "/nope",
        "/journeys/nope",
    ]


class Scripts(HTMLParser):
    """The <script> elements of a page, and any inline event handler or javascript: URL."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inline: list[dict[str, str | None]] = []
        self.texts: list[str] = []  # each inline script's text, as the browser reads it
        self.external: list[str] = []
        self.unsafe: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.unsafe.append(f"<{tag} {name}=...>")
            if value and value.strip().lower().startswith("javascript:"):
                self.unsafe.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            if attributes.get("src"):
                self.external.append(str(attributes["src"]))
            else:
                self.inline.append(attributes)
                self.texts.append("")
                self._in_script = True

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.texts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def scripts_of(body: str) -> Scripts:
    parser = Scripts()
    parser.feed(body)
    parser.close()
    return parser


# ---------------------------------------------------------------- headers, server side


def test_every_route_answers_with_the_policy_and_the_security_headers(seeded_app):
    client = seeded_app.test_client()
    urls = every_get_url(seeded_app)
    assert {f"/journeys/{SLUG}", f"/embed/journeys/{SLUG}", "/journeys.json"} <= set(urls)
    extra = [
        *html_page_urls(client),
        "/sources/nope.json",  # a JSON 404
        "/static/nope.css",  # a missing static file
        "/embed/journeys/nope",
        "/present/journeys/nope",
    ]
    statuses: dict[int, int] = {}
    for url in urls + extra:
        response = client.get(url)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        check_headers(seeded_app, url, response)
    # A method the route does not take: 405, from the error handler.
    response = client.post(f"/journeys/{SLUG}")
    assert response.status_code == 405
    check_headers(seeded_app, f"/journeys/{SLUG}", response)
    assert statuses.get(200, 0) >= 40 and statuses.get(404, 0) >= 5, statuses


def test_json_geojson_and_static_files_carry_the_policy_too(client):
    for url in ["/journeys.json", f"/journeys/{SLUG}.geojson", "/static/js/atlas.js"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.mimetype.startswith("text/html"), url
        check_headers(client.application, url, response)


@pytest.mark.database
def test_a_server_error_carries_the_policy_too(tmp_path):
    app = make_app(tmp_path / "atlas.sqlite", PROPAGATE_EXCEPTIONS=False)

    @app.get("/_test/boom")
    def boom() -> str:
        raise RuntimeError("a bug")

    @app.get("/_test/boom.json")
    def boom_json() -> str:
        raise RuntimeError("a bug")

    client = app.test_client()
    for url in ["/_test/boom", "/_test/boom.json"]:
        response = client.get(url)
        assert response.status_code == 500
        check_headers(app, url, response)


@pytest.mark.database
def test_without_online_tiles_images_come_only_from_the_atlas(tmp_path):
    app = make_app(tmp_path / "atlas.sqlite", ONLINE_TILES=False)
    response = app.test_client().get("/journeys")
    assert policy(response)["img-src"] == "'self' data:"


@pytest.mark.database
def test_frame_ancestors_follows_the_setting_and_the_rest_stays(tmp_path):
    app = make_app(tmp_path / "atlas.sqlite", FRAME_ANCESTORS="https://school.example")
    client = app.test_client()
    framed, page = client.get("/embed/journeys/nope"), client.get("/journeys/nope")
    assert policy(framed)["frame-ancestors"] == "https://school.example"
    assert policy(page)["frame-ancestors"] == "'none'"
    for response in (framed, page):
        assert {name: policy(response)[name] for name in FIXED} == FIXED


# ---------------------------------------------------------------- script hashes


def test_the_policy_lists_exactly_the_hashes_of_the_pages_own_inline_scripts(client):
    url = f"/journeys/{SLUG}"
    first, second = client.get(url), client.get(url)
    for response in (first, second):
        found = scripts_of(response.get_data(as_text=True))
        assert found.inline, "the journey page has its map script inline"
        assert all("nonce" not in attributes for attributes in found.inline)
        assert script_hashes(response) == [sha256_source(text) for text in found.texts]
    # The same content, the same policy (the second answer came from the cache).
    assert first.get_data() == second.get_data()
    assert first.headers[CSP] == second.headers[CSP]
    # Another map script, another hash.
    other = client.get(f"/journeys/{SLUG}?classroom=1")
    assert script_hashes(other) != script_hashes(first)


def test_a_response_without_inline_scripts_allows_none(client):
    for url in ["/journeys.json", "/hazards", f"/journeys/{SLUG}/handout", "/static/js/atlas.js"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response)["script-src"] == "'self'", url


def test_the_hash_is_of_the_text_the_browser_reads(seeded_app):
    """Line ends as the HTML parser reads them (CR LF, CR: LF) and no closing tag."""
    from app.security.headers import inline_script

    with seeded_app.test_request_context("/"):
        html = str(inline_script("a = 1;\r\nb = 2;\rc = 3;"))
        assert html == "<script>a = 1;\nb = 2;\nc = 3;</script>"
        with pytest.raises(ValueError):
            inline_script("x = '</script><script>alert(1)</script>';")


def check_scripts(url: str, response: Any) -> int:
    """The policy allows exactly the hashes of the page's inline scripts, every other
    script is ours, and nothing has an inline handler or a javascript: URL. Returns
    the number of inline scripts."""
    assert response.mimetype == "text/html", url
    found = scripts_of(response.get_data(as_text=True))
    inline = 0
    hashes = []
    for attributes, text in zip(found.inline, found.texts, strict=True):
        if (attributes.get("type") or "").lower() in JS_TYPES:
            assert "nonce" not in attributes, f"{url}: {attributes}"
            hashes.append(sha256_source(text))
            inline += 1
    assert sorted(set(hashes)) == sorted(script_hashes(response)), url
    for src in found.external:
        assert src.startswith("/static/"), f"{url}: a script from elsewhere: {src}"
    assert found.unsafe == [], f"{url}: {found.unsafe}"
    return inline


def test_no_page_has_an_inline_script_the_policy_does_not_name_or_an_inline_handler(client):
    urls = html_page_urls(client)
    inline_scripts = sum(check_scripts(url, client.get(url)) for url in urls)
    assert len(urls) >= 40 and inline_scripts >= 25, (len(urls), inline_scripts)


@pytest.mark.database
def test_the_editor_and_admin_pages_follow_the_same_rules(tmp_path):
    app = make_app(tmp_path / "atlas.sqlite")
    seed(app)
    client, _token = editor_client(app, "admin", role="admin")
    pages = []
    for url in every_get_url(app):
        response = client.get(url)
        check_headers(app, url, response)
        if response.status_code == 200 and response.mimetype == "text/html":
            check_scripts(url, response)
            pages.append(url)
    assert len([u for u in pages if u.startswith(("/edit", "/admin", "/history"))]) >= 5, pages


def test_the_cached_maps_hold_no_nonce_and_their_heads_no_inline_script(client):
    from app.maps.journey_map import MapParts
    from app.pages import cache

    for url in ["/", f"/journeys/{SLUG}", f"/embed/journeys/{SLUG}", f"/present/journeys/{SLUG}"]:
        assert client.get(url).status_code == 200
    maps = [v for v in list(cache._entries.values()) if isinstance(v, MapParts)]
    assert len(maps) >= 4
    for parts in maps:
        assert "<script" not in parts.header.replace("<script src=", "")
        assert "nonce" not in parts.header + parts.html + parts.script
        # Folium's head settings moved to the (hashed) map script, ahead of the map.
        assert parts.script.lstrip().startswith("L_NO_TOUCH = false;")


# What our code and the vendored libraries the pages link would need the policy to allow.
UNSAFE_JS = re.compile(
    r"\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(\s*['\"]|"
    r"set(?:Timeout|Interval)\s*\(\s*['\"`]|javascript:|\bon[a-z]+\s*=\s*\\?['\"]"
)


def test_our_scripts_and_the_vendored_libraries_need_no_eval_or_inline_handlers():
    static = REPO / "static"
    files = sorted({*(static / "js").glob("*.js"), *(static / p for p in LINKED_ASSETS)})
    scripts = [f for f in files if f.suffix == ".js" and "natural-earth" not in f.parts]
    assert len(scripts) >= 10, scripts
    found = {str(f.relative_to(static)): UNSAFE_JS.findall(f.read_text("utf-8")) for f in scripts}
    assert {name: hits for name, hits in found.items() if hits} == {}


# ---------------------------------------------------------------- in Chromium

# Installed before any script of the page runs, in every frame: records each violation.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__csp.push({
        directive: e.effectiveDirective, blocked: e.blockedURI,
        source: e.sourceFile, line: e.lineNumber, sample: e.sample,
    });
}, true);
"""

# Every feature of the map that is on it gets its popup opened; then no element the
# popups and controls built has an inline handler or a javascript: URL.
OPEN_EVERY_POPUP = """async () => {
    const entry = window.atlasMaps[0];
    let opened = 0;
    for (const layer of Object.values(entry.features)) {
        if (!layer._map || !layer.getPopup()) continue;
        layer.openPopup();
        await new Promise((resolve) => requestAnimationFrame(resolve));
        if (entry.map.getContainer().querySelector(".leaflet-popup-content")) opened += 1;
    }
    entry.map.closePopup();
    return opened;
}"""

UNSAFE_DOM = """() => {
    const found = [];
    for (const el of document.querySelectorAll("*")) {
        for (const a of el.attributes) {
            if (a.name.startsWith("on") || /^\\s*javascript:/i.test(a.value)) {
                found.push(`${el.tagName} ${a.name}=${a.value}`);
            }
        }
    }
    return found;
}"""


class Visits:
    """What the browser tests saw, for the summary at the end of the module."""

    pages = 0
    popups = 0
    slides = 0


def violations(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate("() => window.__csp"))


def assert_no_violation(page: Any, watch: Any) -> None:
    assert violations(page) == [], page.url
    assert not [e for e in watch.console_errors if "Content Security Policy" in e]
    watch.assert_clean()
    assert page.evaluate(UNSAFE_DOM) == [], page.url
    Visits.pages += 1


@pytest.fixture()
def csp_page(shared_pages: Any) -> Any:
    """A page whose every document records its policy violations (a kind of its own:
    the recording script stays with the page's context)."""
    return shared_pages.take("csp", init_script=WATCH_CSP)


def open_page(page: Any, url: str) -> Any:
    response = page.goto(url, wait_until="networkidle")
    assert response is not None
    assert page.evaluate("() => Array.isArray(window.__csp)"), "the watcher is not installed"
    return response


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    [
        "/journeys",
        "/sources",
        "/hazards",
        "/discrepancies",
        f"/sources/{SOURCE}",
        "/nope",
        "/journeys/nope",
        "/embed/journeys/nope",
    ],
)
def test_pages_without_a_map_break_no_rule(csp_page, live_server, path):
    page, watch = csp_page
    response = open_page(page, live_server.url + path)
    assert response.status in (200, 404)
    if response.status == 404:  # the 404 itself is expected
        watch.failed = [f for f in watch.failed if not f.startswith("404 ")]
        watch.console_errors = [e for e in watch.console_errors if "404" not in e]
    assert_no_violation(page, watch)


@pytest.mark.browser
def test_a_source_page_highlighting_a_citation_breaks_no_rule(csp_page, live_server):
    page, watch = csp_page
    cite = get_json(live_server.url, f"/journeys/{SLUG}.json")["legs"][0]["citations"][0]["url"]
    open_page(page, live_server.url + cite)
    assert page.locator("mark").count() >= 1
    assert_no_violation(page, watch)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/?classroom=1"])
def test_the_home_map_works_and_breaks_no_rule(csp_page, live_server, path):
    page, watch = csp_page
    open_map_page(page, live_server.url + path, watch)
    Visits.popups += page.evaluate(OPEN_EVERY_POPUP)
    assert_no_violation(page, watch)


@pytest.mark.browser
@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_every_journey_map_works_and_breaks_no_rule(csp_page, live_server, slug):
    page, watch = csp_page
    open_map_page(page, f"{live_server.url}/journeys/{slug}", watch)
    opened = page.evaluate(OPEN_EVERY_POPUP)
    Visits.popups += opened
    journey = get_json(live_server.url, f"/journeys/{slug}.json")
    if journey["stops"] or journey["legs"]:
        assert opened >= 1, "no popup opened"
    # The page's own script: a "Show on map" button and the Embed form.
    button = page.locator("button.show-on-map").first
    if button.count():
        button.click()
        settled_popup(page)
    page.locator("button.embed-toggle").click()
    page.locator("#embed-form textarea").wait_for()
    assert_no_violation(page, watch)


@pytest.mark.browser
def test_every_embed_works_and_breaks_no_rule(csp_page, live_server):
    page, watch = csp_page
    paths = [f"/embed/journeys/{slug}" for slug in SEED_JOURNEYS]
    for path in [*paths, f"/embed/journeys/{SLUG}?leg=1&hazards=0&controls=0"]:
        open_map_page(page, live_server.url + path, watch)
        Visits.popups += page.evaluate(OPEN_EVERY_POPUP)
        page.locator(".embed-sources summary").click()
        assert_no_violation(page, watch)


@pytest.mark.browser
@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_every_presentation_walks_its_slides_and_breaks_no_rule(csp_page, live_server, slug):
    page, watch = csp_page
    page.emulate_media(reduced_motion="reduce")
    count = get_json(live_server.url, f"/present/journeys/{slug}.json")["slide_count"]
    open_map_page(page, f"{live_server.url}/present/journeys/{slug}", watch)
    for n in range(1, count + 1):
        assert page.locator(".deck-progress").text_content().strip() == f"{n} / {count}"
        Visits.slides += 1
        page.keyboard.press("ArrowRight")
    page.wait_for_load_state("networkidle")
    Visits.popups += page.evaluate(OPEN_EVERY_POPUP)
    assert_no_violation(page, watch)


@pytest.mark.browser
def test_every_handout_breaks_no_rule(csp_page, live_server):
    page, watch = csp_page
    for slug in SEED_JOURNEYS:
        open_page(page, f"{live_server.url}/journeys/{slug}/handout")
        assert page.locator("svg").count() >= 1
        assert_no_violation(page, watch)


# The online base layer in the layer control; chosen, as a reader would.
ONLINE_LAYER = """() => Array.from(
    document.querySelectorAll(".leaflet-control-layers-base label"),
    (l) => l.textContent.trim()).includes("OpenStreetMap (online)")"""
SHOW_ONLINE_TILES = """() => {
    const labels = document.querySelectorAll(".leaflet-control-layers-base label");
    const label = Array.from(labels).find(
        (l) => l.textContent.trim() === "OpenStreetMap (online)");
    label.querySelector("input").click();
}"""
TILES = "https://tile.openstreetmap.org/"


@pytest.mark.browser
def test_the_optional_online_tiles_are_allowed_by_the_policy(csp_page, live_server):
    """Switched on, the OpenStreetMap layer asks for tiles: the policy lets them through
    (the test's network cut then refuses them, as it refuses any other host). Either way
    the first tile request fails: the test waits for that (its requestfailed event);
    by then it has reached the network cut (recorded in watch.offsite) if the policy let
    it through, or not if the policy blocked it."""
    page, watch = csp_page
    open_map_page(page, f"{live_server.url}/journeys/{SLUG}", watch)
    if not page.evaluate(ONLINE_LAYER):
        pytest.skip("the online layer is off (ATLAS_ONLINE_TILES=0)")
    try:
        with page.expect_event("requestfailed", lambda r: r.url.startswith(TILES)):
            page.evaluate(SHOW_ONLINE_TILES)
    except PlaywrightTimeoutError:
        pytest.fail(f"no tile was asked for; violations: {violations(page)}")
    assert any(u.startswith(TILES) for u in watch.offsite)
    assert violations(page) == []


def test_zzz_the_browser_tests_visited_every_page_type():
    """Run last in this module (pytest keeps file order): the pages the tests above
    checked in Chromium, all without a violation (or this would not be reached)."""
    if Visits.pages == 0:
        pytest.skip("the browser tests did not run")
    print(
        f"\nCSP in Chromium: {Visits.pages} pages, {Visits.popups} popups, {Visits.slides} slides"
    )


# ---------------------------------------------------------------- the policy bites

INJECT = """() => {
    // An inline script added by a script (as a DOM-based injection would).
    const s = document.createElement("script");
    s.textContent = "window.__injected = 'script'";
    document.body.appendChild(s);
    // The page's own map script with one statement more: its hash is not listed.
    const ours = Array.from(document.scripts).find((e) => !e.src && e.textContent.trim());
    const g = document.createElement("script");
    g.textContent = ours.textContent + "\\nwindow.__guessed = 'script';";
    document.body.appendChild(g);
    // HTML with an inline handler (as an unescaped quote would be).
    const div = document.createElement("div");
    div.innerHTML = '<img src="data:," onerror="window.__handler = 1">';
    document.body.appendChild(div);
    // A javascript: link, clicked.
    const a = document.createElement("a");
    a.href = "javascript:window.__link = 1";
    a.textContent = "link";
    document.body.appendChild(a);
    a.click();
}"""
RAN = """() => [window.__injected, window.__guessed, window.__handler, window.__link]
    .filter((v) => v !== undefined)"""


@pytest.mark.browser
def test_an_injected_script_handler_or_link_does_not_run_on_a_journey_page(csp_page, live_server):
    page, watch = csp_page
    open_map_page(page, f"{live_server.url}/journeys/{SLUG}", watch)
    assert violations(page) == []
    page.evaluate(INJECT)
    # The browser reports each refusal (securitypolicyviolation) where the code would
    # have run: the two scripts at once, the handler at the image's error event, the link
    # at its navigation. Once all four are reported, nothing of it is left to run; wait
    # for that (or for anything having run: then fail at once, saying what).
    page.wait_for_function(f"() => window.__csp.length >= 4 || ({RAN})().length > 0")
    assert page.evaluate(RAN) == []
    # One each: the script, the altered map script, the handler, the javascript: link
    # (the handler's and the link's come in whichever order the browser gets to them).
    assert sorted(v["directive"] for v in violations(page)) == [
        "script-src-attr",
        "script-src-elem",
        "script-src-elem",
        "script-src-elem",
    ], violations(page)
    # And the map still works.
    assert page.evaluate("() => window.atlasMaps[0].map instanceof L.Map")


@pytest.fixture(scope="module")
def bitten_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A test-only page rendered by the app: one script of ours, written by
    inline_script() (its hash in the policy), and one as an injection would write it
    into the HTML. Ours tries eval and new Function (a script run by the test driver
    itself is not held to the policy)."""
    app = make_app(tmp_path_factory.mktemp("csp") / "atlas.sqlite")

    @app.get("/_test/injected")
    def injected() -> str:
        return render_template_string(
            "<!doctype html><title>t</title>"
            "{{ inline_script(ours) }}"
            "<script>window.__theirs = 1</script>"
            "<p>{{ quote|safe }}</p>",
            ours="window.__ours = 1;"
            "for (const [name, run] of [['eval', () => eval('1 + 1')],"
            "    ['Function', () => new Function('return 1')()],"
            "    ['setTimeout', () => setTimeout('window.__timer = 1', 0)]]) {"
            "  try { run(); window['__' + name] = 'ran'; }"
            "  catch (e) { window['__' + name] = e.name; }"
            "}",
            quote='<img src="data:," onerror="window.__handler = 1">',
        )

    with LiveServer(app) as server:
        yield server


@pytest.mark.browser
def test_a_script_written_into_a_page_without_its_hash_does_not_run(browser, bitten_server):
    with watched_page(browser, bitten_server.url) as (page, watch, _dialogs):
        page.context.add_init_script(WATCH_CSP)
        page.goto(bitten_server.url + "/_test/injected")
        # Five refusals, each reported where the code would have run (eval, new Function
        # and the string setTimeout at once, the injected script as it is parsed, the
        # handler at the image's error event): once all five are reported, nothing is
        # left to run. Or something ran: then fail at once, saying what.
        ran = "() => [window.__ours, window.__theirs, window.__handler, window.__timer]"
        page.wait_for_function(
            f"() => window.__csp.length >= 5 || ({ran})().slice(1).some((v) => v !== undefined)"
        )
        ran = page.evaluate(ran)
        assert ran == [1, None, None, None]
        tried = page.evaluate("() => [window.__eval, window.__Function, window.__setTimeout]")
        # setTimeout with a string returns normally; its code is refused, not run.
        assert tried == ["EvalError", "EvalError", "ran"]
        blocked = sorted(v["directive"] for v in violations(page))
        assert blocked == [
            "script-src",
            "script-src",
            "script-src",
            "script-src-attr",
            "script-src-elem",
        ], violations(page)
        # Chromium says so on the console too (the same message once).
        if not watch.console_errors:  # events arrive only while Playwright is called
            page.wait_for_event("console", lambda message: message.type == "error")
        assert watch.console_errors, "no violation on the console"
        assert all("Content Security Policy" in e for e in watch.console_errors)
