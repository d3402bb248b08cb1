"""Injection: 200+ hostile strings typed into every text field through the editor's real
forms, then every page type opened in Chromium: nothing runs, every string reads as typed.

The corpus is tests/hostile_corpus.py. An editor logs in and, through the same HTTP forms
a browser submits (their field names checked against the rendered forms, the CSRF token
sent), builds an atlas of hostile records only: three sources (one whose text is the whole
corpus, one line per string), places, three journeys with their legs, hazards, and a
citation of every single-line string selected in the hostile source. Short text inputs get
as many strings as fit (joined by " ‖ "); textareas get several, the 10,000+ character
strings among them. Every string lands in at least one field shown on a public page.

The browser opens the journey pages (every popup, tooltip and marker title of the map, the
itinerary, the Embed form's code), the source pages (with ?cite= highlights), /hazards,
/discrepancies, the indexes and home, the embeds, the presentations (every slide), the
handouts, the history pages, the not-found pages, and the editor's own pages (dashboard,
every edit form, the citation reader, the 409 conflict page), with the Content-Security-
Policy switched off (`bypass_csp`): the escaping alone must keep every payload inert. (With
the policy on, one test finds not one violation: nothing even tried.) The HTML as served
is parsed too: no element, attribute, handler or URL the corpus would inject. A payload
that ran would set `window.__pwned`, open a dialog or raise an error; none may, and no
element or attribute of the corpus's may appear in the live DOM. Then the words: each
text is compared with the exact textContent of the element the template puts it in (not
"the page contains it"). Two documented differences
are the map's: its popups are one line of HTML, so runs of ASCII whitespace show as one
space (as HTML shows them anyway), and its tooltips and marker titles leave out C0 control
characters (`app/escaping.map_text`). The JSON twins must carry every string byte for byte.

NUL cannot be stored (PostgreSQL) and is refused with a message naming the field; lone
surrogates cannot be sent as UTF-8 (see tests/hostile_corpus.py).
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote as urlquote

import pytest
from auth_helpers import PASSWORD, editor_client, make_user
from browser_helpers import ATLAS_READY, Dialogs, open_popup
from conftest import LiveServer, PageWatch, make_app
from editor_helpers import Editor, counts, text_of
from flask import Flask
from hostile_corpus import CORPUS, NUL_STRINGS, Hostile
from playwright.sync_api import expect

from app.vocabulary import HAZARD_KINDS

JOIN = " \u2016 "  # how several strings share one field
PWNED = "() => typeof window.__pwned === 'undefined' ? null : String(window.__pwned)"
ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
C0 = re.compile(r"[\x00-\x08\x0b-\x1f]")
FIELD_NAME = re.compile(r'\bname="([^"]+)"')


def in_popup(text: str) -> str:
    """What a map popup shows: its HTML is one line (app/maps/popups.py)."""
    return ASCII_SPACE.sub(" ", text).strip()


def in_tooltip(text: str) -> str:
    """What a tooltip or marker title shows: map_text leaves out C0 controls."""
    return C0.sub("", text)


# --------------------------------------------------------------------- what is typed


@dataclass
class Slot:
    """One text field of one record, and the corpus strings typed into it."""

    record: str
    name: str
    max_len: int | None  # None: a textarea without limit
    public: bool = True  # shown on a public page (not only in history and JSON)
    strings: list[Hostile] = field(default_factory=list)

    @property
    def multiline(self) -> bool:
        return self.max_len is None

    @property
    def value(self) -> str:
        return JOIN.join(h.text for h in self.strings)

    def fits(self, h: Hostile) -> bool:
        if not self.multiline and (not h.single_line or h.long):
            return False
        if self.max_len is not None and len(self.value) + len(JOIN) + len(h.text) > self.max_len:
            return False
        full = len(self.strings) >= 5 or (h.long and self._longs() >= 1)
        return not (self.multiline and full)

    def _longs(self) -> int:
        return sum(s.long for s in self.strings)


def pack(slots: list[Slot]) -> None:
    """Fill the slots round-robin from the corpus, strings not yet typed first, so every
    string lands somewhere and every field gets many."""
    unused = list(CORPUS)
    cycle = itertools.cycle(CORPUS)
    for _ in range(6):  # passes: each slot takes one more string per pass
        for slot in slots:
            candidates = unused + [next(cycle) for _ in range(len(CORPUS))]
            for h in candidates:
                if h not in slot.strings and slot.fits(h):
                    slot.strings.append(h)
                    if h in unused:
                        unused.remove(h)
                    break
    assert all(slot.strings for slot in slots)


SOURCE_FIELDS = [("label", 300), ("title", 300), ("author", 200), ("outlet", 200), ("notes", None)]
JOURNEY_FIELDS = [("title", 300), ("who", 300), ("outcome_label", 300), ("summary", None)]
PLACE_FIELDS = [("name", 200), ("provenance_note", None), ("anchor_note", None)]
HAZARD_FIELDS = [("name", 300), ("summary", None)]

SOURCES = ["hostile-text", "hostile-untitled", "hostile-notes"]
JOURNEYS = ["hostile-one", "hostile-two", "hostile-three"]
# slug, kind, precision, area (kind, extra), anchor, provenance
PLACES: list[tuple[str, str, str, dict[str, str], tuple[float, float] | None, str]] = [
    ("p-city", "city", "city", {"area_kind": "circle", "circle_km": "30"}, (40.1, 124.4), "stated"),
    (
        "p-point",
        "facility",
        "point",
        {"area_kind": "circle", "circle_km": "1"},
        (41.8, 123.4),
        "editorial",
    ),
    (
        "p-country",
        "country",
        "country",
        {"area_kind": "natural_earth", "area_country": "156"},
        (35.0, 104.0),
        "stated",
    ),
    (
        "p-river",
        "river",
        "river",
        {"area_kind": "line", "line_points": "22.3, 100.1\n21.0, 101.2\n20.3, 100.4"},
        (21.0, 101.2),
        "editorial",
    ),
    (
        "p-laos",
        "country",
        "country",
        {"area_kind": "natural_earth", "area_country": "418"},
        (18.0, 103.0),
        "editorial",
    ),
    (
        "p-region",
        "region",
        "region",
        {"area_kind": "circle", "circle_km": "150"},
        (13.8, 100.5),
        "stated",
    ),
    (
        "p-camp",
        "camp",
        "city",
        {"area_kind": "circle", "circle_km": "20"},
        (15.0, 104.0),
        "editorial",
    ),
    ("p-unknown", "facility", "unknown", {"area_kind": "none"}, None, "editorial"),
]
# journey -> legs (from, to, route)
LEGS = {
    "hostile-one": [
        ("p-city", "p-point", "known"),
        ("p-point", "p-country", "known"),
        ("p-country", "p-river", "untold"),
        ("p-river", "p-laos", "known"),
    ],
    "hostile-two": [
        ("p-laos", "p-region", "known"),
        ("p-region", "p-camp", "known"),
        ("p-camp", "p-unknown", "untold"),
    ],
    "hostile-three": [
        ("p-camp", "p-city", "known"),
        ("p-city", "p-river", "known"),
        ("p-river", "p-point", "known"),
    ],
}
# slug, kind, place, journeys, legs as (journey, order)
HAZARDS: list[tuple[str, str, str | None, list[str], list[tuple[str, int]]]] = [
    ("h-mines", "landmines", "p-city", ["hostile-one", "hostile-three"], [("hostile-one", 1)]),
    ("h-river", "river-crossing", "p-river", ["hostile-one"], [("hostile-one", 4)]),
    ("h-broker", "broker-betrayal", "p-laos", ["hostile-two"], [("hostile-two", 1)]),
    ("h-arrest", "arrest", "p-laos", ["hostile-two"], []),
    ("h-camp", "detention", "p-camp", ["hostile-two", "hostile-three"], [("hostile-three", 1)]),
    ("h-nowhere", "surveillance", None, ["hostile-one"], []),
    ("h-unknown", "torture", "p-unknown", ["hostile-two"], [("hostile-two", 3)]),
]


@dataclass
class Atlas:
    app: Flask
    ed: Editor
    slots: dict[tuple[str, str], Slot]
    source_text: str
    quotes: dict[str, list[str]]  # record ("leg:hostile-one:1", "hazard:h-mines"...) -> quotes
    keys: dict[str, str]  # quote -> citation key
    ids: dict[str, int]  # record -> database id
    deleted_hazard: str
    edited_summary: tuple[str, str]  # the first journey's summary before and after an edit
    build_seconds: float = 0.0
    server: LiveServer | None = None

    def typed(self, record: str, name: str) -> str:
        return self.slots[(record, name)].value

    def place_name(self, slug: str) -> str:
        return self.typed(f"place:{slug}", "name")

    def source_name(self, slug: str) -> str:
        return self.typed(f"source:{slug}", "title") or self.typed(f"source:{slug}", "label")


def make_slots() -> dict[tuple[str, str], Slot]:
    slots: list[Slot] = []
    for slug in SOURCES:
        for name, limit in SOURCE_FIELDS:
            if slug == "hostile-untitled" and name == "title":
                continue  # a source without a stated title is named by its label
            slots.append(Slot(f"source:{slug}", name, limit))
    for slug in JOURNEYS:
        for name, limit in JOURNEY_FIELDS:
            slots.append(Slot(f"journey:{slug}", name, limit))
        for order in range(1, len(LEGS[slug]) + 1):
            slots.append(Slot(f"leg:{slug}:{order}", "summary", None))
    for slug, *_, provenance in PLACES:
        for name, limit in PLACE_FIELDS:
            shown = name == "name" or (name == "provenance_note" and provenance == "editorial")
            slots.append(Slot(f"place:{slug}", name, limit, public=shown))
    for slug, *_ in HAZARDS:
        for name, limit in HAZARD_FIELDS:
            slots.append(Slot(f"hazard:{slug}", name, limit))
    pack(slots)
    by_key = {(s.record, s.name): s for s in slots}
    by_key[("source:hostile-untitled", "title")] = Slot("source:hostile-untitled", "title", 300)
    return by_key


def form_names(ed: Editor, path: str) -> set[str]:
    page = ed.get(path)
    assert page.status_code == 200, path
    return set(FIELD_NAME.findall(text_of(page)))


def post_form(ed: Editor, form_path: str, action: str, data: dict[str, Any], **kw: Any) -> Any:
    """Submit `data` as the form on `form_path` would: only fields the form has."""
    names = form_names(ed, form_path)
    unknown = set(data) - names - {"upload"}
    assert not unknown, f"{form_path} has no field {sorted(unknown)}"
    response = ed.post(action, data, **kw)
    assert response.status_code == 303, (action, text_of(response)[:3000])
    return response


def build(app: Flask) -> Atlas:
    started = time.perf_counter()
    ed = Editor(*editor_client(app, "hostile-editor"))
    slots = make_slots()
    lines = [h.text for h in CORPUS if h.single_line]
    source_text = "\n".join(lines) + "\n"
    offsets = {}
    at = 0
    for line in lines:
        offsets[line] = at
        at += len(line) + 1
    atlas = Atlas(app, ed, slots, source_text, {}, {}, {}, "h-deleted", ("", ""))

    def v(record: str, name: str) -> str:
        return atlas.typed(record, name)

    # Sources, through the multipart form (it also takes uploads).
    texts = {
        "hostile-text": source_text,
        "hostile-untitled": "\n".join(h.text for h in CORPUS[::37]),
        "hostile-notes": "\n".join(h.text for h in CORPUS[5::41]),
    }
    for slug in SOURCES:
        data = {name: v(f"source:{slug}", name) for name, _ in SOURCE_FIELDS}
        data.update(slug=slug, text=texts[slug], date="2024-02")
        post_form(
            ed, "/edit/sources/new", "/edit/sources/new", data, content_type="multipart/form-data"
        )

    unquoted = list(lines)

    def cite_fields() -> dict[str, str]:
        quote = unquoted.pop(0)
        start = offsets[quote]
        return {
            "cite_source": "hostile-text",
            "cite_quote": quote,
            "cite_start": str(start),
            "cite_end": str(start + len(quote)),
        }

    def remember(record: str, data: dict[str, str]) -> None:
        atlas.quotes.setdefault(record, []).append(data["cite_quote"])

    for slug, kind, precision, area, anchor, provenance in PLACES:
        record = f"place:{slug}"
        data = {name: v(record, name) for name, _ in PLACE_FIELDS}
        data.update(slug=slug, kind=kind, precision=precision, provenance=provenance, **area)
        if anchor:
            data.update(anchor_lat=str(anchor[0]), anchor_lon=str(anchor[1]))
        else:
            data["anchor_note"] = ""  # no anchor, no anchor note
            atlas.slots[(record, "anchor_note")].strings.clear()
        cite = cite_fields()
        post_form(ed, "/edit/places/new", "/edit/places/new", {**data, **cite})
        remember(record, cite)

    for n, slug in enumerate(JOURNEYS):
        record = f"journey:{slug}"
        data = {name: v(record, name) for name, _ in JOURNEY_FIELDS}
        outcome = ["reached-safety", "captured", "betrayed"][n]
        data.update(slug=slug, kind="journey", outcome=outcome)
        post_form(ed, "/edit/journeys/new", "/edit/journeys/new", data)
    with app.app_context():
        from app.extensions import db
        from app.models import Journey, Place

        for slug in JOURNEYS:
            atlas.ids[f"journey:{slug}"] = db.session.query(Journey).filter_by(slug=slug).one().id
        for slug, *_ in PLACES:
            atlas.ids[f"place:{slug}"] = db.session.query(Place).filter_by(slug=slug).one().id

    for slug, legs in LEGS.items():
        for order, (a, b, route) in enumerate(legs, 1):
            record = f"leg:{slug}:{order}"
            data = {
                "from_place_id": str(atlas.ids[f"place:{a}"]),
                "to_place_id": str(atlas.ids[f"place:{b}"]),
                "route": route,
                "summary": v(record, "summary"),
            }
            cite = cite_fields()
            path = f"/edit/journeys/{slug}/legs/new"
            response = post_form(ed, path, path, {**data, **cite})
            atlas.ids[record] = int(response.headers["Location"].rsplit("#leg-", 1)[1])
            remember(record, cite)

    hazards = [*HAZARDS, (atlas.deleted_hazard, "pursuit", "p-city", ["hostile-one"], [])]
    for slug, kind, place, journeys, legs in hazards:
        record = f"hazard:{slug}"
        if slug == atlas.deleted_hazard:
            data = {"name": v("hazard:h-mines", "name"), "summary": v("hazard:h-camp", "summary")}
        else:
            data = {name: v(record, name) for name, _ in HAZARD_FIELDS}
        data.update(
            slug=slug, kind=kind, place_id=str(atlas.ids[f"place:{place}"]) if place else ""
        )
        data["journey_ids"] = [str(atlas.ids[f"journey:{j}"]) for j in journeys]  # type: ignore[assignment]
        data["leg_ids"] = [str(atlas.ids[f"leg:{j}:{o}"]) for j, o in legs]  # type: ignore[assignment]
        if slug == atlas.deleted_hazard:  # it takes its citation with it: a quote cited anew
            quote = lines[0]
            cite = {"cite_source": "hostile-text", "cite_quote": quote}
        else:
            cite = cite_fields()
        post_form(ed, "/edit/hazards/new", "/edit/hazards/new", {**data, **cite})
        remember(record, cite)

    # Every other single-line string is cited by some record, selected in the source.
    targets = (
        [("leg", f"leg:{j}:{o}") for j in JOURNEYS for o in range(1, len(LEGS[j]) + 1)]
        + [("hazard", f"hazard:{h[0]}") for h in HAZARDS]
        + [("place", f"place:{p[0]}") for p in PLACES]
        + [("journey", f"journey:{j}") for j in JOURNEYS]
    )
    with app.app_context():
        from app.extensions import db
        from app.models import Hazard

        for slug, *_ in hazards:
            atlas.ids[f"hazard:{slug}"] = db.session.query(Hazard).filter_by(slug=slug).one().id
    names = None
    for n in itertools.count():
        if not unquoted:
            break
        kind, record = targets[n % len(targets)]
        path = f"/edit/cite/{kind}/{atlas.ids[record]}"
        if names is None:
            names = form_names(ed, path)
        cite = cite_fields()
        assert set(cite) <= names | {"cite_source"}
        # Some quotes carry a content note: the classroom setting hides them in <details>.
        tags = ["violence", "death"] if n % 3 == 0 else []
        response = ed.post(path, {**cite, "cite_sensitivity": tags})
        assert response.status_code == 303, text_of(response)[:2000]
        remember(record, cite)

    # An edit (the history shows the change word by word) and a deletion.
    path = f"/edit/journeys/{JOURNEYS[0]}"
    record = f"journey:{JOURNEYS[0]}"
    before = v(record, "summary")
    summary = atlas.slots[(record, "summary")]
    summary.strings = list(reversed(summary.strings))
    data = {name: v(record, name) for name, _ in JOURNEY_FIELDS}
    data.update(slug=JOURNEYS[0], kind="journey", outcome="reached-safety")
    post_form(ed, path, path, {**data, "lock_version": ed.version(path)})
    atlas.edited_summary = (before, summary.value)
    path = f"/edit/hazards/{atlas.deleted_hazard}"
    response = ed.post(path + "/delete", {"lock_version": ed.version(path)})
    assert response.status_code == 303, text_of(response)[:2000]

    with app.app_context():
        from app.extensions import db
        from app.models import Citation

        atlas.keys = {c.exact: c.key for c in db.session.query(Citation)}
    atlas.build_seconds = time.perf_counter() - started
    return atlas


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Atlas]:
    app = make_app(tmp_path_factory.mktemp("injection") / "injection.sqlite")
    built = build(app)
    print(f"\nbuilt the hostile atlas through the editor in {built.build_seconds:.1f} s")
    yield built


# --------------------------------------------------------------------- coverage


def test_every_string_is_typed_into_a_field_shown_on_a_public_page(atlas):
    slots = [s for s in atlas.slots.values() if s.strings]
    shown = {h.number for s in slots if s.public for h in s.strings}
    shown |= {h.number for h in CORPUS if h.text in atlas.keys}  # every quote is shown
    assert shown == {h.number for h in CORPUS}
    kinds = {(s.record.split(":")[0], s.name) for s in slots}
    assert len(kinds) == len(SOURCE_FIELDS) + len(JOURNEY_FIELDS) + 1 + 3 + 2
    per_field: dict[tuple[str, str], int] = {}
    for s in slots:
        key = (s.record.split(":")[0], s.name)
        per_field[key] = per_field.get(key, 0) + len(s.strings)
    assert min(per_field.values()) >= 5, per_field
    assert len(atlas.keys) == sum(h.single_line for h in CORPUS)


# --------------------------------------------------------------------- expectations


def leg_label(atlas: Atlas, journey: str, order: int) -> str:
    a, b, _ = LEGS[journey][order - 1]
    return f"{atlas.place_name(a)} \u2192 {atlas.place_name(b)}"


def hazard_spec(slug: str) -> tuple[str, str, str | None, list[str], list[tuple[str, int]]]:
    return next(h for h in HAZARDS if h[0] == slug)


def place_spec(slug: str) -> tuple[Any, ...]:
    return next(p for p in PLACES if p[0] == slug)


def journey_hazards(journey: str) -> list[str]:
    return [h[0] for h in HAZARDS if journey in h[3]]


def source_names(atlas: Atlas) -> set[str]:
    return {atlas.source_name(s) for s in SOURCES}


def cited_by_labels(atlas: Atlas) -> set[str]:
    labels = {f"place: {atlas.place_name(p[0])}" for p in PLACES}
    labels |= {f"hazard: {atlas.typed(f'hazard:{h[0]}', 'name')}" for h in HAZARDS}
    labels |= {f"journey: {atlas.typed(f'journey:{j}', 'title')}" for j in JOURNEYS}
    labels |= {
        f"leg {leg_label(atlas, j, o)}" for j in JOURNEYS for o in range(1, len(LEGS[j]) + 1)
    }
    return labels


def quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


# --------------------------------------------------------------------- JSON twins


def test_the_json_twins_carry_every_string_byte_for_byte(atlas):
    client = atlas.app.test_client()
    seen: set[str] = set()

    def same(got: Any, expected: str, where: str) -> None:
        assert got == expected, f"{where}: {got!r} != {expected!r}"
        seen.add(expected)

    for slug in JOURNEYS:
        data = client.get(f"/journeys/{slug}.json").get_json()
        for name, _ in JOURNEY_FIELDS:
            same(data[name], atlas.typed(f"journey:{slug}", name), f"{slug}.{name}")
        assert [c["quote"] for c in data["citations"]] == atlas.quotes.get(f"journey:{slug}", [])
        for order, leg in enumerate(data["legs"], 1):
            record = f"leg:{slug}:{order}"
            same(leg["summary"], atlas.typed(record, "summary"), record)
            assert leg["label"] == leg_label(atlas, slug, order)
            assert [c["quote"] for c in leg["citations"]] == atlas.quotes[record]
        assert [h["slug"] for h in data["hazards"]] == journey_hazards(slug)
        for hazard in data["hazards"]:
            record = f"hazard:{hazard['slug']}"
            same(hazard["name"], atlas.typed(record, "name"), record)
            same(hazard["summary"], atlas.typed(record, "summary"), record)
            assert [c["quote"] for c in hazard["citations"]] == atlas.quotes[record]
        for place in data["places"]:
            record = f"place:{place['slug']}"
            for name, _ in PLACE_FIELDS:
                typed = atlas.typed(record, name) or None
                assert place[name] == typed, (record, name)
                seen.add(typed or "")
            assert [c["quote"] for c in place["citations"]] == atlas.quotes[record]
        for stop in data["stops"]:
            assert stop["name"] == atlas.place_name(stop["place"])
        geojson = client.get(f"/journeys/{slug}.geojson").get_json()
        names = {f["properties"].get("name") for f in geojson["features"]} - {None}
        expected = {leg_label(atlas, slug, o) for o in range(1, len(LEGS[slug]) + 1)}
        expected |= {atlas.place_name(p[0]) for p in PLACES}
        expected |= {atlas.typed(f"hazard:{h}", "name") for h in journey_hazards(slug)}
        assert names and names <= expected, names - expected
        assert geojson["name"] == atlas.typed(f"journey:{slug}", "title")
        url = f"http://localhost/journeys/{slug}"
        oembed = client.get(f"/oembed?url={urlquote(url, safe='')}&format=json").get_json()
        assert oembed["title"] == atlas.typed(f"journey:{slug}", "title")
        # Its html goes into other sites' pages as it is: one iframe, the title escaped.
        parsed = Markup()
        parsed.feed(oembed["html"])
        assert parsed.problems == ["<iframe> element"] and parsed.titles == [
            f"Map: {oembed['title']} (Escape Route Atlas)"
        ], oembed["html"][:300]

    for slug in SOURCES:
        data = client.get(f"/sources/{slug}.json").get_json()
        assert data["name"] == atlas.source_name(slug)
        for name in ("author", "outlet", "notes"):
            same(data[name], atlas.typed(f"source:{slug}", name), f"{slug}.{name}")
        assert data["stated_title"] == (atlas.typed(f"source:{slug}", "title") or None)
        seen.add(atlas.typed(f"source:{slug}", "label"))
        texts = [p["text"] for p in data["passages"]]
        if slug == "hostile-text":
            assert texts == [h.text for h in CORPUS if h.single_line]
            quotes = [c["quote"] for p in data["passages"] for c in p["cited_by"]]
            assert sorted(set(quotes)) == sorted(atlas.keys)
            seen.update(quotes)
    listed = {s["name"] for s in client.get("/sources.json").get_json()["sources"]}
    assert listed == source_names(atlas)
    titles = {j["title"] for j in client.get("/journeys.json").get_json()["journeys"]}
    assert titles == {atlas.typed(f"journey:{j}", "title") for j in JOURNEYS}

    hazards = client.get("/hazards.json").get_json()
    found = {h["slug"]: h for g in hazards["groups"] for h in g["hazards"]}
    assert set(found) == {h[0] for h in HAZARDS}
    for slug, hazard in found.items():
        assert hazard["name"] == atlas.typed(f"hazard:{slug}", "name")
        assert hazard["summary"] == atlas.typed(f"hazard:{slug}", "summary")
        assert [j["title"] for j in hazard["journeys"]] == [
            atlas.typed(f"journey:{j}", "title") for j in hazard_spec(slug)[3]
        ]
    # Every corpus string came back whole from some twin.
    missing = [h.marker for h in CORPUS if not any(h.text in s for s in seen)]
    assert missing == []


def test_the_history_twins_record_every_string_as_typed(atlas):
    client = atlas.app.test_client()
    for record, ident in atlas.ids.items():
        entity = record.split(":")[0]
        data = client.get(f"/history/{entity}/{ident}.json").get_json()
        created = data["versions"][-1]
        assert created["action"] == "insert" or created["action"] == "create", created["action"]
        after = {c["field"]: c["after"] for c in created["changes"]}
        if record == f"hazard:{atlas.deleted_hazard}":
            assert data["exists"] is False
            assert data["versions"][0]["action"] == "delete"
            continue
        for (slot_record, name), slot in atlas.slots.items():
            if (
                slot_record == record
                and slot.strings
                and not (record == f"journey:{JOURNEYS[0]}" and name == "summary")
            ):
                assert after[name] == slot.value, (record, name)
    before, now = atlas.edited_summary
    ident = atlas.ids[f"journey:{JOURNEYS[0]}"]
    data = client.get(f"/history/journey/{ident}.json").get_json()
    change = next(c for c in data["versions"][0]["changes"] if c["field"] == "summary")
    assert (change["before"], change["after"]) == (before, now)
    assert data["versions"][-1]["changes"]
    first = {c["field"]: c["after"] for c in data["versions"][-1]["changes"]}
    assert first["summary"] == before


# --------------------------------------------------------------------- HTML as served

# Elements the corpus would inject and no page of the atlas has.
FOREIGN_TAGS = {
    "img", "iframe", "video", "audio", "source", "marquee", "object", "embed", "base",
    "template", "noscript", "xmp", "plaintext", "math", "mtext", "mglyph", "animate",
    "custom-element", "isindex", "b", "u", "body-injected",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc"}


class Markup(HTMLParser):
    """The elements and attributes of a page, as an HTML parser reads them."""

    def __init__(self, allowed_scripts: tuple[str, ...] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.bodies = 0
        self.titles: list[str] = []
        # Inline scripts are the atlas's when the response's CSP names their SHA-256.
        self.allowed_scripts = allowed_scripts
        self.script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "body":
            self.bodies += 1
        if tag == "iframe":
            self.titles.append(dict(attrs).get("title") or "")
        if tag in FOREIGN_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "script" and not ({"src"} & names or ("type", "application/json") in attrs):
            self.script = ""
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith(
                ("javascript:", "data:text/html", "vbscript:")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            digest = hashlib.sha256(self.script.encode("utf-8")).digest()
            if f"'sha256-{base64.b64encode(digest).decode()}'" not in self.allowed_scripts:
                self.problems.append(f"a script element not of the atlas: {self.script[:60]}")
            self.script = None


POPUP_MARKUP = re.compile(r'\$\(`(<div id="html_\w+".*?)`\)\[0\]', re.DOTALL)
ACTIVE = re.compile(r"[<>\"'&]")


def public_paths(atlas: Atlas) -> list[str]:
    paths = ["/", "/journeys", "/sources", "/hazards", "/discrepancies", "/history/deleted"]
    for slug in JOURNEYS:
        paths += [
            f"/journeys/{slug}",
            f"/embed/journeys/{slug}",
            f"/present/journeys/{slug}",
            f"/journeys/{slug}/handout",
        ]
    for slug in SOURCES:
        paths.append(f"/sources/{slug}")
    keys = list(atlas.keys.values())
    paths += [f"/sources/hostile-text?cite={key}" for key in keys[::50]]
    paths += [f"/history/{r.split(':')[0]}/{i}" for r, i in atlas.ids.items()]
    return paths


# A slug typed into the address is echoed by the not-found page, which lists the journeys
# or sources that exist (their hostile titles).
HOSTILE_SLUG = urlquote(CORPUS[2].text, safe="")
NOT_FOUND = [
    f"/journeys/{HOSTILE_SLUG}",
    f"/sources/{HOSTILE_SLUG}",
    f"/embed/journeys/{HOSTILE_SLUG}",
    f"/journeys/{HOSTILE_SLUG}/handout",
    f"/present/journeys/{HOSTILE_SLUG}",
]


def test_no_page_carries_a_payload_as_markup(atlas):
    """The HTML as served: every hostile string is escaped wherever it stands."""
    client = atlas.app.test_client()
    risky = [h.text for h in CORPUS if ACTIVE.search(h.text)]
    risky += [s.value for s in atlas.slots.values() if s.strings and ACTIVE.search(s.value)]
    for path in public_paths(atlas) + NOT_FOUND:
        response = client.get(path)
        expected = 404 if path in NOT_FOUND else 200
        assert response.status_code == expected, f"{path} answered {response.status_code}"
        body = response.get_data(as_text=True)
        raw = [text[:60] for text in risky if text in body]
        assert raw == [], f"{path} carries as markup: {raw}"
        policy = response.headers.get("Content-Security-Policy", "")
        parsed = Markup(tuple(re.findall(r"'sha256-[A-Za-z0-9+/=]+'", policy)))
        parsed.feed(body)
        parsed.close()
        assert parsed.problems == [], f"{path}: {parsed.problems[:5]}"
        assert parsed.bodies == 1, path
        # Inside Folium's JavaScript template strings, nothing that means something to
        # JavaScript or to Jinja is left as such.
        for markup in POPUP_MARKUP.findall(body):
            for token in ("`", "${", "{{", "{%", "{#", "\\"):
                assert token not in markup, f"{path}: {token!r} in a popup's template string"


def highlight_sample(atlas: Atlas, every: int = 8) -> dict[str, str]:
    """The long quotes and every n-th other one (each page renders the whole source:
    all of them would take a minute)."""
    quotes = list(atlas.keys)
    return {q: atlas.keys[q] for n, q in enumerate(quotes) if len(q) > 300 or n % every == 0}


def test_a_citation_highlights_exactly_its_words(atlas):
    client = atlas.app.test_client()
    for quote, key in highlight_sample(atlas).items():
        body = client.get(f"/sources/hostile-text?cite={key}").get_data(as_text=True)
        marks = re.findall(rf'<mark id="cite-{key}">(.*?)</mark>', body, re.DOTALL)
        assert [html.unescape(m) for m in marks] == [quote], key


# --------------------------------------------------------------------- refused input


def _nul_cases(atlas: Atlas) -> list[tuple[str, str, dict[str, Any], str, dict[str, Any]]]:
    """(form page, action, valid data, field, extra post arguments) for every text field."""
    place = atlas.ids["place:p-city"]
    cite = {"cite_source": "hostile-text", "cite_quote": CORPUS[0].text}
    source = {"label": "NUL test", "slug": "nul-test", "text": "A line."}
    journey = {
        "title": "NUL test",
        "slug": "nul-test",
        "who": "w",
        "kind": "journey",
        "outcome": "captured",
        "outcome_label": "o",
        "summary": "s",
    }
    place_form = {
        "name": "NUL test",
        "slug": "nul-test",
        "kind": "city",
        "precision": "city",
        "provenance": "editorial",
        "provenance_note": "n",
        "anchor_lat": "1",
        "anchor_lon": "2",
        "anchor_note": "a",
        "area_kind": "circle",
        "circle_km": "5",
        **cite,
    }
    hazard = {"name": "NUL test", "slug": "nul-test", "kind": "arrest", "summary": "s", **cite}
    leg = {
        "from_place_id": str(place),
        "to_place_id": str(place),
        "route": "known",
        "summary": "s",
        **cite,
    }
    multipart = {"content_type": "multipart/form-data"}
    cases = []
    for name in ("label", "title", "author", "outlet", "notes", "text"):
        cases.append(("/edit/sources/new", "/edit/sources/new", source, name, multipart))
    for name in ("title", "who", "outcome_label", "summary"):
        cases.append(("/edit/journeys/new", "/edit/journeys/new", journey, name, {}))
    for name in ("name", "provenance_note", "anchor_note", "cite_quote"):
        cases.append(("/edit/places/new", "/edit/places/new", place_form, name, {}))
    for name in ("name", "summary"):
        cases.append(("/edit/hazards/new", "/edit/hazards/new", hazard, name, {}))
    path = f"/edit/journeys/{JOURNEYS[1]}/legs/new"
    cases.append((path, path, leg, "summary", {}))
    path = f"/edit/cite/hazard/{atlas.ids['hazard:h-arrest']}"
    cases.append((path, path, {"cite_source": "hostile-text", "cite_quote": "x"}, "cite_quote", {}))
    return cases


def test_a_nul_character_is_refused_in_every_text_field_with_a_clear_message(atlas):
    """PostgreSQL cannot store NUL in text: the form says so and nothing is saved."""
    ed = atlas.ed
    before = counts(atlas.app)
    cases = _nul_cases(atlas)
    for form_path, action, valid, name, extra in cases:
        assert name in form_names(ed, form_path) | {"text"}, (form_path, name)
        for nul in NUL_STRINGS:
            response = ed.post(action, {**valid, name: nul}, **extra)
            page = text_of(response)
            assert response.status_code == 422, (action, name, response.status_code)
            assert "contains a NUL character; remove it." in page, (action, name)
            if name != "text" and "/cite/" not in action:
                assert f'has-error" data-field="{name}"' in page, (action, name)
    assert counts(atlas.app) == before
    assert len(cases) >= 18


@pytest.mark.database
def test_a_lone_surrogate_never_reaches_the_database(empty_app):
    """A lone surrogate has no UTF-8 form. Raw bytes ED A0 BD (its WTF-8 encoding) sent
    anyway arrive as U+FFFD in a multipart form, as their %-escaped text in a url-encoded
    one: either way a valid string is stored and shown as stored; nothing fails."""
    ed = Editor(*editor_client(empty_app, "surrogate-editor"))
    token = urlquote(ed.token, safe="")
    body = (
        f"csrf_token={token}&slug=lone&kind=journey&outcome=captured&who=w&outcome_label=o"
        "&summary=s&title=H950+half%ED%A0%BDan+emoji"
    ).encode("ascii")
    response = ed.client.post(
        "/edit/journeys/new", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 303, text_of(response)[:2000]
    title = ed.get("/journeys/lone.json").get_json()["title"]
    assert title == "H950 half%ED%A0%BDan emoji"
    boundary = "XsurrogateX"
    parts = {"csrf_token": ed.token.encode(), "slug": b"lone-source", "text": b"A line."}
    parts["label"] = b"H951 half\xed\xa0\xbdan emoji"
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
            for name, value in parts.items()
        )
        + f"--{boundary}--\r\n".encode()
    )
    response = ed.client.post(
        "/edit/sources/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 303, text_of(response)[:2000]
    name = ed.get("/sources/lone-source.json").get_json()["name"]
    assert name.startswith("H951 half\ufffd") and name.endswith("an emoji")
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in title + name)
    page = text_of(ed.get("/sources/lone-source"))
    assert f"<h1>{html.escape(name, quote=False)}</h1>" in page


# --------------------------------------------------------------------- in the browser

TEXTS = "(sel) => Array.from(document.querySelectorAll(sel), (e) => e.textContent)"
# The text of an element without its leading icon or trailing badge: its own text nodes.
OWN_TEXTS = """(sel) => Array.from(document.querySelectorAll(sel), (e) =>
    Array.from(e.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join(""))"""
# Every feature of the map: its popup opened and read, its tooltip opened and read, its
# marker's title (Leaflet builds popup and tooltip content when they open).
MAP_TEXTS = """() => {
    const entry = window.atlasMaps[0];
    const out = {};
    for (const [key, layer] of Object.entries(entry.features)) {
        entry.map.closePopup();
        if (!entry.map.hasLayer(layer)) entry.map.addLayer(layer);  // hidden by default
        layer.openPopup();
        const c = layer.getPopup().getElement()
            .querySelector(".leaflet-popup-content .atlas-popup");
        const h3 = c.querySelector("h3");
        const next = h3.nextElementSibling;
        layer.openTooltip();
        const tip = layer.getTooltip() && layer.getTooltip().getElement();
        out[key] = {
            kind: c.querySelector(".atlas-popup-kind").textContent,
            title: h3.textContent,
            summary: next && next.tagName === "P" && !next.className ? next.textContent : null,
            quotes: Array.from(c.querySelectorAll("blockquote"), (b) => b.firstChild.textContent),
            tip: tip ? tip.textContent : null,
            iconTitle: layer._icon ? layer._icon.getAttribute("title") : null,
            elements: c.querySelectorAll("*").length,
        };
        layer.closeTooltip();
    }
    entry.map.closePopup();
    return out;
}"""
# Anything in the document (popups included) that markup injection would have made.
DOM_PROBLEMS = """async (allowed) => {
    const foreign = new Set(["IMG", "IFRAME", "VIDEO", "AUDIO", "SOURCE", "MARQUEE", "OBJECT",
        "EMBED", "BASE", "TEMPLATE", "NOSCRIPT", "XMP", "PLAINTEXT", "MATH", "MTEXT", "MGLYPH",
        "ANIMATE", "CUSTOM-ELEMENT", "ISINDEX", "B", "U"]);
    const problems = [];
    // Inline scripts the page's policy names by their SHA-256 (app/security/headers.py).
    const sha256 = async (text) => "'sha256-" + btoa(String.fromCharCode(...new Uint8Array(
        await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))))) + "'";
    for (const e of document.querySelectorAll("*")) {
        if (foreign.has(e.tagName.toUpperCase()) && !e.closest(".leaflet-pane, .leaflet-control")) {
            problems.push("<" + e.tagName + ">");
        }
        for (const a of e.attributes) {
            if (a.name.startsWith("on")) problems.push(e.tagName + " " + a.name);
            if (/^\\s*(javascript|vbscript|data:text\\/html)/i.test(a.value)
                && ["href", "src", "action", "formaction", "data", "srcdoc"].includes(a.name)) {
                problems.push(e.tagName + " " + a.name + "=" + a.value.slice(0, 40));
            }
        }
        if (e.tagName === "SCRIPT" && !e.src && e.type !== "application/json"
            && !allowed.includes(await sha256(e.textContent))) {
            problems.push("inline script: " + e.textContent.slice(0, 60));
        }
    }
    return problems;
}"""
WATCH_VIOLATIONS = """
    window.__violations = [];
    document.addEventListener("securitypolicyviolation",
        (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""


class Inert:
    """A page in a context with the network cut and (by default) the CSP switched off, so
    that only the escaping stands between a payload and its running."""

    def __init__(self, page: Any, watch: PageWatch, dialogs: Dialogs):
        self.page, self.watch, self.dialogs = page, watch, dialogs
        self.pages = 0
        self.allowed: list[str] = []  # the script hashes of the page's CSP

    def open(self, url: str, *, map_page: bool = False, missing: bool = False) -> None:
        response = self.page.goto(url, wait_until="load")
        assert response is not None, url
        policy = response.headers.get("content-security-policy", "")
        self.allowed = re.findall(r"'sha256-[A-Za-z0-9+/=]+'", policy)
        self.pages += 1
        OPENED.append(url)
        if missing:  # a not-found page, as expected: not a failure of the page
            assert response is not None and response.status == 404, url
            self.watch.failed = [f for f in self.watch.failed if f != f"404 {response.url}"]
            self.watch.console_errors = [e for e in self.watch.console_errors if "404" not in e]
        if map_page and not self.page.evaluate(ATLAS_READY):
            pytest.fail(f"{url}: the map was not built; errors: {self.watch.page_errors}")
        self.check(url)

    def check(self, where: str) -> None:
        pwned = self.page.evaluate(PWNED)
        assert pwned is None, f"{where}: the payload of H{int(pwned):03d} ran"
        assert self.dialogs.messages == [], f"{where}: dialogs {self.dialogs.messages}"
        violations = self.page.evaluate("() => window.__violations || []")
        assert violations == [], f"{where}: CSP violations {violations}"
        problems = self.page.evaluate(DOM_PROBLEMS, self.allowed)
        assert problems == [], f"{where}: injected markup {problems[:5]}"
        self.watch.assert_clean()

    def texts(self, selector: str) -> list[str]:
        return list(self.page.evaluate(TEXTS, selector))

    def own_texts(self, selector: str) -> list[str]:
        return list(self.page.evaluate(OWN_TEXTS, selector))

    def text(self, selector: str) -> str:
        found = self.texts(selector)
        assert len(found) == 1, (selector, len(found))
        return found[0]


@contextmanager
def inert_page(browser: Any, origin: str, *, csp: bool = False) -> Iterator[Inert]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=not csp)
    try:
        context.add_init_script(WATCH_VIOLATIONS)
        page = context.new_page()
        watch = PageWatch(origin)
        watch.attach(context, page)
        yield Inert(page, watch, Dialogs(page))
    finally:
        context.close()


OPENED: list[str] = []  # every page the browser tests opened, for the summary


@pytest.fixture(scope="module")
def server(atlas: Atlas) -> Iterator[LiveServer]:
    with LiveServer(atlas.app) as live:
        yield live
    kinds = {url.removeprefix(live.url).split("/")[1].split("?")[0] for url in OPENED}
    print(f"\nthe browser opened {len(OPENED)} pages ({len(set(OPENED))} distinct) of {kinds}")


def popup_expectations(atlas: Atlas, journey: str, data: dict[str, Any]) -> dict[str, Any]:
    """key -> (kind, title, summary, quotes, tooltip, marker title) as typed."""
    title = atlas.typed(f"journey:{journey}", "title")
    out: dict[str, Any] = {}
    for order in range(1, len(LEGS[journey]) + 1):
        record = f"leg:{journey}:{order}"
        label = f"Leg {order}: {leg_label(atlas, journey, order)}"
        out[f"leg-{order}"] = (
            f"Leg \u00b7 {title}",
            label,
            atlas.typed(record, "summary"),
            atlas.quotes[record],
            # Then, for a leg drawn over land or a relocation, its words in brackets.
            label,
            None,
        )
    for stop in data["stops"]:
        name = atlas.place_name(stop["place"])
        label = f"Stop {stop['number']}: {name}"
        quotes = atlas.quotes[f"place:{stop['place']}"]
        out[f"stop-{stop['number']}"] = ("Stop", label, None, quotes, label, label)
    for slug, kind, *_, provenance in PLACES:
        name = atlas.place_name(slug)
        note = (
            atlas.typed(f"place:{slug}", "provenance_note") if provenance == "editorial" else None
        )
        quotes = atlas.quotes[f"place:{slug}"]
        out[f"place-{slug}"] = (
            f"Place \u00b7 {kind}",
            name,
            note,
            quotes,
            f"{name} (approximate)",
            None,
        )
    for slug in journey_hazards(journey):
        record = f"hazard:{slug}"
        kind = HAZARD_KINDS[hazard_spec(slug)[1]].label
        name = atlas.typed(record, "name")
        out[f"hazard-{slug}"] = (
            f"Hazard \u00b7 {kind}",
            name,
            atlas.typed(record, "summary"),
            atlas.quotes[record],
            f"Hazard: {name}",
            f"Hazard: {name}",
        )
    return out


def check_map(inert: Inert, atlas: Atlas, journey: str, data: dict[str, Any]) -> int:
    """Open every popup and tooltip of the page's map and compare every text with what
    was typed; pass the mouse over a popup of each kind. Returns the features checked."""
    page = inert.page
    expected = popup_expectations(atlas, journey, data)
    shown = page.evaluate(MAP_TEXTS)
    assert shown, "the map has no feature"
    for key, got in shown.items():
        kind, title, summary, quotes, tip, marker_title = expected[key]
        assert got["kind"] == in_popup(kind), key
        assert got["title"] == in_popup(title), key
        assert got["summary"] == (in_popup(summary) if summary else None), key
        assert [in_popup(q) for q in got["quotes"]] == [in_popup(quoted(q)) for q in quotes], key
        if key.startswith("leg-"):
            assert got["tip"].strip().startswith(in_tooltip(tip)), key
        else:
            assert got["tip"].strip() == in_tooltip(tip), key
        if marker_title is not None:
            assert got["iconTitle"] == in_tooltip(marker_title), key
    inert.check(f"the map of {journey}, every popup and tooltip opened")
    # A reader's mouse over the popups' text (an injected onmouseover would fire).
    for prefix in ("leg-", "stop-", "place-", "hazard-"):
        key = next((k for k in shown if k.startswith(prefix)), None)
        if key is None:
            continue
        box = open_popup(page, key).bounding_box()
        if box:
            page.mouse.move(box["x"] + 3, box["y"] + 3)
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=2)
    page.evaluate("() => { window.atlasMaps[0].map.closePopup(); }")
    inert.check(f"the map of {journey}")
    return len(shown)


def journey_json(atlas: Atlas, slug: str) -> dict[str, Any]:
    data: dict[str, Any] = atlas.app.test_client().get(f"/journeys/{slug}.json").get_json()
    return data


def check_journey_page(inert: Inert, atlas: Atlas, slug: str) -> None:
    record = f"journey:{slug}"
    title = atlas.typed(record, "title")
    assert inert.text("h1") == title
    assert inert.text("head > title") == f"{title} \u00b7 Escape Route Atlas"
    who, outcome = atlas.typed(record, "who"), atlas.typed(record, "outcome_label")
    assert inert.text(".journey-head .who") == f"Who: {who} \u00b7 Outcome: {outcome}"
    assert inert.text(".journey-head .who .outcome") == outcome
    assert inert.text(".journey-summary > p") == atlas.typed(record, "summary")
    assert inert.texts(".journey-cites blockquote") == [
        quoted(q) for q in atlas.quotes.get(record, [])
    ]
    legs = range(1, len(LEGS[slug]) + 1)
    assert inert.texts("li.leg > h3") == [f"Leg {o}: {leg_label(atlas, slug, o)}" for o in legs]
    assert inert.texts("li.leg > p:not([class])") == [
        atlas.typed(f"leg:{slug}:{o}", "summary") for o in legs
    ]
    for order in legs:
        quotes = inert.texts(f"li#leg-{order} blockquote")
        assert quotes == [quoted(q) for q in atlas.quotes[f"leg:{slug}:{order}"]], order
    hazards = journey_hazards(slug)
    names = [atlas.typed(f"hazard:{h}", "name") for h in hazards]
    assert [t.strip(" ") for t in inert.own_texts("article.hazard > h3")] == names
    assert inert.texts("article.hazard > p:not([class])") == [
        atlas.typed(f"hazard:{h}", "summary") for h in hazards
    ]
    for hazard in hazards:
        quotes = inert.texts(f"article#hazard-{hazard} blockquote")
        assert quotes == [quoted(q) for q in atlas.quotes[f"hazard:{hazard}"]], hazard
    # The Embed form: the title it writes into the iframe code, and the leg choices.
    form = inert.page.locator("form#embed-form")
    assert form.get_attribute("data-title") == title
    known = [o for o in legs if LEGS[slug][o - 1][2] == "known"]
    assert inert.texts("form#embed-form select[name=leg] option")[1:] == [
        f"Leg {o}: {leg_label(atlas, slug, o)}" for o in known
    ]
    # The code to paste, as static/js/embed-snippet.js writes it for each choice.
    for size in ("16:9", "fixed"):
        iframe = inert.page.evaluate(
            """(size) => {
                const form = document.getElementById("embed-form");
                form.querySelector(`input[name=size][value="${size}"]`).checked = true;
                form.dispatchEvent(new Event("change"));
                const t = document.createElement("template");
                t.innerHTML = document.getElementById("embed-code").value;
                const frames = t.content.querySelectorAll("iframe");
                const all = t.content.querySelectorAll("*");
                return {title: frames[0].getAttribute("title"), frames: frames.length,
                        elements: all.length, attributes: frames[0].attributes.length};
            }""",
            size,
        )
        assert iframe["title"] == f"Map: {title} (Escape Route Atlas)", size
        assert iframe["frames"] == 1 and iframe["elements"] <= 2, iframe


@pytest.mark.browser
def test_journey_pages_run_nothing_and_show_every_string_as_typed(browser, atlas, server):
    started = time.perf_counter()
    features = 0
    with inert_page(browser, server.url) as inert:
        for slug in JOURNEYS:
            data = journey_json(atlas, slug)
            inert.open(f"{server.url}/journeys/{slug}", map_page=True)
            check_journey_page(inert, atlas, slug)
            features += check_map(inert, atlas, slug, data)
            # "Show on map" from the itinerary opens the popups through the page's script.
            inert.page.evaluate(
                "() => document.querySelectorAll('button.show-on-map').forEach((b) => b.click())"
            )
            inert.check(f"/journeys/{slug} after Show on map")
    print(f"\n{features} map features on 3 journey pages in {time.perf_counter() - started:.1f} s")


@pytest.mark.browser
def test_in_the_classroom_setting_the_hidden_quotes_read_as_typed_too(browser, atlas, server):
    slug = JOURNEYS[0]
    with inert_page(browser, server.url) as inert:
        inert.open(f"{server.url}/journeys/{slug}?classroom=1", map_page=True)
        hidden = inert.texts("details.sensitive blockquote")
        assert hidden and set(hidden) <= {quoted(q) for qs in atlas.quotes.values() for q in qs}
        check_journey_page(inert, atlas, slug)
        check_map(inert, atlas, slug, journey_json(atlas, slug))
        inert.open(f"{server.url}/sources/hostile-text?classroom=1")
        # A passage with a content note: its number stays out, its text goes in <details>.
        shown = [t for t in inert.page.evaluate(PASSAGE_TEXTS) if t]
        assert shown == [h.text for h in CORPUS if h.single_line]
        assert inert.texts("li.passage details.sensitive .passage-text")
        inert.open(f"{server.url}/journeys/{slug}/handout?classroom=1")


@pytest.mark.browser
def test_with_the_csp_on_no_policy_violation_is_even_attempted(browser, atlas, server):
    """An injected inline script, handler or javascript: URL would be a violation."""
    with inert_page(browser, server.url, csp=True) as inert:
        slug = JOURNEYS[0]
        inert.open(f"{server.url}/journeys/{slug}", map_page=True)
        data = journey_json(atlas, slug)
        check_map(inert, atlas, slug, data)
        inert.open(f"{server.url}/sources/hostile-text")
        inert.open(f"{server.url}/hazards")


@pytest.mark.browser
def test_embeds_run_nothing_and_show_every_string_as_typed(browser, atlas, server):
    with inert_page(browser, server.url) as inert:
        for slug in JOURNEYS:
            data = journey_json(atlas, slug)
            inert.open(f"{server.url}/embed/journeys/{slug}", map_page=True)
            title = atlas.typed(f"journey:{slug}", "title")
            assert inert.text("head > title") == f"{title} \u00b7 Escape Route Atlas"
            main = inert.page.locator("main.embed-map").get_attribute("aria-label")
            assert main == f"Map of {title}"
            names = inert.texts(".embed-sources li > a")
            assert names and set(names) <= source_names(atlas), names
            for small in inert.texts(".embed-sources li > small"):
                assert small.removesuffix(", 2024-02") in {
                    atlas.typed(f"source:{s}", "author") for s in SOURCES
                }
            check_map(inert, atlas, slug, data)
        inert.open(f"{server.url}/embed/journeys/{JOURNEYS[0]}?leg=1&controls=0", map_page=True)


@pytest.mark.browser
def test_presentations_run_nothing_on_any_slide_and_show_every_string_as_typed(
    browser, atlas, server
):
    slides = 0
    with inert_page(browser, server.url) as inert:
        page = inert.page
        for slug in JOURNEYS:
            record = f"journey:{slug}"
            title = atlas.typed(record, "title")
            inert.open(f"{server.url}/present/journeys/{slug}", map_page=True)
            assert inert.text("head > title") == f"Presentation: {title} \u00b7 Escape Route Atlas"
            deck = page.evaluate(
                "() => JSON.parse(document.getElementById('deck-data').textContent)"
            )
            assert deck["journey"]["title"] == title
            count = len(deck["slides"])
            headings = []
            for n in range(1, count + 1):
                visible = page.locator(".slide:not([hidden])")
                expect(visible).to_have_count(1)
                expect(visible).to_have_attribute("data-number", str(n))
                headings.append(visible.locator("h1, h2").first.text_content())
                inert.check(f"slide {n} of {slug}")
                page.keyboard.press("ArrowRight")
            slides += count
            legs = range(1, len(LEGS[slug]) + 1)
            assert headings[0] == title
            assert [leg_label(atlas, slug, o) for o in legs] == headings[2 : 2 + len(legs)]
            who = atlas.typed(record, "who")
            assert inert.text(".slide .title-who") == f"Who {who}"
            assert inert.text(".slide .title-outcome .outcome") == atlas.typed(
                record, "outcome_label"
            )
            typed_quotes = {quoted(q) for r, qs in atlas.quotes.items() for q in qs}
            shown = inert.texts(".slide blockquote")
            assert shown and set(shown) <= typed_quotes
            for order in legs:
                assert {quoted(q) for q in atlas.quotes[f"leg:{slug}:{order}"]} <= set(shown)
            names = {atlas.typed(f"hazard:{h}", "name") for h in journey_hazards(slug)}
            chips = [
                t.rstrip(" ") for t in inert.own_texts(".hazard-chips li > span:not(.atlas-hazard)")
            ]
            hazard_heads = [t.strip(" ") for t in inert.own_texts(".slide-hazard h3")]
            assert set(chips) | set(hazard_heads) == names
            assert set(inert.texts(".slide-sources li > a")) <= source_names(atlas)
    print(f"\n{slides} slides stepped through")


@pytest.mark.browser
def test_handouts_run_nothing_and_show_every_string_as_typed(browser, atlas, server):
    with inert_page(browser, server.url) as inert:
        for slug in JOURNEYS:
            record = f"journey:{slug}"
            title = atlas.typed(record, "title")
            inert.open(f"{server.url}/journeys/{slug}/handout")
            assert inert.text("h1") == title
            assert inert.text("head > title") == f"Handout: {title} \u00b7 Escape Route Atlas"
            who, outcome = atlas.typed(record, "who"), atlas.typed(record, "outcome_label")
            assert inert.texts(".handout-head p")[1] == f"Who: {who}. Outcome: {outcome}."
            summary = inert.page.evaluate(
                "() => document.querySelectorAll('.handout-head p')[2].firstChild.textContent"
            )
            assert summary.removesuffix(" ") == atlas.typed(record, "summary")  # then [n]s
            legs = range(1, len(LEGS[slug]) + 1)
            rows = inert.page.evaluate(
                """() => Array.from(document.querySelectorAll(".handout-table tbody tr"),
                    (tr) => Array.from(tr.cells, (td) => td.textContent))"""
            )
            for order, row in zip(legs, rows, strict=True):
                a, b, _ = LEGS[slug][order - 1]
                assert row[1:3] == [atlas.place_name(a), atlas.place_name(b)]
                assert row[4] == atlas.typed(f"leg:{slug}:{order}", "summary")
            hazards = journey_hazards(slug)
            assert inert.texts(".handout-hazards li > strong:nth-of-type(2)") == [
                atlas.typed(f"hazard:{h}", "name") for h in hazards
            ]
            for item, hazard in zip(inert.texts(".handout-hazards li"), hazards, strict=True):
                assert f". {atlas.typed(f'hazard:{hazard}', 'summary')} [" in item
            typed_quotes = {quoted(q) + " " for qs in atlas.quotes.values() for q in qs}
            shown = inert.own_texts("blockquote.handout-quote")
            assert shown and set(shown) <= typed_quotes
            # The server-drawn SVG map names its legs, stops and hazards in <title>s.
            svg_titles = inert.texts("figure svg title")
            names = {atlas.place_name(p[0]) for p in PLACES}
            names |= {leg_label(atlas, slug, o) for o in legs}
            names |= {atlas.typed(f"hazard:{h}", "name") for h in hazards}
            assert svg_titles and set(svg_titles) <= names
            label = inert.page.locator("figure svg").first.get_attribute("aria-label")
            assert label == f"Map of {title}"
            refs = inert.texts(".references li")
            assert all(
                any(r.startswith(f"[{n + 1}] {s}, passage") for s in source_names(atlas))
                for n, r in enumerate(refs)
            )


PASSAGE_TEXTS = """() => Array.from(document.querySelectorAll("li.passage .passage-text"), (p) =>
    Array.from(p.childNodes).filter((n) => !(n.nodeType === 1 && n.matches("a.anchor")))
        .map((n) => n.textContent).join("").replace(/^[ \\n]+/, ""))"""


@pytest.mark.browser
def test_source_pages_and_highlights_run_nothing_and_show_every_string_as_typed(
    browser, atlas, server
):
    texts = {
        "hostile-text": [h.text for h in CORPUS if h.single_line],
        "hostile-untitled": [h.text for h in CORPUS[::37]],
        "hostile-notes": [h.text for h in CORPUS[5::41]],
    }
    labels = cited_by_labels(atlas)
    journey_titles = {atlas.typed(f"journey:{j}", "title") for j in JOURNEYS}
    with inert_page(browser, server.url) as inert:
        for slug in SOURCES:
            record = f"source:{slug}"
            inert.open(f"{server.url}/sources/{slug}")
            assert inert.text("h1") == atlas.source_name(slug)
            meta = dict(
                zip(inert.texts(".source-meta dt"), inert.texts(".source-meta dd"), strict=True)
            )
            # A field the text does not give says so (and holds nothing typed).
            assert meta["Title"] == (atlas.typed(record, "title") or "not stated in the text")
            assert meta["Author"] == (atlas.typed(record, "author") or "not stated in the text")
            assert meta["Outlet"] == (atlas.typed(record, "outlet") or "not stated in the text")
            assert meta["Note"] == atlas.typed(record, "notes")
            assert inert.page.evaluate(PASSAGE_TEXTS) == texts[slug]
            cited_by = inert.texts(".cited-by li > a:first-child")
            assert set(cited_by) <= labels, set(cited_by) - labels
            assert len(cited_by) == (len(atlas.keys) if slug == "hostile-text" else 0)
            contexts = {t.removeprefix("in ") for t in inert.texts(".cited-by li > small")}
            assert contexts <= journey_titles | {"all hazards"}
        for quote, key in highlight_sample(atlas, 25).items():
            inert.open(f"{server.url}/sources/hostile-text?cite={key}")
            assert inert.texts("mark") == [quote]
        inert.open(f"{server.url}/sources")
        assert set(inert.texts("main a[href^='/sources/']")) >= source_names(atlas)


@pytest.mark.browser
def test_hazards_indexes_home_and_discrepancies_run_nothing_and_show_every_string_as_typed(
    browser, atlas, server
):
    with inert_page(browser, server.url) as inert:
        inert.open(f"{server.url}/hazards")
        for slug, *_, journeys, _legs in HAZARDS:
            record = f"hazard:{slug}"
            article = f"article#hazard-{slug}"
            assert inert.own_texts(f"{article} > h3")[0].rstrip(" ") == atlas.typed(record, "name")
            assert inert.texts(f"{article} > p:not([class])") == [atlas.typed(record, "summary")]
            assert inert.texts(f"{article} blockquote") == [quoted(q) for q in atlas.quotes[record]]
            assert inert.texts(f"{article} .hazard-facts a") == [
                atlas.typed(f"journey:{j}", "title") for j in journeys
            ]
            place = hazard_spec(slug)[2]
            facts = inert.own_texts(f"{article} .hazard-facts")[0]
            assert facts.startswith(atlas.place_name(place) if place else "where: not told")
        inert.open(f"{server.url}/discrepancies")
        titles = {atlas.typed(f"journey:{j}", "title") for j in JOURNEYS}
        for path in NOT_FOUND:
            inert.open(server.url + path, missing=True)
            if "/sources/" not in path:
                assert titles <= set(inert.texts("main li a, .embed-message li a")), path
            if path.startswith("/journeys/") and path.count("/") == 2:
                assert inert.texts("main p")[0] == f"no journey called {CORPUS[2].text!r}"
        inert.open(f"{server.url}/journeys")
        titles = {atlas.typed(f"journey:{j}", "title") for j in JOURNEYS}
        assert set(inert.texts("main a[href^='/journeys/']")) >= titles
        inert.open(f"{server.url}/", map_page=True)
        assert set(inert.texts("table.journeys-table a")) >= titles
        layers = [t.strip() for t in inert.texts(".leaflet-control-layers label")]
        for title in titles:
            assert layers.count(in_tooltip(f"Journey: {title}").strip()) == 1, layers
        shown = inert.page.evaluate(MAP_TEXTS)
        for slug in JOURNEYS:
            title = atlas.typed(f"journey:{slug}", "title")
            for order in range(1, len(LEGS[slug]) + 1):
                got = shown.get(f"{slug}-leg-{order}")
                if got is not None:
                    assert got["kind"] == in_popup(f"Leg \u00b7 {title}")
                    assert got["title"] == in_popup(f"Leg {order}: {leg_label(atlas, slug, order)}")
        inert.check("the home map, every popup opened")


def history_label(atlas: Atlas, record: str) -> str:
    entity, _, rest = record.partition(":")
    if entity == "leg":
        journey, order = rest.rsplit(":", 1)
        return f"leg {order} of journey {atlas.ids[f'journey:{journey}']}"
    if entity == "journey":
        return atlas.typed(record, "title")
    if record == f"hazard:{atlas.deleted_hazard}":
        return atlas.typed("hazard:h-mines", "name")
    return atlas.typed(record, "name")


HISTORY_ROWS = """() => Array.from(document.querySelectorAll("section.history-version"), (s) => ({
    id: s.id,
    rows: Array.from(s.querySelectorAll("table.history-diff tbody tr"), (tr) => ({
        field: tr.querySelector("th").textContent,
        before: tr.querySelector("td del") ? tr.querySelector("td del").textContent : null,
        after: tr.querySelector("td ins") ? tr.querySelector("td ins").textContent : null,
        dels: Array.from(tr.querySelectorAll("td.words del"), (e) => e.textContent),
        inss: Array.from(tr.querySelectorAll("td.words ins"), (e) => e.textContent),
        words: !!tr.querySelector("td.words"),
    })),
}))"""


@pytest.mark.browser
def test_history_pages_run_nothing_and_show_every_string_as_typed(browser, atlas, server):
    client = atlas.app.test_client()
    pages = 0
    with inert_page(browser, server.url) as inert:
        for record, ident in atlas.ids.items():
            entity = record.split(":")[0]
            inert.open(f"{server.url}/history/{entity}/{ident}")
            pages += 1
            assert inert.text("h1") == history_label(atlas, record), record
            versions = inert.page.evaluate(HISTORY_ROWS)
            created = {r["field"]: r["after"] for r in versions[-1]["rows"]}
            for (slot_record, name), slot in atlas.slots.items():
                if (
                    slot_record != record
                    or not slot.strings
                    or entity == "hazard"
                    and (record == f"hazard:{atlas.deleted_hazard}")
                ):
                    continue
                if record == f"journey:{JOURNEYS[0]}" and name == "summary":
                    continue
                assert created[name] == slot.value, (record, name)
            related = inert.texts(".history-related a")
            for text in related:
                if text.startswith("citation "):
                    quote = text.split(": ", 1)[1]
                    assert quote.startswith("\u201c") and quote.endswith(("\u201d", "\u2026\u201d"))
        # The edit, field by field and word by word.
        before, now = atlas.edited_summary
        ident = atlas.ids[f"journey:{JOURNEYS[0]}"]
        inert.open(f"{server.url}/history/journey/{ident}")
        versions = inert.page.evaluate(HISTORY_ROWS)
        row = next(r for r in versions[0]["rows"] if r["field"] == "summary")
        if row["words"]:
            assert row["dels"] and row["inss"]
            assert all(d in before for d in row["dels"]) and all(i in now for i in row["inss"])
        else:
            assert (row["before"], row["after"]) == (before, now)
        first = next(r for r in versions[-1]["rows"] if r["field"] == "summary")
        assert first["after"] == before
        # The sources' histories (reached by slug, as their pages link them), citations
        # and passages.
        for slug in SOURCES:
            inert.open(f"{server.url}/history/source/by-slug/{slug}")
            assert inert.text("h1") == (
                atlas.typed(f"source:{slug}", "title") or atlas.typed(f"source:{slug}", "label")
            )
            versions = inert.page.evaluate(HISTORY_ROWS)
            created = {r["field"]: r["after"] for r in versions[-1]["rows"]}
            for name, _ in SOURCE_FIELDS:
                assert created.get(name) == (atlas.typed(f"source:{slug}", name) or None)
            assert created["text"] == (
                atlas.source_text if slug == "hostile-text" else created["text"]
            )
        citations = client.get(f"/history/hazard/{atlas.ids['hazard:h-mines']}.json").get_json()
        for item in citations["related"][:6]:
            inert.open(server.url + item["url"])
            assert inert.text("h1") == item["name"]
        deleted = client.get("/history/deleted.json").get_json()["records"]
        assert [r["name"] for r in deleted if r["entity"] == "hazard"] == [
            history_label(atlas, f"hazard:{atlas.deleted_hazard}")
        ]
        inert.open(f"{server.url}/history/deleted")
        ident = atlas.ids[f"hazard:{atlas.deleted_hazard}"]
        assert f"hazard {ident}: {history_label(atlas, f'hazard:{atlas.deleted_hazard}')}" in (
            inert.texts("table.history-deleted a")
        )
        inert.open(f"{server.url}/history/hazard/{ident}")
        assert inert.text("h1") == history_label(atlas, f"hazard:{atlas.deleted_hazard}")
    print(f"\n{pages + 15} history pages")


FORM_VALUES = """() => Object.fromEntries(Array.from(
    document.querySelectorAll("form.edit-form input:not([type=hidden]), form.edit-form textarea"),
    (e) => [e.name, e.value]))"""


@pytest.mark.database
@pytest.mark.browser
def test_the_editor_own_pages_run_nothing_and_give_every_string_back_as_typed(
    browser, atlas, server
):
    """Another editor's text must not run in an editor's session either: the dashboard,
    every edit form (each field's value is exactly what was typed, ready to save again),
    the citation reader, and the 409 page that shows both versions."""
    make_user(atlas.app, "browser-editor")
    base = server.url
    with inert_page(browser, base) as inert:
        page = inert.page
        inert.open(f"{base}/login")
        page.fill("#login-name", "browser-editor")
        page.fill("#login-password", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        inert.open(f"{base}/edit")
        links = set(inert.texts(".edit-dashboard li > a:first-child"))
        assert {atlas.typed(f"source:{s}", "label") for s in SOURCES} <= links
        assert {atlas.typed(f"journey:{j}", "title") for j in JOURNEYS} <= links
        assert {atlas.place_name(p[0]) for p in PLACES} <= links
        assert {atlas.typed(f"hazard:{h[0]}", "name") for h in HAZARDS} <= links
        forms: list[tuple[str, str]] = [(f"/edit/sources/{s}", f"source:{s}") for s in SOURCES]
        forms += [(f"/edit/journeys/{j}", f"journey:{j}") for j in JOURNEYS]
        forms += [(f"/edit/places/{p[0]}", f"place:{p[0]}") for p in PLACES]
        forms += [(f"/edit/hazards/{h[0]}", f"hazard:{h[0]}") for h in HAZARDS]
        forms += [
            (f"/edit/legs/{atlas.ids[f'leg:{j}:{o}']}", f"leg:{j}:{o}")
            for j in JOURNEYS
            for o in range(1, len(LEGS[j]) + 1)
        ]
        for path, record in forms:
            inert.open(base + path)
            values = page.evaluate(FORM_VALUES)
            for (slot_record, name), slot in atlas.slots.items():
                if slot_record == record:
                    assert values[name] == slot.value, (path, name)
            if record == "source:hostile-untitled":  # not cited: its text may change
                assert values["text"] == "\n".join(h.text for h in CORPUS[::37])
        inert.open(f"{base}/edit/cite/leg/{atlas.ids['leg:hostile-one:1']}?source=hostile-text")
        assert inert.texts(".cite-passage") == [h.text for h in CORPUS if h.single_line]
        assert set(inert.texts("#source-choice option")) == {
            atlas.typed(f"source:{s}", "label") for s in SOURCES
        }
        # Two editors at once: the browser's save meets a newer version, and the 409 page
        # shows both (theirs, saved meanwhile through the test client, and yours).
        slug, record = JOURNEYS[1], f"journey:{JOURNEYS[1]}"
        inert.open(f"{base}/edit/journeys/{slug}")
        theirs = {name: atlas.typed(record, name) for name, _ in JOURNEY_FIELDS}
        theirs.update(slug=slug, kind="journey", outcome="captured")
        path = f"/edit/journeys/{slug}"
        saved = atlas.ed.post(path, {**theirs, "lock_version": atlas.ed.version(path)})
        assert saved.status_code == 303
        mine = CORPUS[60].text
        page.fill("#f-who", mine)
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.click("form.edit-form button[type=submit]")
        assert answer.value.status == 409
        page.wait_for_load_state()
        # The answer expected, and Chromium's console line about it.
        inert.watch.failed.remove(f"409 {base}{path}")
        inert.watch.console_errors = [
            e for e in inert.watch.console_errors if "status of 409 (CONFLICT)" not in e
        ]
        inert.check("the conflict page")
        rows = page.evaluate(
            """() => Array.from(document.querySelectorAll("table.edit-conflict tbody tr"),
                (tr) => [tr.querySelector(".theirs").textContent,
                         tr.querySelector(".yours").textContent])"""
        )
        assert [theirs["who"], mine] in rows
        assert [theirs["title"], theirs["title"]] in rows
        assert [theirs["summary"], theirs["summary"]] in rows
        hidden = page.evaluate(
            """() => Object.fromEntries(Array.from(
                document.querySelectorAll("form.edit-form input[type=hidden]"),
                (e) => [e.name, e.value]))"""
        )
        assert hidden["who"] == mine and hidden["summary"] == theirs["summary"]


def test_hostile_text_in_the_other_fields_is_refused_and_echoed_escaped(atlas):
    """Slugs, dates, numbers, line points and choices are not free text: hostile input is
    refused with a message (some quote what was typed), and the form shown again carries
    it escaped."""
    ed = atlas.ed
    before = counts(atlas.app)
    forms = {case[1]: case for case in _nul_cases(atlas)}
    source, journey = forms["/edit/sources/new"], forms["/edit/journeys/new"]
    place, hazard = forms["/edit/places/new"], forms["/edit/hazards/new"]
    fields = [
        (source, "slug"),
        (source, "date"),
        (journey, "slug"),
        (journey, "outcome"),
        (place, "anchor_lat"),
        (place, "circle_km"),
        (place, "precision"),
        (hazard, "kind"),
        (hazard, "sensitivity"),
        (hazard, "cite_sensitivity"),
        (hazard, "leg_ids"),
    ]
    payloads = [h.text for h in CORPUS if h.category in ("html", "closing-tag", "jinja")][::4]
    line = dict(place[2], area_kind="line", precision="river")
    posts = 0
    for payload in payloads:
        for (_, action, valid, _, extra), name in fields:
            posted = {**valid, name: payload}
            for data in [posted] + (
                [{**line, "line_points": payload}] if name == "circle_km" else []
            ):
                response = ed.post(action, data, **extra)
                posts += 1
                page = text_of(response)
                assert response.status_code == 422, (action, name, response.status_code)
                assert "Nothing was saved." in page
                parsed = Markup()
                parsed.feed(page)
                assert parsed.problems == [], (action, name, parsed.problems[:3])
                assert not ACTIVE.search(payload) or payload not in page
                if "{{" in payload:
                    assert "49" not in page.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert counts(atlas.app) == before
    assert posts >= 100
