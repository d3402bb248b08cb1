"""What each process of tests/test_concurrency.py runs (a module of its own, so that a
spawned process imports only this, not the test module)."""

from __future__ import annotations

import time
import traceback
from typing import Any

JOURNEYS = 8  # records every process edits (each edit the next one): real contention
CREATE_EVERY = 20  # every 20th edit of a process creates a journey instead


def token(worker: int, edit: int) -> str:
    return f"<w{worker}e{edit}>"


def editor_process(
    url: str, worker: int, edits: int, ids: list[int], barrier: Any, results: Any
) -> None:
    """One OS process with its own application, editing through write_transaction():
    read a journey's summary under the lock, append a unique token, write it back."""
    errors: list[str] = []
    waits: list[float] = []  # seconds from asking for the write lock to holding it
    edits_took: list[float] = []
    try:
        from app import create_app
        from app.history import acting_as
        from app.models import Journey
        from app.transactions import locked, write_transaction

        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "concurrency"}
        )
        barrier.wait(timeout=300)
        started = time.monotonic()
        for edit in range(edits):
            mark = token(worker, edit)
            begun = time.monotonic()
            try:
                with (
                    app.app_context(),
                    acting_as(f"worker {worker}"),
                    write_transaction() as session,
                ):
                    waits.append(time.monotonic() - begun)
                    if edit % CREATE_EVERY == CREATE_EVERY - 1:
                        session.add(
                            Journey(
                                slug=f"new-{worker}-{edit}",
                                position=1000 + worker * edits + edit,
                                title=f"Created by worker {worker}",
                                who="test",
                                outcome="unknown",
                                outcome_label="unknown",
                                kind="test",
                                summary=mark,
                            )
                        )
                    else:
                        journey = locked(Journey, ids[(worker + edit) % len(ids)])
                        assert journey is not None
                        journey.summary = f"{journey.summary} {mark}"
            except Exception:  # noqa: BLE001 - every failure is counted and reported
                errors.append(f"worker {worker} edit {edit}: {traceback.format_exc(limit=3)}")
            edits_took.append(time.monotonic() - begun)
        results.put(
            {
                "worker": worker,
                "errors": errors,
                "seconds": time.monotonic() - started,
                "slowest": max(edits_took, default=0.0),
                "longest_wait": max(waits, default=0.0),
                "mean_wait": sum(waits) / max(len(waits), 1),
            }
        )
    except BaseException:  # noqa: BLE001 - the process could not even start editing
        results.put({"worker": worker, "errors": [traceback.format_exc()], "seconds": 0.0})
