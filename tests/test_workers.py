"""Workers boot on a fresh database: the schema and the seed data are a step run once
before any worker starts (`flask db upgrade`, `flask seed`), never inside the application
factory, so any number of workers can start at once.

A real gunicorn with 4 worker processes on loopback, in a fresh instance folder (the
workers create the secret key file concurrently): every worker answers /health and a
journey page. And 8 processes booting at the same moment on a fresh database all start
and answer."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

from conftest import database_url
from sqlalchemy import create_engine, inspect

from app import create_app

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


def test_gunicorn_workers_all_start_on_a_fresh_database_and_answer(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    env = _env(instance, database_url(tmp_path / "atlas.sqlite"))
    _setup_step(env)
    # The setup step's own application made a key: gone, the workers make it, all at once.
    (instance / "secret_key").unlink()
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
                "--access-logformat",
                "served-by %(p)s %(s)s %(U)s",
                "app:create_app()",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        booted: set[str] = set()
        while time.monotonic() < deadline:
            booted = set(re.findall(r"Booting worker with pid: (\d+)", log.read_text()))
            if len(booted) == WORKERS:
                break
            assert server.poll() is None, log.read_text()
            time.sleep(0.2)
        assert len(booted) == WORKERS, log.read_text()
        status, body = _get(f"{base}/journeys.json")
        assert status == 200
        journey = f"/journeys/{json.loads(body)['journeys'][0]['slug']}"

        # Requests in parallel, on fresh connections, until every worker has answered
        # both (the kernel hands each connection to whichever worker is free).
        failures: list[str] = []

        def hit(path: str) -> None:
            try:
                status, page = _get(base + path)
                if status != (204 if path == "/health" else 200):
                    failures.append(f"{path}: {status}")
                elif path == journey and b"leaflet" not in page.lower():
                    failures.append(f"{path}: no map")
            except Exception as exc:  # noqa: BLE001 - reported below
                failures.append(f"{path}: {exc!r}")

        answered: dict[str, set[str]] = defaultdict(set)
        while time.monotonic() < deadline:
            threads = [
                threading.Thread(target=hit, args=(path,))
                for _ in range(WORKERS)
                for path in ("/health", journey)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert failures == []
            answered = defaultdict(set)
            for pid, _status, path in re.findall(r"served-by <(\d+)> (\d+) (\S+)", log.read_text()):
                answered[path].add(pid)
            if answered["/health"] >= booted and answered[journey] >= booted:
                break
        assert answered["/health"] >= booted, (answered, booted)
        assert answered[journey] >= booted, (answered, booted)
        assert "Traceback" not in log.read_text(), log.read_text()
        key = instance / "secret_key"
        assert key.exists() and key.stat().st_mode & 0o077 == 0
    finally:
        server.terminate()
        server.wait(timeout=30)


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
