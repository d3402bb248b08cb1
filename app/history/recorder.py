"""Every change to content is recorded, centrally, by session events (no view has to
remember): the first snapshot of each touched record in a transaction is kept, and at
commit each record whose snapshot changed gets a ContentVersion (who, when, before,
after) and the dataset revision moves on by one for the whole transaction (a request
that moves it lets go of the revision it read: app/pages/cache.py `forget_revision`).

What counts as touched: objects the ORM inserts, updates or deletes (orphans too),
rows the database deletes with them (ON DELETE CASCADE), hazards whose memberships
change, and rows matched by bulk UPDATE/DELETE statements run through the session.
A bulk INSERT of content through the session is refused (its new ids cannot be known
for certain): add objects instead. SQL the session does not see (a raw connection,
`bulk_save_objects`) is not recorded: content changes go through the ORM session."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, event, func, insert, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, attributes, object_mapper
from sqlalchemy.orm.base import PASSIVE_NO_INITIALIZE, instance_state
from sqlalchemy.orm.session import SessionTransaction

from ..models import ContentVersion, DatasetRevision, hazard_journey, hazard_leg
from ..pages.cache import forget_revision
from .context import current_actor
from .snapshot import CONTENT, Snapshot, cascade, snapshots, table

_PENDING = "atlas_history_pending"  # {(entity, id): snapshot before the transaction, or None}
_RESTORING = "atlas_history_restoring"
_NEXT_ID = "atlas_history_next_id"
_LOCKED = "atlas_history_locked"
Touched = dict[str, set[int]]


def mark_restoring(session: Session) -> None:
    """Record this transaction's changes as action 'restore'."""
    session.info[_RESTORING] = True


def _entity(obj: object) -> str | None:
    name = getattr(getattr(obj, "__table__", None), "name", None)
    return name if name in CONTENT else None


def _identity(obj: object) -> int | None:
    identity = instance_state(obj).identity
    return int(identity[0]) if identity else None


def _merge(into: Touched, more: Touched) -> None:
    for entity, ids in more.items():
        into.setdefault(entity, set()).update(ids)


def _lock_for_writing(session: Session, connection: Connection) -> None:
    """SQLite: hold the database's write lock before reading a before-snapshot, so no
    other process can commit between that read and our write (a write transaction holds
    it from BEGIN IMMEDIATE already: app/transactions.py; a plain transaction takes it
    here, or fails at once as busy rather than record a stale before). PostgreSQL locks
    the rows instead: `snapshots(lock=True)`."""
    if connection.dialect.name != "sqlite" or session.info.get(_LOCKED):
        return
    revision = table("dataset_revision")
    connection.execute(update(revision).where(revision.c.id == 1).values(number=revision.c.number))
    session.info[_LOCKED] = True


def _track(session: Session, connection: Connection, touched: Touched) -> None:
    _lock_for_writing(session, connection)
    pending: dict[tuple[str, int], Snapshot | None] = session.info.setdefault(_PENDING, {})
    for entity, ids in touched.items():
        fresh = {i for i in ids if (entity, i) not in pending}
        if not fresh:
            continue
        found = snapshots(connection, entity, fresh, lock=True)
        for i in fresh:
            pending[(entity, i)] = found.get(i)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    touched: Touched = defaultdict(set)
    deleted: Touched = defaultdict(set)
    for obj in session.deleted:
        entity, ident = _entity(obj), _identity(obj)
        if entity and ident is not None:
            deleted[entity].add(ident)
    for obj in session.dirty:
        entity, ident = _entity(obj), _identity(obj)
        if not entity or ident is None:
            continue
        touched[entity].add(ident)
        for rel in object_mapper(obj).relationships:
            if not (rel.cascade.delete_orphan or rel.secondary is not None):
                continue
            history = attributes.get_history(obj, rel.key, passive=PASSIVE_NO_INITIALIZE)
            for other in (*history.added, *history.deleted):
                other_entity, other_id = _entity(other), _identity(other)
                if not other_entity or other_id is None:
                    continue
                if rel.secondary is not None:
                    touched[other_entity].add(other_id)
                elif other in history.deleted:
                    deleted[other_entity].add(other_id)
    new = [obj for obj in session.new if _entity(obj)]
    if not (touched or deleted or new):
        return
    connection = session.connection()
    for entity, ids in deleted.items():
        _merge(touched, cascade(connection, entity, ids))
    _track(session, connection, touched)
    if connection.dialect.name == "sqlite":
        _reserve_ids(session, connection, new)


def _reserve_ids(session: Session, connection: Connection, new: list[Any]) -> None:
    """SQLite reuses the largest id of a deleted row; give new records ids no record
    has ever had, so a deleted record can always come back under its own id."""
    _lock_for_writing(session, connection)
    next_ids: dict[str, int] = session.info.setdefault(_NEXT_ID, {})
    for obj in new:
        entity = _entity(obj)
        assert entity is not None
        if entity not in next_ids:
            t = table(entity)
            in_table = connection.execute(select(func.max(t.c.id))).scalar() or 0
            in_history = (
                connection.execute(
                    select(func.max(ContentVersion.entity_id)).where(
                        ContentVersion.entity == entity
                    )
                ).scalar()
                or 0
            )
            next_ids[entity] = max(in_table, in_history) + 1
        if obj.id is None:
            obj.id = next_ids[entity]
        next_ids[entity] = max(next_ids[entity], obj.id + 1)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    pending: dict[tuple[str, int], Snapshot | None] = session.info.setdefault(_PENDING, {})
    for obj in session.new:  # still the objects pending before this flush, now with ids
        entity, ident = _entity(obj), getattr(obj, "id", None)
        if entity and ident is not None:
            pending.setdefault((entity, int(ident)), None)


class UnrecordedWrite(RuntimeError):
    """A write to content that history could not record."""


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    """Bulk UPDATE/DELETE through the session (the seed loader uses them)."""
    statement: Any = state.statement
    if state.is_insert and getattr(statement.table, "name", None) in CONTENT:
        raise UnrecordedWrite(
            f"a bulk INSERT into {statement.table.name} would escape the history:"
            " add the objects to the session instead"
        )
    if not (state.is_update or state.is_delete):
        return
    target = statement.table
    name = getattr(target, "name", None)
    where = statement.whereclause
    session = state.session
    connection = session.connection()
    if name in (hazard_journey.name, hazard_leg.name):
        query = select(target.c.hazard_id)
        ids = set(connection.execute(query if where is None else query.where(where)).scalars())
        _track(session, connection, {"hazard": ids})
        return
    if name not in CONTENT:
        return
    query = select(target.c.id)
    ids = set(connection.execute(query if where is None else query.where(where)).scalars())
    if not ids:
        return
    touched = cascade(connection, name, ids) if state.is_delete else {name: ids}
    _track(session, connection, touched)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this event
    if not session.info.get(_PENDING):
        return
    pending: dict[tuple[str, int], Snapshot | None] = session.info.pop(_PENDING, {})
    restoring = bool(session.info.get(_RESTORING))
    connection = session.connection()
    by_entity: dict[str, set[int]] = defaultdict(set)
    for entity, ident in pending:
        by_entity[entity].add(ident)
    changes: list[tuple[str, int, Snapshot | None, Snapshot | None]] = []
    for entity in CONTENT:
        if entity not in by_entity:
            continue
        now = snapshots(connection, entity, by_entity[entity])
        for ident in sorted(by_entity[entity]):
            before, after = pending[(entity, ident)], now.get(ident)
            if before != after:
                changes.append((entity, ident, before, after))
    if changes:
        _record(session, connection, changes, restoring)


def _action(before: Snapshot | None, after: Snapshot | None, restoring: bool) -> str:
    if after is None:
        return "delete"
    if restoring:
        return "restore"
    return "create" if before is None else "update"


def _dump(snap: Snapshot | None) -> str | None:
    return None if snap is None else json.dumps(snap, sort_keys=True, ensure_ascii=False)


def bump_revision(connection: Connection) -> int:
    """Move the dataset revision on by one (atomically, so concurrent writers each get
    their own number) and return it."""
    revision = table("dataset_revision")
    moved = connection.execute(
        update(revision).where(revision.c.id == 1).values(number=revision.c.number + 1)
    )
    if moved.rowcount == 0:
        connection.execute(insert(revision).values(id=1, number=1, content_hash=""))
    number = connection.execute(select(revision.c.number).where(revision.c.id == 1)).scalar_one()
    return int(number)


def _record(
    session: Session,
    connection: Connection,
    changes: list[tuple[str, int, Snapshot | None, Snapshot | None]],
    restoring: bool,
) -> None:
    revision = bump_revision(connection)
    stale = session.identity_map.get(session.identity_key(DatasetRevision, 1))
    if stale is not None:
        session.expire(stale)
    forget_revision()  # pages this request builds from now on are of the new revision
    actor, user_id = current_actor()
    at = datetime.now(UTC)
    versions = table("content_version")
    latest: dict[tuple[str, int], int] = {}
    by_entity: dict[str, list[int]] = defaultdict(list)
    for entity, ident, *_ in changes:
        by_entity[entity].append(ident)
    for entity, ids in by_entity.items():
        for start in range(0, len(ids), 500):
            rows = connection.execute(
                select(versions.c.entity_id, func.max(versions.c.version))
                .where(
                    versions.c.entity == entity, versions.c.entity_id.in_(ids[start : start + 500])
                )
                .group_by(versions.c.entity_id)
            )
            for ident, version in rows:
                latest[(entity, ident)] = int(version)
    connection.execute(
        insert(versions),
        [
            {
                "entity": entity,
                "entity_id": ident,
                "version": latest.get((entity, ident), 0) + 1,
                "action": _action(before, after, restoring),
                "user_id": user_id,
                "actor": actor,
                "at": at,
                "before": _dump(before),
                "after": _dump(after),
                "dataset_revision": revision,
            }
            for entity, ident, before, after in changes
        ],
    )


@event.listens_for(Session, "after_transaction_end")
def _transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        for key in (_PENDING, _RESTORING, _NEXT_ID, _LOCKED):
            session.info.pop(key, None)
