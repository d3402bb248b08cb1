"""Content care for classrooms: sensitivity tags in the seed data, and the classroom
setting that hides every tagged quote behind a click-to-reveal content note.

Checked on the real seed data: the loader's refusal of an unknown tag, the tags on the
quotes that describe torture and death, the setting on every kind of page (query
parameter, the header's toggle and its cookie, embeds that ignore cookies, presentation
mode that starts in it), and in headless Chromium with the network cut: notices that
hide the quote until clicked, in the page, in map popups, on slides and in embeds.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from browser_helpers import assert_only_local_requests, open_map_page, open_popup, watched_page
from conftest import SEEDS
from playwright.sync_api import expect
from test_seed import assert_refused, read_yaml, seed_cli, write_yaml

from app.vocabulary import SENSITIVITY_TAGS

DEFECTOR = "imprisoned-defector"
INTESTINES = "intestines were protruding"
# Every quote on the imprisoned defector's page is tagged; his son's page has plain ones.
HAN = "han-jeong-cheong"
PLAIN = "dubious brokers handed him over"
NOTICE = re.compile(r'<details class="sensitive"><summary>Content note: ([^<]*) — show the quote')


def seed_quotes() -> list[tuple[str, dict[str, Any]]]:
    """Every citation item of the seed data, with the file it is in."""
    found: list[tuple[str, dict[str, Any]]] = []

    def walk(name: str, value: Any) -> None:
        if isinstance(value, dict):
            if "quote" in value and "source" in value:
                found.append((name, value))
            for child in value.values():
                walk(name, child)
        elif isinstance(value, list):
            for child in value:
                walk(name, child)

    for name in ("places", "journeys", "hazards", "discrepancies"):
        walk(name, yaml.safe_load((SEEDS / f"{name}.yaml").read_text("utf-8")))
    return found


def tags_of(quote_part: str) -> set[tuple[str, ...]]:
    """The tags given to every citation whose quote contains `quote_part`."""
    tagged = {tuple(c.get("sensitivity", [])) for _, c in seed_quotes() if quote_part in c["quote"]}
    assert tagged, f"no quote contains {quote_part!r}"
    return tagged


def quotes_shown(html: str) -> list[str]:
    """The quotes of the citation lists that are visible without a click."""
    outside = re.sub(r'<details class="sensitive">.*?</details>', "", html, flags=re.S)
    return [unescape(q) for q in re.findall(r"<blockquote>&#8220;(.*?)&#8221;", outside, re.S)]


def quotes_hidden(html: str) -> list[tuple[str, str]]:
    """(summary, quote) of every content note in the page's own markup."""
    found = re.findall(
        r'<details class="sensitive"><summary>(.*?)</summary>\s*<blockquote>&#8220;(.*?)&#8221;',
        html,
        re.S,
    )
    return [(unescape(s), unescape(q)) for s, q in found]


def page_markup(html: str) -> str:
    """The page's header and <main>, without its map's script (popups are checked
    separately); the map's own <div> holds no text."""
    start = html.index('<header class="site-header">')
    return html[start : html.index("</main>")]


def without_nonce(html: str) -> str:
    """A page without its response's CSP nonce (tests/test_csp.py checks those)."""
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def map_script(html: str) -> str:
    """The map's inline script, where the popups are."""
    return html[html.index("</main>") :]


# ---------------------------------------------------------------- the seed data


@pytest.mark.database
def test_an_unknown_sensitivity_tag_is_refused_naming_the_file_and_record(
    empty_app, runner, seeds_copy
):
    hazards = read_yaml(seeds_copy / "hazards.yaml")
    hazard = next(h for h in hazards if h["slug"] == "torture")
    hazard["citations"][0]["sensitivity"] = ["torture", "gore"]
    write_yaml(seeds_copy / "hazards.yaml", hazards)

    result = seed_cli(runner, seeds_copy)
    assert_refused(
        result, "seeds/hazards.yaml: hazard 'torture', citation 1", "'gore'", "allowed: violence"
    )
    # A hazard's own tags are checked the same way; nothing was written.
    hazard["citations"][0]["sensitivity"] = ["torture"]
    hazard["sensitivity"] = ["grim"]
    write_yaml(seeds_copy / "hazards.yaml", hazards)
    assert_refused(seed_cli(runner, seeds_copy), "seeds/hazards.yaml: hazard 'torture'", "'grim'")
    with empty_app.test_client() as client:
        assert client.get("/journeys.json").get_json()["journeys"] == []

    hazard["sensitivity"] = ["torture", "violence"]
    write_yaml(seeds_copy / "hazards.yaml", hazards)
    assert seed_cli(runner, seeds_copy).exit_code == 0
    with empty_app.test_client() as client:
        data = client.get("/hazards.json").get_json()
    torture = next(h for g in data["groups"] for h in g["hazards"] if h["slug"] == "torture")
    assert torture["sensitivity"] == ["torture", "violence"]


def test_the_seed_data_tags_the_quotes_about_torture_and_death():
    assert tags_of(INTESTINES) == {("violence",)}
    assert tags_of("bloated corpses") == {("death",)}
    assert all("torture" in t for t in tags_of("tortured, interrogated and beaten"))
    assert all("execution" in t for t in tags_of("constant fear of public execution"))
    assert all({"sexual-violence", "death"} <= set(t) for t in tags_of("torture, rape, human"))
    # The same sentence carries the same tags wherever it is cited.
    by_quote: dict[str, set[tuple[str, ...]]] = {}
    for _, c in seed_quotes():
        by_quote.setdefault(c["quote"], set()).add(tuple(c.get("sensitivity", [])))
    assert {q: t for q, t in by_quote.items() if len(t) > 1} == {}
    # Every quote naming torture or a killing is tagged; a neutral one is not.
    for _, c in seed_quotes():
        if re.search(r"tortur|corpse|kill|execut|rape", c["quote"], re.I):
            assert c.get("sensitivity"), c["quote"]
    assert tags_of("Madeleine Gavin's film also follows") == {()}
    for _, c in seed_quotes():
        assert set(c.get("sensitivity", [])) <= set(SENSITIVITY_TAGS)


def test_hazards_of_the_grave_kinds_carry_their_tag():
    hazards = yaml.safe_load((SEEDS / "hazards.yaml").read_text("utf-8"))
    for hazard in hazards:
        if hazard["kind"] in ("torture", "execution", "death", "sexual-violence", "trafficking"):
            assert hazard["kind"] in hazard.get("sensitivity", []), hazard["slug"]


def test_the_json_twins_show_the_tags_and_their_labels(client):
    journey = client.get(f"/journeys/{DEFECTOR}.json").get_json()
    cites = [c for h in journey["hazards"] for c in h["citations"]]
    felled = next(c for c in cites if INTESTINES in c["quote"])
    assert felled["sensitivity"] == ["violence"] and felled["sensitivity_labels"] == ["violence"]
    torture = next(h for h in journey["hazards"] if h["slug"] == "torture")
    assert "torture" in torture["sensitivity"]
    han = client.get(f"/journeys/{HAN}.json").get_json()
    plain = [c for c in han["citations"] if PLAIN in c["quote"]]
    assert plain and all(c["sensitivity"] == [] for c in plain)
    deck = client.get(f"/present/journeys/{DEFECTOR}.json").get_json()
    leg = next(s for s in deck["slides"] if s["kind"] == "leg")
    assert any("torture" in q["sensitivity"] for q in leg["quotes"])


# ---------------------------------------------------------------- the setting, server side


def test_classroom_on_the_journey_page_hides_tagged_quotes_behind_a_named_notice(client):
    html = page_markup(client.get(f"/journeys/{DEFECTOR}?classroom=1").get_data(as_text=True))
    hidden = quotes_hidden(html)
    felled = [s for s, q in hidden if INTESTINES in q]
    assert felled == ["Content note: violence — show the quote"]
    assert any(s.startswith("Content note: torture") for s, _ in hidden)
    shown = quotes_shown(html)
    assert not any(INTESTINES in q or "tortured" in q for q in shown)
    son = page_markup(client.get(f"/journeys/{HAN}?classroom=1").get_data(as_text=True))
    assert any(PLAIN in q for q in quotes_shown(son)), "an untagged quote stays visible"
    assert any("tortured" in q for _, q in quotes_hidden(son))
    assert "Classroom setting: <strong>on</strong>" in html


def test_without_the_setting_every_quote_is_shown(client):
    html = page_markup(client.get(f"/journeys/{DEFECTOR}").get_data(as_text=True))
    assert 'class="sensitive"' not in html
    assert any(INTESTINES in q for q in quotes_shown(html))
    assert "Classroom setting: <strong>off</strong>" in html
    off = page_markup(client.get(f"/journeys/{DEFECTOR}?classroom=0").get_data(as_text=True))
    assert 'class="sensitive"' not in off


@pytest.mark.parametrize(
    "path",
    [
        "/hazards",
        "/discrepancies",
        "/",
        f"/embed/journeys/{DEFECTOR}",
        "/sources/chilling-details",
        f"/journeys/{DEFECTOR}/handout",
    ],
)
def test_every_page_takes_the_setting_and_changes_nothing_without_it(client, path):
    on = client.get(f"{path}?classroom=1").get_data(as_text=True)
    off = client.get(path).get_data(as_text=True)
    assert "Content note: " in on, path
    assert "Content note" not in off, path
    if path not in ("/", f"/embed/journeys/{DEFECTOR}", f"/journeys/{DEFECTOR}/handout"):
        assert all(not re.search(r"tortur|intestines", q) for q in quotes_shown(page_markup(on)))


def test_the_map_popups_carry_the_notice_only_in_the_setting(client):
    on = client.get(f"/journeys/{DEFECTOR}?classroom=1").get_data(as_text=True)
    off = client.get(f"/journeys/{DEFECTOR}").get_data(as_text=True)
    script_on, script_off = map_script(on), map_script(off)
    # Popup markup is escaped for Folium: the notice's tags are there, as markup.
    assert "&lt;details" not in script_on and '<details class="sensitive">' in script_on
    assert "<details" not in script_off
    # Both maps are cached: asking again gives each its own (under a new CSP nonce).
    again = client.get(f"/journeys/{DEFECTOR}").get_data(as_text=True)
    assert without_nonce(again) == without_nonce(off)


def test_a_source_passage_with_a_tagged_quote_is_hidden_mark_included(client):
    journey = client.get(f"/journeys/{DEFECTOR}.json").get_json()
    cite = next(c for h in journey["hazards"] for c in h["citations"] if INTESTINES in c["quote"])
    url = cite["url"].replace("?", "?classroom=1&")
    html = client.get(url).get_data(as_text=True)
    passage = re.search(rf'<li id="p-{cite["passage"]}".*?</li>', html, re.S)
    assert passage is not None
    block = passage.group(0)
    details = re.search(r'<details class="sensitive">(.*?)</details>', block, re.S)
    assert details is not None
    assert "Content note: violence" in details.group(1) and "show the passage" in details.group(1)
    assert "<mark" in details.group(1) and "<mark" not in block.replace(details.group(0), "")
    assert INTESTINES not in block.replace(details.group(0), "")
    plain = client.get(cite["url"]).get_data(as_text=True)
    assert "<details" not in plain and INTESTINES in plain


def test_the_handout_prints_the_notice_instead_of_the_quote(client):
    on = client.get(f"/journeys/{DEFECTOR}/handout?classroom=1").get_data(as_text=True)
    off = client.get(f"/journeys/{DEFECTOR}/handout").get_data(as_text=True)
    assert INTESTINES not in on and INTESTINES in off
    assert "Content note: violence" in on


def test_the_toggle_sets_a_first_party_cookie_and_returns_to_a_local_path(seeded_app):
    client = seeded_app.test_client()
    page = client.get(f"/journeys/{DEFECTOR}").get_data(as_text=True)
    toggle = re.search(r'class="classroom-toggle" href="([^"]+)"', page)
    assert toggle is not None
    href = unescape(toggle.group(1))
    assert href.startswith("/settings/classroom?on=1&next=")

    response = client.get(href)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/journeys/{DEFECTOR}"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("classroom=1;") and "Path=/" in cookie and "SameSite=Lax" in cookie
    # The cookie now keeps the setting on, on every page; ?classroom=0 turns it off there.
    on = page_markup(client.get(f"/journeys/{DEFECTOR}").get_data(as_text=True))
    assert quotes_hidden(on) and "Classroom setting: <strong>on</strong>" in on
    off = client.get(f"/journeys/{DEFECTOR}?classroom=0").get_data(as_text=True)
    assert 'class="sensitive"' not in page_markup(off)
    # Embeds never read it.
    embed = client.get(f"/embed/journeys/{DEFECTOR}").get_data(as_text=True)
    assert "Content note" not in embed

    back = client.get("/settings/classroom?on=0&next=/hazards%3Fclassroom%3D1%23kind-torture")
    assert back.headers["Location"] == "/hazards#kind-torture"
    assert "classroom=;" in back.headers["Set-Cookie"] and "Max-Age=0" in back.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/%0d%0aSet-Cookie:x=1",
        "",
    ],
)
def test_the_toggle_redirects_only_to_a_local_path(client, target):
    response = client.get("/settings/classroom", query_string={"on": "1", "next": target})
    assert response.status_code == 303
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    if not target.startswith("/%0d"):
        assert location == "/", location


def test_presentation_mode_starts_in_the_setting(client):
    deck = client.get(f"/present/journeys/{DEFECTOR}").get_data(as_text=True)
    on = deck[deck.index('<main class="deck"') : deck.index("</main>")]
    assert quotes_hidden(on) and not any("tortur" in q for q in quotes_shown(on))
    off = client.get(f"/present/journeys/{DEFECTOR}?classroom=0").get_data(as_text=True)
    assert '<details class="sensitive">' not in off


def test_an_embed_sets_no_cookie_and_reads_none(client):
    client.set_cookie("classroom", "1")
    plain = client.get(f"/embed/journeys/{DEFECTOR}")
    assert "Set-Cookie" not in plain.headers
    assert "Content note" not in plain.get_data(as_text=True)
    on = client.get(f"/embed/journeys/{DEFECTOR}?classroom=1")
    assert "Set-Cookie" not in on.headers
    assert '<details class="sensitive">' in on.get_data(as_text=True)


# ---------------------------------------------------------------- in the browser


def assert_hidden_until_clicked(scope: Any, quote_part: str) -> None:
    """The quote is in a closed content note: not visible, the notice is; a click on
    the summary reveals it."""
    details = scope.locator("details.sensitive").filter(has_text=quote_part).first
    summary = details.locator("summary")
    quote = details.locator("blockquote")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Content note:")
    expect(quote).to_be_hidden()
    summary.click()
    expect(quote).to_be_visible()
    expect(quote).to_contain_text(quote_part)


@pytest.mark.browser
def test_in_the_browser_a_tagged_quote_shows_only_after_its_notice_is_clicked(
    page_watch, live_server
):
    page, watch = page_watch
    open_map_page(page, f"{live_server.url}/journeys/{DEFECTOR}?classroom=1", watch)
    hazards = page.locator(".journey-hazards")
    expect(hazards.get_by_text(INTESTINES)).to_be_hidden()
    assert_hidden_until_clicked(hazards, INTESTINES)
    # The keyboard opens a notice too.
    other = hazards.locator("details.sensitive").nth(0)
    expect(other).not_to_have_attribute("open", "")
    other.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(other.locator("blockquote")).to_be_visible()

    # And inside a map popup.
    popup = open_popup(page, "hazard-torture")
    assert_hidden_until_clicked(popup, "tortured")

    # On the son's page, untagged quotes stay in view beside the notices.
    open_map_page(page, f"{live_server.url}/journeys/{HAN}?classroom=1", watch)
    summary = page.locator(".journey-summary")
    summary.locator("summary").first.click()  # "What the articles say" (not a note)
    expect(summary.locator("blockquote").filter(has_text=PLAIN).first).to_be_visible()
    expect(summary.locator("details.sensitive summary").first).to_be_visible()
    assert_only_local_requests(watch)
    watch.assert_clean()


@pytest.mark.browser
def test_presentation_mode_hides_a_tagged_quote_until_clicked_and_classroom_0_shows_it(
    page_watch, live_server
):
    page, watch = page_watch
    page.goto(f"{live_server.url}/present/journeys/{DEFECTOR}#3", wait_until="networkidle")
    page.wait_for_function("() => window.atlasPresent && window.atlasPresent.current === 3")
    slide = page.locator("#slide-3")
    expect(slide).to_be_visible()
    assert_hidden_until_clicked(slide, "torture would stop")
    # Space on the focused notice opens it; it does not turn the slide.
    second = slide.locator("details.sensitive").nth(1)
    expect(second).not_to_have_attribute("open", "")
    second.locator("summary").focus()
    page.keyboard.press(" ")
    expect(second.locator("blockquote")).to_be_visible()
    assert page.evaluate("() => window.atlasPresent.current") == 3

    page.goto(
        f"{live_server.url}/present/journeys/{DEFECTOR}?classroom=0#3", wait_until="networkidle"
    )
    page.wait_for_function("() => window.atlasPresent && window.atlasPresent.current === 3")
    expect(page.locator("#slide-3 details.sensitive")).to_have_count(0)
    stop = page.locator("#slide-3 blockquote").filter(has_text="torture would stop")
    expect(stop).to_be_visible()
    assert_only_local_requests(watch)
    watch.assert_clean()


@pytest.mark.browser
def test_an_embed_in_the_setting_hides_tagged_quotes_in_popups_and_sets_no_cookie(
    browser, live_server
):
    with watched_page(browser, live_server.url) as (page, watch, _dialogs):
        open_map_page(page, f"{live_server.url}/embed/journeys/{DEFECTOR}?classroom=1", watch)
        popup = open_popup(page, "hazard-torture")
        assert_hidden_until_clicked(popup, "tortured")
        assert page.context.cookies() == []
        assert page.evaluate("() => document.cookie") == ""
        assert_only_local_requests(watch)
        watch.assert_clean()


@pytest.mark.browser
def test_the_header_toggle_keeps_the_setting_for_the_reader(browser, live_server):
    with watched_page(browser, live_server.url) as (page, watch, _dialogs):
        page.goto(f"{live_server.url}/hazards")
        toggle = page.locator(".classroom-toggle")
        expect(toggle).to_have_text("Classroom setting: off")
        expect(page.get_by_text(INTESTINES)).to_be_visible()
        toggle.click()
        page.wait_for_url(f"{live_server.url}/hazards")
        expect(page.locator(".classroom-toggle")).to_have_text("Classroom setting: on")
        cookies = {c["name"]: c for c in page.context.cookies()}
        assert cookies["classroom"]["value"] == "1"
        assert cookies["classroom"]["sameSite"] == "Lax" and cookies["classroom"]["path"] == "/"
        expect(page.get_by_text(INTESTINES).first).to_be_hidden()
        page.goto(f"{live_server.url}/discrepancies")
        expect(page.locator("details.sensitive").first).to_be_attached()
        page.locator(".classroom-toggle").click()
        expect(page.locator(".classroom-toggle")).to_have_text("Classroom setting: off")
        assert page.context.cookies() == []
        watch.assert_clean()
