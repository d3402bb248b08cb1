"""Build an annotated Folium map from page data (plain dicts), never from a request.

Legs are lines with a direction arrow; their ends are numbered stops; places
the sources locate only to a country, region, city or river are shaded areas or
wide bands, never pins; hazards are symbols by kind, each kind its own layer.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

import folium
import xyzservices  # type: ignore[import-untyped]
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from folium.plugins import Fullscreen, PolyLineTextPath
from markupsafe import Markup

from ..escaping import map_text
from ..vocabulary import HAZARD_KINDS
from .basemap import BasemapLayer, BasemapUrls
from .data_layer import DataLayer, DataUrls, is_large, script_tag, stylesheet_tag
from .elements import FeatureIndex, Legend
from .leg_paths import LINE, OVERLAND, RELOCATED, LegPath, leg_label, leg_path, midpoint
from .leg_paths import schematic_note as _schematic_note
from .popups import render
from .shown import GROUPED_HAZARDS, STOP, STOP_AREA, Shown, area_style, leg_style

Data = dict[str, Any]

# One colour per journey on a map of several: Okabe-Ito and Paul Tol hues, darkened
# where needed so that each line keeps at least 3:1 against the land and the sea, and
# apart in lightness as well as hue (told apart by readers with colour-blindness too).
JOURNEY_COLORS = ("#0072B2", "#B84F00", "#AA4499", "#117733", "#332288", "#882255", "#5E6B00")
SINGLE_JOURNEY_COLOR = "#c0392b"
DIRECT_ROUTE_COLOR = "#6c757d"
AREA_STYLE = {
    "color": "#7a5c00",
    "weight": 1.5,
    "dashArray": "5 5",
    "fillColor": "#f2c94c",
    "fillOpacity": 0.18,
}
BAND_STYLE = {"color": "#1d5c8f", "weight": 12, "opacity": 0.3, "dashArray": "1 0"}
HAZARD_RING_PX = 34
# The optional online base layer, by its xyzservices name (Folium's "OpenStreetMap").
ONLINE_TILES = "OpenStreetMap Mapnik"
# An inline script Folium writes into the map's head (its L_NO_TOUCH settings).
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
# Folium's own viewport meta locks zoom (maximum-scale=1.0, user-scalable=no), which keeps
# readers with low vision from enlarging the page; our templates carry their own.
_VIEWPORT_META = re.compile(r"<meta\s+name=\"viewport\"[^>]*>\s*", re.DOTALL)


def online_tiles_url() -> str:
    """The URL template the optional online layer loads its tiles from."""
    return str(folium.TileLayer(online_tiles()).tiles)


@functools.cache
def online_tiles() -> Any:
    """The online layer's provider, found once: given a name, Folium searches the whole
    xyzservices catalogue for it on every map (several milliseconds each time)."""
    return xyzservices.providers.query_name(ONLINE_TILES)


@dataclass(frozen=True)
class MapOptions:
    # The offline base map's files as the page links them (None: no base map).
    basemap: BasemapUrls | None
    online_tiles: bool = True
    link_target: str = "_self"
    # Embeds open passages in a new tab; "noopener" keeps that tab from reaching back.
    link_rel: str = ""
    # Zoom, layers and fullscreen buttons (an embed may go without them).
    show_controls: bool = True
    # Off in embeds, so a wheel over the frame scrolls the host page instead.
    scroll_wheel_zoom: bool = True
    show_legend: bool = True
    legend_open: bool = True
    # The overview map starts with hazards hidden (they stay one click away in the layers).
    show_hazards: bool = True
    height: str = "100%"
    # Classroom setting: quotes with content notes are shown only on request.
    classroom: bool = False
    # The language of the map's interface text (its data arrive in it already).
    language: str = "en"
    # Where a large map loads its features from (data mode); None: always Folium.
    data: DataUrls | None = None


@dataclass(frozen=True)
class MapParts:
    """The three pieces of a rendered map, to be placed into our own page template."""

    header: str
    html: str
    script: str


def located_by(place: Data) -> str:
    """Who chose the point the map draws for this place (app/pages/records.py
    `point_data`): the sources only when a source states the point itself."""
    return str(place["point"]["text"])


def point_note(place: Data) -> str | None:
    """The place's note on its drawn point (why it is there, what is not known)."""
    return place.get("anchor_note") or None


def _fallback(item: Data, field: str) -> bool:
    """The field is shown in English for want of Korean (app/i18n/content.py)."""
    return field in item.get("fallback", ())


def _popup(html: str) -> folium.Popup:
    return folium.Popup(html, max_width=340)


def _citation_context(item: Data, options: MapOptions) -> Data:
    return {
        "citations": item["citations"],
        "source_count": item["source_count"],
        "link_target": options.link_target,
        "link_rel": options.link_rel,
        "classroom": options.classroom,
        "language": options.language,
        # Quotes are the English articles' own words, never translations: say so.
        "quote_label": options.language != "en",
    }


def area_popup(place: Data, options: MapOptions) -> Markup:
    return render(
        "popup.html",
        kind=_("Place · %(kind)s", kind=place.get("kind_label", place["kind"])),
        title=place["name"],
        title_en=_fallback(place, "name"),
        summary=place["provenance_note"] if place["provenance"] == "editorial" else None,
        # Editorial notes are written in English only.
        summary_en=options.language != "en",
        facts=[located_by(place)],
        note=point_note(place),
        note_en=_fallback(place, "anchor_note"),
        approximate=place["precision_label"],
        **_citation_context(place, options),
    )


def area_tooltip(place: Data) -> str:
    return str(_("%(name)s (approximate)", name=place["name"]))


def _area_layer(place: Data, options: MapOptions) -> folium.map.Layer | None:
    """The shaded area (or band, for rivers and borders) of an approximate place."""
    area = place["area"]
    popup = _popup(area_popup(place, options))
    tooltip = folium.Tooltip(map_text(area_tooltip(place)))
    if area["kind"] == "natural_earth" and area.get("geometry"):
        feature = {"type": "Feature", "properties": {}, "geometry": area["geometry"]}
        layer = folium.GeoJson(
            feature,
            style_function=lambda _f: AREA_STYLE,
            highlight_function=lambda _f: {"fillOpacity": 0.3},
        )
    elif area["kind"] == "circle" and place["anchor"]:
        layer = folium.Circle(
            place["anchor"],
            radius=area["radius_km"] * 1000,
            **{
                "color": AREA_STYLE["color"],
                "weight": 1.5,
                "dash_array": "5 5",
                "fill_color": AREA_STYLE["fillColor"],
                "fill_opacity": 0.25,
            },
        )
    elif area["kind"] == "line" and area.get("geometry"):
        coords = [[lat, lon] for lon, lat in area["geometry"]["coordinates"]]
        layer = folium.PolyLine(coords, color=BAND_STYLE["color"], weight=12, opacity=0.3)
    else:
        return None
    popup.add_to(layer)
    tooltip.add_to(layer)
    return layer


def stop_title(stop: Data, place: Data) -> str:
    return str(_("Stop %(n)s: %(name)s", n=stop["number"], name=place["name"]))


def stop_popup(stop: Data, place: Data, options: MapOptions) -> Markup:
    return render(
        "popup.html",
        kind=_("Stop"),
        title=stop_title(stop, place),
        title_en=_fallback(place, "name"),
        summary=None,
        summary_en=False,
        facts=[located_by(place)],
        note=point_note(place),
        note_en=_fallback(place, "anchor_note"),
        approximate=place["precision_label"] if place["approximate"] else None,
        **_citation_context(place, options),
    )


def _stop_marker(stop: Data, place: Data, color: str, options: MapOptions) -> folium.Marker:
    """A numbered stop. At a place known only to an area (country, region, river) the
    number is the area's label (a soft dashed ring at the area's label point), never a
    pin-like badge on a spot the sources do not give."""
    title = stop_title(stop, place)
    as_area = place.get("stop_style") == "area"
    size = 32 if as_area else 26
    icon = folium.DivIcon(
        html=render(
            "stop_icon.html",
            number=stop["number"],
            approximate=place["approximate"],
            area=as_area,
            color=color,
        ),
        icon_size=(size, size),
        icon_anchor=(size // 2, size // 2),
        class_name="atlas-divicon atlas-stop-area-label" if as_area else "atlas-divicon",
    )
    popup = _popup(stop_popup(stop, place, options))
    return folium.Marker(
        place["anchor"],
        icon=icon,
        z_index_offset=1000,  # stops stay above the hazard symbols around them
        popup=popup,
        tooltip=folium.Tooltip(map_text(title)),
        title=map_text(title),
    )


def leg_distance(leg: Data) -> str:
    """The leg's distance as what it is: a lower bound between the places' areas."""
    if leg["distance_km"] is None:
        return str(_("No distance: the two places' areas touch or nearly touch"))
    return str(
        _(
            "At least %(km)s km in a straight line (the shortest distance between the two"
            " places' areas)",
            km=format_decimal(round(leg["distance_km"]), format="#,##0"),
        )
    )


def _leg_title(leg: Data) -> str:
    return str(_("Leg %(n)s: %(label)s", n=leg["order"], label=leg["label"]))


def leg_tooltip(leg: Data) -> str:
    words = leg_label(leg)
    return f"{_leg_title(leg)} ({words})" if words else _leg_title(leg)


def leg_popup(journey: Data, leg: Data, options: MapOptions) -> Markup:
    blocked = journey["kind"] == "direct-route"
    words = leg_label(leg)
    return render(
        "popup.html",
        kind=_("Leg · %(journey)s", journey=journey["title"]),
        title=_leg_title(leg),
        title_en=_fallback(leg, "label"),
        summary=leg["summary"],
        summary_en=_fallback(leg, "summary"),
        facts=([words[:1].upper() + words[1:]] if words else [])
        + [leg_distance(leg)]
        + ([_("The route defectors avoid")] if blocked else []),
        approximate=schematic_note(leg),
        **_citation_context(leg, options),
    )


def schematic_note(leg: Data) -> str:
    return _schematic_note(leg.get("drawing") or LINE, leg.get("through"))


LEG_WEIGHT = {LINE: 4, OVERLAND: 4, RELOCATED: 2}
LEG_DASH = {LINE: "10 8", OVERLAND: "1 8", RELOCATED: "2 6"}


def _leg_lines(
    journey: Data,
    leg: Data,
    color: str,
    places: dict[str, Data],
    options: MapOptions,
    labelled: list[tuple[str, list[float]]] | None = None,
) -> tuple[list[Any], folium.PolyLine] | None:
    """The drawn leg (app/maps/leg_paths.py: a schematic line, an over-land path with a
    soft corridor, or a thin relocation connector; its arrow and the words along it)
    and, over it, a wide transparent line that takes clicks, so the gaps answer too."""
    path = leg_path(leg, places)
    if path is None:
        return None  # an untold route is not drawn: a line would claim a crossing
    blocked = journey["kind"] == "direct-route"
    popup = _popup(leg_popup(journey, leg, options))
    drawn: list[Any] = []
    if path.style == OVERLAND:
        # A soft corridor: somewhere through here, not this line.
        drawn.append(
            folium.PolyLine(
                path.points,
                color=color,
                weight=16,
                opacity=0.16,
                interactive=False,
                class_name="atlas-leg-corridor",
            )
        )
    dashed = path.style != LINE or leg["approximate"]
    line = folium.PolyLine(
        path.points,
        color=color,
        weight=3 if blocked else LEG_WEIGHT[path.style],
        opacity=0.9,
        dash_array=("2 8" if blocked else LEG_DASH[path.style]) if dashed else None,
        line_cap="round",
        interactive=False,
        class_name=f"atlas-leg atlas-leg-{path.style}",
    )
    drawn.append(line)
    hit = folium.PolyLine(
        path.points,
        color=color,
        weight=18,
        opacity=0,
        tooltip=folium.Tooltip(map_text(leg_tooltip(leg))),
    )
    popup.add_to(hit)
    PolyLineTextPath(
        line,
        "✕" if blocked else "►",
        center=True,
        offset=6,
        attributes={"fill": color, "font-size": "18"},
    ).add_to(line)
    if path.label and not _labelled_near(labelled, path):
        drawn.append(_leg_label_marker(path))
    return drawn, hit


# Two journeys' legs with the same words whose middles lie this close (degrees) share
# one label on the map (the home map's two relocations to South Korea, say).
LABEL_NEAR_DEG = 3.0


def _labelled_near(labelled: list[tuple[str, list[float]]] | None, path: LegPath) -> bool:
    """Whether these words already stand near this leg's middle (and note them if not)."""
    if labelled is None or path.label is None:
        return False
    middle = midpoint(path.points)
    for words, at in labelled:
        if words == path.label and math.dist(at, middle) < LABEL_NEAR_DEG:
            return True
    labelled.append((path.label, middle))
    return False


def _leg_label_marker(path: LegPath) -> folium.Marker:
    """The words along a leg ("route through China not told"), at its middle."""
    assert path.label is not None
    return folium.Marker(
        midpoint(path.points),
        icon=folium.DivIcon(
            html=render("leg_label.html", text=path.label, style=path.style),
            icon_size=(150, 36),
            icon_anchor=(75, -4),
            class_name="atlas-divicon atlas-leg-label-icon",
        ),
        interactive=False,
        keyboard=False,
    )


def hazard_popup(hazard: Data, options: MapOptions) -> Markup:
    return render(
        "popup.html",
        kind=_("Hazard · %(kind)s", kind=hazard["kind_label"]),
        title=hazard["name"],
        title_en=_fallback(hazard, "name"),
        summary=hazard["summary"],
        summary_en=_fallback(hazard, "summary"),
        facts=[_("Where: %(place)s", place=hazard["place_name"])],
        approximate=_(
            "Approximate: shown beside %(place)s; the sources give no exact spot",
            place=hazard["place_name"],
        )
        if hazard["approximate"]
        else None,
        **_citation_context(hazard, options),
    )


def _hazard_marker(
    hazard: Data, anchor: list[float], slot: int, slots: int, options: MapOptions
) -> folium.Marker:
    """A symbol by kind, set around its place's anchor (offset in pixels, so several
    hazards of one vague place stay readable at every zoom without claiming a spot)."""
    angle = 2 * math.pi * slot / max(slots, 1) - math.pi / 2
    dx = round(HAZARD_RING_PX * math.cos(angle)) if slots > 1 else 0
    dy = round(HAZARD_RING_PX * math.sin(angle)) if slots > 1 else -HAZARD_RING_PX
    icon = folium.DivIcon(
        html=render(
            "hazard_icon.html",
            icon=hazard["icon"],
            color=hazard["color"],
            approximate=hazard["approximate"],
        ),
        icon_size=(24, 24),
        icon_anchor=(12 - dx, 12 - dy),
        class_name="atlas-divicon",
    )
    popup = _popup(hazard_popup(hazard, options))
    label = _("Hazard: %(name)s", name=hazard["name"])
    return folium.Marker(
        anchor,
        icon=icon,
        popup=popup,
        tooltip=folium.Tooltip(map_text(label)),
        # Leaflet sets the title as text, so static/js/atlas.js decodes the references.
        title=map_text(label),
        z_index_offset=2000,  # hazards sit on a ring around their place, above its stop
    )


def _bounds(points: list[list[float]]) -> list[list[float]]:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def build_map(
    journeys: list[Data], hazards: list[Data], places: list[Data], options: MapOptions
) -> folium.Map:
    """One map for one or several journeys: `journeys` carry their `legs` and `stops`.
    Its interface text is in `options.language` (the data are in it already)."""
    with force_locale(options.language):
        return _build_map(journeys, hazards, places, options)


def _build_map(
    journeys: list[Data], hazards: list[Data], places: list[Data], options: MapOptions
) -> folium.Map:
    fmap = folium.Map(
        tiles=None,
        max_zoom=12,
        min_zoom=2,
        zoom_start=4,
        location=[30, 115],
        control_scale=True,
        world_copy_jump=True,
        zoom_control=options.show_controls,
        scroll_wheel_zoom=options.scroll_wheel_zoom,
    )
    # Folium passes max_zoom/min_zoom only to tile layers; the map itself needs them
    # (with no tile layer, fitting a single point would otherwise zoom without end).
    fmap.options.update({"maxZoom": 12, "minZoom": 2})
    if options.basemap is not None:
        _add_basemap(fmap, options.basemap, options.language)
    if options.online_tiles:
        folium.TileLayer(
            online_tiles(),
            name=map_text(_("OpenStreetMap (online)")),
            overlay=False,
            show=False,
            max_zoom=12,
        ).add_to(fmap)

    grouped = options.data is not None and is_large(journeys, hazards, places)
    if grouped:
        points, shown, index = _data_features(fmap, journeys, hazards, places, options)
    else:
        points, shown, index = _folium_features(fmap, journeys, hazards, places, options)
    _finish(fmap, points, shown, index, options, grouped=grouped)
    return fmap


def _add_basemap(fmap: folium.Map, urls: BasemapUrls, language: str) -> None:
    header = fmap.get_root().header
    header.add_child(stylesheet_tag(urls.css), name="atlas_basemap_css")
    header.add_child(script_tag(urls.runtime), name="atlas_basemap_js")
    BasemapLayer(
        urls,
        map_text(_("Base map (offline)")),
        map_text(
            _(
                "Base map: Natural Earth (public domain); Korean names: the atlas's "
                "translations; East Sea / Sea of Japan: both names shown"
            )
        ),
        language,
    ).add_to(fmap)


def journey_colors(journeys: list[Data]) -> list[str]:
    """Each journey's colour: the direct route grey, the others from the palette in
    turn (the direct route takes no turn, so no two journeys of a map share one)."""
    colors = []
    n = 0
    for journey in journeys:
        if journey["kind"] == "direct-route":
            colors.append(DIRECT_ROUTE_COLOR)
        elif len(journeys) == 1:
            colors.append(SINGLE_JOURNEY_COLOR)
        else:
            colors.append(JOURNEY_COLORS[n % len(JOURNEY_COLORS)])
            n += 1
    return colors


def _route_name(journeys: list[Data], journey: Data) -> str:
    if len(journeys) == 1:
        return str(_("Route: legs and stops"))
    return str(_("Journey: %(title)s", title=journey["title"]))


def _layer_name(journeys: list[Data], journey: Data, color: str) -> Markup:
    """A journey's name in the layers control; on a map of several, after a swatch of
    its colour, so the layer list is a key too."""
    name = map_text(_route_name(journeys, journey))
    if len(journeys) == 1:
        return name
    swatch = Markup('<span class="atlas-key-swatch" style="border-color: {}"></span> ')
    return swatch.format(color) + name


def _shown_journey(journey: Data, color: str, group: folium.FeatureGroup) -> Data:
    return {"slug": journey["slug"], "title": journey["title"], "color": color, "group": group}


def _data_features(
    fmap: folium.Map,
    journeys: list[Data],
    hazards: list[Data],
    places: list[Data],
    options: MapOptions,
) -> tuple[list[list[float]], Shown, dict[str, Any]]:
    """Data mode (app/maps/data_layer.py): empty groups for the layers control, filled
    in the browser from the map's JSON document; bounds and legend from the data here."""
    assert options.data is not None
    shown = Shown()
    by_slug = {p["slug"]: p for p in places}
    areas = folium.FeatureGroup(name=map_text(_("Approximate places")), show=True)
    areas.add_to(fmap)
    shown.styles |= {area_style(p) for p in places if p["approximate"] and p.get("area")}
    routes = []
    points: list[list[float]] = []
    for journey, color in zip(journeys, journey_colors(journeys), strict=True):
        group = folium.FeatureGroup(name=_layer_name(journeys, journey, color), show=True)
        group.add_to(fmap)
        routes.append(group)
        shown.journeys.append(_shown_journey(journey, color, group))
        shown.styles |= {leg_style(journey, leg) for leg in journey["legs"]}
        for stop in journey["stops"]:
            anchor = by_slug[stop["place"]]["anchor"]
            if anchor:
                points.append(anchor)
                area_stop = by_slug[stop["place"]].get("stop_style") == "area"
                shown.styles.add(STOP_AREA if area_stop else STOP)
    drawn = [h for h in hazards if h["place"] and by_slug[h["place"]]["anchor"]]
    points += [by_slug[h["place"]]["anchor"] for h in drawn]
    hazard_group = folium.FeatureGroup(
        name=map_text(_("Hazards (grouped by place)")), show=options.show_hazards
    )
    hazard_group.add_to(fmap)
    fmap.get_root().header.add_child(script_tag(options.data.script), name="atlas_map_data_js")
    DataLayer(
        areas,
        routes,
        hazard_group,
        {
            "url": options.data.document,
            "popup": options.data.popup,
            "query": options.data.query,
            "prefixes": ["" if len(journeys) == 1 else f"{j['slug']}-" for j in journeys],
            "areaStyle": AREA_STYLE,
            "bandStyle": BAND_STYLE,
            "loading": _("Loading…"),
            "failed": _("This could not be loaded. Reload the page to try again."),
        },
    ).add_to(fmap)
    shown.hazard_kinds = [k for k in HAZARD_KINDS if any(h["kind"] == k for h in drawn)]
    if drawn:
        shown.styles.add(GROUPED_HAZARDS)
    return points, shown, {}


def _folium_features(
    fmap: folium.Map,
    journeys: list[Data],
    hazards: list[Data],
    places: list[Data],
    options: MapOptions,
) -> tuple[list[list[float]], Shown, dict[str, Any]]:
    shown = Shown()
    by_slug = {p["slug"]: p for p in places}
    index: dict[str, Any] = {}
    areas = folium.FeatureGroup(name=map_text(_("Approximate places")), show=True)
    for place in places:
        if place["approximate"]:
            layer = _area_layer(place, options)
            if layer is not None:
                layer.add_to(areas)
                index[f"place-{place['slug']}"] = layer
                shown.styles.add(area_style(place))
    areas.add_to(fmap)

    points: list[list[float]] = []
    labelled: list[tuple[str, list[float]]] = []
    for journey, color in zip(journeys, journey_colors(journeys), strict=True):
        group = folium.FeatureGroup(name=_layer_name(journeys, journey, color), show=True)
        shown.journeys.append(_shown_journey(journey, color, group))
        for leg in journey["legs"]:
            lines = _leg_lines(journey, leg, color, by_slug, options, labelled)
            if lines is not None:
                drawn, hit = lines
                for layer in drawn:
                    layer.add_to(group)
                hit.add_to(group)
                shown.styles.add(leg_style(journey, leg))
                key = (
                    f"leg-{leg['order']}"
                    if len(journeys) == 1
                    else f"{journey['slug']}-leg-{leg['order']}"
                )
                index[key] = hit
        for stop in journey["stops"]:
            place = by_slug[stop["place"]]
            if place["anchor"]:
                points.append(place["anchor"])
                marker = _stop_marker(stop, place, color, options)
                marker.add_to(group)
                shown.styles.add(STOP_AREA if place.get("stop_style") == "area" else STOP)
                # Indexed on every map: the keyboard walks stops and legs in this order.
                prefix = "" if len(journeys) == 1 else f"{journey['slug']}-"
                index[f"{prefix}stop-{stop['number']}"] = marker
        group.add_to(fmap)

    drawn = [h for h in hazards if h["place"] and by_slug[h["place"]]["anchor"]]
    shown.hazard_kinds = [k for k in HAZARD_KINDS if any(h["kind"] == k for h in drawn)]
    # One ring per drawn point: places that share a point (a country, and a camp known
    # only to be somewhere in it, both at the country's label point) share one ring.
    at_point: dict[tuple[float, ...], list[Data]] = {}
    for hazard in hazards:
        anchor = by_slug[hazard["place"]]["anchor"] if hazard["place"] else None
        if anchor:  # a hazard whose place is not told (or not drawn) is listed, not drawn
            at_point.setdefault(tuple(anchor), []).append(hazard)
    groups = {
        k: folium.FeatureGroup(
            name=map_text(_("Hazard: %(name)s", name=HAZARD_KINDS[k].label)),
            show=options.show_hazards,
        )
        for k in shown.hazard_kinds
    }
    for point, present in at_point.items():
        anchor = list(point)
        points.append(anchor)
        for slot, hazard in enumerate(present):
            marker = _hazard_marker(hazard, anchor, slot, len(present), options)
            marker.add_to(groups[hazard["kind"]])
            index[f"hazard-{hazard['slug']}"] = marker
    for group in groups.values():
        group.add_to(fmap)
    return points, shown, index


def _legend_html(shown: Shown, options: MapOptions, *, grouped: bool) -> Markup:
    return render(
        "legend.html",
        shown=shown.styles,
        journeys=shown.journeys if len(shown.journeys) > 1 else [],
        hazard_kinds=[
            {
                "label": str(HAZARD_KINDS[k].label),
                "icon": HAZARD_KINDS[k].icon,
                "color": HAZARD_KINDS[k].color,
            }
            for k in shown.hazard_kinds
        ],
        open=options.legend_open,
        grouped=grouped,
    )


def _finish(
    fmap: folium.Map,
    points: list[list[float]],
    shown: Shown,
    index: dict[str, Any],
    options: MapOptions,
    *,
    grouped: bool = False,
) -> None:
    """Bounds, legend, controls and the feature index, the same in both modes
    (`grouped`: data mode, where hazards are circles, one per place)."""
    fit = None
    if points:
        # The page frames these bounds once its controls exist (static/js/map-layout.js,
        # clear of every control); until then the map is centred on them. A journey
        # told within one country has a single point: cap the zoom.
        bounds = _bounds(points)
        fit = {"bounds": bounds, "maxZoom": 7}
        fmap.location = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    if options.show_legend:
        Legend(_legend_html(shown, options, grouped=grouped)).add_to(fmap)
    if options.show_controls:
        folium.LayerControl(collapsed=True).add_to(fmap)
        Fullscreen(
            position="topleft", title=_("Full screen"), title_cancel=_("Leave full screen")
        ).add_to(fmap)
    controls = {
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "layers": _("Layers"),
        "closePopup": _("Close popup"),
        "leaflet": _("A JavaScript library for interactive maps"),
    }
    journeys = {j["slug"]: j["group"] for j in shown.journeys} if len(shown.journeys) > 1 else {}
    FeatureIndex(index, controls, fit=fit, journeys=journeys).add_to(fmap)


def render_parts(fmap: folium.Map) -> MapParts:
    """Split a rendered map into header (assets, styles), body div and script.

    The header keeps no viewport meta (the page has its own, without a zoom lock) and
    no inline script: Folium's go to the front of the script, which
    pages place in one <script> carrying the response's CSP nonce. So the parts, cached
    across requests and readers, hold no nonce, and nothing the policy would block."""
    root = fmap.get_root()
    root.render()
    header = root.header.render()
    inline = "".join(f"{code.strip()}\n" for code in _INLINE_SCRIPT.findall(header))
    return MapParts(
        header=_VIEWPORT_META.sub("", _INLINE_SCRIPT.sub("", header)),
        html=root.html.render(),
        script=inline + root.script.render(),
    )
