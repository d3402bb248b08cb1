"""Servers the benchmarks start on loopback and stop again: the atlas under gunicorn
with two workers (as it is deployed), on the benchmarks' own database."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Until `url` answers (any status), or fail if the process died first."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited ({process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout} s") from None
            time.sleep(0.2)


@contextmanager
def gunicorn(database_url: str, workers: int = 2) -> Iterator[str]:
    """The atlas under gunicorn (sync workers, as scripts/serve.sh runs it); yields
    its base URL. A long timeout: a cold 10,000-hazard page may take a while."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url)
    process = subprocess.Popen(
        [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
        + ["--timeout", "600", "--log-level", "warning", "app:create_app()"],
        cwd=REPO,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/health", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)
