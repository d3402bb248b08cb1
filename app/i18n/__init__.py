"""The interface in English and Korean (Flask-Babel).

The language of a response is chosen, in order, by `?lang=en|ko`, then the `atlas_lang`
cookie (set by the visible language switch, GET /language/<code>?next=<local path>),
then the browser's Accept-Language, then English. Message catalogues live in
app/translations/ (the .po files are in the repo; `scripts/setup.sh` compiles them to
.mo). Content (names, summaries) in the chosen language: app/i18n/content.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Flask, g, redirect, request, url_for
from flask_babel import Babel, format_decimal
from werkzeug.wrappers import Response

LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"
COOKIE = "atlas_lang"
PARAM = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# How each language names itself on the switch (in its own language and script).
NATIVE_NAMES = {"ko": "한국어", "en": "English"}

babel = Babel()
bp = Blueprint("language", __name__)


def requested_language() -> str | None:
    """The language the URL or the cookie asks for, if any (not Accept-Language)."""
    for asked in (request.args.get(PARAM), request.cookies.get(COOKIE)):
        if asked in LANGUAGES:
            return asked
    return None


def url_language() -> str | None:
    """The language `?lang=` asks for, when it names one we have."""
    asked = request.args.get(PARAM)
    return asked if asked in LANGUAGES else None


def select_language() -> str:
    chosen = getattr(g, "atlas_language", None)
    if chosen is None:
        chosen = requested_language() or request.accept_languages.best_match(
            LANGUAGES, default=DEFAULT_LANGUAGE
        )
        g.atlas_language = chosen
    return str(chosen)


def with_language(url: str, language: str | None) -> str:
    """`url` with its `lang` parameter set to `language` (or taken out, for None)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM]
    if language:
        query.append((PARAM, language))
    return urlunsplit(parts._replace(query=urlencode(query)))


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
    from ..views.classroom import local_path

    target = local_path(request.args.get("next")) or url_for("atlas.home")
    response = redirect(with_language(target, None), code=303)
    if code in LANGUAGES:
        response.set_cookie(
            COOKIE, code, max_age=COOKIE_MAX_AGE, path="/", samesite="Lax", httponly=False
        )
    return response


def km_number(value: float) -> str:
    """A whole number of kilometres, grouped as the chosen language writes numbers."""
    return str(format_decimal(round(value), format="#,##0"))


def vary_on_language(response: Response) -> Response:
    """A page whose language came from the cookie or Accept-Language says so to caches."""
    if getattr(g, "atlas_language", None) is not None and url_language() is None:
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
    return response


def register(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_language)
    app.register_blueprint(bp)
    app.after_request(vary_on_language)
    app.jinja_env.filters["km_number"] = km_number

    @app.context_processor
    def language() -> dict[str, object]:
        return {
            "current_language": select_language,
            "LANGUAGES": LANGUAGES,
            "language_switch": switch_links,
        }
