"""The editor through its real forms (CSRF token included): sources pasted or uploaded
and split into passages like the seeded ones, journeys, legs and their order; clear
messages on the re-rendered form and nothing partially saved."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from auth_helpers import editor_client
from conftest import make_app, seed
from editor_helpers import Editor, counts, text_of
from flask import Flask
from sqlalchemy import select

from app.annotation import split_passages
from app.extensions import db
from app.models import Citation, Journey, Leg, Passage, Place, Source

pytestmark = pytest.mark.database

ARTICLE = (
    "A New Article About an Escape\n"
    "\n"
    "  The family crossed the river at night. 🌙 They waited for the broker.\n"
    "\n"
    "They reached the city after three days. The broker was paid twice.\n"
    "The broker was paid twice.\n"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_app(tmp_path_factory.mktemp("editor") / "editor.sqlite")
    seed(app)
    yield app


@pytest.fixture(scope="module")
def ed(app: Flask) -> Editor:
    return Editor(*editor_client(app, "editor-one"))


def new_source(ed: Editor, slug: str, text: str = ARTICLE) -> None:
    response = ed.post(
        "/edit/sources/new", {"label": f"Article {slug}", "slug": slug, "text": text}
    )
    assert response.status_code == 303, text_of(response)


def test_anonymous_visitors_are_sent_to_log_in(app):
    client = app.test_client()
    for path in ("/edit", "/edit/journeys/new", "/edit/places/new", "/edit/cite/journey/1"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_a_pasted_source_is_split_into_passages_like_a_seeded_one(app, ed):
    new_source(ed, "pasted-article", ARTICLE.replace("\n", "\r\n"))  # as a browser sends it
    with app.app_context():
        source = db.session.scalars(select(Source).filter_by(slug="pasted-article")).one()
        assert source.text == ARTICLE
        spans = split_passages(ARTICLE)
        assert [(p.number, p.start, p.end, p.text) for p in source.passages] == [
            (s.number, s.start, s.end, s.text) for s in spans
        ]
        assert source.file == "pasted-article.txt"
    page = text_of(ed.get("/sources/pasted-article"))
    assert 'id="p-2"' in page and "They waited for the broker." in page


def test_a_source_can_be_uploaded_as_a_markdown_file(app, ed):
    response = ed.post(
        "/edit/sources/new",
        {
            "label": "Uploaded",
            "slug": "uploaded-article",
            "upload": (io.BytesIO(ARTICLE.encode("utf-8")), "notes.md"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, text_of(response)
    with app.app_context():
        source = db.session.scalars(select(Source).filter_by(slug="uploaded-article")).one()
        assert (source.text, source.file, len(source.passages)) == (ARTICLE, "notes.md", 4)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((io.BytesIO(b"\xff\xfe not utf-8 \x80"), "a.txt"), "The file is not UTF-8 text."),
        ((io.BytesIO(b"text"), "a.pdf"), "Upload a plain-text file: .txt or .md."),
    ],
)
def test_an_upload_that_is_not_utf8_text_is_refused(app, ed, upload, message):
    before = counts(app)
    response = ed.post(
        "/edit/sources/new",
        {"label": "Bad", "slug": "bad-upload", "upload": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert counts(app) == before


def test_a_source_form_with_mistakes_is_shown_again_with_messages_and_saves_nothing(app, ed):
    before = counts(app)
    response = ed.post(
        "/edit/sources/new",
        {"label": "Kept <as typed>", "slug": "Not A Slug", "date": "last week", "text": " \n "},
    )
    page = text_of(response)
    assert response.status_code == 422
    assert "Nothing was saved." in page
    assert "Slug (in its address) must be lowercase letters and digits" in page
    assert "Date must be ISO" in page
    assert "Paste the article&#39;s text or upload it" in page
    assert 'value="Kept &lt;as typed&gt;"' in page  # the editor's input, escaped
    assert counts(app) == before


def test_a_slug_already_used_is_refused(app, ed):
    new_source(ed, "first-of-two")
    before = counts(app)
    response = ed.post("/edit/sources/new", {"label": "x", "slug": "first-of-two", "text": "a"})
    assert response.status_code == 422
    assert "The slug &#39;first-of-two&#39; is already used by another source." in text_of(response)
    assert counts(app) == before


def test_an_uncited_source_text_may_be_replaced_and_a_cited_one_may_not(app, ed):
    new_source(ed, "replaceable")
    path = "/edit/sources/replaceable"
    form = {"label": "Replaced", "slug": "replaceable", "lock_version": ed.version(path)}
    response = ed.post(path, {**form, "text": "One line.\nTwo lines."})
    assert response.status_code == 303
    with app.app_context():
        source = db.session.scalars(select(Source).filter_by(slug="replaceable")).one()
        assert [p.text for p in source.passages] == ["One line.", "Two lines."]
    # Seeded sources are cited: their text is immutable.
    path = "/edit/sources/chilling-details"
    page = text_of(ed.get(path))
    assert "the text cannot change" in page and 'name="text"' not in page
    with app.app_context():
        source = db.session.scalars(select(Source).filter_by(slug="chilling-details")).one()
        label, text = source.label, source.text
    response = ed.post(
        path,
        {
            "label": label,
            "slug": "chilling-details",
            "lock_version": ed.version(path),
            "text": "Rewritten.",
        },
    )
    assert response.status_code == 422
    assert "This source is cited, so its text cannot change" in text_of(response)
    with app.app_context():
        assert (
            db.session.scalars(select(Source.text).filter_by(slug="chilling-details")).one() == text
        )


def journey_form(slug: str, **changes: str) -> dict[str, str]:
    return {
        "title": f"Journey {slug}",
        "slug": slug,
        "who": "A family",
        "kind": "journey",
        "outcome": "reached-safety",
        "outcome_label": "Safe",
        "summary": "They left.",
        **changes,
    }


def test_a_journey_is_created_edited_and_deleted(app, ed):
    response = ed.post("/edit/journeys/new", journey_form("new-journey"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/edit/journeys/new-journey")
    path = "/edit/journeys/new-journey"
    edited = journey_form("renamed-journey", title="Renamed", lock_version=ed.version(path))
    assert ed.post(path, edited).status_code == 303
    public = text_of(ed.get("/journeys/renamed-journey"))
    assert "Renamed" in public
    path = "/edit/journeys/renamed-journey"
    response = ed.post(path + "/delete", {"lock_version": ed.version(path)})
    assert response.status_code == 303
    assert ed.get("/journeys/renamed-journey").status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "Bad Slug!"}, "must be lowercase letters and digits"),
        ({"slug": "roh-family"}, "is already used by another journey"),
        ({"outcome": "vanished"}, "Outcome: choose one of the listed values."),
        ({"title": ""}, "Title is required."),
        ({"title": "x" * 301}, "at most 300 fit"),
        ({"who": "nul\x00byte"}, "NUL character"),
    ],
)
def test_a_journey_with_a_mistake_is_refused_with_a_clear_message(app, ed, changes, message):
    before = counts(app)
    response = ed.post("/edit/journeys/new", {**journey_form("refused-journey"), **changes})
    assert response.status_code == 422
    assert message in text_of(response)
    assert counts(app) == before


def leg_form(
    frm: int, to: int, quote: str, source: str = "pasted-article", **more: str
) -> dict[str, object]:
    return {
        "from_place_id": str(frm),
        "to_place_id": str(to),
        "route": "known",
        "summary": "They went on.",
        "cite_source": source,
        "cite_quote": quote,
        **more,
    }


def place_ids(app: Flask, *slugs: str) -> list[int]:
    with app.app_context():
        return [db.session.scalars(select(Place.id).filter_by(slug=s)).one() for s in slugs]


def legs_of(app: Flask, slug: str) -> list[tuple[int, int, str]]:
    with app.app_context():
        journey = db.session.scalars(select(Journey).filter_by(slug=slug)).one()
        return [(leg.id, leg.position, leg.to_place.slug) for leg in journey.legs]


@pytest.fixture(scope="module")
def three_legs(app: Flask, ed: Editor) -> str:
    """A journey with three legs, each with a citation typed by hand."""
    new_source(ed, "leg-article")
    assert ed.post("/edit/journeys/new", journey_form("three-legs")).status_code == 303
    nk, cn, vn, la = place_ids(app, "north-korea", "china", "vietnam", "laos")
    quotes = [
        "The family crossed the river at night.",
        "They waited for the broker.",
        "They reached the city after three days.",
    ]
    for (a, b), quote in zip([(nk, cn), (cn, vn), (vn, la)], quotes, strict=True):
        response = ed.post(
            "/edit/journeys/three-legs/legs/new", leg_form(a, b, quote, "leg-article")
        )
        assert response.status_code == 303, text_of(response)
    return "three-legs"


def test_a_new_leg_comes_with_its_first_citation(app, ed, three_legs):
    assert [pos for _, pos, _ in legs_of(app, three_legs)] == [1, 2, 3]
    with app.app_context():
        leg = db.session.scalars(
            select(Leg).join(Journey).filter(Journey.slug == three_legs)
        ).first()
        assert leg is not None
        (citation,) = leg.citations
        text = citation.source.text
        assert text[citation.start_pos : citation.end_pos] == citation.exact
        assert citation.prefix == text[max(0, citation.start_pos - 32) : citation.start_pos]
        assert citation.passage.number == 2
    page = text_of(ed.get("/journeys/three-legs"))
    assert "The family crossed the river at night." in page


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("The family swam the river at night.", "the quote is not found verbatim in the source"),
        ("The broker was paid twice.", "the quote occurs 2 times"),
        ("", "Quote is required."),
    ],
)
def test_a_leg_whose_quote_is_not_in_its_source_is_refused_and_nothing_is_saved(
    app, ed, three_legs, quote, message
):
    nk, cn = place_ids(app, "north-korea", "china")
    before = counts(app)
    response = ed.post("/edit/journeys/three-legs/legs/new", leg_form(nk, cn, quote, "leg-article"))
    page = text_of(response)
    assert response.status_code == 422
    assert message in page
    assert "Nothing was saved." in page
    assert counts(app) == before


def test_a_known_route_to_a_place_without_a_point_is_refused(app, ed, three_legs):
    with app.app_context():
        nowhere = db.session.scalars(select(Place.id).where(Place.anchor_lat.is_(None))).first()
    (nk,) = place_ids(app, "north-korea")
    before = counts(app)
    response = ed.post(
        "/edit/journeys/three-legs/legs/new",
        leg_form(nk, nowhere, "They waited for the broker.", "leg-article"),
    )
    assert response.status_code == 422
    assert "its route is untold" in text_of(response)
    assert counts(app) == before


def order(app: Flask, slug: str) -> str:
    return ",".join(str(leg_id) for leg_id, _, _ in legs_of(app, slug))


def test_legs_move_up_and_down_and_the_order_stays_one_to_n(app, ed, three_legs):
    first, second, third = (leg_id for leg_id, _, _ in legs_of(app, three_legs))
    response = ed.post(
        f"/edit/legs/{third}/move", {"direction": "up", "order": order(app, three_legs)}
    )
    assert response.status_code == 303
    assert [(i, p) for i, p, _ in legs_of(app, three_legs)] == [(first, 1), (third, 2), (second, 3)]
    ed.post(f"/edit/legs/{first}/move", {"direction": "down", "order": order(app, three_legs)})
    assert [(i, p) for i, p, _ in legs_of(app, three_legs)] == [(third, 1), (first, 2), (second, 3)]
    # The first leg cannot go further up: nothing changes.
    ed.post(f"/edit/legs/{third}/move", {"direction": "up", "order": order(app, three_legs)})
    assert [(i, p) for i, p, _ in legs_of(app, three_legs)] == [(third, 1), (first, 2), (second, 3)]
    page = text_of(ed.get("/journeys/three-legs"))
    assert page.index("Leg 1: Vietnam → Laos") < page.index("Leg 2: North Korea → China")


def test_a_move_made_from_an_outdated_page_is_a_conflict_and_changes_nothing(app, ed, three_legs):
    before = legs_of(app, three_legs)
    seen = ",".join(str(i) for i, _, _ in reversed(before))  # an order that is not the current one
    response = ed.post(f"/edit/legs/{before[1][0]}/move", {"direction": "up", "order": seen})
    assert response.status_code == 409
    assert "The journey&#39;s legs changed since you loaded the page" in text_of(response)
    assert legs_of(app, three_legs) == before


def test_deleting_a_leg_closes_the_gap(app, ed):
    new_source(ed, "gap-article")
    assert ed.post("/edit/journeys/new", journey_form("gap")).status_code == 303
    nk, cn, vn = place_ids(app, "north-korea", "china", "vietnam")
    for a, b, quote in [
        (nk, cn, "They waited for the broker."),
        (cn, vn, "The family crossed the river at night."),
        (vn, nk, "They reached the city after three days."),
    ]:
        assert (
            ed.post("/edit/journeys/gap/legs/new", leg_form(a, b, quote, "gap-article")).status_code
            == 303
        )
    first, second, third = legs_of(app, "gap")
    with app.app_context():
        version = str(db.session.get(Leg, first[0]).lock_version)  # type: ignore[union-attr]
    response = ed.post(
        f"/edit/legs/{first[0]}/delete", {"order": order(app, "gap"), "lock_version": version}
    )
    assert response.status_code == 303
    assert [(i, p) for i, p, _ in legs_of(app, "gap")] == [(second[0], 1), (third[0], 2)]
    with app.app_context():
        assert db.session.scalars(select(Citation).filter_by(leg_id=first[0])).all() == []


def test_a_leg_is_edited_through_its_form(app, ed, three_legs):
    leg_id, _, _ = legs_of(app, three_legs)[0]
    path = f"/edit/legs/{leg_id}"
    (th,) = place_ids(app, "thailand")
    with app.app_context():
        leg = db.session.get(Leg, leg_id)
        assert leg is not None
        form = {
            "from_place_id": str(leg.from_place_id),
            "to_place_id": str(th),
            "route": "untold",
            "summary": "Edited summary.",
            "lock_version": ed.version(path),
        }
    assert ed.post(path, form).status_code == 303
    with app.app_context():
        leg = db.session.get(Leg, leg_id)
        assert leg is not None and (leg.to_place.slug, leg.route, leg.summary) == (
            "thailand",
            "untold",
            "Edited summary.",
        )


def test_a_legs_drawing_is_chosen_in_its_form_and_only_for_a_told_route(app, ed, three_legs):
    """The editorial drawing (app/maps/leg_paths.py): 'overland' or 'relocated', saved
    with the leg; refused on an untold route, which is not drawn at all."""
    leg_id, _, _ = legs_of(app, three_legs)[0]
    path = f"/edit/legs/{leg_id}"
    with app.app_context():
        leg = db.session.get(Leg, leg_id)
        assert leg is not None
        form = {
            "from_place_id": str(leg.from_place_id),
            "to_place_id": str(leg.to_place_id),
            "route": "known",
            "drawing": "overland",
            "summary": "They went on through the country.",
        }
    assert 'value="overland"' in ed.get(path).get_data(as_text=True)
    assert ed.post(path, {**form, "lock_version": ed.version(path)}).status_code == 303
    with app.app_context():
        assert db.session.get(Leg, leg_id).drawing == "overland"  # type: ignore[union-attr]
    refused = ed.post(path, {**form, "route": "untold", "lock_version": ed.version(path)})
    assert refused.status_code == 422
    assert "Only a told route is drawn" in text_of(refused)
    cleared = ed.post(path, {**form, "drawing": "", "lock_version": ed.version(path)})
    assert cleared.status_code == 303
    with app.app_context():
        assert db.session.get(Leg, leg_id).drawing is None  # type: ignore[union-attr]


def test_passages_of_a_new_source_are_numbered_like_the_seeded_ones(app):
    with app.app_context():
        for source in db.session.scalars(select(Source)):
            numbers = list(
                db.session.scalars(
                    select(Passage.number).filter_by(source_id=source.id).order_by(Passage.number)
                )
            )
            assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("/journeys/roh-family", "/edit/journeys/roh-family"),
        ("/sources/chilling-details", "/edit/sources/chilling-details"),
        ("/hazards", "/edit/hazards/landmines-inter-korean-border"),
    ],
)
def test_edit_links_are_shown_to_editors_only_and_never_in_the_static_export(app, ed, page, link):
    assert f'href="{link}"' in text_of(ed.get(page))
    reader = app.test_client().get(page)
    assert reader.status_code == 200 and "/edit/" not in text_of(reader)
    assert "Set-Cookie" not in reader.headers  # the reader's page stays cacheable
    exported = ed.get(page, base_url="http://localhost/__atlas_export__")
    assert exported.status_code == 200 and "/edit/" not in text_of(exported)


def test_the_dashboard_lists_everything(app, ed):
    page = text_of(ed.get("/edit"))
    with app.app_context():
        for model, link in ((Source, "sources"), (Journey, "journeys"), (Place, "places")):
            for slug in db.session.scalars(select(model.slug)):  # type: ignore[attr-defined]
                assert f'href="/edit/{link}/{slug}"' in page
