"""`flask --app app export-site DIR`: a static copy of the whole atlas that works from a
plain static file server and straight from disk (file://), with the network cut."""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from browser_helpers import (
    MAP_READY,
    POPUP,
    SEED_JOURNEYS,
    drawn_hazards,
    known_legs,
    map_state,
    open_map_page,
    settled_popup,
    watched_page,
)
from conftest import PageWatch
from flask import Flask, request, request_started
from playwright.sync_api import expect
from sqlalchemy import select

from app.export.paths import ROOT, Page, target
from app.export.site import STAMP, ExportError, _replace
from app.extensions import db
from app.models import Citation, Source

ROH = "roh-family"
DEFECTOR = "imprisoned-defector"
TAGGED_QUOTE = "torture would stop"


@pytest.fixture(scope="module")
def site(seeded_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("export") / "atlas"
    result = seeded_app.test_cli_runner().invoke(args=["export-site", str(directory)])
    assert result.exit_code == 0, result.output
    assert re.search(r"Exported to .+: \d+ pages, \d+ data files, \d+ assets", result.output)
    return directory


class QuietFileHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def static_server(site: Path) -> Iterator[str]:
    """The copy served by Python's own plain file server (http.server, as `python -m
    http.server` serves it): no atlas code at all. Served from a thread of the test
    process, listening before its address is handed out: nothing to wait for."""
    handler = functools.partial(QuietFileHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def citation_keys(app: Flask) -> dict[str, list[str]]:
    with app.app_context():
        rows = db.session.execute(select(Source.slug, Citation.key).join(Citation.source))
        keys: dict[str, list[str]] = {}
        for slug, key in rows:
            keys.setdefault(slug, []).append(key)
        return keys


# ------------------------------------------------------------------ the files


def test_every_page_of_every_journey_is_written_in_both_settings(site, seeded_app):
    for tree in ("", "classroom/", "ko/", "ko/classroom/"):
        for name in ("index.html", "journeys.html", "hazards.html", "discrepancies.html"):
            assert (site / tree / name).is_file(), tree + name
        for slug in SEED_JOURNEYS:
            for name in (
                f"journeys/{slug}.html",
                f"journeys/{slug}.json",
                f"journeys/{slug}.geojson",
                f"journeys/{slug}/handout.html",
                f"embed/journeys/{slug}.html",
            ):
                assert (site / tree / name).is_file(), tree + name
        for source, keys in citation_keys(seeded_app).items():
            assert (site / tree / f"sources/{source}.html").is_file()
            for key in keys:
                assert (site / tree / f"sources/{source}/cite/{key}.html").is_file(), key
    # A presentation starts in the classroom setting, as on the live site.
    for slug in SEED_JOURNEYS:
        assert (site / f"classroom/present/journeys/{slug}.html").is_file()
        assert (site / f"ko/classroom/present/journeys/{slug}.html").is_file()
    assert (site / "static/vendor/basemap/basemap-0.js").is_file()
    assert (site / "static/vendor/basemap/labels-ko.js").is_file()
    assert (site / STAMP).is_file()


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "data-src") and value is not None:
                self.found.append((tag, name, value))


def test_every_link_and_asset_in_the_copy_resolves_to_a_file_in_it(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 800  # two settings × two languages
    # Every file of the copy, as a path relative to it: a link must land on one of them
    # (no symbolic links in a copy, so joining and normalising is resolving).
    files = {str(f.relative_to(site)) for f in site.rglob("*") if f.is_file()}
    broken, outside, loads_from_elsewhere = [], [], []
    for page in pages:
        html = page.read_text("utf-8")
        assert ROOT not in html, page
        assert not re.search(r"[\"'(]/static/", html), f"{page}: a root-relative asset URL"
        parser = Links()
        parser.feed(html)
        for tag, attr, url in parser.found:
            if url.startswith(("#", "data:", "mailto:")):
                continue
            if url.startswith(("http://", "https://")):
                # A link a reader may follow (an article's address) is fine; anything the
                # page would load from another host is not.
                if not (tag == "a" and attr == "href"):
                    loads_from_elsewhere.append(f"{page}: <{tag} {attr}={url}>")
                continue
            if url.startswith("/"):
                outside.append(f"{page}: {url}")
                continue
            path = unquote(urlsplit(url).path)
            here = page.parent.relative_to(site)
            if os.path.normpath(os.path.join(here, path)) not in files:
                broken.append(f"{page.relative_to(site)}: {url}")
    assert outside == [], "root-relative links break when opened from disk"
    assert broken == []
    assert loads_from_elsewhere == []


def test_the_classroom_toggle_leads_to_the_same_page_in_the_other_setting(site):
    plain = (site / f"journeys/{DEFECTOR}.html").read_text("utf-8")
    on = (site / f"classroom/journeys/{DEFECTOR}.html").read_text("utf-8")
    assert f'class="classroom-toggle" href="../classroom/journeys/{DEFECTOR}.html"' in plain
    assert f'class="classroom-toggle" href="../../journeys/{DEFECTOR}.html"' in on
    assert on.count('<details class="sensitive">') > 0
    assert '<details class="sensitive">' not in plain


def test_each_language_has_its_own_tree_and_the_switch_leads_between_them(site):
    english = (site / f"journeys/{DEFECTOR}.html").read_text("utf-8")
    korean = (site / f"ko/journeys/{DEFECTOR}.html").read_text("utf-8")
    korean_classroom = (site / f"ko/classroom/journeys/{DEFECTOR}.html").read_text("utf-8")
    assert '<html lang="en">' in english and '<html lang="ko">' in korean
    assert f'href="../ko/journeys/{DEFECTOR}.html" lang="ko"' in english
    assert f'href="../../journeys/{DEFECTOR}.html" lang="en"' in korean
    assert f'href="../../../classroom/journeys/{DEFECTOR}.html" lang="en"' in korean_classroom
    # Korean pages stay in the Korean tree, whatever they link to.
    assert f'class="classroom-toggle" href="../classroom/journeys/{DEFECTOR}.html"' in korean
    assert 'href="../../static/' in korean


def test_links_map_to_files_the_way_the_live_site_answers_them():
    here = Page("/journeys/x", False)
    assert target("/sources/s?cite=K#p-3", here)[0].file == "sources/s/cite/K.html"
    assert target("/sources/s?cite=K&amp;classroom=1#p-3", here)[0].file == (
        "classroom/sources/s/cite/K.html"
    )
    assert target("/present/journeys/x", here)[0].file == "classroom/present/journeys/x.html"
    assert target("/present/journeys/x.json", here)[0].file == "present/journeys/x.json"
    assert target("/embed/journeys/x", Page("/", True))[0].file == "embed/journeys/x.html"
    assert target("/history/journey/1", here)[0].file == "needs-the-live-atlas.html"
    toggle = f"/settings/classroom?on=1&amp;next={ROOT}/sources/s%3Fcite%3DK%26classroom%3D0"
    assert target(toggle, here)[0].file == "classroom/sources/s/cite/K.html"
    korean = Page("/journeys/x", True, language="ko")
    assert target("/hazards", korean)[0].file == "ko/classroom/hazards.html"
    assert target("/embed/journeys/x?lang=ko", here)[0].file == "ko/embed/journeys/x.html"
    switch = f"/language/ko?next={ROOT}/sources/s%3Fcite%3DK%26classroom%3D1"
    assert target(switch, here)[0].file == "ko/sources/s/cite/K.html"
    assert target(f"/language/en?next={ROOT}/", korean)[0].file == "classroom/index.html"


def test_an_export_replaces_only_an_earlier_export(tmp_path):
    kept = tmp_path / "notes"
    kept.mkdir()
    (kept / "lesson.txt").write_text("mine")
    build = tmp_path / "build"
    build.mkdir()
    with pytest.raises(ExportError, match="not an earlier export"):
        _replace(kept, build)
    assert (kept / "lesson.txt").read_text() == "mine"

    earlier = tmp_path / "atlas"
    earlier.mkdir()
    (earlier / STAMP).write_text("old")
    (earlier / "stale.html").write_text("old")
    (build / STAMP).write_text("new")
    _replace(earlier, build)
    assert (earlier / STAMP).read_text() == "new"
    assert not (earlier / "stale.html").exists()


def test_the_command_refuses_a_directory_that_holds_other_files_before_it_crawls(
    seeded_app, tmp_path
):
    (tmp_path / "lesson.txt").write_text("mine")
    crawled: list[str] = []

    def count(sender: Flask, **_extra: Any) -> None:
        crawled.append(request.path)

    with request_started.connected_to(count, seeded_app):
        result = seeded_app.test_cli_runner().invoke(args=["export-site", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "not an earlier export" in result.output
    assert crawled == [], "the destination was refused only after the crawl"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.txt"]


# ------------------------------------------------------------------ in the browser


def follow_a_hazard_to_its_passage(page: Any, journey: dict[str, Any]) -> None:
    """Click a hazard symbol, then its popup's quote link: the cited words are marked."""
    key = f"hazard-{drawn_hazards(journey)[0]['slug']}"
    page.evaluate(f"window.atlasMaps[0].features[{key!r}].openPopup()")
    expect(settled_popup(page).locator(".atlas-popup")).to_be_visible()
    quote = page.locator(f"{POPUP} blockquote").first.evaluate("b => b.firstChild.textContent")
    page.locator(f"{POPUP} blockquote a").first.click()
    page.wait_for_url(re.compile(r"/sources/[\w-]+/cite/\w+\.html#p-\d+$"))
    passage = urlsplit(page.url).fragment
    mark = page.locator(f"li#{passage} mark")
    expect(mark).to_be_visible()
    assert mark.text_content() == quote.strip()[1:-1]


def check_journey_map(page: Any, journey: dict[str, Any]) -> None:
    state = map_state(page)
    drawn = {key for key in state["features"] if re.fullmatch(r"leg-\d+", key)}
    assert drawn == {f"leg-{leg['order']}" for leg in known_legs(journey)}
    hazards = {key for key in state["features"] if key.startswith("hazard-")}
    assert hazards == {f"hazard-{h['slug']}" for h in drawn_hazards(journey)}
    assert state["outlineFeatures"] > 100, "the base map's land did not load"
    assert state["baseLabels"], "the base map shows no names"


def walk_the_deck(page: Any, url: str) -> None:
    """Every slide by the clicker's keys, and a reload on #3 opens slide 3."""
    page.goto(url)
    page.wait_for_function(MAP_READY)
    page.wait_for_function("() => window.atlasPresent && window.atlasPresent.current === 1")
    count = int(page.locator(".deck-progress").text_content().split("/")[1])
    for n in range(2, count + 1):
        page.keyboard.press("PageDown")
        expect(page.locator(".deck-progress")).to_have_text(f"{n} / {count}")
    for n in range(count - 1, 0, -1):
        page.keyboard.press("PageUp")
        expect(page.locator(".deck-progress")).to_have_text(f"{n} / {count}")
    page.goto(url + "#3")
    page.reload()
    page.wait_for_function(MAP_READY)
    expect(page.locator(".deck-progress")).to_have_text(f"3 / {count}")


@pytest.mark.browser
def test_the_copy_works_from_a_plain_static_server_with_the_network_cut(
    browser, site, static_server
):
    journeys = {
        slug: __import__("json").loads((site / f"journeys/{slug}.json").read_text("utf-8"))
        for slug in SEED_JOURNEYS
    }
    korean_roh = __import__("json").loads((site / f"ko/journeys/{ROH}.json").read_text("utf-8"))
    with watched_page(browser, static_server) as (page, watch, dialogs):
        page.goto(f"{static_server}/index.html")
        page.locator(f'a[href="journeys/{ROH}.html"]').first.click()
        page.wait_for_url(f"**/journeys/{ROH}.html")
        for slug in SEED_JOURNEYS:
            open_map_page(page, f"{static_server}/journeys/{slug}.html", watch)
            check_journey_map(page, journeys[slug])
        open_map_page(page, f"{static_server}/journeys/{ROH}.html", watch)
        follow_a_hazard_to_its_passage(page, journeys[ROH])

        # The header's toggle: the same page in the classroom setting, quotes on request.
        open_map_page(page, f"{static_server}/journeys/{DEFECTOR}.html", watch)
        page.locator(".classroom-toggle").click()
        page.wait_for_url(f"**/classroom/journeys/{DEFECTOR}.html")
        note = page.locator("details.sensitive").filter(has_text=TAGGED_QUOTE).first
        expect(note.locator("blockquote")).to_be_hidden()
        note.locator("summary").click()
        expect(note.locator("blockquote")).to_be_visible()

        walk_the_deck(page, f"{static_server}/classroom/present/journeys/{ROH}.html")

        # The language switch: the same page in Korean, its map and popups in Korean.
        open_map_page(page, f"{static_server}/journeys/{ROH}.html", watch)
        page.locator('.language-switch a[lang="ko"]').click()
        page.wait_for_url(f"**/ko/journeys/{ROH}.html")
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        open_map_page(page, page.url, watch)
        check_journey_map(page, korean_roh)
        # The base map's names in Korean, from the copy (the network is cut).
        names = " ".join(map_state(page)["baseLabels"])
        assert re.search("[\uac00-\ud7a3]", names), names
        walk_the_deck(page, f"{static_server}/ko/classroom/present/journeys/{ROH}.html")

        open_map_page(page, f"{static_server}/embed/journeys/{ROH}.html", watch)
        expect(page.locator(".embed-sources")).to_be_attached()
        page.goto(f"{static_server}/journeys/{ROH}/handout.html")
        expect(page.locator("svg.handout-map")).to_be_visible()
        assert dialogs.messages == []
        watch.assert_clean()
        elsewhere = [u for u in watch.requests if not u.startswith(static_server + "/")]
        assert elsewhere == []


@pytest.mark.browser
def test_the_copy_opens_straight_from_disk(browser, site):
    """What a teacher double-clicks: file:// pages, where fetch() is refused."""
    journey = __import__("json").loads((site / f"journeys/{ROH}.json").read_text("utf-8"))
    home = site.resolve().as_uri() + "/index.html"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        watch = PageWatch("file://")
        watch.attach(context, page)
        page.goto(home)
        page.locator(f'a[href="journeys/{ROH}.html"]').first.click()
        page.wait_for_url(f"**/journeys/{ROH}.html")
        open_map_page(page, page.url, watch)
        check_journey_map(page, journey)
        follow_a_hazard_to_its_passage(page, journey)
        walk_the_deck(page, site.resolve().as_uri() + f"/classroom/present/journeys/{ROH}.html")
        open_map_page(page, site.resolve().as_uri() + f"/embed/journeys/{ROH}.html", watch)
        expect(page.locator(".embed-sources")).to_be_attached()
        watch.assert_clean()
        assert [u for u in watch.requests if not u.startswith("file:///")] == []
    finally:
        context.close()
