"""Built pages, kept per dataset revision. The revision row is the truth, so a change
committed by any process is seen by all of them at once, and nothing stale is ever
served. It is read once per request (one indexed lookup): by the response cache
before the app runs (app/http/response_cache.py), else by the request's first
`cached()`; either leaves it on the request's WSGI environ, where every later page
and map of the request finds it. A request that changes the dataset lets go of it
(`forget_revision`, called by app/history/recorder.py as the revision moves on), so
what it builds afterwards is built at the new revision."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app, has_app_context, has_request_context, request

from ..extensions import db
from ..http.revision import READER, REVISION, Revision, RevisionReader
from ..models import DatasetRevision
from ..reader import select_language

T = TypeVar("T")

_MAX_ENTRIES = 256
_entries: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()


def _read_in_session() -> Revision:
    revision = db.session.get(DatasetRevision, 1)
    database = db.engine.url.render_as_string(hide_password=True)
    if revision is None:
        return (database, 0, "")
    return (database, revision.number, revision.content_hash)


def read_revision() -> Revision:
    """The revision row as it is now. Through the app's revision reader (app/http/
    revision.py: one SELECT, no transaction), unless the session is inside a
    transaction already: then through it, as the pages are built from its snapshot
    (SQLite) and a revision committed since must not name older pages."""
    reader = current_app.extensions.get(READER) if has_app_context() else None
    if isinstance(reader, RevisionReader) and not db.session().in_transaction():
        return reader()
    return _read_in_session()


def dataset_revision() -> Revision:
    """Which content this request is looking at: the database, and its revision
    (number and content hash, so a rebuilt database never matches an old one). Read
    once per request (see above); outside a request, read each time."""
    if not has_request_context():
        return read_revision()
    revision: Revision | None = request.environ.get(REVISION)
    if revision is None:
        revision = request.environ[REVISION] = read_revision()
    return revision


def forget_revision() -> None:
    """This request has moved the dataset on: the next page it builds reads the
    revision again."""
    if has_request_context():
        request.environ.pop(REVISION, None)


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
