"""The render shim (app/maps/fast_render.py) renders maps exactly as Folium does.

Each map is rendered by the app's own code with the shim and again with Folium's and
branca's own renders (the shim uninstalled for that one call); the two must be
byte-identical once Folium's random element ids are numbered in order of appearance.
Maps: every seeded journey (English and Korean, classroom setting on and off), the
home map, embed maps, the hostile seed data of test_hostile, and a journey whose names,
summaries and quotes are the whole hostile corpus (Jinja syntax included).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import folium
import jinja2
import pytest
from flask import Flask
from hostile_corpus import CORPUS
from test_hostile import add_hostile_text, copy_seeds, seeded_app

from app import create_app
from app.escaping import map_text
from app.maps import fast_render
from app.maps.journey_map import MapParts
from app.pages.builders import home_page, journey_page, journeys_index
from app.reader import EmbedOptions
from app.views.embed import _embed_map
from app.views.rendering import journey_map

_FOLIUM_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def shim_installed() -> None:
    """As create_app leaves it (a test run alone may not have made an app yet)."""
    fast_render.install()


def normalised(text: str) -> str:
    """Folium names every element by 32 random hex digits: number them instead."""
    seen: dict[str, int] = {}
    return _FOLIUM_ID.sub(lambda m: f"ID{seen.setdefault(m.group(), len(seen))}", text)


def joined(parts: MapParts) -> str:
    return "\n<!--header|html-->\n".join((parts.header, parts.html, parts.script))


def without_shim(render: Callable[[], str]) -> str:
    fast_render.uninstall()
    try:
        assert not fast_render.installed()
        return render()
    finally:
        fast_render.install()


def assert_same_with_and_without_shim(render: Callable[[], str]) -> str:
    assert fast_render.installed()
    fast, plain = render(), without_shim(render)
    assert fast_render.installed()
    assert _FOLIUM_ID.search(fast), "no Folium element rendered: nothing compared"
    fast, plain = normalised(fast), normalised(plain)
    if fast != plain:
        at = next(i for i, (a, b) in enumerate(zip(fast, plain, strict=False)) if a != b)
        pytest.fail(
            f"outputs differ at {at}:\nshim:  {fast[at - 80 : at + 80]!r}\n"
            f"plain: {plain[at - 80 : at + 80]!r}"
        )
    return fast


def journey_map_of(data: dict[str, Any], classroom: bool = False) -> str:
    return joined(journey_map([data], data["hazards"], data["places"], classroom=classroom))


def home_map(data: dict[str, Any]) -> str:
    m = data["map"]
    return joined(
        journey_map(m["journeys"], m["hazards"], m["places"], show_hazards=False, legend_open=False)
    )


def embed_map(data: dict[str, Any], query: dict[str, str]) -> str:
    options = EmbedOptions.parse(query).for_journey(data)
    return joined(_embed_map(data, options))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_seeded_journey_map_is_the_same_with_and_without_the_shim(
    seeded_app: Flask, lang: str
) -> None:
    with seeded_app.test_request_context(f"/?lang={lang}"):
        slugs = [j["slug"] for j in journeys_index()["journeys"]]
        assert len(slugs) >= 3
        for slug in slugs:
            data = journey_page(slug)
            for classroom in (False, True):
                assert_same_with_and_without_shim(lambda d=data, c=classroom: journey_map_of(d, c))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_home_map_is_the_same_with_and_without_the_shim(seeded_app: Flask, lang: str) -> None:
    with seeded_app.test_request_context(f"/?lang={lang}"):
        data = home_page()
        out = assert_same_with_and_without_shim(lambda: home_map(data))
        assert out.count("L.marker(") >= 20


@pytest.mark.parametrize(
    "query",
    [{}, {"controls": "0", "hazards": "0"}, {"leg": "2", "classroom": "1", "lang": "ko"}],
)
def test_embed_maps_are_the_same_with_and_without_the_shim(
    seeded_app: Flask, query: dict[str, str]
) -> None:
    with seeded_app.test_request_context("/", query_string=query):
        data = journey_page("roh-family")
        assert_same_with_and_without_shim(lambda: embed_map(data, query))


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    tmp: Path = tmp_path_factory.mktemp("hostile-shim")
    seeds = copy_seeds(tmp / "seeds")
    add_hostile_text(seeds)
    return seeded_app(tmp, seeds)


def test_the_hostile_seed_data_maps_are_the_same_with_and_without_the_shim(
    hostile_app: Flask,
) -> None:
    with hostile_app.test_request_context("/"):
        data = journey_page("roh-family")
        out = assert_same_with_and_without_shim(lambda: journey_map_of(data))
        # The Jinja payloads reached the map, as text (braces as references).
        assert "&#123;&#123; 7*7 &#125;&#125;" in out
        assert "{{" not in out and "{%" not in out and "{#" not in out
        assert_same_with_and_without_shim(lambda: home_map(home_page()))


def _corpus_texts() -> Iterator[str]:
    while True:
        yield from (h.text for h in CORPUS)


def hostile_corpus_journey(data: dict[str, Any]) -> dict[str, Any]:
    """The journey's data with every name, label, summary and quote replaced by the
    hostile corpus's strings, in turn (map building takes data, not requests)."""
    data = copy.deepcopy(data)
    texts = _corpus_texts()
    used = 0

    def cite(item: dict[str, Any]) -> None:
        nonlocal used
        for citation in item["citations"]:
            citation["quote"], citation["source_name"] = next(texts), next(texts)
            used += 2

    data["title"] = next(texts)
    for place in data["places"]:
        place["name"], place["provenance_note"] = next(texts), next(texts)
        cite(place)
    for leg in data["legs"]:
        leg["label"], leg["summary"] = next(texts), next(texts)
        cite(leg)
    for hazard in data["hazards"]:
        hazard["name"], hazard["summary"], hazard["place_name"] = (
            next(texts),
            next(texts),
            next(texts),
        )
        cite(hazard)
    # Enough fields that every string of the corpus is used at least once, on hazards the
    # map draws (one whose place is not told is listed on the page, not on the map).
    drawn = [hazard for hazard in data["hazards"] if hazard["mapped"]]
    while used < len(CORPUS):
        for hazard in drawn:
            hazard["citations"].append({**hazard["citations"][0], "quote": next(texts)})
            used += 1
    return data


def test_the_whole_hostile_corpus_on_a_map_is_the_same_with_and_without_the_shim(
    seeded_app: Flask,
) -> None:
    with seeded_app.test_request_context("/"):
        data = hostile_corpus_journey(journey_page("roh-family"))
        for classroom in (False, True):
            out = assert_same_with_and_without_shim(lambda c=classroom: journey_map_of(data, c))
            assert "H001 " in out and f"H{CORPUS[-1].number:03d} " in out
            assert "&#123;&#123; 7*7 &#125;&#125;" in out


def _map_with_popup(text: str) -> str:
    fmap = folium.Map(tiles=None)
    folium.Marker([40, 125], popup=folium.Popup(text)).add_to(fmap)
    return str(fmap.get_root().render())


def test_unescaped_jinja_syntax_is_kept_as_text_where_the_second_pass_evaluated_it() -> None:
    """The one difference, out of our reach: our escaping writes braces as references
    (the test above); text that skipped it would be evaluated by the second pass."""
    raw = "<b>{{ 7*7 }}</b>"
    assert "<b>{{ 7*7 }}</b>" in _map_with_popup(raw)
    assert "<b>49</b>" in without_shim(lambda: _map_with_popup(raw))
    escaped = str(map_text(raw))
    assert normalised(_map_with_popup(escaped)) == normalised(
        without_shim(lambda: _map_with_popup(escaped))
    )


def test_line_endings_are_those_of_the_second_pass() -> None:
    """Jinja writes \\r\\n and \\r as \\n and drops one trailing newline: so does the shim."""
    for text in ("a\r\nb\rc\n", "x\n\n", "\r", "plain"):
        assert fast_render.RenderedText(text).render() == jinja2.Template(text).render()


class _CompileCounter:
    """Counts Jinja compilations (Environment.compile), whatever environment."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = jinja2.Environment.compile

        def compile(env: jinja2.Environment, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(env, *args, **kwargs)

        monkeypatch.setattr(jinja2.Environment, "compile", compile)


def test_the_app_installs_the_shim_and_a_map_render_compiles_no_template(
    seeded_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_render.uninstall()
    assert not fast_render.installed()
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert fast_render.installed()
    counter = _CompileCounter(monkeypatch)
    with seeded_app.test_request_context("/"):
        data = journey_page("roh-family")
        journey_map_of(data)  # our own popup templates are compiled once, then cached
        counter.count = 0
        journey_map_of(data)
        assert counter.count == 0
        without_shim(lambda: journey_map_of(data))
        # Without the shim every element's text is compiled again: the count can fail.
        assert counter.count > 50
