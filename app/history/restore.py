"""Restore a record to any earlier version. A deleted record comes back under its own
id together with everything deleted in the same change that hung from it (its legs,
citations, passages, discrepancy subjects) and the hazard memberships that change ended.
The restore is itself recorded, as action 'restore'."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import ContentVersion
from ..transactions import locked, write_transaction
from .recorder import mark_restoring
from .snapshot import CONTENT, MEMBERSHIPS, Snapshot, label, model, table


class RestoreError(Exception):
    """A restore that cannot be done; the message says why and what to do."""


@dataclass
class RestoreResult:
    entity: str
    entity_id: int
    version: int
    # Every record written back: the record itself, then what came back with it.
    restored: list[tuple[str, int]] = field(default_factory=list)


def _version(session: Session, entity: str, entity_id: int, version: int) -> ContentVersion:
    if entity not in CONTENT:
        raise RestoreError(f"{entity!r} is not a kind of content ({', '.join(CONTENT)})")
    found = session.scalars(
        select(ContentVersion).filter_by(entity=entity, entity_id=entity_id, version=version)
    ).one_or_none()
    if found is None:
        raise RestoreError(f"{entity} {entity_id} has no version {version}")
    return found


def _load(text: str | None) -> Snapshot | None:
    return None if text is None else dict(json.loads(text))


def parents(entity: str, snap: Snapshot) -> list[tuple[str, int]]:
    """The records this one points at (its foreign keys that are set)."""
    found = []
    for fk in table(entity).foreign_keys:
        value = snap.get(fk.parent.name)
        if value is not None and fk.column.table.name in CONTENT:
            found.append((fk.column.table.name, int(value)))
    return found


def _deleted_with(
    session: Session, deletion: ContentVersion
) -> tuple[dict[tuple[str, int], Snapshot], list[ContentVersion]]:
    """What was deleted in the same change and hung from the record (recursively), and
    the change's other versions (for the memberships it ended)."""
    group = list(
        session.scalars(
            select(ContentVersion)
            .where(ContentVersion.dataset_revision == deletion.dataset_revision)
            .order_by(ContentVersion.id)
        )
    )
    wanted: dict[tuple[str, int], Snapshot] = {}
    root = (deletion.entity, deletion.entity_id)
    members = {root}
    changed = True
    while changed:
        changed = False
        for v in group:
            key = (v.entity, v.entity_id)
            if v.action != "delete" or key in members or v.before is None:
                continue
            snap = _load(v.before)
            assert snap is not None
            if any(parent in members for parent in parents(v.entity, snap)):
                members.add(key)
                wanted[key] = snap
                changed = True
    return wanted, group


def _exists(session: Session, entity: str, entity_id: int) -> bool:
    return session.get(model(entity), entity_id) is not None


def _apply(obj: Any, entity: str, snap: Snapshot, session: Session) -> None:
    for column in table(entity).columns:
        # The lock version only moves forward (a restore is a new version: forms loaded
        # before it are stale); snapshots taken before migration 0005 do not have it.
        if column.name in ("id", "lock_version"):
            continue
        if getattr(obj, column.name) != snap.get(column.name):
            setattr(obj, column.name, snap.get(column.name))
    if entity == "hazard":
        for key, _, _, other in MEMBERSHIPS:
            linked: list[Any] = [session.get(model(other), i) for i in snap.get(key, [])]
            wanted = [x for x in linked if x is not None]
            attr = "journeys" if other == "journey" else "legs"
            if sorted(x.id for x in getattr(obj, attr)) != sorted(x.id for x in wanted):
                setattr(obj, attr, wanted)


def restore_version(entity: str, entity_id: int, version: int) -> RestoreResult:
    """Bring the record back to `version` (for a deletion: to what was deleted), in one
    write transaction (app/transactions.py) that commits it all or nothing. Raises
    RestoreError with a clear message when it cannot."""
    try:
        with write_transaction() as session:
            return _restore(session, entity, entity_id, version)
    except IntegrityError as exc:
        raise RestoreError(
            f"{entity} {entity_id} cannot go back to version {version}: it conflicts with"
            f" the current content ({exc.orig})"
        ) from None


def _restore(session: Session, entity: str, entity_id: int, version: int) -> RestoreResult:
    chosen = _version(session, entity, entity_id, version)
    target = _load(chosen.after) or _load(chosen.before)
    assert target is not None
    result = RestoreResult(entity, entity_id, version)
    Model = model(entity)
    current = locked(Model, entity_id)
    extra: dict[tuple[str, int], Snapshot] = {}
    group: list[ContentVersion] = []
    if current is None:
        deletion = session.scalars(
            select(ContentVersion)
            .filter_by(entity=entity, entity_id=entity_id, action="delete")
            .order_by(ContentVersion.version.desc())
            .limit(1)
        ).first()
        if deletion is not None:
            extra, group = _deleted_with(session, deletion)
        extra = {key: snap for key, snap in extra.items() if not _exists(session, *key)}
    coming = {(entity, entity_id), *extra}
    for key, snap in [((entity, entity_id), target), *extra.items()]:
        for parent in parents(key[0], snap):
            if parent not in coming and not _exists(session, *parent):
                raise RestoreError(
                    f"{key[0]} {key[1]} belongs to {parent[0]} {parent[1]}, which is deleted:"
                    f" restore {parent[0]} {parent[1]} first"
                )
    mark_restoring(session)
    if current is None:
        current = Model(id=entity_id)
        session.add(current)
    _apply(current, entity, target, session)
    result.restored.append((entity, entity_id))
    order = {name: n for n, name in enumerate(CONTENT)}
    for key in sorted(extra, key=lambda k: (order[k[0]], k[1])):
        obj = model(key[0])(id=key[1])
        session.add(obj)
        _apply(obj, key[0], extra[key], session)
        result.restored.append(key)
    session.flush()
    _relink(session, coming, group)
    return result


def _relink(session: Session, restored: set[tuple[str, int]], group: list[ContentVersion]) -> None:
    """Give back the hazard memberships that the deletion of restored records ended."""
    for v in group:
        if v.entity != "hazard" or v.action == "delete" or v.before is None:
            continue
        before, after = _load(v.before) or {}, _load(v.after) or {}
        hazard = session.get(model("hazard"), v.entity_id)
        if hazard is None:
            continue
        for key, _, _, other in MEMBERSHIPS:
            attr = "journeys" if other == "journey" else "legs"
            ended = set(before.get(key, [])) - set(after.get(key, []))
            present = {x.id for x in getattr(hazard, attr)}
            for other_id in sorted(ended):
                if (other, other_id) in restored and other_id not in present:
                    getattr(hazard, attr).append(session.get(model(other), other_id))


def describe(entity: str, snap: Snapshot | None) -> str:
    return label(entity, snap)
