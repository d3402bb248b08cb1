"""Snapshots of content records, read from the database: a record's column values,
and for a hazard the journeys and legs it belongs to. Also what the database removes
along with a record (ON DELETE CASCADE), so a deletion is recorded in full."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, select

from ..models import Base, hazard_journey, hazard_leg

Snapshot = dict[str, Any]

# Every table whose rows are content (recorded in content_version), parents first.
CONTENT = (
    "source",
    "passage",
    "place",
    "journey",
    "leg",
    "hazard",
    "discrepancy",
    "discrepancy_side",
    "discrepancy_subject",
    "citation",
)
# Memberships kept in the hazard's snapshot: key, association table, other column, entity.
MEMBERSHIPS = (
    ("journey_ids", hazard_journey, "journey_id", "journey"),
    ("leg_ids", hazard_leg, "leg_id", "leg"),
)
_CHUNK = 500
# Columns that are not content: the optimistic lock version (edit conflicts) moves on
# with every save and is neither recorded nor restored.
BOOKKEEPING = frozenset({"lock_version"})


def table(entity: str) -> Table:
    return Base.metadata.tables[entity]


def model(entity: str) -> type[Base]:
    for mapper in Base.registry.mappers:
        if mapper.local_table is table(entity):
            return mapper.class_
    raise KeyError(entity)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    return value


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def snapshots(
    connection: Connection, entity: str, ids: Iterable[int], *, lock: bool = False
) -> dict[int, Snapshot]:
    """The current snapshot of each record that exists (missing ids are left out).
    `lock`: on PostgreSQL, lock the rows first (a concurrent change commits before this
    snapshot is read, so the snapshot is the state this transaction really changes)."""
    t = table(entity)
    found: dict[int, Snapshot] = {}
    for chunk in _chunks(ids):
        query = select(t).where(t.c.id.in_(chunk))
        if lock and connection.dialect.name == "postgresql":
            query = query.with_for_update()
        for row in connection.execute(query).mappings():
            found[row["id"]] = {
                key: jsonable(value) for key, value in row.items() if key not in BOOKKEEPING
            }
        if entity == "hazard":
            for key, assoc, column, _ in MEMBERSHIPS:
                for snap in found.values():
                    snap.setdefault(key, [])
                pairs = connection.execute(
                    select(assoc.c.hazard_id, assoc.c[column]).where(assoc.c.hazard_id.in_(chunk))
                )
                for hazard_id, other in pairs:
                    found[hazard_id][key].append(other)
    for snap in found.values():
        for key, *_ in MEMBERSHIPS if entity == "hazard" else ():
            snap[key].sort()
    return found


def cascade(connection: Connection, entity: str, ids: Iterable[int]) -> dict[str, set[int]]:
    """The records a deletion of these touches: themselves, every row the database
    deletes with them (ON DELETE CASCADE, recursively), and the hazards whose
    memberships it ends."""
    touched: dict[str, set[int]] = defaultdict(set)
    queue: list[tuple[str, set[int]]] = [(entity, set(ids))]
    while queue:
        name, batch = queue.pop()
        batch -= touched[name]
        if not batch:
            continue
        touched[name] |= batch
        for child in CONTENT:
            for fk in table(child).foreign_keys:
                if fk.ondelete != "CASCADE" or fk.column.table.name != name:
                    continue
                found: set[int] = set()
                for chunk in _chunks(batch):
                    t = table(child)
                    found |= set(
                        connection.execute(select(t.c.id).where(fk.parent.in_(chunk))).scalars()
                    )
                if found:
                    queue.append((child, found))
        for _, assoc, column, other in MEMBERSHIPS:
            if other == name:
                for chunk in _chunks(batch):
                    touched["hazard"] |= set(
                        connection.execute(
                            select(assoc.c.hazard_id).where(assoc.c[column].in_(chunk))
                        ).scalars()
                    )
    return {name: ids for name, ids in touched.items() if ids}


def label(entity: str, snap: Snapshot | None) -> str:
    """A short human name for a record, from its snapshot."""
    if snap is None:
        return entity
    for key in ("title", "name", "label", "topic"):
        if snap.get(key):
            return str(snap[key])
    if entity == "leg":
        return f"leg {snap.get('position')} of journey {snap.get('journey_id')}"
    if entity == "passage":
        return f"passage {snap.get('number')} of source {snap.get('source_id')}"
    if entity == "citation":
        quote = str(snap.get("exact", ""))
        return f"“{quote[:60]}{'…' if len(quote) > 60 else ''}”"
    return f"{entity} {snap.get('id')}"
