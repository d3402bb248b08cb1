"""The interface in English and Korean (Flask-Babel): the locale selector, the visible
language switch (GET /language/<code>?next=<local path>, which sets the `atlas_lang`
cookie and goes back to the page), labels, `lang` marks and numbers for templates, and
`Vary` for a language that came from a cookie or Accept-Language. Which language a
request asked for, and in what order it is chosen: app/reader.py. Message catalogues
live in app/translations/ (the .po files are in the repo; `scripts/setup.sh` compiles
them to .mo). Content (names, summaries) in the chosen language: app/i18n/content.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, redirect, request, url_for
from flask_babel import Babel, format_decimal, refresh
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.wrappers import Response

from ..reader import (
    DEFAULT_LANGUAGE,
    LANGUAGE_COOKIE,
    LANGUAGES,
    chosen_language,
    local_path,
    select_language,
    url_language,
    with_language,
)
from ..vocabulary import PRECISION_LABELS

COOKIE_MAX_AGE = 365 * 24 * 3600
# How each language names itself on the switch (in its own language and script).
NATIVE_NAMES = {"ko": "한국어", "en": "English"}

# Account roles as the pages name them (the stored codes stay English).
ROLE_LABELS = {"editor": _l("editor"), "admin": _l("admin")}

babel = Babel()
bp = Blueprint("language", __name__)


def _here() -> str:
    path = request.script_root + request.path
    return path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")


def switch_links() -> list[dict[str, Any]]:
    """The header's switch: one link per language, back to this very page."""
    here = with_language(_here(), None)
    current = select_language()
    return [
        {
            "code": code,
            "label": NATIVE_NAMES[code],
            "url": url_for("language.choose", code=code, next=here),
            "current": code == current,
        }
        for code in LANGUAGES
    ]


@bp.get("/language/<code>")
def choose(code: str) -> Response:
    # Local paths only (no open redirect): the same check as the classroom toggle.
    target = local_path(request.args.get("next")) or url_for("atlas.home")
    response = redirect(with_language(target, None), code=303)
    if code in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=COOKIE_MAX_AGE, path="/", samesite="Lax", httponly=False
        )
    return response


def precision_label(precision: str) -> str:
    return str(PRECISION_LABELS.get(precision, precision))


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def english_mark() -> Markup:
    """` lang="en"` for English content (quotes, the articles' names) on a page in
    another language; nothing on an English page, whose markup stays as it was."""
    return Markup(' lang="en"') if select_language() != "en" else Markup("")


def own_language_mark() -> Markup:
    """` lang="<page language>"` for interface text inside English content, off English."""
    language = select_language()
    return Markup(' lang="{}"').format(language) if language != "en" else Markup("")


def km_number(value: float) -> str:
    """A whole number of kilometres, grouped as the chosen language writes numbers."""
    return str(format_decimal(round(value), format="#,##0"))


def vary_on_language(response: Response) -> Response:
    """A page whose language came from the cookie or Accept-Language says so to caches
    (not one whose ?lang= chose it: the URL alone decides that one)."""
    if chosen_language() is not None and url_language() is None:
        if request.blueprint != "embed":  # embeds read no cookie
            response.vary.add("Cookie")
        response.vary.add("Accept-Language")
    return response


def register(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_language)
    app.register_blueprint(bp)
    # Flask-Babel keeps the locale on `g`, which two requests inside one application
    # context share: each request chooses afresh.
    app.before_request(refresh)
    app.after_request(vary_on_language)
    app.jinja_env.filters["km_number"] = km_number
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["precision_label"] = precision_label
    app.jinja_env.globals["en"] = english_mark
    app.jinja_env.globals["own_lang"] = own_language_mark

    @app.context_processor
    def language() -> dict[str, object]:
        return {
            "current_language": select_language,
            "LANGUAGES": LANGUAGES,
            "language_switch": switch_links,
        }
