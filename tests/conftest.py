"""Fixtures: real SQLite databases built through the migrations, the real seed data,
a live server on loopback, and Debian's Chromium driven by Playwright; and the parts
of the suite (README, "The test suite"):

- `database`: tests whose outcome can depend on the database engine. With
  ATLAS_TEST_POSTGRES set, only these run (the PostgreSQL part); a test that writes
  to a database (migrations included) without the mark fails, so the mark stays true.
- `serial`: tests that must not share the machine (many processes, load): the
  `--part=serial` run takes them, after the parallel `--part=parallel` run.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.engine import Engine
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.seeding import seed_database

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
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


# Set by scripts/test.sh for its second run: a throwaway PostgreSQL server on loopback.
POSTGRES_URL = os.environ.get("ATLAS_TEST_POSTGRES")


def database_url(db_path: Path) -> str:
    """A new, empty database for one app: a SQLite file, or a fresh PostgreSQL database
    on the test server when ATLAS_TEST_POSTGRES is set."""
    if not POSTGRES_URL:
        return f"sqlite:///{db_path}"
    name = "atlas_" + uuid.uuid4().hex[:12]
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


# ------------------------------------------------------------------ parts of the suite

PARTS = ("all", "parallel", "serial")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--part",
        choices=PARTS,
        default="all",
        help="parallel: every test not marked serial; serial: only those (run them alone)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    part = config.getoption("--part")
    keep, drop = [], []
    for item in items:
        serial = item.get_closest_marker("serial") is not None
        wrong_part = (part == "parallel" and serial) or (part == "serial" and not serial)
        off_postgres = POSTGRES_URL and item.get_closest_marker("database") is None
        (drop if wrong_part or off_postgres else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class WriteWatch:
    """Statements that change a database, seen while a test not marked `database` ran
    (its own body and its function-scoped fixtures; shared fixtures such as the seeded
    atlas are set up unwatched). SQLAlchemy's engine events see every engine of this
    process, a live server's threads included."""

    WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP)\b", re.I)

    def __init__(self) -> None:
        self.on = False
        self.paused = 0
        self.seen: list[str] = []

    def record(self, statement: str) -> None:
        if self.on and not self.paused and self.WRITE.match(statement):
            self.seen.append(" ".join(statement.split())[:100])


WRITES = WriteWatch()


@event.listens_for(Engine, "before_cursor_execute")
def _watch_writes(
    _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    WRITES.record(statement)


def _watched(item: pytest.Item) -> Iterator[None]:
    if item.get_closest_marker("database") is not None:
        return (yield)
    WRITES.on, WRITES.seen = True, []
    try:
        result = yield
    finally:
        WRITES.on = False
    if WRITES.seen:
        raise AssertionError(
            f"{item.nodeid} writes to a database but is not marked `database` "
            f"(its outcome can depend on the engine: mark it): {WRITES.seen[:3]}"
        )
    return result


class WriteWatchHooks:
    """Registered as a plugin of its own: a conftest's hooks do not see the setup of
    session-scoped fixtures (they belong to the session, above tests/)."""

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any) -> Iterator[Any]:
        if fixturedef.scope == "function":
            return (yield)
        WRITES.paused += 1
        try:
            return (yield)
        finally:
            WRITES.paused -= 1

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Iterator[None]:
        return (yield from _watched(item))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        return (yield from _watched(item))


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(WriteWatchHooks(), "atlas-write-watch")


# ------------------------------------------------------------------ databases


def make_app(db_path: Path, **config: Any) -> Flask:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url(db_path), **config})
    with app.app_context():
        upgrade()  # the schema comes only from the migrations
    return app


def seed(app: Flask, seeds_dir: Path = SEEDS) -> None:
    with app.app_context():
        seed_database(db.session, seeds_dir, Path(app.config["NATURAL_EARTH_PATH"]))


@pytest.fixture(scope="session")
def seeded_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One seeded atlas shared by the read-only tests."""
    app = make_app(tmp_path_factory.mktemp("atlas") / "atlas.sqlite")
    seed(app)
    return app


@pytest.fixture()
def client(seeded_app: Flask) -> FlaskClient:
    return seeded_app.test_client()


@pytest.fixture()
def empty_app(tmp_path: Path) -> Flask:
    """A fresh, migrated, unseeded database for tests that change data."""
    return make_app(tmp_path / "empty.sqlite")


@pytest.fixture()
def runner(empty_app: Flask) -> FlaskCliRunner:
    return empty_app.test_cli_runner()


@pytest.fixture()
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of seeds/ to break on purpose."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


class LiveServer:
    def __init__(self, app: Flask):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()


@pytest.fixture(scope="session")
def live_server(seeded_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(seeded_app) as server:
        yield server


# expect() waits up to this long for a state (Playwright's default is 5 s): on two cores
# shared by parallel workers a form submit and a page load can take longer. It only
# bounds how long a failing check waits; a passing one goes on as soon as it holds.
EXPECT_TIMEOUT_MS = 20_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """Everything a page asked for and complained about, with the network cut:
    any request to another host is aborted and recorded."""

    def __init__(self, origin: str):
        self.origin = origin
        self.clear()

    def clear(self) -> None:
        self.requests: list[str] = []
        self.offsite: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []

    def attach(self, context: Any, page: Any) -> None:
        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(self.origin) or url.startswith("data:"):
                r.continue_()
            else:
                self.offsite.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("requestfailed", self._request_failed)
        page.on(
            "response",
            lambda res: res.status >= 400 and self.failed.append(f"{res.status} {res.url}"),
        )
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))

    def _request_failed(self, request: Any) -> None:
        # The browser cancels what is still loading when the page navigates away (its
        # own favicon fetch, typically): that is not a failure of the atlas. Refused,
        # blocked or missing requests fail otherwise, or answer with a status >= 400.
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.url} ({request.failure})")

    def assert_clean(self) -> None:
        assert self.offsite == [], f"requests to other hosts: {self.offsite}"
        assert self.failed == [], f"failed requests: {self.failed}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"page errors: {self.page_errors}"


VIEWPORT = {"width": 1280, "height": 900}


class SharedPages:
    """One page per kind, kept for every test of a worker that reads the seeded atlas,
    reset between tests: a new context costs a new renderer and an empty cache (about
    0.5 s a test). Reset: a blank document (which also leaves full screen), no cookies or
    permissions, the usual viewport and media, the mouse off the page, and an empty
    watch. What cannot be undone (an init script of the test's own, a closed page) is
    kept out: a kind's init scripts are added when its page is made, and a page the
    test closed is made again."""

    def __init__(self, browser: Any, origin: str):
        self.browser = browser
        self.origin = origin
        self.pages: dict[str, tuple[Any, Any, PageWatch]] = {}

    def take(self, kind: str = "plain", init_script: str | None = None) -> tuple[Any, PageWatch]:
        entry = self.pages.get(kind)
        if entry is None or entry[1].is_closed():
            context = self.browser.new_context(viewport=VIEWPORT)
            if init_script:
                context.add_init_script(init_script)
            page = context.new_page()
            watch = PageWatch(self.origin)
            watch.attach(context, page)
            self.pages[kind] = entry = (context, page, watch)
            return page, watch
        context, page, watch = entry
        page.goto("about:blank")
        context.clear_cookies()
        context.clear_permissions()
        page.set_viewport_size(VIEWPORT)
        page.emulate_media(media="null", reduced_motion="null", color_scheme="null")
        page.mouse.move(-1, -1)  # off the page, hovering nothing, as on a new page
        watch.clear()
        return page, watch

    def close(self) -> None:
        for context, _page, _watch in self.pages.values():
            context.close()


@pytest.fixture(scope="session")
def shared_pages(browser: Any, live_server: LiveServer) -> Iterator[SharedPages]:
    pages = SharedPages(browser, live_server.url)
    yield pages
    pages.close()


@pytest.fixture()
def page_watch(shared_pages: SharedPages) -> tuple[Any, PageWatch]:
    """A page on the seeded atlas with the network cut, as a new one would be."""
    return shared_pages.take()
