"""Render Folium maps without compiling every element's output as a new template.

branca's MacroElement.render (and folium's Popup.render and Class.render) wrap the
text an element has just rendered in `Element(text)`, whose constructor compiles
that text as a Jinja template, rendered once more when the figure is assembled.
That second pass costs most of a map's render time and adds nothing: the text is
final. Worse, it would evaluate any `{{ }}` / `{% %}` left in the text (our escaping,
app/escaping.py, writes braces as references, so none of our data reaches it).

`install()` swaps those three methods for copies that wrap the text in `RenderedText`,
which keeps it as it is. To stay byte-identical with the second pass for every text
without Jinja syntax, it applies what rendering a plain-text Jinja template does to
it: line endings normalised to "\\n" and one trailing newline dropped (Jinja's
defaults, newline_sequence="\\n" and keep_trailing_newline=False). Text with Jinja
syntax is kept literally, where the second pass would have evaluated it.

Two smaller costs go too: the figure's constant <meta> element is compiled once per
process rather than once per map, and element names (get_name) are camel-cased once
per class name rather than once per reference.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import branca.element
import folium.map
import jinja2
from branca.element import Element, Figure, MacroElement
from folium.elements import IncludeStatement

_NEWLINES = re.compile(r"\r\n|\r|\n")
_installed: dict[str, Any] = {}


class RenderedText(Element):  # type: ignore[misc]
    """Already rendered header, html or script text, kept as it is."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "RenderedText"
        text = _NEWLINES.sub("\n", str(text))
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, **kwargs: Any) -> str:
        return str(self.text)


def _figure_of(element: Element) -> Figure:
    figure = element.get_root()
    assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
    return figure


def _macro_element_render(self: MacroElement, **kwargs: Any) -> None:
    """branca.element.MacroElement.render, with RenderedText for Element."""
    figure = _figure_of(self)
    macros = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(RenderedText(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


def _popup_render(self: folium.map.Popup, **kwargs: Any) -> None:
    """folium.map.Popup.render, with RenderedText for Element."""
    for child in self._children.values():
        child.render(**kwargs)
    _figure_of(self).script.add_child(
        RenderedText(self._template.render(this=self, kwargs=kwargs)), name=self.get_name()
    )


def _class_render(self: folium.map.Class, **kwargs: Any) -> None:
    """folium.map.Class.render (Leaflet class includes), with RenderedText for Element."""
    figure = _figure_of(self)
    if self.includes:
        stmt = IncludeStatement(self.leaflet_class_name, **self.includes)
        figure.script.add_child(
            RenderedText(stmt._template.render(this=stmt, kwargs=self.includes)),
            name=self._name + "_includes",  # once per class
            index=-1,  # before the element itself
        )
    super(folium.map.Class, self).render(**kwargs)  # the next render in self's MRO


@functools.lru_cache(maxsize=64)
def _template(source: str) -> jinja2.Template:
    """A template compiled once per text: what branca's Element(text) still compiles
    (the figure's constant <meta> element, once per map) is always the same text."""
    template: jinja2.Template = jinja2.Template(source)
    return template


# Every element's get_name() turns its class name into snake case, character by
# character, for each reference to it in the map's script (a fifth of a map's time).
_camelify = functools.lru_cache(maxsize=256)(branca.element._camelify)

_PATCHES = (
    (MacroElement, "render", _macro_element_render),
    (folium.map.Popup, "render", _popup_render),
    (folium.map.Class, "render", _class_render),
    (branca.element, "Template", _template),
    (branca.element, "_camelify", _camelify),
)


def _key(owner: Any, name: str) -> str:
    return f"{getattr(owner, '__qualname__', owner.__name__)}.{name}"


def install() -> None:
    """Use the single-pass renders (idempotent; once at start-up)."""
    for owner, name, replacement in _PATCHES:
        _installed.setdefault(_key(owner, name), vars(owner)[name])
        setattr(owner, name, replacement)


def uninstall() -> None:
    """Back to the libraries' own renders (for the faithfulness test)."""
    for owner, name, _replacement in _PATCHES:
        if _key(owner, name) in _installed:
            setattr(owner, name, _installed[_key(owner, name)])


def installed() -> bool:
    return all(vars(owner).get(name) is new for owner, name, new in _PATCHES)
