"""Korean content (issue 5): every seeded journey, leg, place, hazard, discrepancy and
side carries its Korean name/summary from the YAML, while the quotes stay the articles'
English; the seed loader and the editor refuse Korean text without Hangul, with a NUL or
empty, by the same rule; an editor saves Korean text through the real forms (stored,
in the 409 page, in the history diff); the dataset hash and the export/import carry it."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from auth_helpers import editor_client
from conftest import SEEDS, make_app, seed
from editor_helpers import Editor, counts, text_of
from flask import Flask
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Citation,
    DatasetRevision,
    Discrepancy,
    DiscrepancySide,
    Hazard,
    Journey,
    Leg,
    Place,
)
from app.seeding.korean import HANGUL, KOREAN_FIELDS

pytestmark = pytest.mark.database

# ---------------------------------------------------------------- the seed data


def read_yaml(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write_yaml(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text(
        yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=10_000),
        encoding="utf-8",
    )


def yaml_records(seeds_dir: Path = SEEDS) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Per record kind (table name): (key, YAML mapping), keyed as the database is."""
    journeys = read_yaml(seeds_dir / "journeys.yaml")
    discrepancies = read_yaml(seeds_dir / "discrepancies.yaml")
    return {
        "place": [(p["slug"], p) for p in read_yaml(seeds_dir / "places.yaml")],
        "journey": [(j["slug"], j) for j in journeys],
        "leg": [(f"{j['slug']}:{n}", leg) for j in journeys for n, leg in enumerate(j["legs"], 1)],
        "hazard": [(h["slug"], h) for h in read_yaml(seeds_dir / "hazards.yaml")],
        "discrepancy": [(d["slug"], d) for d in discrepancies],
        "discrepancy_side": [
            (f"{d['slug']}:{n}", side)
            for d in discrepancies
            for n, side in enumerate(d["sides"], 1)
        ],
    }


def stored_records() -> dict[str, dict[str, Any]]:
    """Per record kind: key -> the stored record (inside an app context)."""
    return {
        "place": {p.slug: p for p in db.session.scalars(select(Place))},
        "journey": {j.slug: j for j in db.session.scalars(select(Journey))},
        "leg": {f"{x.journey.slug}:{x.position}": x for x in db.session.scalars(select(Leg))},
        "hazard": {h.slug: h for h in db.session.scalars(select(Hazard))},
        "discrepancy": {d.slug: d for d in db.session.scalars(select(Discrepancy))},
        "discrepancy_side": {
            f"{s.discrepancy.slug}:{s.position}": s
            for s in db.session.scalars(select(DiscrepancySide))
        },
    }


EXPECTED_RECORDS = {
    "place": 20,
    "journey": 8,
    "leg": 18,
    "hazard": 35,
    "discrepancy": 18,
    "discrepancy_side": 36,
}


def test_every_seeded_record_has_the_korean_text_of_its_yaml_record(seeded_app):
    in_yaml = yaml_records()
    assert {kind: len(records) for kind, records in in_yaml.items()} == EXPECTED_RECORDS
    with seeded_app.app_context():
        stored = stored_records()
        for kind, records in in_yaml.items():
            assert set(stored[kind]) == {key for key, _ in records}, kind
            for key, data in records:
                for korean, english in KOREAN_FIELDS[kind].items():
                    if not data.get(english):
                        continue  # no English text, nothing to translate
                    assert data.get(korean), f"{kind} {key}: no {korean} in the YAML"
                    assert HANGUL.search(data[korean]), f"{kind} {key}: {korean} is not Korean"
                    assert getattr(stored[kind][key], korean) == data[korean], (kind, key)
                    assert getattr(stored[kind][key], english) == data[english], (kind, key)


def test_quotes_stay_in_english_and_the_korean_names_are_the_standard_ones(seeded_app):
    with seeded_app.app_context():
        citations = db.session.scalars(select(Citation)).all()
        assert len(citations) > 200
        for citation in citations:
            assert not HANGUL.search(citation.exact + citation.prefix + citation.suffix)
            source_text = citation.source.text
            assert source_text[citation.start_pos : citation.end_pos] == citation.exact
        names = {p.slug: p.name_ko for p in db.session.scalars(select(Place))}
    assert names["north-korea"] == "북한"
    assert names["south-korea"] == "한국"
    assert {names[s] for s in ("china", "vietnam", "laos", "thailand")} == {
        "중국",
        "베트남",
        "라오스",
        "태국",
    }
    assert (names["yalu-river"], names["tumen-river"]) == ("압록강", "두만강")
    assert "비엔티안" in names["vientiane"] and "비무장지대" in names["inter-korean-border"]
    for _, place in yaml_records()["place"]:
        for citation in place["citations"]:
            assert not HANGUL.search(citation["quote"])


def test_people_are_named_the_same_way_in_every_korean_text():
    texts = [
        str(data[korean])
        for kind, records in yaml_records().items()
        for _, data in records
        for korean in KOREAN_FIELDS[kind]
        if data.get(korean)
    ]
    everything = "\n".join(texts)
    for name in ("노 씨 가족", "이소연", "이현서", "김 목사", "한정청"):
        assert name in everything, name
    # One spelling each: no other Korean spelling of Soyeon Lee / Hyeonseo Lee slipped in.
    for other in ("이소현", "이서연", "이현소", "현서 리", "소연 리"):
        assert other not in everything, other


# Korean that said more than its English (issue 13): "starve" is not "starve to death",
# "sex trafficking" is not prostitution, "little girls" are not "little daughters".
SAYS_MORE = {
    "굶어 죽": "starve to death, where the English says starve",
    "성매매": "prostitution, where the English says sex trafficking",
    "딸": "daughters, where the English says girls",
    "끌려": "dragged away, where the English says taken",
}


def test_korean_says_no_more_than_the_english():
    for kind, records in yaml_records().items():
        for key, data in records:
            for korean in KOREAN_FIELDS[kind]:
                text = str(data.get(korean) or "")
                for words, why in SAYS_MORE.items():
                    assert words not in text, f"{kind} {key} {korean}: {words!r} says {why}"


def test_the_atlas_s_own_korean_spelling_of_han_jeong_cheong_is_marked_where_used():
    """한정청 is the atlas's transliteration (the sources give only "Han Jeong-Cheong"):
    every Korean text that uses it gives the romanised name beside it."""
    used = 0
    for kind, records in yaml_records().items():
        for key, data in records:
            for korean in KOREAN_FIELDS[kind]:
                text = str(data.get(korean) or "")
                if "한정청" in text:
                    used += 1
                    first = text.index("한정청")
                    assert text[first:].startswith("한정청(Han Jeong-Cheong") or text[
                        first:
                    ].startswith("한정청, Han Jeong-Cheong"), f"{kind} {key} {korean}: {text}"
    assert used >= 5


# ---------------------------------------------------------------- seeding


def seed_cli(app: Flask, seeds_dir: Path) -> Any:
    result = app.test_cli_runner().invoke(args=["seed", "--seeds-dir", str(seeds_dir)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_the_seed_reports_korean_coverage_and_stores_null_where_there_is_none(
    empty_app, seeds_copy
):
    places = read_yaml(seeds_copy / "places.yaml")
    del places[2]["name_ko"]  # china: no Korean name yet
    write_yaml(seeds_copy / "places.yaml", places)
    journeys = read_yaml(seeds_copy / "journeys.yaml")
    journeys[0]["legs"][1]["summary_ko"] = None  # null is "none yet" too
    write_yaml(seeds_copy / "journeys.yaml", journeys)
    result = seed_cli(empty_app, seeds_copy)
    assert result.exit_code == 0, result.output
    assert (
        "Korean text: 19/20 places, 8/8 journeys, 17/18 legs, 35/35 hazards,"
        " 18/18 discrepancies, 36/36 discrepancy sides." in result.output
    )
    with empty_app.app_context():
        china = db.session.scalars(select(Place).filter_by(slug="china")).one()
        assert (china.name, china.name_ko) == ("China", None)
        assert china.anchor_note_ko is not None
        leg = stored_records()["leg"]["roh-family:2"]
        assert leg.summary_ko is None and leg.summary


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        (
            "places.yaml",
            lambda records: records[0].update(name_ko="North Korea"),
            ["place 'north-korea'", "'name_ko'", "no Korean (Hangul) letters"],
        ),
        (
            "hazards.yaml",
            lambda records: records[0].update(summary_ko="지뢰\x00"),
            ["hazard 'landmines-inter-korean-border'", "'summary_ko'", "NUL"],
        ),
        (
            "journeys.yaml",
            lambda records: records[0]["legs"][2].update(summary_ko="   "),
            ["journey 'roh-family', leg 3", "'summary_ko'", "must be non-empty text"],
        ),
        (
            "discrepancies.yaml",
            lambda records: records[1]["sides"][0].update(label_ko=42),
            ["discrepancy 'pastor-name', side 1", "'label_ko' must be text"],
        ),
    ],
)
def test_the_seed_refuses_korean_text_without_hangul_with_a_nul_or_empty(
    empty_app, seeds_copy, file, change, expected
):
    records = read_yaml(seeds_copy / file)
    change(records)
    write_yaml(seeds_copy / file, records)
    result = seed_cli(empty_app, seeds_copy)
    assert result.exit_code == 1, result.output
    assert f"seeds/{file}" in result.stderr
    for words in expected:
        assert words in result.stderr, f"{words!r} not in:\n{result.stderr}"
    assert "the database is unchanged" in result.stderr
    with empty_app.app_context():
        assert db.session.scalars(select(Place)).first() is None


def revision(app: Flask) -> tuple[int, str]:
    with app.app_context():
        row = db.session.get(DatasetRevision, 1)
        assert row is not None
        return row.number, row.content_hash


def test_a_korean_change_moves_the_dataset_revision_and_an_unchanged_reseed_does_not(
    empty_app, seeds_copy
):
    seed(empty_app, seeds_copy)
    first = revision(empty_app)
    seed(empty_app, seeds_copy)
    assert revision(empty_app) == first  # unchanged data: same hash, same number

    hazards = read_yaml(seeds_copy / "hazards.yaml")
    hazards[3]["summary_ko"] = hazards[3]["summary_ko"] + " 고친 문장."
    write_yaml(seeds_copy / "hazards.yaml", hazards)
    seed(empty_app, seeds_copy)
    second = revision(empty_app)
    assert second[1] != first[1], "the content hash ignored a Korean change"
    assert second[0] > first[0], "the revision did not move on with a Korean change"
    with empty_app.app_context():
        hazard = db.session.scalars(select(Hazard).filter_by(slug=hazards[3]["slug"])).one()
        assert hazard.summary_ko.endswith(" 고친 문장.")

    seed(empty_app, seeds_copy)
    assert revision(empty_app) == second


# ---------------------------------------------------------------- the editor


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_app(tmp_path_factory.mktemp("korean") / "korean.sqlite")
    seed(app)
    yield app


@pytest.fixture(scope="module")
def ed(app: Flask) -> Editor:
    return Editor(*editor_client(app, "hangul-editor"))


def form_values(editor: Editor, path: str) -> dict[str, Any]:
    """Every field of the form on `path` as loaded (inputs, textareas, selected options,
    checked boxes) and its lock version: what a browser would send back unchanged."""
    page = text_of(editor.get(path))
    found: dict[str, Any] = {}
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
        found.setdefault(name, []).append(value)
    if not path.endswith("/new"):  # a new record's form has no version yet
        found["lock_version"] = editor.version(path)
    return found


def leg_path(app: Flask) -> str:
    with app.app_context():
        return f"/edit/legs/{stored_records()['leg']['soyeon-lee:2'].id}"


FORMS = [
    ("journey", "/edit/journeys/hyeonseo-lee", "hyeonseo-lee", ("title_ko", "summary_ko")),
    ("place", "/edit/places/vientiane", "vientiane", ("name_ko", "anchor_note_ko")),
    ("hazard", "/edit/hazards/famine", "famine", ("name_ko", "summary_ko")),
    ("leg", None, "soyeon-lee:2", ("summary_ko",)),
]


def stored(app: Flask, kind: str, key: str) -> Any:
    with app.app_context():
        record = stored_records()[kind][key]
        db.session.expunge(record)
        return record


@pytest.mark.parametrize(("kind", "path", "key", "names"), FORMS)
def test_every_form_shows_the_korean_fields_beside_the_english_marked_as_korean(
    app, ed, kind, path, key, names
):
    page = text_of(ed.get(path or leg_path(app)))
    record = stored(app, kind, key)
    for name in names:
        english = name.removesuffix("_ko")
        # The Korean field follows its English field, says it is Korean, holds the text.
        assert page.index(f'id="f-{english}"') < page.index(f'id="f-{name}"')
        tag = re.search(rf'<(?:input|textarea) id="f-{name}" name="{name}"[^>]*>', page)
        assert tag and 'lang="ko"' in tag.group(0), name
        assert str(escape(getattr(record, name))) in page  # as Jinja escapes it
        assert re.search(rf'<label for="f-{name}">[^<]*Korean', page), name


@pytest.mark.parametrize(("kind", "path", "key", "names"), FORMS)
def test_an_editor_saves_korean_text_through_the_real_form(app, ed, kind, path, key, names):
    path = path or leg_path(app)
    values = form_values(ed, path)
    typed = {name: f"편집자가 고친 {name} — “인용 없음” <b>굵게</b>" for name in names}
    response = ed.post(path, {**values, **{n: v + "\r\n" for n, v in typed.items()}})
    assert response.status_code == 303, text_of(response)[:3000]
    record = stored(app, kind, key)
    for name, value in typed.items():
        assert getattr(record, name) == value  # stored as typed (CRLF and ends trimmed)
        english = name.removesuffix("_ko")
        assert getattr(record, english) == values[english]  # the English is untouched
    page = text_of(ed.get(path))
    assert str(escape(typed[names[0]])) in page  # shown back, escaped


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("The English pasted by mistake.", "has no Korean (Hangul) letters"),
        ("한국어\x00요약", "NUL"),
    ],
)
@pytest.mark.parametrize(("kind", "path", "key", "names"), FORMS)
def test_the_editor_refuses_korean_text_without_hangul_or_with_a_nul(
    app, ed, kind, path, key, names, typed, message
):
    path = path or leg_path(app)
    name = names[-1]
    before_record, before_rows = stored(app, kind, key), counts(app)
    response = ed.post(path, {**form_values(ed, path), name: typed})
    assert response.status_code == 422
    page = html.unescape(text_of(response))
    assert "Nothing was saved." in page and message in page
    assert re.search(rf'class="field-error" id="e-{name}"', page), "no message at the field"
    assert counts(app) == before_rows
    assert getattr(stored(app, kind, key), name) == getattr(before_record, name)


def test_emptying_a_korean_field_stores_null_so_the_english_is_shown(app, ed):
    path = "/edit/hazards/rape"
    response = ed.post(path, {**form_values(ed, path), "summary_ko": "  "})
    assert response.status_code == 303, text_of(response)[:2000]
    hazard = stored(app, "hazard", "rape")
    assert hazard.summary_ko is None and hazard.summary and hazard.name_ko


def test_a_conflict_shows_both_korean_versions_and_the_history_diff_shows_the_change(app, ed):
    other = Editor(*editor_client(app, "second-hangul-editor"))
    path = "/edit/journeys/tumen-river-failed-escape"
    mine, theirs = form_values(ed, path), form_values(other, path)
    old = mine["summary_ko"]
    saved = ed.post(path, {**mine, "summary_ko": "먼저 저장한 요약."})
    assert saved.status_code == 303
    response = other.post(path, {**theirs, "summary_ko": "나중에 보낸 요약."})
    assert response.status_code == 409
    page = text_of(response)
    assert "먼저 저장한 요약." in page and "나중에 보낸 요약." in page
    assert page.index("먼저 저장한 요약.") < page.index("나중에 보낸 요약.")  # theirs, yours
    assert re.search(r'<td class="theirs" lang="ko">먼저 저장한 요약\.</td>', page)
    assert re.search(r'<td class="yours" lang="ko">나중에 보낸 요약\.</td>', page)
    assert stored(app, "journey", "tumen-river-failed-escape").summary_ko == "먼저 저장한 요약."

    journey_id = stored(app, "journey", "tumen-river-failed-escape").id
    data = ed.get(f"/history/journey/{journey_id}.json").get_json()
    (change,) = [c for c in data["versions"][0]["changes"] if c["field"] == "summary_ko"]
    assert (change["before"], change["after"]) == (old, "먼저 저장한 요약.")
    history = text_of(ed.get(f"/history/journey/{journey_id}"))
    assert "summary_ko" in history and "먼저 저장한 요약." in history


def test_new_records_are_created_with_their_korean_text(app, ed):
    quote = {
        "cite_source": "worth-watching",
        "cite_quote": "The pastor and his church initiate the rescue.",
    }
    journey = {
        "title": "A test journey",
        "title_ko": "시험용 여정",
        "slug": "korean-test-journey",
        "who": "Nobody",
        "who_ko": "아무도 아님",
        "kind": "journey",
        "outcome": "captured",
        "outcome_label": "Test",
        "outcome_label_ko": "시험",
        "summary": "A summary.",
        "summary_ko": "요약.",
    }
    assert ed.post("/edit/journeys/new", journey).status_code == 303
    place = {
        **form_values(ed, "/edit/places/new"),
        "name": "Test town",
        "name_ko": "시험 마을",
        "slug": "korean-test-town",
        "anchor_lat": "17.9",
        "anchor_lon": "102.6",
        "anchor_note": "Test.",
        "anchor_note_ko": "시험용 기준점.",
        **quote,
    }
    response = ed.post("/edit/places/new", place)
    assert response.status_code == 303, text_of(response)[:3000]
    hazard = {
        **form_values(ed, "/edit/hazards/new"),
        "name": "Test hazard",
        "name_ko": "시험용 위험",
        "slug": "korean-test-hazard",
        "kind": "arrest",
        "summary": "A hazard.",
        "summary_ko": "위험 요약.",
        **quote,
    }
    response = ed.post("/edit/hazards/new", hazard)
    assert response.status_code == 303, text_of(response)[:3000]
    with app.app_context():
        places = {p.slug: p.id for p in db.session.scalars(select(Place))}
    leg = {
        "from_place_id": str(places["north-korea"]),
        "to_place_id": str(places["korean-test-town"]),
        "route": "untold",
        "summary": "A leg.",
        "summary_ko": "구간 요약.",
        **quote,
    }
    response = ed.post("/edit/journeys/korean-test-journey/legs/new", leg)
    assert response.status_code == 303, text_of(response)[:3000]

    made = stored(app, "journey", "korean-test-journey")
    assert (made.title_ko, made.who_ko, made.outcome_label_ko, made.summary_ko) == (
        "시험용 여정",
        "아무도 아님",
        "시험",
        "요약.",
    )
    town = stored(app, "place", "korean-test-town")
    assert (town.name_ko, town.anchor_note_ko) == ("시험 마을", "시험용 기준점.")
    danger = stored(app, "hazard", "korean-test-hazard")
    assert (danger.name_ko, danger.summary_ko) == ("시험용 위험", "위험 요약.")
    assert stored(app, "leg", "korean-test-journey:1").summary_ko == "구간 요약."


# ---------------------------------------------------------------- export / import


def test_export_import_export_keeps_every_korean_column_byte_for_byte(app, ed, tmp_path):
    path = "/edit/places/seoul"
    response = ed.post(path, {**form_values(ed, path), "name_ko": "서울 (편집됨) “따옴표” & 기호"})
    assert response.status_code == 303
    first = tmp_path / "first.json"
    result = app.test_cli_runner().invoke(args=["export", str(first)])
    assert result.exit_code == 0, result.output
    tables = json.loads(first.read_text("utf-8"))["tables"]
    for kind, fields in KOREAN_FIELDS.items():
        columns = tables[kind]["columns"]
        rows = [dict(zip(columns, row, strict=True)) for row in tables[kind]["rows"]]
        assert rows, kind
        for korean in fields:
            assert korean in columns, f"{kind}.{korean} is not exported"
            assert any(row[korean] for row in rows), f"{kind}.{korean} exported empty"
    places = tables["place"]
    seoul = [
        dict(zip(places["columns"], row, strict=True))
        for row in places["rows"]
        if dict(zip(places["columns"], row, strict=True))["slug"] == "seoul"
    ]
    assert seoul[0]["name_ko"] == "서울 (편집됨) “따옴표” & 기호"

    fresh = make_app(tmp_path / "fresh.sqlite")
    result = fresh.test_cli_runner().invoke(args=["import", str(first)])
    assert result.exit_code == 0, result.output
    second = tmp_path / "second.json"
    assert fresh.test_cli_runner().invoke(args=["export", str(second)]).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    with fresh.app_context():
        seoul_place = db.session.scalars(select(Place).filter_by(slug="seoul")).one()
        assert seoul_place.name_ko == "서울 (편집됨) “따옴표” & 기호"


# ---------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_an_editor_types_korean_in_chromium_and_sees_it_saved_or_refused(browser, tmp_path_factory):
    from auth_helpers import PASSWORD, make_user
    from browser_helpers import watched_page
    from conftest import LiveServer
    from playwright.sync_api import expect

    app = make_app(tmp_path_factory.mktemp("korean-browser") / "browser.sqlite")
    seed(app)
    make_user(app, "hangul", "editor")
    with (
        LiveServer(app) as server,
        watched_page(browser, server.url) as (page, watch, _),
    ):
        page.goto(server.url + "/login")
        page.get_by_label("Name").fill("hangul")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator(".session-name")).to_have_text("hangul")

        page.goto(server.url + "/edit/hazards/famine")
        korean = page.get_by_label("Summary in Korean")
        assert korean.get_attribute("lang") == "ko"
        expect(korean).to_have_value(re.compile("기근과 식량 부족"))
        expect(page.get_by_label("Name in Korean")).to_have_value("기근, 식량 부족과 경제 위기")

        # The English pasted into the Korean box: refused, said beside the field.
        korean.fill("Famine, food shortages and an economic crisis drive people to flee.")
        page.get_by_role("button", name="Save the hazard").click()
        expect(page.locator("#e-summary_ko")).to_contain_text("no Korean (Hangul) letters")
        expect(page.get_by_role("alert")).to_contain_text("Nothing was saved.")

        korean = page.get_by_label("Summary in Korean")
        korean.fill("브라우저에서 고친 요약: 기근이 사람들을 떠나게 한다.")
        page.get_by_role("button", name="Save the hazard").click()
        expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
        expect(page.get_by_label("Summary in Korean")).to_have_value(
            "브라우저에서 고친 요약: 기근이 사람들을 떠나게 한다."
        )
        expect(page.get_by_label("Summary", exact=True)).to_have_value(
            re.compile("^Famine, food shortages, an economic crisis")
        )
        assert watch.offsite == [], watch.offsite
        # Only the refused save answered with an error status (its 422).
        assert [f.split(" ")[0] for f in watch.failed] == ["422"], watch.failed
    with app.app_context():
        hazard = db.session.scalars(select(Hazard).filter_by(slug="famine")).one()
        assert hazard.summary_ko == "브라우저에서 고친 요약: 기근이 사람들을 떠나게 한다."
        assert hazard.summary.startswith("Famine, food shortages")
