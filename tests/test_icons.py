"""The Font Awesome subset (scripts/install_assets.py) holds every icon the atlas shows:
each `fa-<name>` class written in a template or script, and each hazard kind's icon,
has its rule in the subset's stylesheet and its glyph in the subset's font; in
Chromium every icon on the pages gets a glyph the font has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_helpers import watched_page
from fontTools.ttLib import TTFont

from app.maps.assets import ICONS_CSS, ICONS_FONT
from app.maps.icons import icon_sources, icons_in, used_icons
from app.vocabulary import HAZARD_KINDS

STATIC = Path(__file__).resolve().parent.parent / "static"
RULE = re.compile(r'\.fa-([a-z0-9-]+)::before \{ content: "\\([0-9a-f]+)"; \}')


def subset_glyphs() -> dict[str, int]:
    """Icon name -> code point, for the icons of the installed subset whose code point
    the installed font has."""
    css = (STATIC / ICONS_CSS).read_text(encoding="utf-8")
    cmap = TTFont(STATIC / ICONS_FONT).getBestCmap()
    return {name: int(hex_, 16) for name, hex_ in RULE.findall(css) if int(hex_, 16) in cmap}


def missing_from_subset(names: set[str]) -> list[str]:
    return sorted(names - subset_glyphs().keys())


def test_every_icon_the_code_names_is_in_the_subset():
    names = set(used_icons())
    # The hazard vocabulary's icons and those written in the templates are all there.
    assert {kind.icon for kind in HAZARD_KINDS.values()} <= names
    assert {"code", "expand"} <= names  # the embed button, the deck's full-screen button
    assert missing_from_subset(names) == []


def test_the_check_finds_an_icon_the_subset_lacks():
    """A template naming an icon nobody installed is caught by the same check."""
    template = '<button><i class="fa-solid fa-ghost" aria-hidden="true"></i></button>'
    assert icons_in([template]) == {"ghost"}
    assert missing_from_subset(icons_in([template])) == ["ghost"]


def test_icons_are_read_from_templates_and_scripts():
    sources = {p.relative_to(STATIC.parent).as_posix() for p in icon_sources()}
    assert "app/templates/_embed_snippet.html" in sources
    assert "app/templates/present.html" in sources
    assert "app/maps/templates/legend.html" in sources
    assert "static/js/atlas.js" in sources


def test_the_subset_is_small():
    """All of Font Awesome was 151 KB of font and 103 KB of CSS."""
    assert (STATIC / ICONS_FONT).stat().st_size < 20_000
    assert (STATIC / ICONS_CSS).stat().st_size < 5_000


ICON_GLYPHS = """() => Array.from(document.querySelectorAll('.fa-solid'), (e) => {
    const before = getComputedStyle(e, '::before');
    return [e.className, before.content, before.fontFamily, before.fontWeight];
})"""


@pytest.mark.browser
@pytest.mark.parametrize(
    "path", ["/journeys/roh-family", "/hazards", "/present/journeys/roh-family?lang=ko"]
)
def test_every_icon_on_a_page_has_a_glyph(browser, live_server, path):
    glyphs = set(subset_glyphs().values())
    with watched_page(browser, live_server.url) as (page, watch, _):
        page.goto(live_server.url + path)
        page.evaluate("() => document.fonts.ready.then(() => true)")
        icons = page.evaluate(ICON_GLYPHS)
        assert icons, f"no icon on {path}"
        for class_name, content, family, weight in icons:
            assert re.fullmatch(r'"."', content), (class_name, content)
            assert ord(content[1]) in glyphs, (class_name, hex(ord(content[1])))
            assert "Font Awesome 6 Free" in family and weight == "900", (class_name, family)
        faces = page.evaluate(
            """() => Array.from(document.fonts)
                .filter((f) => f.family.includes('Font Awesome'))
                .map((f) => f.status)"""
        )
        assert faces == ["loaded"]
        watch.assert_clean()
