"""The machine-readable side of the atlas: its OpenAPI 3.1 description (/openapi.json),
and the check of `?lang=` on the JSON endpoints built in the reader's language."""

from __future__ import annotations

from flask import Flask, Response, request

from ..reader import LANGUAGES
from ..views.rendering import json_response
from . import views
from .openapi import translated_endpoints

_TRANSLATED = translated_endpoints()


def refuse_unknown_language() -> Response | None:
    """A JSON client that asks for a language the atlas does not have is told so (400),
    not answered in another one; pages for people fall back to a language instead."""
    if request.endpoint not in _TRANSLATED:
        return None
    asked = request.args.getlist("lang")
    if not asked or (len(asked) == 1 and asked[0] in LANGUAGES):
        return None
    message = f"lang must be one of {', '.join(LANGUAGES)} (given once)"
    return json_response({"error": "bad request", "message": message, "known": []}, 400)


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.before_request(refuse_unknown_language)
