"""The one place where text is made safe for Folium.

Folium inserts popup, tooltip, icon and layer-name text as raw HTML, inside
JavaScript template strings (backticks), in inline <script> blocks, and then
renders the result a second time as a Jinja template on the server. So every
character that means something in any of those four languages is written as
an HTML character reference: the browser shows it exactly as typed, and neither
JavaScript nor Jinja ever sees it.
"""

from __future__ import annotations

from markupsafe import Markup

_ENTITIES = {
    "&": "&amp;",  # first, so the references below are not escaped again
    "<": "&lt;",  # HTML tags, and "</script>" ending Folium's script block
    ">": "&gt;",
    '"': "&quot;",  # attribute values
    "'": "&#39;",
    "`": "&#96;",  # JavaScript template string delimiters
    "$": "&#36;",  # "${...}" interpolation
    "\\": "&#92;",  # escapes inside template strings
    "{": "&#123;",  # Jinja "{{ }}", "{% %}", "{# #}" on the server
    "}": "&#125;",
}
_TABLE = str.maketrans(_ENTITIES)


def map_text(value: object) -> Markup:
    """Escape any value for use as text or an attribute value in Folium-bound HTML."""
    text = "" if value is None else str(value)
    # Control characters (NUL included) have no business in a map label.
    text = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)
    return Markup(text.translate(_TABLE))  # noqa: S704 - this is the escaping


_SCRIPT_ONLY = str.maketrans({ch: _ENTITIES[ch] for ch in "`$\\{}"})


def map_markup(html: str) -> Markup:
    """Make HTML from our own autoescaping templates safe for Folium.

    Jinja's autoescape has already written the values' ``& < > " '`` as
    references; what is left to neutralise are the characters that mean
    something to JavaScript template strings and to Folium's second Jinja pass.
    Our templates use none of them in markup, so translating them everywhere
    equals escaping them in every value.
    """
    if "</script" in html.lower():
        raise ValueError("map HTML must not contain a closing script tag")
    return Markup(html.translate(_SCRIPT_ONLY))  # noqa: S704 - already autoescaped
