"""What the reader asked for: the language, the classroom setting, an embed's options,
and a local `next=` to go back to. Read from the request (query string, cookies,
Accept-Language); the views, app/i18n and app/auth act on it, nothing here renders.

Language (`select_language`): chosen, in order, by `?lang=en|ko`, then the `atlas_lang`
cookie (set by the visible language switch, app/i18n's GET /language/<code>?next=<local
path>), then the browser's Accept-Language, then English. Embeds read no cookie.

Classroom setting (`classroom_setting`): quotes tagged with a content note
(app/vocabulary.py SENSITIVITY_TAGS) are shown only when a reader asks, behind a
<details> notice. How a page decides:

- `?classroom=1` / `?classroom=0` on any page turns it on / off for that page;
- otherwise a first-party cookie `classroom=1`, set by the header's toggle through
  GET /settings/classroom?on=1&next=<local path> (app/views/classroom.py), turns it on
  for the reader;
- embeds (/embed/...) never read or set cookies: only their query parameter counts;
- presentation mode starts on (the room may be a class) unless `?classroom=0`.

Page data is the same either way; templates and map popups render the flag, so every
cached map is keyed by it.

Embed options (`EmbedOptions`): the query string of /embed/journeys/<slug> (each option
is described in app/views/embed.py); links from an embed into the atlas carry its
`classroom` and `lang` on (`carry_links`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import has_request_context, request
from flask_babel import refresh

# ---------------------------------------------------------------- language

LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "atlas_lang"
LANGUAGE_PARAM = "lang"
_CHOSEN = "atlas.language"


def requested_language() -> str | None:
    """The language the URL or the cookie asks for, if any (not Accept-Language).
    Embeds (/embed/...) read no cookies: only their `?lang=` counts."""
    cookie = None if request.blueprint == "embed" else request.cookies.get(LANGUAGE_COOKIE)
    for asked in (request.args.get(LANGUAGE_PARAM), cookie):
        if asked in LANGUAGES:
            return asked
    return None


def use_language(code: str) -> None:
    """Build this response in `code` (e.g. oEmbed, for the language its URL names)."""
    if code in LANGUAGES:
        request.environ[_CHOSEN] = code
        refresh()


def url_language() -> str | None:
    """The language `?lang=` asks for, when it names one we have."""
    asked = request.args.get(LANGUAGE_PARAM)
    return asked if asked in LANGUAGES else None


def select_language() -> str:
    """This request's language, chosen once. Kept on the request (its WSGI environ),
    not on `g`: two requests made inside one application context share `g`."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = request.environ.get(_CHOSEN)
    if chosen is None:
        chosen = requested_language() or request.accept_languages.best_match(
            LANGUAGES, default=DEFAULT_LANGUAGE
        )
        request.environ[_CHOSEN] = chosen
    return str(chosen)


def chosen_language() -> str | None:
    """The language this request has been given so far (by `select_language` or
    `use_language`), or None while nothing has asked for one."""
    chosen = request.environ.get(_CHOSEN)
    return None if chosen is None else str(chosen)


def with_language(url: str, language: str | None) -> str:
    """`url` with its `lang` parameter set to `language` (or taken out, for None)."""
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != LANGUAGE_PARAM
    ]
    if language:
        query.append((LANGUAGE_PARAM, language))
    return urlunsplit(parts._replace(query=urlencode(query)))


# ---------------------------------------------------------------- classroom setting

CLASSROOM_PARAM = CLASSROOM_COOKIE = "classroom"
_FLAGS = {"0": False, "1": True}


def classroom_setting(*, default: bool = False, cookies: bool = True) -> bool:
    """Whether this request shows pages in the classroom setting."""
    asked = _FLAGS.get(request.args.get(CLASSROOM_PARAM, ""))
    if asked is not None:
        return asked
    if cookies and request.cookies.get(CLASSROOM_COOKIE) == "1":
        return True
    return default


def without_flag(path: str) -> str:
    """The path with any `classroom` parameter taken out of its query."""
    parts = urlsplit(path)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != CLASSROOM_PARAM
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


# ---------------------------------------------------------------- a local next=


def local_path(value: str | None) -> str | None:
    """`value` if it is a path on this site ("/journeys/x?y#z"), else None: no scheme,
    no host, no protocol-relative "//host" or "/\\host", no control characters. Every
    `next=` (the language switch, the classroom toggle, login) is checked with it: no
    open redirect."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ch == "\x7f" or ch == "\\" for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


# ---------------------------------------------------------------- embed options

_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}")
_LEG = re.compile(r"[1-9][0-9]{0,3}")


def _flag(args: Mapping[str, str], name: str, default: bool) -> bool:
    return _FLAGS.get(args.get(name, ""), default)


@dataclass(frozen=True)
class EmbedOptions:
    leg: int | None = None
    hazards: bool = True
    controls: bool = True
    legend: bool | None = None  # None: as `controls`
    scroll: bool = False
    classroom: bool = False
    lang: str | None = None

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> EmbedOptions:
        """The options a query string asks for; anything invalid is left at its default."""
        leg, lang = args.get("leg", ""), args.get(LANGUAGE_PARAM, "")
        return cls(
            leg=int(leg) if _LEG.fullmatch(leg) else None,
            hazards=_flag(args, "hazards", True),
            controls=_flag(args, "controls", True),
            legend=_FLAGS.get(args.get("legend", "")),
            scroll=_flag(args, "scroll", False),
            classroom=_flag(args, CLASSROOM_PARAM, False),
            lang=lang if _LANG.fullmatch(lang) else None,
        )

    def for_journey(self, journey: Mapping[str, Any]) -> EmbedOptions:
        """Only a leg the map draws can be opened; another number is ignored."""
        drawn = {leg["order"] for leg in journey["legs"] if leg["route"] == "known"}
        return self if self.leg in drawn else dataclasses.replace(self, leg=None)

    @property
    def show_legend(self) -> bool:
        return self.controls if self.legend is None else self.legend

    @property
    def focus(self) -> str | None:
        return f"leg-{self.leg}" if self.leg else None

    def carried(self) -> dict[str, str]:
        """What links into the atlas pass on."""
        out = {CLASSROOM_PARAM: "1"} if self.classroom else {}
        if self.lang:
            out[LANGUAGE_PARAM] = self.lang
        return out

    def query(self) -> dict[str, str]:
        """The options that differ from the defaults, as the query string of an embed."""
        out: dict[str, str] = {}
        if self.leg:
            out["leg"] = str(self.leg)
        if not self.hazards:
            out["hazards"] = "0"
        if not self.controls:
            out["controls"] = "0"
        if self.show_legend != self.controls:
            out["legend"] = "1" if self.show_legend else "0"
        if self.scroll:
            out["scroll"] = "1"
        return {**out, **self.carried()}


def with_query(url: str, params: Mapping[str, str]) -> str:
    """The URL with these query parameters added (before any #fragment)."""
    if not params:
        return url
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return urlunsplit(parts._replace(query=query))


def carry_links(value: Any, params: Mapping[str, str]) -> Any:
    """The page data with `params` added to every link in it (citations, hazards...)."""
    if isinstance(value, dict):
        return {
            k: with_query(v, params)
            if k == "url" and isinstance(v, str)
            else carry_links(v, params)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [carry_links(v, params) for v in value]
    return value
