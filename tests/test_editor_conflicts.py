"""Two editors saving the same record at once: the second save is refused with HTTP 409
and a page that shows both versions (theirs, stored now; yours, not saved); nothing is
silently overwritten, and the editor can re-apply theirs over the current version."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator

import pytest
from auth_helpers import editor_client
from conftest import make_app, seed
from editor_helpers import Editor, counts, text_of
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import ContentVersion, Hazard, Journey, Place, Source

pytestmark = pytest.mark.database


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_app(tmp_path_factory.mktemp("editor-conflicts") / "conflicts.sqlite")
    seed(app)
    yield app


@pytest.fixture(scope="module")
def alice(app: Flask) -> Editor:
    return Editor(*editor_client(app, "alice"))


@pytest.fixture(scope="module")
def bob(app: Flask) -> Editor:
    return Editor(*editor_client(app, "bob"))


def journey_form(journey: Journey, **changes: str) -> dict[str, str]:
    fields = ("title", "slug", "who", "kind", "outcome", "outcome_label", "summary")
    return {**{name: str(getattr(journey, name)) for name in fields}, **changes}


def roh(app: Flask) -> Journey:
    with app.app_context():
        journey = db.session.scalars(select(Journey).filter_by(slug="roh-family")).one()
        db.session.expunge(journey)
        return journey


def test_the_second_of_two_saves_gets_a_conflict_with_both_versions(app, alice, bob):
    path = "/edit/journeys/roh-family"
    loaded_by_alice, loaded_by_bob = alice.version(path), bob.version(path)
    assert loaded_by_alice == loaded_by_bob
    journey = roh(app)
    first = alice.post(
        path, journey_form(journey, summary="Alice's summary.", lock_version=loaded_by_alice)
    )
    assert first.status_code == 303
    before = counts(app)
    second = bob.post(
        path, journey_form(journey, summary="Bob's summary.", lock_version=loaded_by_bob)
    )
    page = html.unescape(text_of(second))
    assert second.status_code == 409
    assert "Someone else saved this journey" in page and "Nothing was saved." in page
    assert "Alice's summary." in page and "Bob's summary." in page  # both versions
    assert "by alice" in page
    assert page.index("Alice's summary.") < page.index("Bob's summary.")  # theirs, then yours
    assert counts(app) == before
    assert roh(app).summary == "Alice's summary."
    # Bob re-applies his version over the one he has now seen.
    current = str(roh(app).lock_version)
    assert f'name="lock_version" value="{current}"' in page
    again = bob.post(path, journey_form(journey, summary="Bob's summary.", lock_version=current))
    assert again.status_code == 303
    assert roh(app).summary == "Bob's summary."
    with app.app_context():
        actors = db.session.scalars(
            select(ContentVersion.actor)
            .filter_by(entity="journey", entity_id=journey.id)
            .order_by(ContentVersion.version)
        ).all()
        assert actors[-2:] == ["alice", "bob"]


def test_a_form_without_its_version_is_refused(app, alice):
    before = counts(app)
    response = alice.post("/edit/journeys/roh-family", journey_form(roh(app), summary="x"))
    assert response.status_code == 422
    assert "The form does not say which version it edits" in text_of(response)
    assert counts(app) == before


@pytest.mark.parametrize(
    ("path", "model", "slug", "field"),
    [
        ("/edit/places/china", Place, "china", "name"),
        (
            "/edit/hazards/landmines-inter-korean-border",
            Hazard,
            "landmines-inter-korean-border",
            "name",
        ),
        ("/edit/sources/worth-watching", Source, "worth-watching", "label"),
    ],
)
def test_every_edit_form_refuses_a_stale_save(app, alice, bob, path, model, slug, field):
    def values(editor: Editor) -> dict[str, object]:
        """Every field of the form as loaded (inputs, selected options, checked boxes)."""
        page = text_of(editor.get(path))
        found: dict[str, object] = {}
        for name, value in re.findall(r'<input id="f-(\w+)" name="\w+" value="([^"]*)"', page):
            found[name] = html.unescape(value)
        for name, body in re.findall(
            r'<textarea id="f-(\w+)" name="\w+"[^>]*>\n(.*?)</textarea>', page, re.S
        ):
            found[name] = html.unescape(body)
        for name, multiple, body in re.findall(
            r'<select id="f-(\w+)" name="\w+"( multiple)?[^>]*>(.*?)</select>', page, re.S
        ):
            chosen = re.findall(r'<option value="([^"]*)" selected>', body)
            found[name] = chosen if multiple else (chosen[0] if chosen else "")
        for name, value in re.findall(
            r'<input type="checkbox" name="(\w+)" value="([^"]*)" checked>', page
        ):
            found.setdefault(name, [])
            found[name].append(value)  # type: ignore[union-attr]
        found["lock_version"] = editor.version(path)
        return found

    mine, theirs = values(alice), values(bob)
    assert alice.post(path, {**mine, field: "Changed by alice"}).status_code == 303
    before = counts(app)
    response = bob.post(path, {**theirs, field: "Changed by bob"})
    assert response.status_code == 409, text_of(response)[:2000]
    page = text_of(response)
    assert "Changed by alice" in page and "Changed by bob" in page
    assert counts(app) == before
    with app.app_context():
        record = db.session.scalars(select(model).filter_by(slug=slug)).one()
        assert getattr(record, field) == "Changed by alice"


def test_a_leg_edited_by_two_editors_is_a_conflict(app, alice, bob):
    with app.app_context():
        leg = db.session.scalars(select(Journey).filter_by(slug="roh-family")).one().legs[0]
        form = {
            "from_place_id": str(leg.from_place_id),
            "to_place_id": str(leg.to_place_id),
            "route": leg.route,
            "summary": leg.summary,
        }
        leg_id = leg.id
    path = f"/edit/legs/{leg_id}"
    a, b = alice.version(path), bob.version(path)
    assert (
        alice.post(path, {**form, "summary": "Alice's leg.", "lock_version": a}).status_code == 303
    )
    response = bob.post(path, {**form, "summary": "Bob's leg.", "lock_version": b})
    assert response.status_code == 409
    page = html.unescape(text_of(response))
    assert "Alice's leg." in page and "Bob's leg." in page


def race(app: Flask, editors: dict[str, Editor], path: str, round_: int) -> dict[str, int]:
    """Both editors load the form at the same version, then post it at the same moment."""
    version = next(iter(editors.values())).version(path)
    journey = roh(app)
    start = threading.Barrier(len(editors))
    answers: dict[str, int] = {}

    def save(name: str) -> None:
        form = journey_form(journey, summary=f"{name} {round_}", lock_version=version)
        start.wait()
        answers[name] = editors[name].post(path, form).status_code

    threads = [threading.Thread(target=save, args=(name,)) for name in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_two_saves_sent_at_the_same_moment_give_one_success_and_one_conflict(app, alice, bob):
    """Truly at once, five times over: each time exactly one save is stored and the other
    is answered 409; the stored summary is always the one that was saved."""
    for round_ in range(5):
        answers = race(app, {"alice": alice, "bob": bob}, "/edit/journeys/roh-family", round_)
        assert sorted(answers.values()) == [303, 409], answers
        winner = next(name for name, status in answers.items() if status == 303)
        assert roh(app).summary == f"{winner} {round_}"
