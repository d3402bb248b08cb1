"""schemathesis (4.x, its CLI as CI would run it) against /openapi.json of a live atlas on
loopback: every documented operation, every check (5xx, status codes, content types,
response schemas and headers, negative and positive data, undeclared methods, auth...),
the four phases (examples, coverage, fuzzing, stateful), 0 failures.

Deterministic and bounded: a fixed seed, a fixed number of examples per operation, one
worker, no example database carried between runs. The run cannot pass vacuously: the
report must show every documented operation tested and test cases generated.
The editor's own JSON (the place lookup) is tested with a real editor session, made by
logging in through /login.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from auth_helpers import PASSWORD, TOKEN, make_user
from conftest import REPO, LiveServer, make_app, seed
from flask import Flask

pytestmark = pytest.mark.database

SEED = 20261121
MAX_EXAMPLES = 10
CONFIG = REPO / "tests" / "schemathesis.toml"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Its own seeded atlas (it gets an editor account) on a live server."""
    # The place lookup's online geocoder stays off: nothing leaves the machine.
    app: Flask = make_app(
        tmp_path_factory.mktemp("schemathesis") / "atlas.sqlite",
        GEOCODER="offline",
        GEOCODER_USER_AGENT=None,
    )
    seed(app)
    make_user(app, "fuzzing-editor", "editor")
    with LiveServer(app) as server:
        yield server


def editor_session(base: str, cookie_name: str) -> str:
    """Log in through the real form; the session cookie's value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    found = TOKEN.search(page)
    assert found, "the login page has no CSRF token"
    form = {"name": "fuzzing-editor", "password": PASSWORD, "csrf_token": found.group(1)}
    opener.open(f"{base}/login", data=urllib.parse.urlencode(form).encode())
    values = [c.value for c in jar if c.name == cookie_name]
    assert values, f"no {cookie_name} cookie after logging in"
    return values[-1]


def fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url) as answer:  # the loopback server only
        return json.loads(answer.read())


def test_schemathesis_finds_no_failure_in_any_documented_operation(
    atlas: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = fetch_json(f"{atlas.url}/openapi.json")
    documented = sum(len(item) for item in document["paths"].values())
    schemes = document["components"]["securitySchemes"]
    session = editor_session(atlas.url, schemes["editor_session"]["name"])

    # The schema as a file (loaded from its URL, schemathesis leaves /openapi.json
    # itself out of the run), and this run's settings: the shared ones plus the session.
    schema_file = tmp_path / "openapi.json"
    schema_file.write_text(json.dumps(document), "utf-8")
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        CONFIG.read_text("utf-8") + f'\n[auth.openapi.editor_session]\napi_key = "{session}"\n',
        "utf-8",
    )
    report = tmp_path / "report.json"
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "run",
            str(schema_file),
            "--url",
            atlas.url,
            "--seed",
            str(SEED),
            "--max-examples",
            str(MAX_EXAMPLES),
            "--workers",
            "1",
            "--generation-database",
            "none",
            # A busy shared machine can be slow; slowness is not what this checks.
            "--request-timeout",
            "120",
            "--no-color",
            "--report",
            "json",
            "--report-json-path",
            str(report),
        ],
        cwd=tmp_path,  # anything schemathesis writes stays out of the repository
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    output = run.stdout + run.stderr
    assert report.exists(), output[-5000:]
    result = json.loads(report.read_text("utf-8"))
    operations, cases = result["operations"], result["test_cases"]
    with capsys.disabled():
        print(
            f"\nschemathesis {result['schemathesis_version']}: "
            f"{operations['tested']}/{documented} operations tested, "
            f"{cases['generated']} test cases, {cases['with_failures']} with failures, "
            f"{len(result['errors'])} errors, phases "
            + ", ".join(f"{name} {p['status']}" for name, p in result["phases"].items())
            + f", {result['running_time']:.0f} s"
        )
    assert result["failures"] == [], output[-8000:]
    assert result["errors"] == [], output[-8000:]
    assert run.returncode == 0, output[-8000:]
    assert result["complete"] and result["stop_reason"] == "completed"
    # Not vacuous: every documented operation ran, with many generated requests.
    assert documented >= 20
    assert operations["selected"] == operations["tested"] == documented
    assert operations["errored"] == operations["skipped"] == 0
    assert cases["generated"] >= documented * 5
    assert cases["with_failures"] == 0
    for name in ("examples", "coverage", "fuzzing", "stateful"):
        assert result["phases"][name]["status"] == "success", (name, result["phases"][name])
