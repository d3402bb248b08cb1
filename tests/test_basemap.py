"""The offline base map (scripts/build_basemap.py, static/js/basemap.js): built from
app/maps/geodata the same way every time; land, water and names in the page's language
(the rivers the journeys cross by name where they are in view); never a name over one
of the atlas's symbols; the deeper levels of detail loaded only when zoomed in; and the
handout's SVG drawn on the same base."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import MAP_STILL, journey_slugs, open_map_page

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = ROOT / "static" / "vendor" / "basemap"
HANGUL = re.compile(r"[\uac00-\ud7a3]")

sys.path.insert(0, str(ROOT / "scripts"))
import build_basemap  # noqa: E402

sys.path.pop(0)

# The visible base-map labels of the first map, with their boxes, and the boxes of the
# map's symbols (every marker icon: stops, hazards, area numbers).
LABELS_AND_SYMBOLS = """() => {
    const container = window.atlasMaps[0].map.getContainer();
    const box = (el) => { const r = el.getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    return {
        labels: Array.from(container.querySelectorAll(".atlas-label:not([hidden])"),
            (el) => ({text: el.textContent, kind: el.className, box: box(el)})),
        symbols: Array.from(container.querySelectorAll(".leaflet-marker-icon"), box)
            .filter((b) => b.right > b.left && b.bottom > b.top),
    };
}"""

# Moves the first map and waits until the base map has placed its labels for the new
# view and run its collision pass (two animation frames after the move).
SET_VIEW = """async ([lat, lon, zoom]) => {
    const map = window.atlasMaps[0].map;
    const container = map.getContainer();
    delete container.dataset.atlasBasemap;
    map.setView([lat, lon], zoom, {animate: false});
    while (container.dataset.atlasBasemap !== "drawn") {
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (let i = 0; i < 3; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
}"""

SETTLED = """async () => {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
}"""

BASEMAP_SCRIPTS = """() => performance.getEntriesByType("resource")
    .map((e) => e.name).filter((u) => u.includes("/vendor/basemap/"))"""


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


def read_labels(page: Any) -> dict[str, Any]:
    page.evaluate(SETTLED)
    return page.evaluate(LABELS_AND_SYMBOLS)


def texts(state: dict[str, Any]) -> set[str]:
    return {label["text"] for label in state["labels"]}


def assert_no_label_over_a_symbol(state: dict[str, Any], where: str) -> None:
    for label in state["labels"]:
        for symbol in state["symbols"]:
            assert not overlaps(label["box"], symbol), f"{where}: {label['text']} over a symbol"
    boxes = [label["box"] for label in state["labels"]]
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            assert not overlaps(a, b), f"{where}: two labels overlap"


# ------------------------------------------------------------------ the build


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*"))}


def test_the_build_is_deterministic_and_the_installed_base_map_is_current(tmp_path):
    build_basemap.build(tmp_path / "a")
    assert digest(tmp_path / "a") == digest(INSTALLED), "run scripts/install_assets.py"


def label_rows(language: str) -> list[list[Any]]:
    text = (INSTALLED / f"labels-{language}.js").read_text("utf-8")
    return list(json.loads(text[text.index("]=") + 2 : text.rstrip().rindex(";")]))


def test_every_label_is_in_both_languages_and_the_east_sea_has_both_names():
    english, korean = label_rows("en"), label_rows("ko")
    assert [r[:5] for r in english] == [r[:5] for r in korean]
    assert all(HANGUL.search(row[5]) for row in korean)
    assert not any(HANGUL.search(row[5]) for row in english)
    en, ko = {r[5] for r in english}, {r[5] for r in korean}
    assert {"Yalu River", "Tumen River", "Mekong River", "Vientiane", "Bangkok"} <= en
    assert {"압록강", "두만강", "메콩강", "비엔티안", "방콕", "평양", "서울"} <= ko
    assert "East Sea / Sea of Japan" in en and "Sea of Japan" not in en
    assert "동해 / 일본해" in ko
    kinds = {r[0] for r in english}
    assert {"country", "sea", "river", "region", "city", "capital"} <= kinds


# ---------------------------------------------------------------- in Chromium


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "rivers", "towns", "seas"),
    [
        ("en", {"Yalu River", "Tumen River"},
         {"Pyongyang", "Sinuiju", "Dandong", "Hyesan", "Chongjin", "Shenyang"},
         {"East Sea / Sea of Japan", "Yellow Sea", "East Korea Bay", "Bo Hai"}),
        ("ko", {"압록강", "두만강"}, {"평양", "신의주", "단둥", "혜산", "청진", "선양"},
         {"동해 / 일본해", "황해", "동한만", "보하이해"}),
    ],
)  # fmt: skip
def test_the_border_rivers_are_named_in_the_page_language(
    page_watch, live_server, lang, rivers, towns, seas
):
    page, watch = page_watch
    open_map_page(page, f"{live_server.url}/journeys/general-route?lang={lang}", watch)
    # Zoomed to the Chinese border, as a reader looking for the crossing would.
    page.evaluate(SET_VIEW, [41.3, 127.5, 6])
    state = read_labels(page)
    shown = texts(state)
    assert rivers <= shown, sorted(shown)
    assert len(towns & shown) >= 2, sorted(shown)
    assert seas & shown, sorted(shown)
    assert_no_label_over_a_symbol(state, f"general-route {lang} zoom 6")
    watch.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "mekong", "seas", "cities"),
    [
        # Capitals under a stop or hazard give way to it (the stop says more), so any
        # of the region's capitals and great cities counts.
        ("en", "Mekong River", {"Yellow Sea", "South China Sea", "East Sea / Sea of Japan"},
         {"Vientiane", "Bangkok", "Seoul", "Hanoi", "Pyongyang", "Beijing", "Shanghai"}),
        ("ko", "메콩강", {"황해", "남중국해", "동해 / 일본해"},
         {"비엔티안", "방콕", "서울", "하노이", "평양", "베이징", "상하이"}),
    ],
)  # fmt: skip
def test_the_roh_familys_map_names_the_mekong_seas_and_cities_at_its_first_view(
    page_watch, live_server, lang, mekong, seas, cities
):
    page, watch = page_watch
    open_map_page(page, f"{live_server.url}/journeys/roh-family?lang={lang}", watch)
    state = read_labels(page)
    shown = texts(state)
    assert mekong in shown, sorted(shown)
    assert seas & shown, sorted(shown)
    assert cities & shown, sorted(shown)
    assert_no_label_over_a_symbol(state, f"roh-family {lang}")
    # Decorative for screen readers, and never in the way of a click.
    assert page.evaluate(
        """() => {
            const label = document.querySelector(".atlas-label:not([hidden])");
            const r = label.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return !label.contains(hit) && !!label.closest("[aria-hidden=true]");
        }"""
    )
    watch.assert_clean()


@pytest.mark.browser
def test_no_label_sits_on_a_symbol_on_any_journey_or_the_home_map_at_any_zoom(
    page_watch, live_server
):
    page, watch = page_watch
    for url in ["/", *(f"/journeys/{slug}" for slug in journey_slugs(live_server.url))]:
        for lang in ("en", "ko"):
            open_map_page(page, f"{live_server.url}{url}?lang={lang}", watch)
            state = read_labels(page)
            assert state["labels"], f"{url} {lang}: no names on the map"
            assert_no_label_over_a_symbol(state, f"{url} {lang}")
            if HANGUL.search(" ".join(texts(state))) is None:
                assert lang == "en", f"{url}: Korean page without Korean names"
    # Zoomed in and out again on the journey with the most symbols together.
    open_map_page(page, f"{live_server.url}/journeys/roh-family", watch)
    for view in ([40.0, 127.0, 7], [19.0, 103.0, 6], [30.0, 115.0, 3]):
        page.evaluate(SET_VIEW, view)
        assert_no_label_over_a_symbol(read_labels(page), f"roh-family at {view}")
    watch.assert_clean()


@pytest.mark.browser
def test_the_detailed_levels_load_only_when_zoomed_in_and_only_in_view(page_watch, live_server):
    page, watch = page_watch
    open_map_page(page, f"{live_server.url}/journeys/roh-family", watch)
    first = page.evaluate(BASEMAP_SCRIPTS)
    assert any("basemap-0" in u for u in first)
    assert not any(re.search(r"basemap-[12]-", u) for u in first), first
    page.evaluate(SET_VIEW, [41.0, 127.5, 8])
    detailed = [u for u in page.evaluate(BASEMAP_SCRIPTS) if "basemap-2-" in u]
    assert 1 <= len(detailed) <= 9, detailed
    page.wait_for_function(MAP_STILL)
    # At this zoom the Yalu's own line is drawn and named.
    assert {"Yalu River", "Sinuiju"} & texts(read_labels(page))
    watch.assert_clean()


# ------------------------------------------------------------------ handout


def test_the_handout_map_has_land_rivers_borders_and_names_in_its_language(client):
    english = client.get("/journeys/general-route/handout?lang=en").get_data(as_text=True)
    korean = client.get("/journeys/general-route/handout?lang=ko").get_data(as_text=True)
    for svg in (english, korean):
        for layer in ("land", "river", "border"):
            assert f'<path class="{layer}"' in svg, layer
    english_labels = re.findall(r'<text class="base [a-z]+"[^>]*>([^<]+)</text>', english)
    korean_labels = re.findall(r'<text class="base [a-z]+"[^>]*>([^<]+)</text>', korean)
    assert english_labels and korean_labels
    # A country whose label point holds a stop (the atlas anchors country-wide places
    # there) gives way to the stop; the journey's other countries are named.
    countries = ("CHINA", "NORTH KOREA", "THAILAND", "VIETNAM", "LAOS", "SOUTH KOREA")
    assert any(name in english_labels for name in countries)
    assert all(HANGUL.search(text) for text in korean_labels)
    # Small: a printed map, not the data behind it.
    svg = re.search(r"<svg class=\"handout-map\".*?</svg>", english, re.S)
    assert svg and len(svg.group(0)) < 250_000, len(svg.group(0)) if svg else None


def test_the_handout_names_keep_clear_of_the_words_along_legs(client):
    """A base-map name never sits under the words along a leg (both centred text)."""
    for lang, char in (("en", 0.56), ("ko", 0.95)):
        svg = client.get(f"/journeys/roh-family/handout?lang={lang}").get_data(as_text=True)
        legs = re.findall(r'<text class="leg-label" x="([\d.]+)" y="([\d.]+)">([^<]+)<', svg)
        assert legs
        names = re.findall(r'<text class="base [a-z]+" x="([\d.]+)" y="([\d.]+)"', svg)
        for x, y, words in legs:
            half = len(words) * 12 * char / 2
            for bx, by in names:
                inside = abs(float(bx) - float(x)) < half and abs(float(by) - float(y)) < 12
                assert not inside, (lang, words, bx, by)
