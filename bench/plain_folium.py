"""The rendering reference: plain, unpatched Folium drawing the same features the atlas
draws for a journey, from its JSON twin (/journeys/<slug>.json).

    .venv/bin/python bench/plain_folium.py JOURNEY.json [--repeat N] [--budget S] [--html OUT]

Run in a process of its own (bench/serving.py does), so no patch of the atlas's
applies: it imports Folium and nothing of the app. Drawn, as the atlas does:
- each stop and each hazard whose place has an anchor: folium.Marker + Popup + Tooltip;
- each leg with a known route between two anchors: folium.PolyLine + Popup + Tooltip;
- each approximate place's area: folium.GeoJson (a Natural Earth outline), folium.Circle
  or folium.PolyLine (a band) + Popup + Tooltip;
each popup holding the same text as the atlas's: the name, the summary and every
quote with its passage link. Then `m.get_root().render()`. Prints JSON: the seconds
each build + render took, and the feature counts.
"""

from __future__ import annotations

import argparse
import json
import time
from html import escape
from pathlib import Path
from typing import Any

import folium

Data = dict[str, Any]


def popup_html(kind: str, title: str, summary: str | None, citations: list[Data]) -> str:
    parts = [f"<p>{escape(kind)}</p><h3>{escape(title)}</h3>"]
    if summary:
        parts.append(f"<p>{escape(summary)}</p>")
    for c in citations:
        parts.append(
            f"<blockquote>“{escape(c['quote'])}”</blockquote>"
            f'<p><a href="{escape(c["url"])}">{escape(c["source_name"])}, '
            f"passage {escape(str(c['passage']))}</a></p>"
        )
    return "".join(parts)


def draw(journey: Data) -> tuple[folium.Map, dict[str, int]]:
    places = {p["slug"]: p for p in journey["places"]}
    counts = {"stops": 0, "hazards": 0, "legs": 0, "areas": 0}
    m = folium.Map(location=[30, 115], zoom_start=4, tiles=None)

    for place in journey["places"]:
        area = place.get("area") or {}
        if not place["approximate"] or not area:
            continue
        popup = folium.Popup(popup_html("Place", place["name"], None, place["citations"]))
        tooltip = folium.Tooltip(escape(place["name"]))
        if area.get("kind") == "natural_earth" and area.get("geometry"):
            feature = {"type": "Feature", "properties": {}, "geometry": area["geometry"]}
            layer: Any = folium.GeoJson(feature)
        elif area.get("kind") == "circle" and place["anchor"]:
            layer = folium.Circle(place["anchor"], radius=area["radius_km"] * 1000)
        elif area.get("kind") == "line" and area.get("geometry"):
            coords = [[lat, lon] for lon, lat in area["geometry"]["coordinates"]]
            layer = folium.PolyLine(coords, weight=12)
        else:
            continue
        popup.add_to(layer)
        tooltip.add_to(layer)
        layer.add_to(m)
        counts["areas"] += 1

    for leg in journey["legs"]:
        start, end = places[leg["from"]]["anchor"], places[leg["to"]]["anchor"]
        if leg["route"] != "known" or not start or not end:
            continue
        folium.PolyLine(
            [start, end],
            popup=folium.Popup(popup_html("Leg", leg["label"], leg["summary"], leg["citations"])),
            tooltip=folium.Tooltip(escape(leg["label"])),
        ).add_to(m)
        counts["legs"] += 1

    for stop in journey["stops"]:
        place = places[stop["place"]]
        if not place["anchor"]:
            continue
        title = f"Stop {stop['number']}: {place['name']}"
        folium.Marker(
            place["anchor"],
            popup=folium.Popup(popup_html("Stop", title, None, place["citations"])),
            tooltip=folium.Tooltip(escape(title)),
        ).add_to(m)
        counts["stops"] += 1

    for hazard in journey["hazards"]:
        place = places.get(hazard["place"] or "")
        if not place or not place["anchor"]:
            continue
        folium.Marker(
            place["anchor"],
            popup=folium.Popup(
                popup_html("Hazard", hazard["name"], hazard["summary"], hazard["citations"])
            ),
            tooltip=folium.Tooltip(escape(hazard["name"])),
        ).add_to(m)
        counts["hazards"] += 1
    return m, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("journey", type=Path, help="a journey's JSON twin")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=30, help="seconds to stop after")
    parser.add_argument("--html", type=Path, help="also write the last page here")
    args = parser.parse_args()
    journey = json.loads(args.journey.read_text())

    seconds: list[float] = []
    counts: dict[str, int] = {}
    html = ""
    if len(journey["hazards"]) + len(journey["legs"]) < 500:
        draw(journey)[0].get_root().render()  # warm-up, as the atlas's process is warm
    began = time.perf_counter()
    while len(seconds) < max(1, args.repeat):
        start = time.perf_counter()
        m, counts = draw(journey)
        html = m.get_root().render()
        seconds.append(time.perf_counter() - start)
        if time.perf_counter() - began > args.budget:
            break
    if args.html:
        args.html.write_text(html)
    print(json.dumps({"seconds": seconds, "features": counts, "bytes": len(html.encode())}))


if __name__ == "__main__":
    main()
