"""The suite's parts keep their promises (conftest.py): a test that writes to a database
without the `database` mark fails, so the PostgreSQL part (only marked tests) misses no
test whose outcome can depend on the engine; `--part` splits parallel from serial (each
checked by running pytest on a small test file of its own, with the suite's conftest);
and a page shared between browser tests is handed on as a new page would be."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import ATLAS_READY
from conftest import REPO, VIEWPORT

TESTS = REPO / "tests"

CONFTEST = f"""
import importlib.util, sys
sys.path.insert(0, {str(TESTS)!r})
spec = importlib.util.spec_from_file_location("atlas_conftest", {str(TESTS / "conftest.py")!r})
atlas_conftest = sys.modules["atlas_conftest"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(atlas_conftest)
from atlas_conftest import *  # the suite's hooks and fixtures
"""

TESTS_FILE = """
import pytest
from sqlalchemy import text
from atlas_conftest import make_app
from app.extensions import db


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("shared") / "atlas.sqlite")


@pytest.fixture()
def own_app(tmp_path):
    return make_app(tmp_path / "atlas.sqlite")


def test_reads_a_shared_database(shared_app):
    with shared_app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM journey")).scalar() == 0


def test_writes_unmarked(shared_app):
    with shared_app.app_context():
        db.session.execute(text("DELETE FROM journey"))
        db.session.commit()


@pytest.mark.database
def test_writes_marked(shared_app):
    with shared_app.app_context():
        db.session.execute(text("DELETE FROM journey"))
        db.session.commit()


def test_builds_its_own_database_unmarked(own_app):
    pass


@pytest.mark.database
def test_builds_its_own_database_marked(own_app):
    pass


@pytest.mark.serial
@pytest.mark.database
def test_alone():
    pass
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("parts")
    (directory / "conftest.py").write_text(CONFTEST)
    (directory / "test_parts.py").write_text(TESTS_FILE)
    return directory


def run(project: Path, *args: str, postgres: str = "") -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(project)}
    if postgres:
        env["ATLAS_TEST_POSTGRES"] = postgres
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rA",
            "-W",
            "ignore::pytest.PytestUnknownMarkWarning",
            *args,
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def outcomes(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        for word in ("PASSED", "FAILED", "ERROR"):
            if line.startswith(word + " test_parts.py::"):
                name = line.split("::", 1)[1].split(" ")[0]
                found[name] = word
    return found


def test_a_test_that_writes_without_the_mark_fails_and_says_why(project):
    result = run(project, "test_parts.py")
    assert outcomes(result.stdout) == {
        "test_reads_a_shared_database": "PASSED",
        "test_writes_unmarked": "FAILED",
        "test_writes_marked": "PASSED",
        "test_builds_its_own_database_unmarked": "ERROR",  # in its fixture: migrations
        "test_builds_its_own_database_marked": "PASSED",
        "test_alone": "PASSED",
    }, result.stdout
    assert "test_writes_unmarked writes to a database but is not marked" in result.stdout
    assert "DELETE FROM journey" in result.stdout
    assert "CREATE TABLE" in result.stdout  # the unmarked fixture's migrations


def collected(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {
        line.split("::", 1)[1] for line in result.stdout.splitlines() if "test_parts.py::" in line
    }


def test_the_parts_split_the_tests_and_postgresql_takes_only_the_marked_ones(project):
    everything = collected(run(project, "--co", "-q"))
    assert len(everything) == 6
    serial = collected(run(project, "--co", "-q", "--part", "serial"))
    parallel = collected(run(project, "--co", "-q", "--part", "parallel"))
    assert serial == {"test_alone"}
    assert parallel == everything - serial
    # Collecting connects to nothing: the URL only has to be set.
    postgres = collected(run(project, "--co", "-q", postgres="postgresql+psycopg://nowhere/x"))
    assert postgres == {
        "test_writes_marked",
        "test_builds_its_own_database_marked",
        "test_alone",
    }


# ------------------------------------------------------------------ shared pages

STATE = """() => ({
    width: window.innerWidth,
    height: window.innerHeight,
    print: matchMedia("print").matches,
    reducedMotion: matchMedia("(prefers-reduced-motion: reduce)").matches,
    dark: matchMedia("(prefers-color-scheme: dark)").matches,
    hovered: document.querySelectorAll(":hover").length,
    fullscreen: !!document.fullscreenElement,
    cookies: document.cookie,
    classroom: document.documentElement.outerHTML.includes("classroom-on"),
})"""


def state_on_a_journey_page(page: Any, url: str) -> dict[str, Any]:
    page.goto(url + "/journeys/roh-family")
    page.wait_for_function(ATLAS_READY)
    # Scrolling makes the browser look again at what lies under the mouse.
    page.locator(".map-frame").scroll_into_view_if_needed()
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    return dict(page.evaluate(STATE), cookies_in_context=page.context.cookies())


@pytest.mark.browser
def test_a_shared_page_is_handed_on_as_a_new_page_would_be(browser, shared_pages, live_server):
    page, watch = shared_pages.take("reset-check")
    # Everything a test may leave behind: a setting cookie, a phone's viewport, print
    # and reduced-motion media, the mouse on the page, full screen, a failed request.
    # (Where the mouse was is not seen here; the first-view checks of test_browser.py
    # failed when it was left on the page.)
    page.goto(live_server.url + "/settings/classroom?on=1&next=/journeys/roh-family")
    page.wait_for_function(ATLAS_READY)
    page.set_viewport_size({"width": 390, "height": 800})
    page.emulate_media(media="print", reduced_motion="reduce", color_scheme="dark")
    page.mouse.move(0, 0)
    page.evaluate("() => document.documentElement.requestFullscreen()")
    page.goto(live_server.url + "/no-such-page")
    assert watch.failed and page.context.cookies()

    again, watch_again = shared_pages.take("reset-check")
    assert again is page and watch_again is watch
    assert watch.requests == watch.failed == [] and page.url == "about:blank"
    fresh = browser.new_context(viewport=VIEWPORT)
    try:
        expected = state_on_a_journey_page(fresh.new_page(), live_server.url)
    finally:
        fresh.close()
    assert state_on_a_journey_page(again, live_server.url) == expected
    assert expected["cookies_in_context"] == [] and expected["hovered"] == 0
