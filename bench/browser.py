"""Headless Chromium (Debian's, driven by Playwright as the tests do): bytes of a first
visit with an empty cache, counted by the DevTools protocol, with the hosts asked; and
the time from navigation to map ready (static/js/atlas.js marks "atlas-map-ready")."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .servers import free_port, wait_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
READY = "() => document.documentElement.dataset.atlasMap === 'ready'"
READY_AT = "() => performance.getEntriesByName('atlas-map-ready')[0].startTime"
TIMEOUT_MS = 180_000


@dataclass
class Visit:
    bytes: int
    requests: int
    hosts: list[str]
    urls: list[str]
    failed: list[str]  # "404 URL": answers that were errors


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def first_visit(browser: Any, url: str, expect_map: bool = True) -> Visit:
    """Everything a first visit transfers (compressed, as it came over the wire:
    Network.loadingFinished encodedDataLength), until the map is ready and the
    network idle."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )
        statuses: dict[str, int] = {}
        cdp.on(
            "Network.responseReceived",
            lambda e: statuses.__setitem__(e["requestId"], int(e["response"]["status"])),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        if expect_map:
            page.wait_for_function(READY, timeout=TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        asked = [u for u in urls.values() if not u.startswith("data:")]
        hosts = sorted({urlsplit(u).netloc for u in asked})
        failed = [f"{code} {urls.get(rid)}" for rid, code in statuses.items() if code >= 400]
        return Visit(sum(sizes.values()), len(sizes), hosts, asked, failed)
    finally:
        context.close()


def ready_ms(browser: Any, url: str) -> float:
    """Navigation start -> map ready, in a new context (an empty browser cache)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(READY, timeout=TIMEOUT_MS, polling=100)
        return float(page.evaluate(READY_AT))
    finally:
        context.close()


def ready_times(browser: Any, url: str, runs: int, budget: float) -> list[float]:
    """Up to `runs` timings (ms), fewer once `budget` seconds are spent (at least one)."""
    times: list[float] = []
    began = time.monotonic()
    while len(times) < max(1, runs) and (not times or time.monotonic() - began < budget):
        times.append(ready_ms(browser, url))
    return times


@contextmanager
def static_copy(visit: Visit, origin: str, directory: Path) -> Iterator[str]:
    """The files a visit loaded, saved as they are (uncompressed) and served by a plain
    static file server (python -m http.server); yields the page's URL there."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    page_path = urlsplit(visit.urls[0]).path
    for url in visit.urls:
        if not url.startswith(origin):
            continue
        path = urlsplit(url).path
        target = directory / path.lstrip("/")
        if path == page_path:  # the document: served as the folder's index.html
            target = target / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
        try:
            with urllib.request.urlopen(request, timeout=600) as response:  # loopback only
                target.write_bytes(response.read())
        except urllib.error.HTTPError:
            continue  # missing there too: the copy answers 404 as well
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        + ["--directory", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/", server)
        yield base + page_path.rstrip("/") + "/"
    finally:
        server.terminate()
        server.wait(timeout=30)
