"""Embeds: a journey's map alone, made to fill another site's iframe, and the oEmbed
endpoint through which a CMS turns a journey URL into that iframe.

Options of /embed/journeys/<slug> (query string, read by app/reader.py's EmbedOptions; a
value not listed is ignored and the default used):

    leg=N         fit the map to leg N and open its popup (a drawn leg; default: the
                  whole journey)
    hazards=0|1   hazard layers shown (1, default) or hidden (0: one click away in the
                  layers, when controls are shown)
    controls=0|1  zoom, layers and fullscreen buttons and the legend (default 1)
    legend=0|1    the legend alone (default: as controls)
    scroll=0|1    mouse-wheel zoom (default 0, so the wheel scrolls the host page)
    classroom=0|1 the classroom setting (default 0): quotes with content notes are shown
                  only on request; passed on to every link into the atlas. Embeds read
                  and set no cookies: only this parameter counts.
    lang=en|ko    the language of the embed (default: the reader's Accept-Language; embeds
                  read no cookies), passed on to every link into the atlas; another tag
                  is passed on but changes nothing here

An embed never offers the online tile layer: it requests nothing from another host.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import gettext as _
from markupsafe import escape
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from ..maps.journey_map import MapParts, build_map, render_parts
from ..pages.builders import NotFound, sources_index
from ..pages.cache import cached
from ..pages.records import Data
from ..pages.shared import journey_data
from ..reader import (
    DEFAULT_LANGUAGE,
    EmbedOptions,
    carry_links,
    select_language,
    use_language,
    with_query,
)
from .map_data import data_urls
from .rendering import html_response, json_response, map_options

bp = Blueprint("embed", __name__)

OEMBED_SIZE = (800, 500)  # width, height when the consumer sets no maximum


def _citations(journey: Data) -> Iterable[Data]:
    yield from journey["citations"]
    for key in ("legs", "hazards", "places"):
        for item in journey[key]:
            yield from item["citations"]


def embed_page(journey: Data, sources: list[Data], carried: Mapping[str, str]) -> Data:
    """What the embed shows beside its map: the articles the journey cites, in the
    order of the sources index, and the way into the atlas."""
    cited = {c["source"] for c in _citations(journey)}
    return {
        "title": journey["title"],
        "slug": journey["slug"],
        "url": with_query(journey["url"], carried),
        "sources": [
            {**s, "url": with_query(s["url"], carried)} for s in sources if s["slug"] in cited
        ],
    }


@bp.get("/embed/journeys/<slug>")
def journey(slug: str) -> Response:
    data = journey_data(slug)
    options = EmbedOptions.parse(request.args).for_journey(data)
    carried = options.carried()
    page = cached(
        ("embed", slug, tuple(carried.items())),
        lambda: embed_page(data, cached("sources", sources_index)["sources"], carried),
    )
    map_key = (
        options.hazards,
        options.controls,
        options.show_legend,
        options.scroll,
        options.classroom,
    )
    parts = cached(
        ("embed-map", slug, map_key, tuple(carried.items())),
        lambda: _embed_map(carry_links(data, carried), options),
    )
    atlas_url = page["url"] + (f"#{options.focus}" if options.focus else "")
    return html_response(
        "embed.html",
        page,
        map=parts,
        focus=options.focus,
        atlas_url=atlas_url,
        classroom=options.classroom,
    )


def _embed_map(data: Data, options: EmbedOptions) -> MapParts:
    map_opts = dataclasses.replace(
        map_options(show_hazards=options.hazards),
        online_tiles=False,
        link_target="_blank",
        link_rel="noopener",
        show_controls=options.controls,
        show_legend=options.show_legend,
        scroll_wheel_zoom=options.scroll,
        classroom=options.classroom,
        data=data_urls(data["slug"], classroom=options.classroom, embed=options.carried()),
    )
    return render_parts(build_map([data], data["hazards"], data["places"], map_opts))


@bp.errorhandler(NotFound)
def unknown_journey(exc: NotFound) -> Response:
    """A small page that still fits the frame, naming the journeys that exist."""
    data = {"title": _("Not found"), "missing": exc.slug, "known": exc.known}
    return html_response("embed.html", data, status=404)


# ---------------------------------------------------------------- oEmbed 1.0


def _our_host(netloc: str) -> bool:
    def bare(host: str) -> str:
        return re.sub(r":(80|443)$", "", host.lower())

    return bare(netloc) == bare(request.host)


def journey_in(url: str) -> tuple[str, EmbedOptions] | None:
    """The journey slug and embed options of one of our journey or embed URLs."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not _our_host(parts.netloc):
        return None
    root, path = request.script_root, parts.path
    if root:
        if not path.startswith(root + "/"):
            return None
        path = path[len(root) :]
    adapter = current_app.url_map.bind(request.host)
    try:
        endpoint, args = adapter.match(path, method="GET")
    except HTTPException:
        return None
    if endpoint not in ("journeys.show", "embed.journey"):
        return None
    return str(args["slug"]), EmbedOptions.parse(MultiDict(parse_qsl(parts.query)))


def _positive(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if re.fullmatch(r"[1-9][0-9]{0,5}", value) else None


def oembed_size(maxwidth: int | None, maxheight: int | None) -> tuple[int, int]:
    """The default size scaled down (never up) to fit the maxima, keeping its shape."""
    width, height = OEMBED_SIZE
    if maxwidth is not None and maxwidth < width:
        width, height = maxwidth, height * maxwidth // width
    if maxheight is not None and maxheight < height:
        width, height = width * maxheight // height, maxheight
    return max(width, 1), max(height, 1)


@bp.app_template_global()
def iframe_title(title: str) -> str:
    return str(_("Map: %(title)s (Escape Route Atlas)", title=title))


# The snippets, written the same way by static/js/embed-snippet.js for the Embed form.
_IFRAME_END = (
    ' loading="lazy" referrerpolicy="no-referrer" allow="fullscreen" allowfullscreen></iframe>'
)
RATIOS = {"16:9": "56.25%", "4:3": "75%"}


def iframe_html(src: str, title: str, width: int, height: int) -> str:
    """A fixed-size iframe (what oEmbed answers)."""
    return (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}" '
        f'title="{escape(iframe_title(title))}" style="border:0;max-width:100%"' + _IFRAME_END
    )


def responsive_html(src: str, title: str, ratio: str) -> str:
    """An iframe as wide as its container, its height kept to a ratio (16:9 or 4:3)."""
    return (
        f'<div style="position:relative;width:100%;padding-top:{RATIOS[ratio]}">'
        f'<iframe src="{escape(src)}" title="{escape(iframe_title(title))}" '
        'style="position:absolute;top:0;left:0;width:100%;height:100%;border:0"'
        + _IFRAME_END
        + "</div>"
    )


@bp.app_template_global()
def embed_snippet(slug: str, title: str) -> str:
    """The Embed form's first code, as text to show: the whole journey, 16:9 (in the
    page's language, when that is not English)."""
    language = select_language()
    lang = language if language != DEFAULT_LANGUAGE else None
    src = url_for("embed.journey", slug=slug, _external=True, lang=lang)
    return responsive_html(src, title, "16:9")


def _oembed_error(status: int, message: str) -> Response:
    return json_response({"error": message}, status=status)


@bp.get("/oembed")
def oembed() -> Response:
    if request.args.get("format", "json") != "json":
        return _oembed_error(501, "only format=json is implemented")
    url = request.args.get("url")
    if not url:
        return _oembed_error(400, "url is required")
    found = journey_in(url)
    if found is None:
        return _oembed_error(404, "not a journey of this atlas")
    slug, options = found
    if options.lang:
        use_language(options.lang)  # the title in the language the URL names
    try:
        data = journey_data(slug)
    except NotFound:
        return _oembed_error(404, f"no journey called {slug!r}")
    options = options.for_journey(data)
    width, height = oembed_size(_positive("maxwidth"), _positive("maxheight"))
    src = url_for("embed.journey", slug=slug, _external=True, **options.query())
    response = json_response(
        {
            "type": "rich",
            "version": "1.0",
            "title": data["title"],
            "provider_name": "Escape Route Atlas",
            "provider_url": request.url_root,
            "html": iframe_html(src, data["title"], width, height),
            "width": width,
            "height": height,
        }
    )
    # Consumers may ask from a browser: the answer is public and carries no credentials.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
