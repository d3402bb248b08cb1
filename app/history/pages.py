"""The data of the history pages (HTML and JSON render exactly this)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import ContentVersion
from ..pages.records import Data
from .diff import field_changes
from .restore import parents
from .snapshot import CONTENT, Snapshot, jsonable, label, snapshots, table

# Entities with a public page of their own, and how to link to it.
_LIVE_PAGES = {
    "journey": lambda s: url_for("journeys.show", slug=s["slug"]),
    "source": lambda s: url_for("sources.show", slug=s["slug"]),
    "hazard": lambda s: url_for("hazards.index", _anchor=f"hazard-{s['slug']}"),
}


# What the pages call each kind of record and each change (the JSON keeps the codes).
ENTITY_LABELS = {
    "source": _l("source"),
    "passage": _l("passage"),
    "place": _l("place"),
    "journey": _l("journey"),
    "leg": _l("leg"),
    "hazard": _l("hazard"),
    "discrepancy": _l("discrepancy"),
    "discrepancy_side": _l("discrepancy side"),
    "discrepancy_subject": _l("discrepancy subject"),
    "citation": _l("citation"),
}
ACTION_LABELS = {
    "create": _l("create"),
    "update": _l("update"),
    "delete": _l("delete"),
    "restore": _l("restore"),
}


def entity_label(entity: str) -> str:
    return str(ENTITY_LABELS.get(entity, entity.replace("_", " ")))


class HistoryNotFound(LookupError):
    pass


def _load(text: str | None) -> Snapshot | None:
    return None if text is None else dict(json.loads(text))


def history_url(entity: str, entity_id: int) -> str:
    return url_for("history.show", entity=entity, entity_id=entity_id)


def _version_data(v: ContentVersion, fields: list[str], latest: int) -> Data:
    before, after = _load(v.before), _load(v.after)
    return {
        "version": v.version,
        "action": v.action,
        "action_label": str(ACTION_LABELS.get(v.action, v.action)),
        "actor": v.actor,
        "user_id": v.user_id,
        "at": jsonable(v.at),  # ISO 8601 in UTC
        "dataset_revision": v.dataset_revision,
        "changes": field_changes(before, after, fields),
        # Going back to it changes something: not the newest version, and not the
        # deletion of a record that is still gone.
        "restorable": v.version != latest or v.action == "delete",
        "restore_url": url_for(
            "history.restore", entity=v.entity, entity_id=v.entity_id, version=v.version
        ),
    }


def history_page(entity: str, entity_id: int) -> Data:
    if entity not in CONTENT:
        raise HistoryNotFound(f"no history is kept of {entity!r}")
    versions = list(
        db.session.scalars(
            select(ContentVersion)
            .filter_by(entity=entity, entity_id=entity_id)
            .order_by(ContentVersion.version)
        )
    )
    current = snapshots(db.session.connection(), entity, [entity_id]).get(entity_id)
    if not versions and current is None:
        raise HistoryNotFound(f"no {entity} {entity_id}, now or ever")
    last_known = current or (_load(versions[-1].before) if versions else None)
    fields = [c.name for c in table(entity).columns]
    latest = versions[-1].version if versions else 0
    name = label(entity, last_known)
    live = _LIVE_PAGES.get(entity)
    return {
        "title": _("History of %(name)s", name=name),
        "entity": entity,
        "entity_label": entity_label(entity),
        "id": entity_id,
        "name": name,
        "exists": current is not None,
        "url": live(current) if live and current else None,
        "versions": [_version_data(v, fields, latest) for v in reversed(versions)],
        "related": _children(entity, entity_id),
        "links": {
            "html": history_url(entity, entity_id),
            "json": url_for("history.show_json", entity=entity, entity_id=entity_id),
            "deleted": url_for("history.deleted"),
        },
    }


def _children(entity: str, entity_id: int) -> list[Data]:
    """The records that hang from this one now (its legs, citations, passages...)."""
    connection = db.session.connection()
    found: list[Data] = []
    for child in CONTENT:
        t = table(child)
        for fk in t.foreign_keys:
            if fk.column.table.name != entity or fk.ondelete != "CASCADE":
                continue
            ids = list(connection.execute(select(t.c.id).where(fk.parent == entity_id)).scalars())
            for ident, snap in sorted(snapshots(connection, child, ids).items()):
                found.append(
                    {
                        "entity": child,
                        "entity_label": entity_label(child),
                        "id": ident,
                        "name": label(child, snap),
                        "url": history_url(child, ident),
                    }
                )
    return found


def deleted_page() -> Data:
    """Every record that is deleted now, with the change that deleted it."""
    deletions: dict[tuple[str, int], ContentVersion] = {}
    for v in db.session.scalars(
        select(ContentVersion).where(ContentVersion.action == "delete").order_by(ContentVersion.id)
    ):
        deletions[(v.entity, v.entity_id)] = v
    by_entity: dict[str, list[int]] = defaultdict(list)
    for entity, ident in deletions:
        by_entity[entity].append(ident)
    connection = db.session.connection()
    alive = {
        (entity, ident)
        for entity, ids in by_entity.items()
        for ident in snapshots(connection, entity, ids)
    }
    gone = {key: v for key, v in deletions.items() if key not in alive}
    records: list[dict[str, Any]] = []
    for (entity, ident), v in sorted(gone.items(), key=lambda kv: -kv[1].id):
        root = _deleted_with(entity, ident, gone)
        records.append(
            {
                "entity": entity,
                "entity_label": entity_label(entity),
                "id": ident,
                "name": label(entity, _load(v.before)),
                "version": v.version,
                "actor": v.actor,
                "at": jsonable(v.at),  # ISO 8601 in UTC
                "dataset_revision": v.dataset_revision,
                "url": history_url(entity, ident),
                "restore_url": url_for(
                    "history.restore", entity=entity, entity_id=ident, version=v.version
                ),
                # Deleted in the same change as the record it belongs to: it comes back
                # when that one is restored.
                "part_of": None
                if root == (entity, ident)
                else {
                    "entity": root[0],
                    "entity_label": entity_label(root[0]),
                    "id": root[1],
                    "url": history_url(*root),
                },
            }
        )
    return {
        "title": _("Deleted records"),
        "records": records,
        "links": {"html": url_for("history.deleted"), "json": url_for("history.deleted_json")},
    }


def _deleted_with(
    entity: str, ident: int, gone: dict[tuple[str, int], ContentVersion]
) -> tuple[str, int]:
    """The record whose deletion took this one along (itself if none): up its foreign
    keys, through parents deleted in the same change."""
    key = (entity, ident)
    seen = {key}
    while True:
        snap = _load(gone[key].before) or {}
        parent = next(
            (
                p
                for p in parents(key[0], snap)
                if p in gone
                and p not in seen
                and gone[p].dataset_revision == gone[key].dataset_revision
            ),
            None,
        )
        if parent is None:
            return key
        seen.add(parent)
        key = parent
