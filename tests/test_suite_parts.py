"""The suite's parts keep their promises (conftest.py): a test that writes to a database
without the `database` mark fails, so the PostgreSQL part (only marked tests) misses no
test whose outcome can depend on the engine; `--part` splits parallel from serial.

Each check runs pytest on a small test file of its own, with the suite's conftest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

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
