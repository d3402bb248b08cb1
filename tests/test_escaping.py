"""The one escaping function: what it turns into references, and that the result
survives Folium's own rendering (second Jinja pass, JavaScript template strings)."""

import folium
import pytest

from app.escaping import map_markup, map_text
from app.maps import fast_render

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "`${alert(1)}`",
    "\\`; alert(1); //",
    "{{ 7*7 }}",
    "{{citation needed}}",
    "{% for x in range(3) %}x{% endfor %}",
    "{# comment #}",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
]


@pytest.fixture()
def folium_own_render():
    """Folium's and branca's own renders, with their second Jinja pass: the app installs
    a render shim without it (app/maps/fast_render.py, tests/test_render_shim.py)."""
    was_installed = fast_render.installed()
    fast_render.uninstall()
    yield
    if was_installed:
        fast_render.install()


@pytest.mark.parametrize("payload", HOSTILE)
def test_map_text_leaves_no_active_character(payload):
    escaped = map_text(payload)
    for ch in "<>\"'`${}\\":
        assert ch not in escaped


@pytest.mark.parametrize("payload", HOSTILE)
def test_escaped_text_passes_through_folium_unevaluated(payload, folium_own_render):
    fmap = folium.Map(tiles=None)
    folium.Marker(
        [0, 0], popup=folium.Popup(map_text(payload)), tooltip=folium.Tooltip(map_text(payload))
    ).add_to(fmap)
    html = fmap.get_root().render()  # "{{citation needed}}" unescaped would raise here
    # Present exactly as escaped: a template evaluation would have changed it.
    assert map_text(payload) in html
    assert "alert(1)</script>" not in html


def test_unescaped_text_is_what_folium_evaluates(folium_own_render):
    """The hazard we guard against, shown: Folium renders popup text as a template."""
    fmap = folium.Map(tiles=None)
    folium.Marker([0, 0], popup="Quote {{ 7*7 }}").add_to(fmap)
    assert "Quote 49" in fmap.get_root().render()
    fmap = folium.Map(tiles=None)
    folium.Marker([0, 0], popup=folium.Popup(map_text("Quote {{ 7*7 }}"))).add_to(fmap)
    assert "Quote 49" not in fmap.get_root().render()


def test_map_markup_refuses_a_closing_script_tag():
    with pytest.raises(ValueError):
        map_markup("<p></script></p>")


def test_map_markup_keeps_tags_and_neutralises_script_characters():
    assert map_markup("<b>`${x}`</b>") == "<b>&#96;&#36;&#123;x&#125;&#96;</b>"
