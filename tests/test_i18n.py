"""The interface in English and Korean: how the language is chosen, the Korean catalogue
(complete, up to date with the sources), every page type with no interface string left
in the other language, content in the chosen language with an honest English fallback,
quotes never presented as translations, and the same in Chromium (popups included)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from auth_helpers import editor_client
from babel.messages.pofile import read_po
from browser_helpers import open_map_page, open_popup
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Citation, Hazard, Journey, Leg, Source

REPO = Path(__file__).resolve().parent.parent
TRANSLATIONS = REPO / "app" / "translations"
POT = TRANSLATIONS / "messages.pot"
KO_PO = TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.po"
SLUG = "roh-family"  # legs, hazards on the map, discrepancies

# Words that stay in Latin letters in a Korean interface: names of formats, products and
# organisations, units and keys. Nothing else may be Latin outside a lang="en" element.
ALLOWED_LATIN = {
    "GeoJSON",
    "JSON",
    "LD",  # JSON-LD
    "KML",
    "GPX",
    "CSV",
    "GIS",
    "URL",
    "DMZ",
    "OpenStreetMap",
    "Nominatim",
    "Natural",  # Natural Earth, the public-domain base map
    "Earth",
    "Google",
    "Leaflet",
    "Folium",
    "geopy",
    "SHA",  # SHA-256
    "UTC",
    "km",
    "px",
    "Ctrl",
    "Esc",
    "txt",  # file types and encodings the editor accepts
    "md",
    "UTF",
    "ISO",  # ISO 8601 dates
}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Not interface text: code, scripts and data, and what a reader types.
SKIPPED = {"script", "style", "code", "textarea"}
ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")


class InterfaceText(HTMLParser):
    """The text a person sees or hears (text nodes and the attributes read out), each
    with the language it is marked up in (the nearest lang="..."), leaving out code,
    scripts, text fields and whatever is marked translate="no"."""

    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = [("#root", page_language, False)]
        self.texts: list[tuple[str, str, str]] = []  # (language, where, text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        _, parent_language, parent_skipped = self.stack[-1]
        language = found.get("lang") or parent_language
        if tag == "html" and found.get("lang"):
            self.stack[0] = ("#root", language, False)
        skipped = parent_skipped or tag in SKIPPED or found.get("translate") == "no"
        if not skipped:
            for name in ATTRIBUTES:
                if found.get(name):
                    self.texts.append((language, f"<{tag} {name}>", str(found[name])))
            if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
                self.texts.append((language, f"<{tag} value>", str(found["value"])))
        if tag not in VOID:
            self.stack.append((tag, language, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        tag, language, skipped = self.stack[-1]
        if not skipped and data.strip():
            self.texts.append((language, f"<{tag}>", " ".join(data.split())))


def interface_texts(html: str, page_language: str) -> list[tuple[str, str, str]]:
    parser = InterfaceText(page_language)
    parser.feed(html)
    parser.close()
    return parser.texts


def untranslated(html: str, language: str, content: tuple[str, ...] = ()) -> list[str]:
    """Interface text of a page in `language` that is in the other language: Latin
    words (not allowed names) on a Korean page, Hangul on an English page. Not interface
    text: what is marked up as the other language (lang="en" quotes and names, the
    switch's lang="ko"), and `content`, the Korean names and summaries of the dataset
    (which may quote the English articles' words)."""
    problems = []
    for marked, where, text in interface_texts(html, language):
        if marked != language:
            continue
        for piece in content:
            text = text.replace(piece, " ")
        if language == "ko":
            words = [w for w in LATIN_WORD.findall(text) if w not in ALLOWED_LATIN]
            if words:
                problems.append(f"{where} {text!r}: {words}")
        elif HANGUL.search(text):
            problems.append(f"{where} {text!r}")
    return problems


def korean_content(app: Flask) -> tuple[str, ...]:
    """The dataset's own words, which are content, not interface: every Korean text
    (*_ko columns, which may quote the articles' English words), the articles' names (in
    <title> they cannot be marked up) and the records' English names (the editor's
    headings name the English record it edits). Longest first, whitespace as the
    checker sees it."""
    from app.models import Discrepancy, DiscrepancySide, Place

    found: set[str] = set()
    with app.app_context():
        for source in db.session.scalars(select(Source)):
            found.update(" ".join(v.split()) for v in (source.title, source.label) if v)
        # The editor edits the English record: its headings name it by its English name.
        for model, column in ((Journey, "title"), (Place, "name"), (Hazard, "name")):
            names = db.session.scalars(select(model.__table__.c[column]))
            found.update(" ".join(v.split()) for v in names)
        for model in (Journey, Place, Leg, Hazard, Discrepancy, DiscrepancySide):
            columns = [c for c in model.__table__.columns if c.name.endswith("_ko")]
            for row in db.session.execute(select(*columns)):
                found.update(" ".join(v.split()) for v in row if v)
    return tuple(sorted(found, key=len, reverse=True))


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found, "no <html lang>"
    return found.group(1)


# ----------------------------------------------------------------- language selection


def test_english_is_the_default(client: FlaskClient) -> None:
    response = client.get("/")
    assert html_lang(response.get_data(as_text=True)) == "en"
    # Chosen from what the browser did (not) say: caches must keep languages apart.
    assert {"Cookie", "Accept-Language"} <= set(response.vary)


def test_accept_language_chooses_korean(client: FlaskClient) -> None:
    response = client.get("/hazards", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    html = response.get_data(as_text=True)
    assert html_lang(html) == "ko"
    assert "<h1>위험 요소</h1>" in html
    assert {"Cookie", "Accept-Language"} <= set(response.vary)
    # A language we do not have is passed over for the next one, then English.
    assert html_lang(client.get("/", headers={"Accept-Language": "fr, ko;q=0.5"}).text) == "ko"
    assert html_lang(client.get("/", headers={"Accept-Language": "fr, de"}).text) == "en"


def test_the_cookie_beats_accept_language(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    client.set_cookie("atlas_lang", "en")
    assert html_lang(client.get("/", headers={"Accept-Language": "ko"}).text) == "en"
    client.set_cookie("atlas_lang", "ko")
    assert html_lang(client.get("/", headers={"Accept-Language": "en"}).text) == "ko"
    # A cookie naming no language of ours is ignored.
    client.set_cookie("atlas_lang", "xx")
    assert html_lang(client.get("/", headers={"Accept-Language": "ko"}).text) == "ko"


def test_lang_in_the_url_beats_the_cookie(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    client.set_cookie("atlas_lang", "ko")
    response = client.get("/journeys?lang=en", headers={"Accept-Language": "ko"})
    assert html_lang(response.text) == "en"
    # The URL alone decides: this answer does not depend on cookie or header.
    assert "Cookie" not in response.vary and "Accept-Language" not in response.vary
    client.set_cookie("atlas_lang", "en")
    assert html_lang(client.get("/journeys?lang=ko").text) == "ko"
    # ?lang= does not set the cookie: the next page is in the cookie's language again.
    assert html_lang(client.get("/journeys").text) == "en"
    # Invalid values are ignored (the cookie, then Accept-Language, then English decide).
    for bad in ("fr", "KO", "ko-KR", "", "<script>"):
        assert html_lang(client.get("/journeys", query_string={"lang": bad}).text) == "en", bad


def test_the_switch_sets_the_cookie_and_returns_to_the_same_page(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    page = client.get(f"/journeys/{SLUG}?classroom=1").text
    # The visible switch: both languages, each in its own language, the current one marked.
    switch = re.search(r'<nav class="language-switch"[^>]*>(.*?)</nav>', page, re.S)
    assert switch, "no language switch in the header"
    links = re.findall(r"<a ([^>]*)>([^<]*)</a>", switch.group(1))
    assert [text for _, text in links] == ["English", "한국어"]
    english, korean = (attrs for attrs, _ in links)
    assert 'lang="en"' in english and 'hreflang="en"' in english
    assert 'aria-current="true"' in english and "aria-current" not in korean
    assert 'lang="ko"' in korean and 'hreflang="ko"' in korean
    href = re.search(r'href="([^"]+)"', korean)
    assert href
    target = href.group(1).replace("&amp;", "&")

    response = client.get(target)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/journeys/{SLUG}?classroom=1"
    assert "atlas_lang=ko" in response.headers["Set-Cookie"]
    back = client.get(response.headers["Location"]).text
    assert html_lang(back) == "ko"
    assert re.search(r'<a [^>]*lang="ko"[^>]*aria-current="true"[^>]*>한국어</a>', back)

    # Switching back to English, from a page that came with ?lang=ko: the switch drops it.
    response = client.get("/language/en", query_string={"next": "/hazards?lang=ko"})
    assert response.headers["Location"] == "/hazards"
    assert html_lang(client.get("/hazards").text) == "en"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/journeys\r\nLocation: https://evil.example",
        "",
    ],
)
def test_the_switch_never_leaves_the_site(client: FlaskClient, next_url: str) -> None:
    response = client.get("/language/ko", query_string={"next": next_url})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_an_unknown_language_sets_no_cookie(client: FlaskClient) -> None:
    response = client.get("/language/fr", query_string={"next": "/hazards"})
    assert response.status_code == 303 and response.headers["Location"] == "/hazards"
    assert "Set-Cookie" not in response.headers


def test_cached_pages_and_maps_are_kept_per_language(client: FlaskClient) -> None:
    # The same page in both orders: neither language is served from the other's cache.
    for first, second in (("ko", "en"), ("en", "ko")):
        for path in (
            f"/journeys/{SLUG}",
            "/",
            f"/journeys/{SLUG}.json",
            f"/present/journeys/{SLUG}",
        ):
            a = client.get(path, query_string={"lang": first}).text
            b = client.get(path, query_string={"lang": second}).text
            assert a != b, path
            korean = a if first == "ko" else b
            english = b if first == "ko" else a
            if path.endswith(".json"):
                ko_title, en_title = json.loads(korean)["title"], json.loads(english)["title"]
                assert HANGUL.search(ko_title) and not HANGUL.search(en_title), path
            else:
                assert untranslated(english, "en") == [], path
                assert "여정" in korean or "구간" in korean, path


def test_embeds_and_presentations_take_lang_and_pass_it_on(client: FlaskClient) -> None:
    embed = client.get(f"/embed/journeys/{SLUG}?lang=ko&leg=1").text
    assert html_lang(embed) == "ko"
    # Every link into the atlas keeps the language (the "Open in the atlas" link too).
    atlas_links = re.findall(r'href="(/(?:journeys|sources)/[^"]*)"', embed)
    assert atlas_links and all("lang=ko" in link for link in atlas_links), atlas_links
    # Embeds read no cookies: the cookie does not choose their language.
    cookied = client.get(f"/embed/journeys/{SLUG}", headers={"Cookie": "atlas_lang=ko"}).text
    assert html_lang(cookied) == "en"

    deck = client.get(f"/present/journeys/{SLUG}?lang=ko").text
    assert html_lang(deck) == "ko"
    leave = re.search(r'class="deck-exit" href="([^"]+)"', deck)
    assert leave and "lang=ko" in leave.group(1)
    assert html_lang(client.get(f"/present/journeys/{SLUG}").text) == "en"


def test_the_embed_snippet_and_oembed_carry_the_language(client: FlaskClient) -> None:
    page = client.get(f"/journeys/{SLUG}?lang=ko").text
    assert 'data-lang="ko"' in page
    snippet = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', page, re.S)
    assert snippet and f"/embed/journeys/{SLUG}?lang=ko" in snippet.group(1)
    assert "data-lang" not in client.get(f"/journeys/{SLUG}?lang=en").text

    answer = client.get(
        "/oembed", query_string={"url": f"http://localhost/journeys/{SLUG}?lang=ko"}
    ).get_json()
    assert "lang=ko" in answer["html"]
    assert HANGUL.search(answer["title"]), answer["title"]
    english = client.get(
        "/oembed", query_string={"url": f"http://localhost/journeys/{SLUG}"}
    ).get_json()
    assert not HANGUL.search(english["title"]) and "lang=" not in english["html"]


# ----------------------------------------------------------------- the catalogue


def _catalogue(path: Path) -> Any:
    with path.open("rb") as f:
        return read_po(f)


def test_every_message_has_a_korean_translation() -> None:
    template = _catalogue(POT)
    korean = _catalogue(KO_PO)
    ids = [m.id for m in template if m.id]
    assert len(ids) > 300
    problems = []
    for msgid in ids:
        message = korean.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and s.strip() for s in strings):
            problems.append(f"empty: {msgid!r}")
        # The placeholders survive translation (a missing one would raise at render).
        for original in msgid if isinstance(msgid, tuple) else (msgid,):
            wanted = set(re.findall(r"%\((\w+)\)[sd]", original)) - {"num"}
            for translated in strings:
                if not wanted <= set(re.findall(r"%\((\w+)\)[sd]", translated)):
                    problems.append(f"placeholders lost: {msgid!r} -> {translated!r}")
    assert problems == []
    assert not [m for m in korean.obsolete], "obsolete entries left in the .po"


def test_the_template_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    extracted = {m.id for m in _catalogue(fresh) if m.id}
    committed = {m.id for m in _catalogue(POT) if m.id}
    assert extracted - committed == set(), "strings in the code missing from messages.pot"
    assert committed - extracted == set(), "messages.pot holds strings the code no longer has"


# ----------------------------------------------------------------- every page type


def _slugs(app: Flask) -> dict[str, Any]:
    with app.app_context():
        journey = db.session.scalars(select(Journey).where(Journey.slug == SLUG)).one()
        leg = db.session.scalars(select(Leg).where(Leg.journey_id == journey.id)).first()
        hazard = db.session.scalars(select(Hazard).order_by(Hazard.position)).first()
        source = db.session.scalars(select(Source).order_by(Source.file)).first()
        citation = db.session.scalars(
            select(Citation).where(Citation.source_id == source.id).order_by(Citation.start_pos)
        ).first()
        assert leg and hazard and source and citation
        place = leg.from_place
        return {
            "journey": journey.slug,
            "journey_id": journey.id,
            "leg": leg.id,
            "hazard": hazard.slug,
            "place": place.slug,
            "source": source.slug,
            "cite": citation.key,
        }


PUBLIC_PAGES = [
    "/",
    "/journeys",
    "/journeys/{journey}",
    "/journeys/{journey}?classroom=1",
    "/sources",
    "/sources/{source}",
    "/sources/{source}?cite={cite}",
    "/sources/{source}?classroom=1",
    "/hazards",
    "/discrepancies",
    "/journeys/{journey}/handout",
    "/journeys/{journey}/handout?classroom=1",
    "/present/journeys/{journey}",
    "/present/journeys/{journey}?classroom=0",
    "/embed/journeys/{journey}",
    # Not found: the slugs typed are echoed, so they are digits (neither language).
    "/embed/journeys/404404",
    "/login",
    "/404404",
    "/journeys/404404",
    "/sources/404404",
]
EDITOR_PAGES = [
    "/edit",
    "/edit/journeys/new",
    "/edit/journeys/{journey}",
    "/edit/journeys/{journey}/legs/new",
    "/edit/legs/{leg}",
    "/edit/places/new",
    "/edit/places/{place}",
    "/edit/hazards/new",
    "/edit/hazards/{hazard}",
    "/edit/sources/new",
    "/edit/sources/{source}",
    "/edit/cite/journey/{journey_id}?source={source}",
    "/history/journey/{journey_id}",
    "/history/deleted",
    "/login",
]


def _check_pages(
    client: FlaskClient, paths: list[str], slugs: dict[str, Any], content: tuple[str, ...]
) -> int:
    problems: dict[str, list[str]] = {}
    checked = 0
    for language in ("ko", "en"):
        for template in paths:
            path = template.format(**slugs)
            joiner = "&" if "?" in path else "?"
            response = client.get(f"{path}{joiner}lang={language}")
            assert response.status_code in (200, 404), f"{path}: {response.status_code}"
            html = response.get_data(as_text=True)
            assert html_lang(html) == language, path
            found = untranslated(html, language, content)
            if found:
                problems[f"{language} {path}"] = found
            checked += 1
    assert problems == {}
    return checked


def test_no_interface_string_is_left_untranslated_on_public_pages(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    content = korean_content(seeded_app)
    assert len(content) > 100
    checked = _check_pages(client, PUBLIC_PAGES, _slugs(seeded_app), content)
    assert checked == 2 * len(PUBLIC_PAGES)


@pytest.mark.database
def test_no_interface_string_is_left_untranslated_for_editors(seeded_app: Flask) -> None:
    client, _token = editor_client(seeded_app, "i18n-editor")
    content = korean_content(seeded_app)
    slugs = _slugs(seeded_app)
    assert _check_pages(client, EDITOR_PAGES, slugs, content) == 2 * len(EDITOR_PAGES)
    admin, _token = editor_client(seeded_app, "i18n-admin", role="admin")
    assert _check_pages(admin, ["/admin/users"], slugs, content) == 2


def test_the_checker_finds_what_it_should() -> None:
    """The check above can fail: English interface text on a Korean page is found,
    as are attributes, while lang="en" content, code and allowed names are not."""
    page = (
        '<html lang="ko"><body><p>지도 <span lang="en">Hyesan</span> km</p>'
        '<button title="Show on map">보기</button><code>000_a.txt</code>'
        '<p>Leave</p><input type="submit" value="Save"><p lang="en">A quote</p>'
        '<span translate="no">ed</span><p>GeoJSON 파일</p></body></html>'
    )
    found = untranslated(page, "ko")
    assert len(found) == 3
    assert "Show" in found[0] and "Leave" in found[1] and "Save" in found[2]
    assert untranslated('<html lang="en"><p>Map <a lang="ko">한국어</a></p></html>', "en") == []
    assert untranslated('<html lang="en"><p>지도</p></html>', "en") != []


# ----------------------------------------------------------------- content in Korean


def test_content_is_korean_and_quotes_stay_english(client: FlaskClient) -> None:
    data = client.get(f"/journeys/{SLUG}.json?lang=ko").get_json()
    # Both languages travel in the JSON twin; the chosen one under the field's name.
    assert data["title"] == data["title_ko"] and data["title_en"] != data["title_ko"]
    assert HANGUL.search(data["title"]) and not HANGUL.search(data["title_en"])
    assert data["fallback"] == []
    for leg in data["legs"]:
        assert leg["summary"] == leg["summary_ko"] and leg["summary_en"]
    for hazard in data["hazards"]:
        assert hazard["name"] == hazard["name_ko"] and hazard["summary_ko"]
        for citation in hazard["citations"]:
            assert not HANGUL.search(citation["quote"])  # the article's own English
    english = client.get(f"/journeys/{SLUG}.json?lang=en").get_json()
    assert english["title"] == english["title_en"] == data["title_en"]
    assert english["title_ko"] == data["title_ko"]

    page = client.get(f"/journeys/{SLUG}?lang=ko").text
    quotes = re.findall(r"<blockquote([^>]*)>", page)
    assert quotes and all('lang="en"' in attrs for attrs in quotes)
    assert page.count("원문 인용 (영어)") == len(quotes)
    assert "원문 인용" not in client.get(f"/journeys/{SLUG}?lang=en").text


@pytest.mark.database
def test_missing_korean_falls_back_to_english_and_says_so(empty_app: Flask) -> None:
    from conftest import seed

    seed(empty_app)
    with empty_app.app_context():
        journey = db.session.scalars(select(Journey).where(Journey.slug == SLUG)).one()
        journey.summary_ko = None
        leg = journey.legs[0]
        leg.summary_ko = None
        hazard = journey.hazards[0]
        hazard.name_ko = None
        english_summary, english_name = journey.summary, hazard.name
        db.session.commit()
    client = empty_app.test_client()
    data = client.get(f"/journeys/{SLUG}.json?lang=ko").get_json()
    assert data["summary"] == english_summary and data["summary_ko"] is None
    assert "summary" in data["fallback"] and "title" not in data["fallback"]
    assert "summary" in data["legs"][0]["fallback"]
    page = client.get(f"/journeys/{SLUG}?lang=ko").text
    from markupsafe import escape

    assert (
        f'<p><span lang="en">{escape(english_summary)}</span> <small class="untranslated">' in page
    )
    assert "(아직 한국어 번역이 없어 영어로 표시합니다)" in page
    assert f'<span lang="en">{escape(english_name)}</span>' in page
    # The fallback stays honest everywhere else too: no interface text is English.
    assert untranslated(page, "ko", korean_content(empty_app)) == []
    # In English nothing is marked as a fallback.
    assert "untranslated" not in client.get(f"/journeys/{SLUG}?lang=en").text


# ----------------------------------------------------------------- in Chromium


@pytest.mark.browser
def test_a_korean_reader_sees_korean_popups_and_switches_language(page_watch, live_server):
    page, watch = page_watch
    journey = _first_hazard_journey(live_server.url)
    open_map_page(page, f"{live_server.url}/journeys/{journey['slug']}?lang=ko", watch)
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    hazard = next(h for h in journey["hazards"] if h["mapped"])
    popup = open_popup(page, f"hazard-{hazard['slug']}")
    expect(popup.locator("h3")).to_have_text(hazard["name_ko"])
    html = popup.inner_html()
    content = (hazard["name_ko"], hazard["summary_ko"], hazard["place_name"])
    assert untranslated(f'<html lang="ko"><div>{html}</div></html>', "ko", content) == []
    assert popup.locator(".atlas-popup-kind").inner_text().startswith("위험 요소")
    quote = popup.locator("blockquote").first
    expect(quote).to_have_attribute("lang", "en")
    expect(popup.locator(".quote-original").first).to_have_text("원문 인용 (영어)")
    # The tooltip and marker title are Korean too.
    titles = page.evaluate(
        "(key) => window.atlasMaps[0].features[key].options.title", f"hazard-{hazard['slug']}"
    )
    assert hazard["name_ko"] in titles and titles.startswith("위험 요소")

    # The visible switch: English, on the same page.
    page.locator(".language-switch a[hreflang=en]").click()
    page.wait_for_url(re.compile(rf"/journeys/{journey['slug']}$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(journey["title_en"])
    expect(page.locator(".language-switch a[aria-current=true]")).to_have_text("English")
    # ...and back to Korean, kept by the cookie on the next page.
    page.locator(".language-switch a[hreflang=ko]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_have_text(journey["title_ko"])
    page.goto(f"{live_server.url}/hazards")
    expect(page.locator("h1")).to_have_text("위험 요소")
    watch.assert_clean()


def _first_hazard_journey(base_url: str) -> dict[str, Any]:
    from browser_helpers import get_json

    data = get_json(base_url, f"/journeys/{SLUG}.json?lang=ko")
    assert any(h["mapped"] for h in data["hazards"])
    return data  # type: ignore[no-any-return]


@pytest.mark.browser
def test_a_korean_presentation_keeps_its_language_in_popup_links(page_watch, live_server):
    page, watch = page_watch
    journey = _first_hazard_journey(live_server.url)
    leg = next(leg for leg in journey["legs"] if leg["route"] == "known")
    url = f"{live_server.url}/present/journeys/{SLUG}?lang=ko&classroom=0"
    open_map_page(page, url, watch)
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    # The deck's map holds the direct route too: its legs are named by journey.
    popup = open_popup(page, f"{SLUG}-leg-{leg['order']}")
    expect(popup.locator("h3")).to_contain_text(leg["label_ko"])
    hrefs = popup.locator("a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all("lang=ko" in href for href in hrefs), hrefs
    watch.assert_clean()


# What Leaflet writes into a map by itself (controls, the popup's close button), read
# after the page's script has run: names a screen reader speaks, and tooltips.
MAP_CHROME = """() => {
    const found = [];
    document.querySelectorAll('.leaflet-control-container *, .leaflet-popup-close-button')
        .forEach((el) => {
            for (const name of ['title', 'aria-label']) {
                const value = el.getAttribute(name);
                if (value) found.push([el.getAttribute('class') || el.tagName, name, value]);
            }
        });
    return found;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("path", [f"/journeys/{SLUG}", f"/embed/journeys/{SLUG}"])
def test_leaflets_own_controls_speak_the_page_language(page_watch, live_server, path):
    page, watch = page_watch
    journey = _first_hazard_journey(live_server.url)
    open_map_page(page, f"{live_server.url}{path}?lang=ko", watch)
    hazard = next(h for h in journey["hazards"] if h["mapped"])
    open_popup(page, f"hazard-{hazard['slug']}")
    names = page.evaluate(MAP_CHROME)
    kinds = {cls.split()[0] for cls, _, _ in names}
    # Zoom, full screen, layers, the Leaflet credit and the popup's close button.
    assert {"leaflet-control-zoom-in", "leaflet-popup-close-button"} <= kinds, kinds
    english = [n for n in names if re.search(r"[A-Za-z]{2,}", n[2])]
    assert english == [], english
    assert ["leaflet-popup-close-button", "aria-label", "팝업 닫기"] in names
    # And in English they stay Leaflet's words, from the same source (the catalogue).
    open_map_page(page, f"{live_server.url}{path}?lang=en", watch)
    open_popup(page, f"hazard-{hazard['slug']}")
    names = page.evaluate(MAP_CHROME)
    assert ["leaflet-control-zoom-in", "title", "Zoom in"] in [
        [cls.split()[0], attr, value] for cls, attr, value in names
    ]
    watch.assert_clean()
