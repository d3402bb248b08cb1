"""In-process timings through Flask's test client (no network in between): each page
built cold (caches cleared) and served warm (from cache), against /health in the same
run; and the journey map alone, ours against plain Folium for the same features."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from .scratch import clear_caches
from .timing import median_ms, samples

# What a reader's browser sends (compression is part of serving).
HEADERS = {"Accept-Encoding": "gzip, deflate, br"}
PLAIN_FOLIUM = Path(__file__).resolve().parent / "plain_folium.py"


def page_paths(slug: str) -> dict[str, str]:
    return {
        "journey page": f"/journeys/{slug}",
        ".geojson": f"/journeys/{slug}.geojson",
        "embed": f"/embed/journeys/{slug}",
        "presentation": f"/present/journeys/{slug}",
    }


@dataclass
class Serving:
    cold: dict[str, list[float]]
    warm: dict[str, list[float]]


class Client:
    def __init__(self, app: Flask):
        self.app = app
        self.client = app.test_client()

    def get(self, path: str) -> bytes:
        response = self.client.get(path, headers=HEADERS)
        if response.status_code not in (200, 204):
            raise RuntimeError(f"GET {path}: {response.status_code}")
        return response.get_data()

    def cold(self, path: str) -> None:
        clear_caches(self.app)
        self.get(path)


def health(client: Client, repeats: int) -> list[float]:
    return samples(lambda: client.get("/health"), max(repeats, 20), budget=5)


def serve_times(client: Client, slug: str, repeats: int, budget: float) -> Serving:
    cold: dict[str, list[float]] = {}
    warm: dict[str, list[float]] = {}
    for what, path in page_paths(slug).items():
        cold[what] = samples(lambda path=path: client.cold(path), repeats, budget)
        client.get(path)  # cached now
        warm[what] = samples(lambda path=path: client.get(path), max(repeats, 20), budget / 4)
    return Serving(cold, warm)


def our_map_times(app: Flask, slug: str, repeats: int, budget: float) -> list[float]:
    """app/maps/journey_map.build_map + render_parts on the journey page's own data
    (built once beforehand: the page data are timed in the whole cold page), with the
    options the journey page uses. A large map in data mode draws its features from a
    document the browser loads next: building that (cold) is part of drawing them."""
    from app.maps.journey_map import build_map, render_parts
    from app.pages.shared import journey_data
    from app.views.rendering import map_options

    client = app.test_client()
    with app.test_request_context(f"/journeys/{slug}", headers=HEADERS):
        data = journey_data(slug)  # built and cached, as the page has it
        options = map_options(**data_mode(slug))

        def render() -> None:
            # The page data stay: the map-data document is built from them too.
            clear_caches(app, keep=("journey", slug))
            parts = render_parts(build_map([data], data["hazards"], data["places"], options))
            document = getattr(options, "data", None)
            if document is not None and document.document in parts.script:
                answer = client.get(document.document, headers=HEADERS)
                if answer.status_code != 200:
                    raise RuntimeError(f"GET {document.document}: {answer.status_code}")

        return samples(render, repeats, budget)


def data_mode(slug: str) -> dict[str, object]:
    """The map options' `data` the journey page passes (where a large map loads its
    features from), when the app has a data mode (app/views/map_data.py)."""
    try:
        from app.views.map_data import data_urls
    except ImportError:
        return {}
    return {"data": data_urls(slug, classroom=False)}


def plain_folium_times(
    client: Client, slug: str, work: Path, repeats: int, budget: float
) -> tuple[list[float], dict[str, int]]:
    """bench/plain_folium.py in a process of its own (no patch of ours applies there),
    given the journey's JSON twin."""
    twin = work / f"{slug}.json"
    twin.write_bytes(client.client.get(f"/journeys/{slug}.json").get_data())
    out = subprocess.run(
        [sys.executable, str(PLAIN_FOLIUM), str(twin), "--repeat", str(repeats)]
        + ["--budget", str(budget)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out)
    return result["seconds"], result["features"]


def ms(times: list[float]) -> float:
    return median_ms(times)
