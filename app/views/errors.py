"""Helpful 404s: an HTML page listing what does exist, or JSON for machine URLs."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from ..pages.builders import NotFound, not_found_data
from .rendering import html_response, json_response


def _wants_json() -> bool:
    return request.path.endswith((".json", ".geojson"))


# The HTML error pages in the reader's language (JSON keeps Werkzeug's English words).
ERROR_TEXTS = {
    400: (
        _l("Bad Request"),
        _l("The browser (or proxy) sent a request that this server could not understand."),
    ),
    403: (_l("Forbidden"), _l("You don't have the permission to access the requested resource.")),
    404: (
        _l("Not Found"),
        _l(
            "The requested URL was not found on the server. If you entered the URL manually "
            "please check your spelling and try again."
        ),
    ),
    405: (_l("Method Not Allowed"), _l("The method is not allowed for the requested URL.")),
    500: (
        _l("Internal Server Error"),
        _l("The server encountered an internal error and was unable to complete your request."),
    ),
}


def error_text(exc: HTTPException) -> tuple[str, str]:
    """The title and message of an error page; Werkzeug's own text for other codes, and
    whenever a view gave its own description (it then names the exact problem)."""
    known = ERROR_TEXTS.get(exc.code or 500)
    if known is None or exc.description != type(exc).description:
        return exc.name, str(exc.description)
    return str(known[0]), str(known[1])


def register(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def unknown_slug(exc: NotFound) -> Response:
        data = not_found_data(exc)
        if _wants_json():
            return json_response(data, status=404)
        return html_response("not_found.html", {**data, "title": _("Not found")}, status=404)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        data: dict[str, object] = {
            "error": exc.name.lower(),
            "message": exc.description,
            "known": [],
        }
        if _wants_json():
            response = json_response(data, status=status)
        else:
            title, message = error_text(exc)
            page = {**data, "title": title, "message": message}
            response = html_response("not_found.html", page, status=status)
        # The error's own headers: a 405 must say which methods are allowed (Allow).
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
