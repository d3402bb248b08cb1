"""History: every change to content is recorded (who, when, before and after) by the
session itself, the dataset revision moves on with every committed change, history
pages show the versions, and any earlier version (a deletion too) can be restored."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import pytest
from auth_helpers import editor_client, make_user
from conftest import make_app, seed
from flask import Flask
from sqlalchemy import delete, func, select

from app.extensions import db
from app.history import acting_as, restore_version
from app.history.restore import RestoreError
from app.history.snapshot import CONTENT, snapshots, table
from app.models import (
    Citation,
    ContentVersion,
    DatasetRevision,
    Hazard,
    Journey,
    Leg,
    Passage,
    Source,
    User,
)
from app.transactions import locked, write_transaction

pytestmark = pytest.mark.database


@pytest.fixture()
def app(tmp_path: Any) -> Flask:
    """A freshly seeded atlas of its own, for tests that change it."""
    atlas = make_app(tmp_path / "history.sqlite")
    seed(atlas)
    return atlas


def content_state() -> dict[tuple[str, int], dict[str, Any]]:
    """Every content record as its snapshot (hazards with their memberships)."""
    connection = db.session.connection()
    state = {}
    for entity in CONTENT:
        ids = connection.execute(select(table(entity).c.id)).scalars().all()
        for ident, snap in snapshots(connection, entity, ids).items():
            state[(entity, ident)] = snap
    return state


def revision() -> int:
    db.session.expire_all()
    found = db.session.get(DatasetRevision, 1)
    assert found is not None
    return found.number


def versions(**where: Any) -> list[ContentVersion]:
    return list(
        db.session.scalars(select(ContentVersion).filter_by(**where).order_by(ContentVersion.id))
    )


def last_change() -> list[ContentVersion]:
    """The versions of the latest committed change (one dataset revision)."""
    return versions(dataset_revision=revision())


def journey_with_most_legs() -> Journey:
    journeys = db.session.scalars(select(Journey)).all()
    return max(journeys, key=lambda j: (len(j.legs), len(j.hazards)))


def test_the_seed_records_every_record_it_creates_as_one_change_by_seed(app):
    with app.app_context():
        recorded = versions()
        state = content_state()
        assert len(recorded) == len(state) > 400
        assert {(v.entity, v.entity_id) for v in recorded} == set(state)
        assert {(v.action, v.actor, v.version, v.dataset_revision) for v in recorded} == {
            ("create", "seed", 1, 1)
        }
        assert revision() == 1
        first = recorded[0]
        assert first.before is None
        assert json.loads(first.after or "") == state[(first.entity, first.entity_id)]


def test_a_repeated_seed_of_unchanged_data_records_nothing_and_keeps_the_revision(app):
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(ContentVersion))
    seed(app)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContentVersion)) == count
        assert revision() == 1


def test_an_update_is_recorded_with_before_after_and_the_user_who_made_it(app):
    user_id = make_user(app, "alice")
    with app.app_context():
        journey = journey_with_most_legs()
        old_title = journey.title
        with acting_as("alice", user_id):
            journey.title = "A new title"
            db.session.commit()
        (version,) = last_change()
        assert (version.entity, version.entity_id) == ("journey", journey.id)
        assert (version.action, version.version, version.actor, version.user_id) == (
            "update",
            2,
            "alice",
            user_id,
        )
        before, after = json.loads(version.before or ""), json.loads(version.after or "")
        assert (before["title"], after["title"]) == (old_title, "A new title")
        assert {k for k in before if before[k] != after[k]} == {"title"}
        assert version.at is not None and version.dataset_revision == 2 == revision()


def test_every_committed_change_moves_the_revision_on_once_and_no_change_does_not(app):
    with app.app_context():
        journey = journey_with_most_legs()
        start = revision()
        for n in range(3):
            journey.summary = f"Summary {n}"
            journey.who = f"Who {n}"  # two fields, one change: one revision
            db.session.commit()
        assert revision() == start + 3
        journey.summary = journey.summary  # no net change
        db.session.commit()
        assert revision() == start + 3
        assert [v.version for v in versions(entity="journey", entity_id=journey.id)] == [1, 2, 3, 4]


def test_deleting_a_journey_records_its_legs_citations_and_memberships_and_restore_brings_all_back(
    app,
):
    with app.app_context():
        journey = journey_with_most_legs()
        jid, leg_ids = journey.id, {leg.id for leg in journey.legs}
        citation_ids = {c.id for c in journey.citations} | {
            c.id for leg in journey.legs for c in leg.citations
        }
        hazard_ids = {h.id for h in journey.hazards} | {
            h.id for leg in journey.legs for h in leg.hazards
        }
        assert len(leg_ids) >= 3 and citation_ids and hazard_ids
        before = content_state()

        db.session.delete(journey)
        db.session.commit()
        change = last_change()
        deleted = {(v.entity, v.entity_id) for v in change if v.action == "delete"}
        assert ("journey", jid) in deleted
        assert {("leg", i) for i in leg_ids} <= deleted
        assert {("citation", i) for i in citation_ids} <= deleted
        assert any(e == "discrepancy_subject" for e, _ in deleted)  # removed by the database
        updated = {v.entity_id for v in change if v.action == "update"}
        assert updated == hazard_ids  # their memberships ended
        for v in change:
            if v.action == "delete":
                assert v.after is None
                assert json.loads(v.before or "") == before[(v.entity, v.entity_id)]
        assert db.session.get(Journey, jid) is None

        deletion = next(v for v in change if (v.entity, v.entity_id) == ("journey", jid))
        result = restore_version("journey", jid, deletion.version)
        assert len(result.restored) == len(deleted)
        db.session.expire_all()
        assert content_state() == before  # identical, ids included
        restored = last_change()
        assert {v.action for v in restored} == {"restore"}
        assert {(v.entity, v.entity_id) for v in restored} == deleted | {
            ("hazard", i) for i in hazard_ids
        }


def test_deleting_a_source_records_the_citations_the_database_deletes_with_it(app):
    with app.app_context():
        source = db.session.scalars(select(Source).order_by(Source.id)).first()
        assert source is not None
        sid = source.id
        cited = set(db.session.scalars(select(Citation.id).where(Citation.source_id == sid)))
        passages = set(db.session.scalars(select(Passage.id).where(Passage.source_id == sid)))
        before = content_state()
        db.session.delete(source)
        db.session.commit()
        deleted = {(v.entity, v.entity_id) for v in last_change() if v.action == "delete"}
        assert {("citation", i) for i in cited} <= deleted
        assert {("passage", i) for i in passages} <= deleted
        (deletion,) = versions(entity="source", entity_id=sid, action="delete")
        restore_version("source", sid, deletion.version)
        db.session.expire_all()
        assert content_state() == before


def test_bulk_statements_and_hazard_memberships_are_recorded(app):
    with app.app_context():
        journey = journey_with_most_legs()
        last_leg = journey.legs[-1]
        hazard = db.session.scalars(select(Hazard).where(~Hazard.journeys.any())).first() or (
            db.session.scalars(select(Hazard)).first()
        )
        assert hazard is not None
        members = sorted({j.id for j in hazard.journeys} | {journey.id})
        if journey not in hazard.journeys:
            hazard.journeys.append(journey)
            db.session.commit()
            (change,) = last_change()
            assert (change.entity, change.action) == ("hazard", "update")
            assert json.loads(change.after or "")["journey_ids"] == members

        leg_id = last_leg.id
        db.session.execute(delete(Leg).where(Leg.id == leg_id))
        db.session.commit()
        deleted = {(v.entity, v.entity_id) for v in last_change() if v.action == "delete"}
        assert ("leg", leg_id) in deleted
        assert any(e == "citation" for e, _ in deleted)


def test_an_earlier_version_of_a_record_can_be_restored(app):
    with app.app_context():
        journey = journey_with_most_legs()
        original = journey.title
        journey.title = "Second"
        db.session.commit()
        journey.title = "Third"
        db.session.commit()
        restore_version("journey", journey.id, 1)
        db.session.expire_all()
        assert journey.title == original
        latest = versions(entity="journey", entity_id=journey.id)[-1]
        assert (latest.version, latest.action) == (4, "restore")
        assert json.loads(latest.before or "")["title"] == "Third"


def test_a_child_of_a_deleted_record_is_restored_only_after_its_parent(app):
    with app.app_context():
        journey = journey_with_most_legs()
        jid, lid = journey.id, journey.legs[0].id
        db.session.delete(journey)
        db.session.commit()
        (leg_deletion,) = versions(entity="leg", entity_id=lid)[-1:]
        with pytest.raises(RestoreError, match=f"journey {jid} first"):
            restore_version("leg", lid, leg_deletion.version)
        with pytest.raises(RestoreError, match="has no version 99"):
            restore_version("journey", jid, 99)


def test_a_new_record_never_takes_the_id_of_a_deleted_one(app):
    with app.app_context():
        journey = db.session.scalars(select(Journey).order_by(Journey.id.desc())).first()
        assert journey is not None
        jid = journey.id
        values = {c: getattr(journey, c) for c in ("title", "who", "outcome", "kind", "summary")}
        db.session.delete(journey)
        db.session.commit()
        newcomer = Journey(
            slug="newcomer", position=99, outcome_label="new", **{**values, "title": "New"}
        )
        db.session.add(newcomer)
        db.session.commit()
        assert newcomer.id != jid
        deletion = versions(entity="journey", entity_id=jid)[-1]
        restore_version("journey", jid, deletion.version)
        assert db.session.get(Journey, jid) is not None


def test_history_pages_show_each_version_with_a_readable_diff(app):
    with app.app_context():
        journey = journey_with_most_legs()
        jid, slug, old = journey.id, journey.slug, journey.title
        journey.title = "Crossing <the> river"
        journey.summary = journey.summary + " One more sentence at the end."
        db.session.commit()
    client = app.test_client()
    page = client.get(f"/history/journey/{jid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Version 2: update" in html and "Version 1: create" in html
    assert f"<del>{old}</del>" in html and "<ins>Crossing &lt;the&gt; river</ins>" in html
    assert "One more sentence at the end.</ins>" in html
    assert 'rel="alternate" type="application/json"' in html
    data = client.get(f"/history/journey/{jid}.json").get_json()
    assert [v["version"] for v in data["versions"]] == [2, 1]
    (title,) = [c for c in data["versions"][0]["changes"] if c["field"] == "title"]
    assert (title["before"], title["after"]) == (old, "Crossing <the> river")
    assert {r["entity"] for r in data["related"]} >= {"leg", "citation"}
    assert "Restore" not in html  # readers see no restore buttons

    for path in (f"/journeys/{slug}", "/hazards", "/sources"):
        links = re.findall(r'href="(/history/[^"]+)"', client.get(path).get_data(as_text=True))
        if path != "/sources":
            assert links, f"{path} links to no history"
        for link in links:
            assert client.get(link, follow_redirects=True).status_code == 200
    source_page = client.get("/sources").get_data(as_text=True)
    first_source = re.search(r'href="(/sources/[^"#?]+)"', source_page)
    assert first_source
    links = re.findall(r'href="(/history/[^"]+)"', client.get(first_source.group(1)).get_data(True))
    assert links and client.get(links[0], follow_redirects=True).status_code == 200
    for entity in ("leg", "hazard", "place", "source", "citation"):
        assert client.get(f"/history/{entity}/1").status_code == 200
    assert client.get("/history/journey/99999").status_code == 404
    assert client.get("/history/users/1").status_code == 404


def test_deleted_records_are_listed_and_an_editor_restores_them_through_the_page(app):
    with app.app_context():
        journey = journey_with_most_legs()
        jid, title = journey.id, journey.title
        db.session.delete(journey)
        db.session.commit()
        (deletion,) = versions(entity="journey", entity_id=jid, action="delete")
    reader = app.test_client()
    listing = reader.get("/history/deleted")
    assert listing.status_code == 200 and title in listing.get_data(as_text=True)
    records = reader.get("/history/deleted.json").get_json()["records"]
    assert ("journey", jid) in {(r["entity"], r["id"]) for r in records}
    legs = [r for r in records if r["entity"] == "leg"]
    assert legs and all(r["part_of"]["id"] == jid for r in legs)
    (journey_record,) = [r for r in records if r["entity"] == "journey"]
    assert journey_record["part_of"] is None
    url = f"/history/journey/{jid}/restore/{deletion.version}"
    assert reader.post(url).status_code in (302, 401, 403)

    editor, token = editor_client(app)
    assert editor.post(url).status_code in (400, 403)  # no CSRF token
    listing_for_editor = editor.get("/history/deleted").get_data(as_text=True)
    assert f'action="{url}"' in listing_for_editor and "comes back with" in listing_for_editor
    page = editor.get(f"/history/journey/{jid}").get_data(as_text=True)
    assert f'action="{url}"' in page and 'name="csrf_token"' in page
    done = editor.post(url, data={"csrf_token": token})
    assert done.status_code == 303
    assert editor.get(done.headers["Location"]).status_code == 200
    with app.app_context():
        assert db.session.get(Journey, jid) is not None
        restored = versions(entity="journey", entity_id=jid)[-1]
        assert (restored.action, restored.actor) == ("restore", "ed")
    assert ("journey", jid) not in {
        (r["entity"], r["id"]) for r in reader.get("/history/deleted.json").get_json()["records"]
    }
    again = editor.post(url, data={"csrf_token": token})  # the leg ids are taken now
    assert again.status_code in (303, 409)


def test_the_restore_command(app):
    with app.app_context():
        journey = journey_with_most_legs()
        jid, title = journey.id, journey.title
        journey.title = "Changed"
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["history", "restore", "journey", str(jid), "1"])
    assert result.exit_code == 0, result.output
    assert f"Restored journey {jid} to version 1" in result.output
    with app.app_context():
        assert db.session.get(Journey, jid).title == title  # type: ignore[union-attr]
        assert versions(entity="journey", entity_id=jid)[-1].actor == "cli"
    result = runner.invoke(args=["history", "restore", "journey", str(jid), "42"])
    assert result.exit_code != 0 and "has no version 42" in result.output


def test_concurrent_edits_leave_an_unbroken_history_and_one_revision_per_change(app):
    """Four threads edit two journeys at once, each edit a read-modify-write in a write
    transaction. Every committed change is one version and one revision, and each
    version's before is exactly the previous version's after."""
    with app.app_context():
        ids = db.session.scalars(select(Journey.id).order_by(Journey.id).limit(2)).all()
        start = revision()
        first_version = db.session.scalar(select(func.max(ContentVersion.id)))
    commits: list[int] = []
    errors: list[str] = []

    def editor(n: int) -> None:
        with app.app_context():
            for k in range(15):
                try:
                    with write_transaction():
                        journey = locked(Journey, ids[(n + k) % 2])
                        assert journey is not None
                        journey.summary = f"{journey.summary[:200]} [{n}:{k}]"
                    commits.append(1)
                except Exception as exc:  # noqa: BLE001 - counted, and the test fails
                    errors.append(f"editor {n}, edit {k}: {exc!r}")

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        made = versions()
        made = [v for v in made if v.id > first_version]
        assert len(made) == len(commits) == 60
        assert revision() == start + 60
        assert sorted(v.dataset_revision for v in made) == list(range(start + 1, start + 61))
        for ident in ids:
            chain = versions(entity="journey", entity_id=ident)
            assert [v.version for v in chain] == list(range(1, len(chain) + 1))
            for earlier, later in zip(chain, chain[1:], strict=False):
                assert later.before == earlier.after


def test_a_journey_deleted_in_the_editor_is_recorded_as_the_editor_and_restored_whole(app):
    """The editor's views record nothing themselves: the session does it for them."""
    editor, token = editor_client(app)
    with app.app_context():
        journey = journey_with_most_legs()
        jid, slug = journey.id, journey.slug
        before = content_state()
        user_id = db.session.scalar(select(User.id).where(User.name == "ed"))
    form = editor.get(f"/edit/journeys/{slug}").get_data(as_text=True)
    lock = re.search(r'name="lock_version" value="(\d+)"', form)
    assert lock, "the journey form carries no lock version"
    deleted = editor.post(
        f"/edit/journeys/{slug}/delete", data={"csrf_token": token, "lock_version": lock.group(1)}
    )
    assert deleted.status_code == 303, deleted.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Journey, jid) is None
        change = last_change()
        assert {(v.actor, v.user_id) for v in change} == {("ed", user_id)}
        deletion = next(v for v in change if (v.entity, v.entity_id) == ("journey", jid))
    restored = editor.post(
        f"/history/journey/{jid}/restore/{deletion.version}", data={"csrf_token": token}
    )
    assert restored.status_code == 303
    with app.app_context():
        assert content_state() == before


def test_a_bulk_insert_of_content_is_refused_because_history_could_not_record_it(app):
    from sqlalchemy import insert

    from app.history.recorder import UnrecordedWrite

    with app.app_context():
        journey = journey_with_most_legs()
        row = {"journey_id": journey.id, "position": 99, "route": "untold", "summary": "x"}
        row |= {"from_place_id": journey.legs[0].from_place_id}
        row |= {"to_place_id": journey.legs[0].to_place_id}
        with pytest.raises(UnrecordedWrite, match="escape the history"):
            db.session.execute(insert(Leg), [row])
        db.session.rollback()
        assert (
            db.session.scalar(select(func.count()).select_from(Leg).where(Leg.position == 99)) == 0
        )
