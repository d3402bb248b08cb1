"""Built pages, kept per dataset revision: the revision row is read on every
request (one indexed lookup), so a change committed by any process is seen by
all of them at once, and nothing stale is ever served."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import request

from ..extensions import db
from ..models import DatasetRevision
from ..reader import select_language

T = TypeVar("T")

_MAX_ENTRIES = 256
_entries: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()


def dataset_revision() -> tuple[str, int, str]:
    """Which content this process is looking at: the database, and its revision
    (number and content hash, so a rebuilt database never matches an old one)."""
    revision = db.session.get(DatasetRevision, 1)
    database = db.engine.url.render_as_string(hide_password=True)
    if revision is None:
        return (database, 0, "")
    return (database, revision.number, revision.content_hash)


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """The value of `build()` for this key, built at most once per dataset revision.
    Exceptions (an unknown slug) are not cached. Keyed by the request's language too:
    pages and maps are built in it (names, summaries and interface text)."""
    full_key = (dataset_revision(), request.script_root, select_language(), key)
    with _lock:
        if full_key in _entries:
            _entries.move_to_end(full_key)
            return _entries[full_key]  # type: ignore[return-value]
    value = build()
    with _lock:
        _entries[full_key] = value
        while len(_entries) > _MAX_ENTRIES:
            _entries.popitem(last=False)
    return value
