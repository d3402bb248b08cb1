"""Korean text is readable on a machine without Korean fonts (this Debian has none):
the atlas bundles Noto Sans KR and every Hangul glyph on a Korean page is drawn with a
Korean font, not as the fallback font's empty boxes. Asked of Chromium itself (the
fonts it used for each element's text, through the DevTools protocol)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_helpers import watched_page

pytestmark = pytest.mark.browser

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KOREAN_FAMILIES = re.compile(r"Noto Sans KR|CJK|Gothic|Nanum", re.IGNORECASE)

# (page, selectors whose own text is Korean), in several weights and sizes.
PAGES = [
    ("/journeys/roh-family?lang=ko", ["h1", ".site-name", "main h2", "nav a", ".kicker"]),
    ("/present/journeys/roh-family?lang=ko", [".slide h1", ".slide h2"]),
    ("/embed/journeys/roh-family?lang=ko", ["a"]),
    ("/journeys/roh-family?lang=en", ['[lang="ko"]']),
]


def korean_glyph_report(page: Any, selectors: list[str]) -> list[tuple[str, int, int, str]]:
    """For each element with Hangul in its own text: (text, Hangul characters, glyphs
    drawn with a Korean font, the fonts used)."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    # Only what is on screen is drawn (a deck's other slides are hidden): mark it.
    page.evaluate(
        """(selectors) => selectors.forEach((s, i) => document.querySelectorAll(s).forEach(
            (e) => e.getClientRects().length && e.setAttribute('data-font-probe-' + i, '')))""",
        selectors,
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    report = []
    for i in range(len(selectors)):
        found = cdp.send(
            "DOM.querySelectorAll", {"nodeId": root, "selector": f"[data-font-probe-{i}]"}
        )
        for node_id in found["nodeIds"]:
            node = cdp.send("DOM.describeNode", {"nodeId": node_id, "depth": 1})["node"]
            own = "".join(
                c.get("nodeValue", "") for c in node.get("children", []) if c["nodeType"] == 3
            )
            hangul = len(HANGUL.findall(own))
            if not hangul:
                continue
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
            korean = sum(f["glyphCount"] for f in fonts if KOREAN_FAMILIES.search(f["familyName"]))
            used = ", ".join(f"{f['familyName']}×{f['glyphCount']}" for f in fonts)
            report.append((own.strip()[:40], hangul, korean, used))
    cdp.detach()
    return report


@pytest.mark.parametrize(("path", "selectors"), PAGES)
def test_every_hangul_glyph_is_drawn_with_a_korean_font(browser, live_server, path, selectors):
    with watched_page(browser, live_server.url) as (page, watch, _):
        page.goto(live_server.url + path)
        # Fonts load when text needs them; wait until every face asked for has come.
        page.wait_for_function(
            "() => document.fonts.status === 'loaded'"
            " && document.fonts.check('16px \"Noto Sans KR\"', '한')"
        )
        report = korean_glyph_report(page, selectors)
        assert report, f"no Korean text found on {path} under {selectors}"
        boxes = [r for r in report if r[2] < r[1]]
        assert boxes == [], f"Hangul drawn without a Korean font on {path}: {boxes}"
        fonts = [u for u in watch.requests if u.endswith(".woff2") and "noto-sans-kr" in u]
        assert fonts, "the bundled Korean font was not used"
        watch.assert_clean()  # the font comes from the atlas itself, nothing from elsewhere
