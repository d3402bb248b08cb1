"""Workers boot on a fresh database: the schema and the seed data are a step run once
before any worker starts (`flask db upgrade`, `flask seed`), never inside the application
factory, so any number of workers can start at once.

A real gunicorn with 4 worker processes on loopback, in a fresh instance folder (the
workers create the secret key file concurrently): every worker answers /health and a
journey page. And 8 processes booting at the same moment on a fresh database all start
and answer."""

from __future__ import annotations

import http.cookiejar
import json
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import database_url
from sqlalchemy import create_engine, inspect

from app import create_app

pytestmark = [pytest.mark.database, pytest.mark.serial]

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = 4


def _env(instance: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ATLAS_SECRET_KEY", "FLASK_APP")}
    env.update(ATLAS_INSTANCE_PATH=str(instance), DATABASE_URL=url, ATLAS_ONLINE_TILES="0")
    return env


def _setup_step(env: dict[str, str]) -> None:
    """What scripts/serve.sh runs before serving: the migrations, then the seed data."""
    for args in (["db", "upgrade"], ["seed"]):
        done = subprocess.run(
            [str(BIN / "flask"), "--app", "app", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback
        return response.status, response.read()


def test_the_application_factory_neither_migrates_nor_seeds(tmp_path: Path) -> None:
    url = database_url(tmp_path / "untouched.sqlite")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.test_client() as client:
        assert client.get("/health").status_code == 204
    engine = create_engine(url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


# A request that keeps the worker that takes it busy until the test lets go: a form
# POST whose body is not sent yet. gunicorn logs "POST /login" (at debug level, with the
# worker's pid) before it calls the application, whose CSRF check then reads the form,
# blocking until the body comes. Sent, the body is refused (no CSRF token: 403), nothing
# is written. A sync worker serves one connection at a time: a held worker takes no
# other, so the next connection can only go to a worker that is not held.
HOLD = (
    b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1\r\n\r\n"
)
HELD = r"\[(\d+)\] \[DEBUG\] POST /login$"


class Gunicorn:
    """`gunicorn -w N 'app:create_app()'` on loopback. Its output is read line by line as
    it comes (a reader thread): its access log names the worker (pid) that answered each
    request, its debug log the worker that took each request. The deadline only ends a
    failing test: nothing waits on time."""

    def __init__(self, tmp_path: Path, env: dict[str, str], workers: int):
        self.workers = workers
        self.base = f"http://127.0.0.1:{_free_port()}"
        self.lines: list[str] = []
        self.ended = False
        self.changed = threading.Condition()
        self.deadline = time.monotonic() + 300
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                self.base.removeprefix("http://"),
                "--log-level",
                "debug",
                # A worker held by the test answers no heartbeat for as long as the test
                # holds it (seconds on a busy machine): not a hung worker to restart.
                "--timeout",
                "600",
                "--access-logfile",
                "-",
                "--access-logformat",
                "served-by %(p)s %(s)s %(U)s",
                "app:create_app()",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.pids: set[str] = set()
        at = 0
        while len(self.pids) < workers:
            booted, at = self.wait_for(r"Booting worker with pid: (\d+)", at)
            self.pids.add(booted.group(1))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def text(self) -> str:
        with self.changed:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, since: int) -> tuple[re.Match[str], int]:
        """The first output line from line `since` on that matches `pattern`, and the
        number of the line after it; waits for it as the output comes."""
        regex = re.compile(pattern)
        at = since
        with self.changed:
            while True:
                while at < len(self.lines):
                    found = regex.search(self.lines[at])
                    at += 1
                    if found:
                        return found, at
                assert not self.ended, f"gunicorn ended:\n{self.text()}"
                left = self.deadline - time.monotonic()
                assert left > 0, f"no line like {pattern!r}:\n{self.text()}"
                self.changed.wait(left)

    def _hold(self) -> tuple[socket.socket, str]:
        """A connection that holds whichever free worker takes it; and that worker's pid."""
        since = len(self.lines)
        host, port = self.base.removeprefix("http://").split(":")
        connection = socket.create_connection((host, int(port)), timeout=60)
        connection.sendall(HOLD)
        held, _ = self.wait_for(HELD, since)
        return connection, held.group(1)

    @staticmethod
    def _let_go(connection: socket.socket) -> None:
        """The body: the held request is answered (refused) and its worker is free."""
        with connection:
            connection.sendall(b"x")
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 403 "), answer[:200]

    def every_worker_answers(
        self, paths: tuple[str, ...], check: Callable[[str, bytes], str | None] | None = None
    ) -> None:
        """Every worker answers each of `paths` (2xx), one worker after the other:
        all the others held meanwhile, the free one must take the request (seen in the
        access log). `check(path, body)` says what is wrong with an answer, or None."""
        held: dict[str, socket.socket] = {}
        try:
            for _ in range(self.workers):
                connection, pid = self._hold()
                assert pid not in held, f"worker {pid} took two connections at once"
                held[pid] = connection
            assert set(held) == self.pids, (held, self.pids)
            for pid in sorted(self.pids):
                self._let_go(held.pop(pid))
                for path in paths:
                    since = len(self.lines)
                    status, body = _get(self.base + path)
                    assert 200 <= status < 300, f"{path}: {status}"
                    problem = check(path, body) if check else None
                    assert problem is None, f"{path} from worker {pid}: {problem}"
                    served, _ = self.wait_for(rf"served-by <(\d+)> \d+ {re.escape(path)}$", since)
                    assert served.group(1) == pid, f"{path}: answered by {served.group(1)}"
                connection, again = self._hold()  # the one free worker: this one again
                assert again == pid, f"held {again}, not {pid}"
                held[pid] = connection
        finally:
            for connection in held.values():
                self._let_go(connection)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.reader.join(timeout=60)


def _journey_path(base: str) -> str:
    status, body = _get(f"{base}/journeys.json")
    assert status == 200
    return f"/journeys/{json.loads(body)['journeys'][0]['slug']}"


def test_gunicorn_workers_all_start_on_a_fresh_database_and_answer(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    env = _env(instance, database_url(tmp_path / "atlas.sqlite"))
    _setup_step(env)
    # The setup step's own application made a key: gone, the workers make it, all at once.
    (instance / "secret_key").unlink()
    server = Gunicorn(tmp_path, env, WORKERS)
    try:
        journey = _journey_path(server.base)

        def check(path: str, body: bytes) -> str | None:
            if path == journey and b"leaflet" not in body.lower():
                return "no map"
            return None

        server.every_worker_answers(("/health", journey), check)
        assert "Traceback" not in server.text(), server.text()
        key = instance / "secret_key"
        assert key.exists() and key.stat().st_mode & 0o077 == 0
    finally:
        server.stop()


class _Form(HTMLParser):
    """The fields of the page's first `.edit-form`, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.depth = 0
        self.done = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self.done:
            return
        if tag == "form" and "edit-form" in a.get("class", "").split():
            self.depth = 1
        elif self.depth and tag == "input" and a.get("name"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields[a["name"]] = a.get("value", "")
        elif self.depth and tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif self.depth and tag == "select":
            self._select = a["name"]
        elif self.depth and tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            # A browser drops the newline that opens a textarea's content.
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.depth:
            self.depth = 0
            self.done = True


def test_an_edit_through_one_worker_is_what_every_worker_serves_next(tmp_path: Path) -> None:
    """Two gunicorn workers (on PostgreSQL too, with ATLAS_TEST_POSTGRES): both have the
    journey page cached; an editor saves the journey through the editor form; every answer
    after that, from either worker, has the change."""
    instance = tmp_path / "instance"
    env = _env(instance, database_url(tmp_path / "atlas.sqlite"))
    _setup_step(env)
    made = subprocess.run(
        [str(BIN / "flask"), "--app", "app", "users", "create", "ed", "--role", "editor"]
        + ["--password-stdin"],
        cwd=REPO,
        env=env,
        input="a long test passphrase\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    server = Gunicorn(tmp_path, env, 2)
    try:
        journey = _journey_path(server.base)
        slug = journey.rsplit("/", 1)[1]
        marker = f"Edited through one worker {time.time_ns()}"

        # Both workers have the page and its JSON twin cached.
        server.every_worker_answers((journey, journey + ".json"))

        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        login = browser.open(f"{server.base}/login", timeout=60).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', login)
        assert token
        form = urllib.parse.urlencode(
            {"name": "ed", "password": "a long test passphrase", "csrf_token": token.group(1)}
        ).encode()
        assert browser.open(f"{server.base}/login", form, timeout=60).status == 200  # 303 → /
        parser = _Form()
        parser.feed(browser.open(f"{server.base}/edit/journeys/{slug}", timeout=60).read().decode())
        fields = parser.fields
        assert {"csrf_token", "lock_version", "summary", "title", "slug"} <= set(fields), fields
        fields["summary"] = f"{fields['summary']} {marker}"
        saved = browser.open(
            f"{server.base}/edit/journeys/{slug}",
            urllib.parse.urlencode(fields).encode(),
            timeout=60,
        )
        assert saved.status == 200 and "saved=1" in saved.url, saved.url

        def fresh(path: str, body: bytes) -> str | None:
            return None if marker.encode() in body else "stale: the edit is missing"

        server.every_worker_answers((journey, journey + ".json"), fresh)
        assert "Traceback" not in server.text(), server.text()
    finally:
        server.stop()


def _boot_and_answer(instance: str, url: str, barrier: Any, results: Any) -> None:
    try:
        os.environ["ATLAS_INSTANCE_PATH"] = instance
        os.environ.pop("ATLAS_SECRET_KEY", None)
        barrier.wait(timeout=300)  # every process starts its application at once
        from app import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        client = app.test_client()
        health = client.get("/health").status_code
        journeys = client.get("/journeys.json")
        slug = journeys.get_json()["journeys"][0]["slug"]
        page = client.get(f"/journeys/{slug}").status_code
        results.put((os.getpid(), health, journeys.status_code, page, app.config["SECRET_KEY"]))
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        results.put((os.getpid(), repr(exc), None, None, None))


def test_8_processes_booting_at_once_on_a_fresh_database_all_answer(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    url = database_url(tmp_path / "atlas.sqlite")
    _setup_step(_env(instance, url))
    (instance / "secret_key").unlink()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(8)
    results = context.Queue()
    processes = [
        context.Process(target=_boot_and_answer, args=(str(instance), url, barrier, results))
        for _ in range(8)
    ]
    for process in processes:
        process.start()
    answers = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert [a[1:4] for a in answers] == [(204, 200, 200)] * 8, answers
    assert len({a[4] for a in answers}) == 1, "the workers do not share one secret key"
    assert (instance / "secret_key").read_text().strip() == answers[0][4]
