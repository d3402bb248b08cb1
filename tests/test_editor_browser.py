"""An editor builds a new journey from a newly pasted article entirely in Chromium: logs
in, pastes the article, creates a journey, sets two places by clicking the map, picks a
leg's quote and cites the journey by really selecting words with the mouse, reorders
the legs, and then sees the change on the public journey page (map and itinerary)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from auth_helpers import PASSWORD, make_user
from browser_helpers import (
    SCROLL_SETTLED,
    get_json,
    open_map_page,
    watched_page,
)
from conftest import LiveServer, make_app, seed
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.database]

ARTICLE = """Escape Across the Hills

Min-ji left Hyesan in the spring and walked to the river at night.
She crossed into China near Changbai with a broker who knew the guards.
From Changbai she took a bus deep into China, where she hid for a month.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    app = make_app(tmp_path_factory.mktemp("editor-browser") / "browser.sqlite")
    seed(app)
    make_user(app, "mapper", "editor")
    with LiveServer(app) as live:
        yield live


WORDS_BOX = """([selector, words]) => {
    const passage = Array.from(document.querySelectorAll(selector))
        .find((p) => p.textContent.includes(words));
    passage.scrollIntoView({block: "center"});
    const node = passage.firstChild;
    const at = node.data.indexOf(words);
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    const first = range.getBoundingClientRect();
    range.setStart(node, at + words.length - 1);
    range.setEnd(node, at + words.length);
    const last = range.getBoundingClientRect();
    return {x1: first.left + 1, y1: first.top + first.height / 2,
            x2: last.right - 1, y2: last.top + last.height / 2};
}"""


def select_with_the_mouse(page: Any, words: str) -> None:
    """Press, drag and release the mouse over `words` in a passage, as a person does."""
    # The passages come with the page the Show button loads: wait for them (a failure
    # seen under load: the words were looked for before that page had arrived).
    page.locator(".cite-passage", has_text=words).first.wait_for()
    page.evaluate(WORDS_BOX, [".cite-passage", words])  # scrolls it into view first
    page.evaluate(SCROLL_SETTLED)
    box = page.evaluate(WORDS_BOX, [".cite-passage", words])
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def click_map_at(page: Any, lat: float, lon: float) -> tuple[float, float]:
    """Click the place editor's map where (lat, lon) is; returns where Leaflet says the
    click landed."""
    point = page.evaluate(
        "([lat, lon]) => window.atlasEditorMap.map.latLngToContainerPoint([lat, lon])", [lat, lon]
    )
    page.locator("#place-map").click(position={"x": point["x"], "y": point["y"]})
    clicked = page.evaluate("() => window.atlasEditorMap.lastClick")
    return clicked["lat"], clicked["lng"]


def log_in(page: Any, url: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Name").fill("mapper")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".session-name")).to_have_text("mapper")


def new_place(
    page: Any, url: str, name: str, slug: str, at: tuple[float, float], quote: str
) -> tuple[float, float]:
    page.goto(url + "/edit/places/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Slug (in its address)").fill(slug)
    page.wait_for_function("() => !!window.atlasEditorMap")
    clicked = click_map_at(page, *at)
    lat = float(page.locator("#f-anchor_lat").input_value())
    lon = float(page.locator("#f-anchor_lon").input_value())
    assert (lat, lon) == (round(clicked[0], 4), round(clicked[1], 4))
    assert abs(lat - at[0]) < 0.5 and abs(lon - at[1]) < 0.5
    expect(page.locator("#place-map-status")).to_contain_text("Anchor set to")
    circles = page.evaluate(
        """() => { let n = 0; window.atlasEditorMap.map.eachLayer((l) => {
            if (l instanceof L.Circle) n += 1; }); return n; }"""
    )
    assert circles == 1, "the area (a circle around the new anchor) is not drawn"
    page.locator("#f-anchor_note").fill("Where the article says she was; the town's centre.")
    page.locator("#f-cite_source").select_option("hills")
    page.locator("#f-cite_quote").fill(quote)
    page.get_by_role("button", name="Create the place").click()
    expect(page.locator("h1")).to_have_text(f"Edit {name}")
    return lat, lon


def test_an_editor_builds_a_journey_from_a_new_article_in_the_browser(browser, server):
    url = server.url
    with watched_page(browser, url) as (page, watch, dialogs):
        log_in(page, url)
        page.get_by_role("link", name="Edit the atlas").click()

        # The article, pasted.
        page.get_by_role("link", name="Add a source").click()
        page.get_by_label("Label (how the atlas names it)").fill("Escape across the hills")
        page.get_by_label("Slug (in its address)").fill("hills")
        page.locator("#f-text").fill(ARTICLE)
        page.get_by_role("button", name="Add the source").click()
        expect(page.locator("h1")).to_have_text("Edit Escape across the hills")

        # The journey.
        page.goto(url + "/edit/journeys/new")
        page.get_by_label("Title", exact=True).fill("Min-ji's escape across the hills")
        page.get_by_label("Slug (in its address)").fill("min-ji")
        page.get_by_label("Who", exact=True).fill("Min-ji")
        page.get_by_label("Outcome", exact=True).select_option("reached-safety")
        page.get_by_label("Outcome, in words").fill("Reached China")
        page.get_by_label("Summary", exact=True).fill(
            "Min-ji walked to the river and crossed into China."
        )
        page.get_by_role("button", name="Create the journey").click()
        expect(page.locator("h1")).to_have_text("Edit Min-ji's escape across the hills")

        # Two places, each set by clicking the map.
        hyesan = new_place(
            page, url, "Hyesan", "hyesan", (41.4, 128.2), "Min-ji left Hyesan in the spring"
        )
        changbai = new_place(
            page, url, "Changbai", "changbai", (41.4, 128.9), "She crossed into China near Changbai"
        )

        # Leg 1: its quote picked by selecting words in the article first.
        page.goto(url + "/edit/journeys/min-ji/legs/new")
        page.get_by_role("link", name="Select the quote in a source").click()
        page.get_by_label("Source", exact=True).select_option("hills")
        page.get_by_role("button", name="Show").click()
        select_with_the_mouse(page, "walked to the river at night")
        expect(page.locator("#f-cite_quote")).to_have_value("walked to the river at night")
        page.get_by_role("button", name="Use these words").click()
        expect(page.locator("#f-cite_quote")).to_have_value("walked to the river at night")
        page.get_by_label("From", exact=True).select_option(label="Hyesan (hyesan)")
        page.get_by_label("To", exact=True).select_option(label="Changbai (changbai)")
        page.get_by_label("Summary", exact=True).fill("From Hyesan to the river, then Changbai.")
        page.get_by_role("button", name="Add the leg").click()
        expect(page.locator(".edit-legs li")).to_have_count(1)

        # Leg 2: Changbai into China (a seeded place), the quote pasted.
        page.get_by_role("link", name="Add a leg").click()
        page.get_by_label("To", exact=True).select_option(label="China (china)")
        page.get_by_label("Summary", exact=True).fill("By bus deep into China.")
        page.locator("#f-cite_source").select_option("hills")
        page.locator("#f-cite_quote").fill("From Changbai she took a bus deep into China")
        page.get_by_role("button", name="Add the leg").click()
        expect(page.locator(".edit-legs li")).to_have_count(2)

        # A citation of the journey, made by selecting words with the mouse.
        page.get_by_role("link", name="Add a citation").click()
        page.get_by_label("Source", exact=True).select_option("hills")
        page.get_by_role("button", name="Show").click()
        select_with_the_mouse(page, "with a broker who knew the guards")
        expect(page.locator("#cite-status")).to_contain_text("Selected in passage 3")
        page.get_by_role("button", name="Cite these words").click()
        expect(page.locator("#citations blockquote")).to_have_text(
            ["with a broker who knew the guards"]
        )

        # Reorder: leg 2 up.
        page.get_by_role("button", name="Move up: leg 2").click()
        expect(page.locator(".edit-legs li .leg-name")).to_have_text(
            ["Changbai → China", "Hyesan → Changbai"]
        )
        assert dialogs.messages == []
        watch.assert_clean()

    # A reader sees it: the itinerary in the new order, the map drawn from the anchors
    # set by clicking, and the quotes linking to the new article.
    with watched_page(browser, url) as (page, watch, _):
        journey = get_json(url, "/journeys/min-ji.json")
        assert [leg["order"] for leg in journey["legs"]] == [1, 2]
        open_map_page(page, url + "/journeys/min-ji", watch)
        expect(page.locator(".itinerary h3")).to_have_text(
            ["Leg 1: Changbai → China", "Leg 2: Hyesan → Changbai"]
        )
        line = page.evaluate(
            "() => window.atlasMaps[0].features['leg-2'].getLatLngs().map((p) => [p.lat, p.lng])"
        )
        assert line[0] == pytest.approx(list(hyesan), abs=1e-6)
        assert line[-1] == pytest.approx(list(changbai), abs=1e-6)
        first = page.evaluate("() => window.atlasMaps[0].features['leg-1'].getLatLngs()[0]")
        assert (first["lat"], first["lng"]) == pytest.approx(changbai, abs=1e-6)
        assert page.locator("text=with a broker who knew the guards").count() >= 1
        assert page.get_by_role("link", name="Edit").count() == 0  # a reader: no Edit link
        page.locator(".journey-cites summary").click()
        page.locator(".journey-cites a[href*='/sources/hills?cite=']").first.click()
        expect(page.locator("mark").first).to_have_text("with a broker who knew the guards")
        watch.assert_clean()
