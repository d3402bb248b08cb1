"""Real load on a real database: 8 OS processes (spawned, each with its own application
on the same database) × 200 edits at once through write_transaction(), most of them
read-modify-write updates of the same 8 records. Nothing fails and nothing is lost: every
token is in place exactly once, in each process's order; each edit is one history version
and one dataset revision; each journey's history is an unbroken chain.

Runs against SQLite (WAL, BEGIN IMMEDIATE) and, with ATLAS_TEST_POSTGRES, PostgreSQL (row
locks). ATLAS_CONCURRENCY_EDITS changes the number of edits per process."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from concurrency_helpers import CREATE_EVERY, JOURNEYS, editor_process, token
from conftest import make_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import ContentVersion, DatasetRevision, Journey
from app.transactions import write_transaction

pytestmark = [pytest.mark.database, pytest.mark.serial]

PROCESSES = 8
EDITS = int(os.environ.get("ATLAS_CONCURRENCY_EDITS", "200"))
TOKEN = re.compile(r"<w(\d+)e(\d+)>")


def test_8_processes_x_200_concurrent_edits_lose_nothing(tmp_path: Path) -> None:
    app = make_app(tmp_path / "concurrency.sqlite")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        with write_transaction() as session:
            journeys = [
                Journey(
                    slug=f"j{n}",
                    position=n,
                    title=f"Journey {n}",
                    who="test",
                    outcome="unknown",
                    outcome_label="unknown",
                    kind="test",
                    summary=f"Journey {n}:",
                )
                for n in range(JOURNEYS)
            ]
            session.add_all(journeys)
        ids = [j.id for j in journeys]
        start = db.session.get(DatasetRevision, 1)
        start_revision = start.number if start else 0
        last_version = db.session.scalar(select(func.max(ContentVersion.id))) or 0
        db.session.remove()

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES + 1)
    results = context.Queue()
    processes = [
        context.Process(
            target=editor_process, args=(url, worker, EDITS, ids, barrier, results), daemon=True
        )
        for worker in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=300)  # every process has its application: edit all at once
    began = time.monotonic()
    reports = [results.get(timeout=600) for _ in processes]
    elapsed = time.monotonic() - began
    for process in processes:
        process.join(timeout=60)
    errors = [error for report in reports for error in report["errors"]]
    assert errors == [], "\n".join(errors[:5])
    total = PROCESSES * EDITS
    print(
        f"\n{total} edits by {PROCESSES} processes on {app.config['SQLALCHEMY_DATABASE_URI']}"
        f" in {elapsed:.1f} s ({total / elapsed:.0f} commits/s);"
        f" slowest edit {max(r['slowest'] for r in reports):.2f} s; waits for the write lock:"
        f" mean {sum(r['mean_wait'] for r in reports) / PROCESSES:.3f} s,"
        f" longest {max(r['longest_wait'] for r in reports):.2f} s"
    )

    with app.app_context():
        expected = {token(w, e) for w in range(PROCESSES) for e in range(EDITS)}
        all_journeys = db.session.scalars(select(Journey).order_by(Journey.id)).all()
        found = Counter(m.group(0) for j in all_journeys for m in TOKEN.finditer(j.summary))
        assert set(found) == expected, f"{len(expected - set(found))} tokens lost"
        assert max(found.values()) == 1, "a token was written twice"
        # Within a journey, each process's tokens appear in the order it made them.
        for journey in all_journeys:
            by_worker: dict[int, list[int]] = defaultdict(list)
            for m in TOKEN.finditer(journey.summary):
                by_worker[int(m.group(1))].append(int(m.group(2)))
            assert all(edits == sorted(edits) for edits in by_worker.values())
        # The optimistic lock version moved on once per update of each record.
        creates = PROCESSES * sum(1 for e in range(EDITS) if e % CREATE_EVERY == CREATE_EVERY - 1)
        for journey in all_journeys[:JOURNEYS]:
            assert journey.lock_version == 1 + updates_of(journey.id, ids)

        # One history version per edit, one dataset revision per edit.
        versions = db.session.scalars(
            select(ContentVersion)
            .where(ContentVersion.id > last_version)
            .order_by(ContentVersion.id)
        ).all()
        assert len(versions) == total
        assert Counter(v.action for v in versions) == Counter(
            update=total - creates, create=creates
        )
        revision = db.session.get(DatasetRevision, 1)
        assert revision is not None and revision.number == start_revision + total
        assert sorted(v.dataset_revision for v in versions) == list(
            range(start_revision + 1, start_revision + total + 1)
        )
        # Each journey's history is an unbroken chain: every before is the previous after.
        for ident in ids:
            chain = db.session.scalars(
                select(ContentVersion)
                .filter_by(entity="journey", entity_id=ident)
                .order_by(ContentVersion.version)
            ).all()
            assert [v.version for v in chain] == list(range(1, len(chain) + 1))
            for earlier, later in zip(chain, chain[1:], strict=False):
                assert later.before == earlier.after
            assert json.loads(chain[-1].after or "{}")["summary"] == next(
                j.summary for j in all_journeys if j.id == ident
            )


def updates_of(ident: int, ids: list[int]) -> int:
    return sum(
        1
        for w in range(PROCESSES)
        for e in range(EDITS)
        if e % CREATE_EVERY != CREATE_EVERY - 1 and ids[(w + e) % len(ids)] == ident
    )
