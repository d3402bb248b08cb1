"""A reader's first visit to a seeded journey page, with an empty cache, stays small and
all of it comes from the atlas's own host: every response's bytes as Chromium's network
layer received them (DevTools Network.loadingFinished encodedDataLength: compressed,
headers included), counted once the map is ready and the fonts the page asked for have
arrived. The issue's budget (a size, not a time), for every seeded journey page: 400 KB
in English, 450 KB in Korean (its font slices). The base map counts in full: its runtime,
the level of detail of the first view and the labels of the page's language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_helpers import SEED_JOURNEYS, Requests, is_favicon

pytestmark = pytest.mark.browser

BUDGET = {"en": 400_000, "ko": 450_000}  # bytes
MAP_READY = "() => document.documentElement.dataset.atlasMap === 'ready'"
FONTS_LOADED = "() => document.fonts.ready.then(() => document.fonts.status === 'loaded')"


class ByteCount:
    """Every request of a page as Chromium's DevTools protocol saw it."""

    def __init__(self, cdp: Any):
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        self.failed: dict[str, str] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.send("Network.enable")

    def _sent(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event: dict[str, Any]) -> None:
        self.bytes[event["requestId"]] = int(event["encodedDataLength"])

    def _failed(self, event: dict[str, Any]) -> None:
        self.failed[event["requestId"]] = event.get("errorText", "")

    def pending(self) -> list[str]:
        done = self.bytes.keys() | self.failed.keys()
        return [url for rid, url in self.urls.items() if rid not in done]

    def table(self) -> str:
        rows = sorted(self.bytes.items(), key=lambda item: -item[1])
        lines = [f"{n:>9,}  {urlsplit(self.urls[rid]).path}" for rid, n in rows]
        return "\n".join([*lines, f"{sum(self.bytes.values()):>9,}  total, {len(rows)} requests"])


def first_visit(browser: Any, url: str) -> ByteCount:
    """Load `url` in a new browser context (nothing cached) and count what came."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        count = ByteCount(context.new_cdp_session(page))
        requests = Requests(page)
        # The favicon is asked for by the browser after the load event: wait for it.
        with page.expect_request_finished(is_favicon):
            page.goto(url)
        page.wait_for_function(MAP_READY)
        assert page.evaluate(FONTS_LOADED)
        # Whatever the page still asks for (a font slice for text drawn last) is
        # counted too: wait for each request under way to end.
        requests.settle()
        assert count.pending() == [], f"still loading: {count.pending()}"
        return count
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_a_journey_page_first_visit_is_small_and_all_from_our_host(
    browser, live_server, slug, lang
):
    count = first_visit(browser, f"{live_server.url}/journeys/{slug}?lang={lang}")
    print(f"\nfirst visit of /journeys/{slug}?lang={lang}:\n{count.table()}")

    assert count.failed == {}, f"failed requests: {count.failed}"
    ours = urlsplit(live_server.url).netloc
    elsewhere = sorted({u for u in count.urls.values() if urlsplit(u).netloc != ours})
    assert elsewhere == [], f"requests to other hosts: {elsewhere}"
    # The page itself, its map's scripts, the base map and its labels in the page's
    # language, and (for Korean) font slices.
    paths = {urlsplit(u).path for u in count.urls.values()}
    assert f"/journeys/{slug}" in paths
    assert any("vendor/basemap/basemap-" in p for p in paths)
    assert any(f"vendor/basemap/labels-{lang}" in p for p in paths)
    if lang == "ko":
        assert any(p.endswith(".woff2") and "noto-sans-kr" in p for p in paths)
    total = sum(count.bytes.values())
    assert total <= BUDGET[lang], f"{total:,} bytes on a first visit:\n{count.table()}"
