"""The interface in English and Korean (Flask-Babel).

The language of a response is chosen, in order, by `?lang=en|ko`, then the `atlas_lang`
cookie (set by the visible language switch), then the browser's Accept-Language, then
English. Message catalogues live in app/translations/ (the .po files are in the repo;
`scripts/setup.sh` compiles them to .mo)."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import Babel

LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"
COOKIE = "atlas_lang"

babel = Babel()


def requested_language() -> str | None:
    """The language the URL or the cookie asks for, if any (not Accept-Language)."""
    for asked in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if asked in LANGUAGES:
            return asked
    return None


def select_language() -> str:
    chosen = getattr(g, "atlas_language", None)
    if chosen is None:
        chosen = requested_language() or request.accept_languages.best_match(
            LANGUAGES, default=DEFAULT_LANGUAGE
        )
        g.atlas_language = chosen
    return str(chosen)


def register(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_language)

    @app.context_processor
    def language() -> dict[str, object]:
        return {"current_language": select_language, "LANGUAGES": LANGUAGES}
