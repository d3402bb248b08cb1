"""Where each atlas URL lives in the exported site, and how pages link to each other.

Pages are rendered under a marker script root (ROOT), so every URL the app writes
(`url_for`, including `_external=True`) carries the marker and can be found and
rewritten exactly; Folium's own asset tags use a fixed "/static/..." and are matched
by their leading quote.

The site has two trees per language, because a static copy cannot read a cookie: the
reader's setting (classroom off) at the top, and the classroom setting under
`classroom/`; English at the root and Korean under `ko/` (`ko/classroom/` for both).
The header's language switch leads to the same page in the other language's tree.
Every page is rendered with an explicit `?classroom=0|1&lang=en|ko`; a link that carries
`classroom=` picks its tree, the header's toggle leads to the same page in the other
tree, and any other link stays in the tree it is in, as the cookie would, except
that a presentation starts in the classroom setting and an embed never reads the
setting, exactly as on the live site.

File names: `/` is `index.html`; data and downloads (`.json`, `.geojson`, `.kml`,
`.gpx`, `.csv`, `.jsonld`) keep their names; a source page highlighting a citation
(`/sources/S?cite=K`) is `sources/S/cite/K.html`; any other page `P` is `P.html`.
A link with any other query is not exportable.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qsl, urlsplit

ROOT = "/__atlas_export__"
BASE_URL = "http://atlas.export" + ROOT + "/"
CLASSROOM_TREE = "classroom/"
# Where each interface language's pages live (app/i18n LANGUAGES).
LANGUAGE_TREES = {"en": "", "ko": "ko/"}
# Data files and downloads keep their names (and so their types on a file server).
DATA_SUFFIXES = (".json", ".geojson", ".kml", ".gpx", ".csv", ".jsonld")

# A URL the app wrote: marker-prefixed (absolute or not), up to a quote, space,
# bracket, backslash (but "\u0026", an "&" inside JSON in a page) or backtick; or one
# of Folium's fixed "/static/" asset URLs.
MARKED_URL = re.compile(
    r"(?:https?://atlas\.export)?" + re.escape(ROOT) + r"((?:/|\?)(?:[^\"'\s<>\\)`]|\\u0026)*)?"
    r"|(?<=[\"'(])/static/(?=[\w.-])"
)


# Parts of the atlas that need its server (editing, history, accounts): a static copy
# links them to one page saying so, rather than to nothing.
SERVER_ONLY = ("/history", "/login", "/logout", "/admin", "/edit", "/oembed")
LIVE_ONLY_PAGE = "needs-the-live-atlas"


class NotExportable(ValueError):
    """A link to something the static copy cannot hold (a form, a query it cannot answer)."""


@dataclass(frozen=True)
class Page:
    """One rendering of one atlas URL: its path, highlighted citation and setting."""

    path: str
    classroom: bool
    cite: str | None = None
    language: str = "en"

    @property
    def request(self) -> str:
        query = f"classroom={int(self.classroom)}&lang={self.language}"
        if self.cite:
            query = f"cite={self.cite}&{query}"
        return f"{self.path}?{query}"

    @property
    def file(self) -> str:
        tree = LANGUAGE_TREES[self.language] + (CLASSROOM_TREE if self.classroom else "")
        if self.path.startswith("/static/"):
            return self.path.lstrip("/")
        if self.path == "/":
            name = "index.html"
        elif self.cite:
            name = f"{self.path.lstrip('/')}/cite/{self.cite}.html"
        elif self.path.endswith(DATA_SUFFIXES):
            name = self.path.lstrip("/")
        else:
            name = self.path.lstrip("/") + ".html"
        return tree + name


def _query(raw: str) -> dict[str, str]:
    return dict(parse_qsl(raw.replace("\\u0026", "&"), keep_blank_values=True))


def _fixed_setting(path: str) -> bool | None:
    """The setting a page has whatever the reader's: presentations start in it,
    embeds never read it (only their own query parameter)."""
    if path.startswith("/present/") and not path.endswith(".json"):
        return True
    if path.startswith("/embed/"):
        return False
    return None


def target(url: str, here: Page) -> tuple[Page, str]:
    """The page a marked URL (path, query and fragment after ROOT) leads to from `here`,
    and the fragment to keep."""
    parts = urlsplit(unescape(url))
    path, query = parts.path or "/", _query(parts.query)
    if path.startswith("/static/"):
        return Page(path, False), parts.fragment
    if path == "/settings/classroom":
        # The header's toggle: the same page in the other tree.
        nxt = urlsplit(query.get("next", "/").removeprefix(ROOT))
        on = query.get("on") == "1"
        cite = _query(nxt.query).get("cite")
        return Page(nxt.path or "/", on, cite, here.language), parts.fragment
    if path.startswith("/language/"):
        # The language switch: the same page, in the same setting, in the other language.
        code = path.removeprefix("/language/")
        if code not in LANGUAGE_TREES:
            raise NotExportable(path)
        nxt = urlsplit(query.get("next", "/").removeprefix(ROOT))
        cite = _query(nxt.query).get("cite")
        return Page(nxt.path or "/", here.classroom, cite, code), parts.fragment
    if path.startswith(SERVER_ONLY):
        return Page(f"/{LIVE_ONLY_PAGE}", here.classroom, language=here.language), ""
    language = query.pop("lang", here.language)
    if language not in LANGUAGE_TREES:
        raise NotExportable(f"{path}?{parts.query}")
    asked = query.pop("classroom", None)
    cite = query.pop("cite", None) if path.startswith("/sources/") else None
    if query:
        raise NotExportable(f"{path}?{parts.query}")
    if asked in ("0", "1"):
        classroom = asked == "1"
    else:
        fixed = _fixed_setting(path)
        classroom = here.classroom if fixed is None else fixed
    return Page(path, classroom, cite, language), parts.fragment


def relative(from_file: str, to_file: str, fragment: str = "") -> str:
    """A link from one exported file to another that works over http and from disk."""
    link = posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")
    return link + (f"#{fragment}" if fragment else "")
