"""Popup, tooltip and icon markup for the map, from autoescaping templates of our own.

Rendered here, then passed through `map_markup`, so every value is escaped for
HTML, JavaScript template strings and Folium's server-side Jinja pass alike.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask_babel import gettext, ngettext
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..escaping import map_markup

_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
# Interface text in the language of the map being built (journey_map.build_map).
_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]


def render(template: str, **context: Any) -> Markup:
    html = _env.get_template(template).render(**context)
    # Folium joins popup HTML into one line of JavaScript; keep it on one line.
    # (ASCII whitespace only: a no-break space in a quote is part of the quote.)
    return map_markup(_ASCII_SPACE.sub(" ", html).strip())
