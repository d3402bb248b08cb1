"""Popup, tooltip and icon markup for the map, from autoescaping templates of our own.

Rendered here, then passed through `map_markup`, so every value is escaped for
HTML, JavaScript template strings and Folium's server-side Jinja pass alike.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask_babel import get_translations, gettext, ngettext
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.ext import _make_new_gettext, _make_new_ngettext
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
    # These templates are part of the code: loaded once, not checked on disk at each use.
    auto_reload=False,
)
# Interface text in the language of the map being built (journey_map.build_map).
_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]


def _catalogue_callables() -> dict[str, Any]:
    """gettext and ngettext bound to the catalogue of the current language, found once
    per popup (Flask-Babel's look it up again for every phrase); they answer as
    Flask-Babel's do, wrapped as install_gettext_callables(newstyle=True) wraps them."""
    translations = get_translations()

    def plural(singular: str, plural: str, num: int) -> str:
        return str(translations.ungettext(singular, plural, num) % {"num": num})

    return {
        "gettext": _make_new_gettext(translations.ugettext),
        "ngettext": _make_new_ngettext(plural),
    }


def render(template: str, **context: Any) -> Markup:
    html = _env.get_template(template).render(**context, **_catalogue_callables())
    # Folium joins popup HTML into one line of JavaScript; keep it on one line.
    # (ASCII whitespace only: a no-break space in a quote is part of the quote.)
    return map_markup(_ASCII_SPACE.sub(" ", html).strip())
