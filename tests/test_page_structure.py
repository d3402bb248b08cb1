"""Page structure every reader relies on, checked on the HTML the server sends (no
browser, so it is fast): on every page type, in English and Korean, exactly one <h1>,
one <main>, the page's content inside landmarks, a skip link as the first thing to
focus (to the main content), a non-empty <title>, <html lang> in the page's language,
a viewport that lets the reader zoom, labelled form fields, and on map pages a named
map region with a link that skips it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from auth_helpers import editor_client
from conftest import make_app, seed
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

LANGS = ("en", "ko")
LANDMARKS = {"header", "nav", "main", "footer", "aside"}
LANDMARK_ROLES = {"banner", "navigation", "main", "contentinfo", "complementary", "region"}
# Elements that stand outside the landmarks without content of their own to read.
OUTSIDE_OK = {"script", "template", "noscript", "style", "link"}
FOCUSABLE = (
    "//a[@href] | //button | //input[not(@type='hidden')] | //select | //textarea"
    " | //summary | //*[@tabindex and not(@tabindex='-1')]"
)


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An atlas of its own: the editor account made here stays out of the shared one."""
    app = make_app(tmp_path_factory.mktemp("structure") / "structure.sqlite")
    seed(app)
    return app


@pytest.fixture(scope="module")
def editor(atlas: Flask) -> FlaskClient:
    client, _token = editor_client(atlas, "structure-editor")
    return client


def with_lang(path: str, lang: str) -> str:
    path, hash_, fragment = path.partition("#")
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def public_pages(client: FlaskClient) -> list[tuple[str, str, int]]:
    """(name, path, expected status) for every public page type."""
    journey = client.get("/journeys/roh-family?lang=en").get_data(as_text=True)
    cite = re.search(r'href="(/sources/[^"#]+\?cite=[^"#]+)', journey)
    assert cite, "the journey page links no cited passage"
    return [
        ("home", "/", 200),
        ("journeys index", "/journeys", 200),
        ("journey roh-family", "/journeys/roh-family", 200),
        ("journey soyeon-lee", "/journeys/soyeon-lee", 200),
        ("journey imprisoned-defector", "/journeys/imprisoned-defector", 200),
        ("sources index", "/sources", 200),
        ("source with ?cite=", cite.group(1).replace("&amp;", "&"), 200),
        ("hazards", "/hazards", 200),
        ("discrepancies", "/discrepancies", 200),
        ("handout", "/journeys/roh-family/handout", 200),
        ("presentation", "/present/journeys/roh-family", 200),
        ("embed", "/embed/journeys/roh-family", 200),
        ("embed of a missing journey", "/embed/journeys/no-such-journey", 404),
        ("not found", "/journeys/no-such-journey", 404),
        ("login", "/login", 200),
    ]


EDITOR_PAGES = [
    ("editor dashboard", "/edit"),
    ("editor form: journey", "/edit/journeys/roh-family"),
    ("editor form: new place", "/edit/places/new"),
    ("history: journey", "/history/journey/by-slug/roh-family"),
    ("history: deleted", "/history/deleted"),
]


def problems_of(page: Any, lang: str, skip_link: bool = True) -> list[str]:
    """Everything wrong with one page's structure (an empty list: nothing). Without
    `skip_link` (a page that is nothing but its main content), the first thing to focus
    must be inside <main> instead."""
    found: list[str] = []
    root = page.getroottree().getroot()
    if root.get("lang") != lang:
        found.append(f"<html lang={root.get('lang')!r}>, not {lang!r}")
    titles = [t.text_content().strip() for t in page.xpath("//head/title")]
    if len(titles) != 1 or not titles[0]:
        found.append(f"<title>s: {titles}")
    h1s = page.xpath("//h1")
    if len(h1s) != 1:
        found.append(f"{len(h1s)} <h1> elements")
    mains = page.xpath("//main | //*[@role='main']")
    if len(mains) != 1:
        found.append(f"{len(mains)} <main> elements")
    viewports = page.xpath("//meta[@name='viewport']")
    if len(viewports) != 1:
        found.append(f"{len(viewports)} viewport metas")
    for meta in viewports:
        content = re.sub(r"\s+", "", meta.get("content", "")).lower()
        if "user-scalable=no" in content or "user-scalable=0" in content:
            found.append(f"viewport locks zoom: {content}")
        if re.search(r"maximum-scale=(0|1)(\.0*)?(,|$)", content):
            found.append(f"viewport caps zoom: {content}")

    # The first thing Tab reaches is a link that skips to the main content.
    body = page.xpath("//body")[0]
    focusable = body.xpath(FOCUSABLE.replace("//", "descendant::"))
    first = focusable[0] if focusable else None
    if not skip_link:
        if first is None or not first.xpath("ancestor::main"):
            found.append(f"the first focusable element is not in <main>: {first!r}")
        first = None
    elif first is None or first.tag != "a" or not first.get("href", "").startswith("#"):
        found.append(f"the first focusable element is not a skip link: {first!r}")
    else:
        target = page.xpath(f"//*[@id='{first.get('href')[1:]}']")
        if not target:
            found.append(f"the skip link leads nowhere: {first.get('href')}")
        elif not target[0].xpath("ancestor-or-self::main | ancestor-or-self::aside"):
            found.append(f"the skip link does not lead into <main>: {first.get('href')}")

    # All content inside landmarks: every child of <body> is one (or the skip link).
    for child in body:
        if not isinstance(child.tag, str) or child.tag in OUTSIDE_OK:
            continue
        if child is first:
            continue
        if child.tag in LANDMARKS or child.get("role") in LANDMARK_ROLES:
            continue
        found.append(f"content outside landmarks: <{child.tag} class={child.get('class')!r}>")

    # Every form field has a name: a label, aria-label or aria-labelledby.
    for field in page.xpath(
        "//input[not(@type='hidden' or @type='submit' or @type='button')] | //select | //textarea"
    ):
        ident = field.get("id")
        labelled = (
            field.get("aria-label")
            or field.get("aria-labelledby")
            or field.xpath("ancestor::label")
            or (ident and page.xpath(f"//label[@for='{ident}']"))
        )
        if not labelled:
            found.append(f"unlabelled field: {field.get('name')!r}")
    return found


def map_problems(page: Any) -> list[str]:
    """A page with a map: the map is a named region and a link lets the reader skip it."""
    found: list[str] = []
    maps = page.xpath("//div[contains(concat(' ', @class, ' '), ' folium-map ')]")
    if not maps:
        return ["no map on the page"]
    holder = maps[0].xpath(
        "ancestor::*[self::section or self::main or @role='region']"
        "[@aria-label or @aria-labelledby]"
    )
    if not holder:
        found.append("the map is in no named region")
    skips = page.xpath("//a[contains(concat(' ', @class, ' '), ' skip-map ')]")
    if len(skips) != 1:
        found.append(f"{len(skips)} 'skip the map' links")
    else:
        href = skips[0].get("href", "")
        if not href.startswith("#") or not page.xpath(f"//*[@id='{href[1:]}']"):
            found.append(f"the 'skip the map' link leads nowhere: {href}")
    return found


MAP_PAGES = {"home", "journey roh-family", "journey soyeon-lee", "journey imprisoned-defector"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_type_has_the_structure_readers_rely_on(atlas, editor, lang):
    client = atlas.test_client()
    checked: dict[str, list[str]] = {}
    for name, path, status in public_pages(client):
        response = client.get(with_lang(path, lang))
        assert response.status_code == status, (name, path, response.status_code)
        page = lxml_html.document_fromstring(response.get_data(as_text=True))
        # The 404 in a frame is a heading and a list of links, all in <main>.
        checked[name] = problems_of(page, lang, skip_link=name != "embed of a missing journey")
        if name in MAP_PAGES:
            checked[name] += map_problems(page)
    for name, path in EDITOR_PAGES:
        response = editor.get(with_lang(path, lang))
        if response.status_code in (302, 303):  # /history/<kind>/by-slug/<slug> names the id
            response = editor.get(with_lang(response.headers["Location"], lang))
        assert response.status_code == 200, (name, path, response.status_code)
        page = lxml_html.document_fromstring(response.get_data(as_text=True))
        checked[name] = problems_of(page, lang)
    print(f"\n[{lang}] structure checked on {len(checked)} page types")
    assert len(checked) == 15 + len(EDITOR_PAGES)
    failing = {k: v for k, v in checked.items() if v}
    assert failing == {}, "\n".join(f"{k}: {v}" for k, v in failing.items())


def test_the_checks_catch_a_badly_built_page():
    """The checks can fail: a page with none of the structure is reported on each count."""
    page = lxml_html.document_fromstring(
        '<html><head><meta name="viewport" content="width=device-width, initial-scale=1.0,'
        ' maximum-scale=1.0, user-scalable=no"></head><body><div><a href="/x">x</a>'
        '<h1>One</h1><h1>Two</h1><input name="q"></div></body></html>'
    )
    found = " | ".join(problems_of(page, "en"))
    for expected in (
        "<html lang=None>",
        "<title>s: []",
        "2 <h1> elements",
        "0 <main> elements",
        "viewport locks zoom",
        "viewport caps zoom",
        "not a skip link",
        "content outside landmarks",
        "unlabelled field: 'q'",
    ):
        assert expected in found, (expected, found)
    assert map_problems(page) == ["no map on the page"]


def text(element: Any) -> str:
    return " ".join(element.text_content().split())


@pytest.mark.parametrize("slug", ["roh-family", "soyeon-lee", "general-route"])
def test_the_itinerary_tells_the_journey_without_the_map(atlas, slug):
    """A screen reader user learns from the text alone, per leg: from -> to, whether the
    route is told, its distance (and the total), its hazards with their place or that
    the place is not told, and its quotes linked to their passages; and every place with
    how precisely it is known and whether the map draws it as an area."""
    client = atlas.test_client()
    journey = client.get(f"/journeys/{slug}.json?lang=en").get_json()
    page = lxml_html.document_fromstring(
        client.get(f"/journeys/{slug}?lang=en").get_data(as_text=True)
    )
    hazards = {h["slug"]: h for h in journey["hazards"]}
    assert journey["legs"], slug
    for leg in journey["legs"]:
        item = page.get_element_by_id(leg["id"])
        words = text(item)
        assert f"{leg['from_name']} → {leg['to_name']}" in words, words
        if leg["route"] == "known" and leg["distance_km"] is not None:
            assert f"At least {leg['distance_km']:,.0f} km in a straight line" in words, words
        elif leg["route"] == "known":
            assert "No distance: the two places' areas touch" in words, words
        else:
            assert "Route not told by the sources" in words and " km" not in words, words
        for slug_ in leg["hazards"]:
            hazard = hazards[slug_]
            assert item.xpath(f".//a[@href='#hazard-{slug_}']"), (leg["id"], slug_)
            place = hazard["place_name"] if hazard["place"] else "place not told"
            assert f"{hazard['name']} ({place})" in words, (leg["id"], words)
        links = set(item.xpath(".//figcaption/a/@href"))
        for citation in leg["citations"]:
            assert citation["url"] in links, (leg["id"], citation["url"])
            assert " ".join(citation["quote"].split()) in words, citation["quote"]
    total = text(page.find_class("itinerary-total")[0])
    if journey["distance_km"] is None:
        assert "no distance" in total, total
    else:
        assert f"at least {journey['distance_km']:,.0f} km" in total, total

    table = page.find_class("places-table")[0]
    assert table.xpath("caption") and table.xpath("thead/tr/th[@scope='col']")
    rows = {row.get("id"): row for row in table.xpath("tbody/tr")}
    assert set(rows) == {f"place-{p['slug']}" for p in journey["places"]}
    for place in journey["places"]:
        row = rows[f"place-{place['slug']}"]
        assert text(row.xpath("th[@scope='row']")[0]) == place["name"]
        words = text(row)
        assert place["precision_label"] in words, words
        kind = (place["area"] or {}).get("kind") if place["approximate"] else None
        expected = {
            "line": "a wide band",
            "natural_earth": "a shaded area, not a pin",
            "circle": "a shaded area, not a pin",
        }.get(kind or "", "a point" if place["anchor"] else "not drawn")
        assert expected in words, (place["slug"], words)
        stops = [str(s["number"]) for s in journey["stops"] if s["place"] == place["slug"]]
        assert text(row.xpath("td")[0]) == (", ".join(stops) or "—")
