"""The dataset as one portable file: `flask export` then `flask import` into a fresh
database gives back exactly the same data, history included (on SQLite and on
PostgreSQL); import refuses a database that is not empty; `flask backup` copies a live
SQLite database consistently while another thread writes to it."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from auth_helpers import make_user
from conftest import POSTGRES_URL, make_app, seed
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.history import acting_as, restore_version
from app.models import ContentVersion, Journey, User

pytestmark = pytest.mark.database


@pytest.fixture()
def edited_app(tmp_path: Path) -> Flask:
    """A seeded atlas with an account and some history: an update, a deletion, a restore."""
    app = make_app(tmp_path / "source.sqlite")
    seed(app)
    user_id = make_user(app, "alice")
    with app.app_context(), acting_as("alice", user_id):
        journeys = db.session.scalars(select(Journey).order_by(Journey.id)).all()
        journeys[0].title = "Renamed “journey” — with <markup> & ünïcode"
        db.session.commit()
        jid = journeys[1].id
        db.session.delete(journeys[1])
        db.session.commit()
        deletion = db.session.scalars(
            select(ContentVersion).filter_by(entity="journey", entity_id=jid, action="delete")
        ).one()
        restore_version("journey", jid, deletion.version)
        db.session.delete(db.session.get(Journey, jid))
        db.session.commit()
    return app


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def test_export_then_import_into_a_fresh_database_is_lossless(edited_app, tmp_path):
    first = tmp_path / "first.json"
    result = run(edited_app, "export", str(first))
    assert result.exit_code == 0, result.output
    assert "Exported to" in result.output
    data = json.loads(first.read_text("utf-8"))
    assert (data["format"], data["format_version"]) == ("escape-route-atlas-dataset", 1)
    tables = data["tables"]
    assert len(tables["content_version"]["rows"]) > 400
    assert {"users", "hazard_journey", "dataset_revision", "citation"} <= set(tables)
    assert "login_attempt" not in tables
    user_columns = tables["users"]["columns"]
    (alice,) = [dict(zip(user_columns, row, strict=True)) for row in tables["users"]["rows"]]
    assert alice["name"] == "alice" and alice["password_hash"].startswith("$argon2id$")

    fresh = make_app(tmp_path / "fresh.sqlite")
    result = run(fresh, "import", str(first))
    assert result.exit_code == 0, result.output
    second = tmp_path / "second.json"
    assert run(fresh, "export", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()

    with fresh.app_context():
        # The imported atlas works on: pages render, a new record gets a new id, and
        # the deleted journey can still be restored from the imported history.
        assert fresh.test_client().get("/journeys").status_code == 200
        deletion = db.session.scalars(
            select(ContentVersion)
            .filter_by(entity="journey", action="delete")
            .order_by(ContentVersion.id.desc())
        ).first()
        assert deletion is not None
        restore_version("journey", deletion.entity_id, deletion.version)
        assert db.session.get(Journey, deletion.entity_id) is not None
        taken = set(db.session.scalars(select(User.id)))
        user = User(
            name="bob", password_hash="x", role="editor", created_at=func.now(), session_epoch=0
        )
        db.session.add(user)
        db.session.commit()
        assert user.id not in taken


def test_import_refuses_a_database_that_is_not_empty(edited_app, tmp_path):
    file = tmp_path / "atlas.json"
    assert run(edited_app, "export", str(file)).exit_code == 0
    with edited_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(ContentVersion))
    result = run(edited_app, "import", str(file))
    assert result.exit_code != 0
    assert "the database is not empty" in result.output
    assert "nothing was changed" in result.output
    with edited_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContentVersion)) == count


def test_import_refuses_a_file_that_is_not_a_dataset(empty_app, tmp_path):
    file = tmp_path / "other.json"
    file.write_text('{"tables": {}}', "utf-8")
    result = run(empty_app, "import", str(file))
    assert result.exit_code != 0 and "not an Escape Route Atlas dataset" in result.output
    file.write_text("not json", "utf-8")
    result = run(empty_app, "import", str(file))
    assert result.exit_code != 0 and "cannot read" in result.output


@pytest.mark.skipif(bool(POSTGRES_URL), reason="backup copies SQLite; PostgreSQL uses pg_dump")
def test_backup_copies_a_live_sqlite_database_consistently_while_it_is_written(
    edited_app, tmp_path
):
    """A writer thread keeps renaming two journeys to the same new title in one
    transaction after another; each backup must hold a pair that matches."""
    with edited_app.app_context():
        path = db.engine.url.database
        ids = db.session.scalars(select(Journey.id).order_by(Journey.id).limit(2)).all()
    stop, started = threading.Event(), threading.Event()
    writes = [0]

    def writer() -> None:
        connection = sqlite3.connect(str(path), timeout=10)
        while not stop.is_set():
            writes[0] += 1
            with connection:
                for ident in ids:
                    connection.execute(
                        "UPDATE journey SET title = ? WHERE id = ?", (f"write {writes[0]}", ident)
                    )
            started.set()
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(30), "the writer never wrote"
    try:
        titles = []
        for n in range(5):
            target = tmp_path / f"backup-{n}.sqlite"
            result = run(edited_app, "backup", str(target))
            assert result.exit_code == 0, result.output
            copy = sqlite3.connect(target)
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            rows = copy.execute(
                "SELECT title FROM journey WHERE id IN (?, ?)", (ids[0], ids[1])
            ).fetchall()
            assert len(rows) == 2 and rows[0] == rows[1], rows
            assert copy.execute("SELECT count(*) FROM content_version").fetchone()[0] > 400
            titles.append(rows[0][0])
            copy.close()
    finally:
        stop.set()
        thread.join()
    assert writes[0] > 5 and len(set(titles)) > 1, (writes, titles)


@pytest.mark.skipif(not POSTGRES_URL, reason="needs the PostgreSQL test server")
def test_backup_on_postgresql_says_to_use_pg_dump(empty_app, tmp_path):
    result = run(empty_app, "backup", str(tmp_path / "copy.sqlite"))
    assert result.exit_code != 0 and "pg_dump" in result.output


@pytest.mark.skipif(not POSTGRES_URL, reason="needs the PostgreSQL test server")
def test_a_sqlite_export_imports_into_postgresql_unchanged(tmp_path):
    from flask_migrate import upgrade

    from app import create_app

    lite = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/l.db"})
    with lite.app_context():
        upgrade()
    seed(lite)
    first, second = tmp_path / "sqlite.json", tmp_path / "postgresql.json"
    assert run(lite, "export", str(first)).exit_code == 0
    postgres = make_app(tmp_path / "unused")
    assert run(postgres, "import", str(first)).exit_code == 0
    assert run(postgres, "export", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
