"""Geocoding through geopy (app/geocoding/): the offline gazetteer covers the seed data
and the route's cities and rivers in English and Korean behind geopy's Geocoder
interface; the opt-in Nominatim path is exercised against a real HTTP server on
loopback speaking Nominatim's JSON (a stand-in for the third party, not a mock of our
code): answers cached in the database, our user agent sent, requests spaced by geopy's
RateLimiter; unreachable, failing and silent servers give a clear message and the
offline answer. Then `flask geocode`, the editor's lookup endpoint, and the place form's
"Look up" in Chromium."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from auth_helpers import PASSWORD, editor_client, make_user
from browser_helpers import watched_page
from conftest import SEEDS, LiveServer, make_app
from flask import Flask
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.config import default_config
from app.extensions import db
from app.geocoding import OfflineGazetteer, load_gazetteer, lookup
from app.geocoding.online import OnlineSettings, rate_limited_search
from app.models import DatasetRevision, GeocodeCache

pytestmark = pytest.mark.database

USER_AGENT = "escape-route-atlas-tests/1.0 (tests on loopback)"
SEED_PLACES = yaml.safe_load((SEEDS / "places.yaml").read_text("utf-8"))
ROUTE_CITIES = [
    "Pyongyang", "Sinuiju", "Hyesan", "Musan", "Hoeryong", "Onsong", "Dandong", "Yanji",
    "Shenyang", "Beijing", "Kunming", "Nanning", "Hanoi", "Vientiane", "Luang Prabang",
    "Bangkok", "Chiang Rai", "Chiang Saen", "Seoul", "Incheon",
]  # fmt: skip
ROUTE_RIVERS = ["Yalu River", "Tumen River", "Mekong River"]
# The same place by its English name, its Korean name and other spellings.
SAME_PLACE = {
    "vientiane": ["Vientiane", "비엔티안", "vientiane ", "  VIENTIANE", "Vientiane, Laos"],
    "hoeryong": ["Hoeryong", "Hoeryŏng", "회령", "회령시"],
    "sinuiju": ["Sinuiju", "Sinŭiju", "신의주"],
    "luang-prabang": ["Luang Prabang", "luangprabang", "루앙프라방", "루앙 프라방"],
    "yalu-river": ["Yalu River", "Yalu", "압록강"],
    "tumen-river": ["Tumen River", "두만강"],
    "tumen-city": ["Tumen", "투먼", "도문"],
    "inter-korean-border": ["DMZ", "Korean Demilitarized Zone", "비무장지대", "휴전선"],
    "north-korea": ["North Korea", "북한", "DPRK"],
    "seoul": ["Seoul", "서울"],
}


# ------------------------------------------------------------------ the gazetteer


def test_the_gazetteer_accounts_for_every_place_of_the_seed_data() -> None:
    gazetteer = load_gazetteer()
    slugs = {p["slug"] for p in SEED_PLACES}
    assert set(gazetteer.seed_places) == slugs
    for place in SEED_PLACES:
        answer = gazetteer.seed_places[place["slug"]]
        # Only places whose location no source states have nothing to look up.
        assert (answer is None) == (place["anchor"] is None), place["slug"]
        if answer is None:
            continue
        entry = gazetteer.entry(answer)
        assert entry is not None, f"{place['slug']} -> {answer}: no such entry"
        natural_earth = (place.get("area") or {}).get("natural_earth")
        if place["precision"] == "country":
            assert entry["kind"] == "country", place["slug"]
            assert entry["natural_earth"] == natural_earth, place["slug"]
        else:
            assert answer == place["slug"], "a place located more exactly answers for itself"
            # Found by its name in the seed data, as the first (exact) answer.
            found = OfflineGazetteer().geocode(place["name"])
            assert found is not None and found.raw["id"] == place["slug"], place["name"]


def test_countries_carry_the_bundled_natural_earth_ids() -> None:
    outlines = json.loads(Path(default_config("")["NATURAL_EARTH_PATH"]).read_text("utf-8"))
    ids = {str(f["id"]) for f in outlines["features"] if f.get("id") is not None}
    countries = [e for e in load_gazetteer().entries if e["kind"] == "country"]
    assert len(countries) == 7
    for entry in countries:
        assert entry["natural_earth"] in ids, entry["id"]


def _inside(geometry: dict[str, Any], lon: float, lat: float) -> bool:
    """Point in a GeoJSON (Multi)Polygon, by ray casting (holes excluded)."""

    def in_ring(ring: list[list[float]]) -> bool:
        inside = False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                inside = not inside
        return inside

    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return any(in_ring(p[0]) and not any(in_ring(h) for h in p[1:]) for p in polygons)


def test_every_point_lies_in_its_country() -> None:
    """A typo in a coordinate puts a city in the wrong country. Two towns stand right
    on the Yalu, closer to the other bank than the 1:110m outlines can tell."""
    outlines = json.loads(Path(default_config("")["NATURAL_EARTH_PATH"]).read_text("utf-8"))
    shapes = {str(f.get("id")): f["geometry"] for f in outlines["features"] if f.get("geometry")}
    gazetteer = load_gazetteer()
    outside = set()
    checked = 0
    for entry in gazetteer.entries:
        country = entry if entry["kind"] == "country" else gazetteer.entry(entry.get("country", ""))
        if country is None:
            continue
        checked += 1
        if not _inside(shapes[country["natural_earth"]], entry["lon"], entry["lat"]):
            outside.add(entry["id"])
    assert checked >= 30
    assert outside == {"sinuiju", "changbai"}


@pytest.mark.parametrize("name", ROUTE_CITIES + ROUTE_RIVERS)
def test_the_route_s_cities_and_rivers_are_there_in_english_and_korean(name: str) -> None:
    location = OfflineGazetteer().geocode(name)
    assert location is not None, name
    entry = location.raw
    assert entry["en"].startswith(name)
    assert entry["kind"] == ("river" if name in ROUTE_RIVERS else "city")
    korean = OfflineGazetteer().geocode(entry["ko"], language="ko")
    assert korean.raw["id"] == entry["id"]
    assert korean.address.startswith(entry["ko"])
    assert -90 <= entry["lat"] <= 90 and -180 <= entry["lon"] <= 180


@pytest.mark.parametrize("entry_id", sorted(SAME_PLACE))
def test_english_korean_and_other_spellings_find_the_same_entry(entry_id: str) -> None:
    geocoder = OfflineGazetteer()
    for query in SAME_PLACE[entry_id]:
        found = geocoder.geocode(query)
        assert found is not None, query
        assert found.raw["id"] == entry_id, f"{query!r} found {found.raw['id']}"


def test_exact_names_come_before_names_the_query_begins() -> None:
    found = OfflineGazetteer().geocode("Tumen", exactly_one=False)
    assert [location.raw["id"] for location in found] == ["tumen-city", "tumen-river"]
    # A beginning finds the place too, in either script.
    assert OfflineGazetteer().geocode("Vienti").raw["id"] == "vientiane"
    assert OfflineGazetteer().geocode("비엔").raw["id"] == "vientiane"
    assert OfflineGazetteer().geocode("Atlantis") is None
    assert OfflineGazetteer().geocode("   ") is None


def test_the_language_picks_the_display_name() -> None:
    geocoder = OfflineGazetteer()
    assert geocoder.geocode("Vientiane", language="en").address == "Vientiane, Laos"
    assert geocoder.geocode("Vientiane", language="ko").address == "비엔티안, 라오스"
    assert geocoder.geocode("비엔티안").address == "Vientiane, Laos"


def test_reverse_gives_the_nearest_entries() -> None:
    geocoder = OfflineGazetteer()
    assert geocoder.reverse((17.96, 102.61)).raw["id"] == "vientiane"
    assert geocoder.reverse("37.55, 126.99", language="ko").address == "서울, 대한민국"
    nearest = geocoder.reverse((42.44, 129.74), exactly_one=False, limit=2)
    assert [location.raw["id"] for location in nearest] == ["hoeryong", "tumen-river"]


def test_it_is_a_geopy_geocoder_answering_geopy_locations() -> None:
    geocoder = OfflineGazetteer()
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Hanoi")
    assert isinstance(location, Location)
    assert (location.latitude, location.longitude) == (21.0278, 105.8342)
    assert location.raw["id"] == "hanoi" and location.raw["country"] == "vietnam"
    assert all(isinstance(x, Location) for x in geocoder.geocode("Ch", exactly_one=False))


# ------------------------------------------------- a stand-in Nominatim on loopback

NOMINATIM_ANSWERS = {
    "vientiane": [
        {
            "place_id": 1,
            "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
            "osm_type": "relation",
            "osm_id": 101,
            "lat": "17.9640988",
            "lon": "102.6133707",
            "class": "place",
            "type": "city",
            "addresstype": "city",
            "name": "Vientiane",
            "display_name": "Vientiane, Vientiane Prefecture, Laos",
            "namedetails": {"name": "ວຽງຈັນ", "name:en": "Vientiane", "name:ko": "비엔티안"},
            "boundingbox": ["17.8", "18.1", "102.4", "102.8"],
        }
    ],
    "ban sop ruak": [
        {
            "osm_type": "node",
            "osm_id": 103,
            "lat": "20.3544",
            "lon": "100.0807",
            "class": "place",
            "type": "hamlet",
            "display_name": "Ban Sop Ruak, Chiang Saen, Thailand",
            "namedetails": "not a mapping",
        }
    ],
    "hanoi": [
        {
            "place_id": 2,
            "osm_type": "relation",
            "osm_id": 102,
            "lat": "21.0283334",
            "lon": "105.854041",
            "class": "boundary",
            "type": "administrative",
            "addresstype": "city",
            "display_name": "Hà Nội, Vietnam",
            "namedetails": {"name": "Hà Nội", "name:en": "Hanoi"},
            "boundingbox": ["20.5", "21.4", "105.2", "106.0"],
        }
    ],
}


class StandIn:
    """A Nominatim stand-in: answers /search with NOMINATIM_ANSWERS (mode "ok"),
    with HTTP 500 ("broken"), or not at all until the test ends ("silent"); records
    each request's query and headers (`arrived` is set at each)."""

    def __init__(self, mode: str = "ok"):
        self.mode = mode
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()
        self.arrived = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                stand_in.requests.append(
                    {
                        "path": url.path,
                        "query": {k: v[0] for k, v in parse_qs(url.query).items()},
                        "user_agent": self.headers.get("User-Agent"),
                    }
                )
                stand_in.arrived.set()
                if stand_in.mode == "silent":
                    stand_in.release.wait(60)
                    return
                if stand_in.mode == "broken":
                    self.send_error(500)
                    return
                answer = NOMINATIM_ANSWERS.get(parse_qs(url.query)["q"][0].casefold(), [])
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def refused_url() -> str:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def online_app(tmp_path: Path, url: str, **config: Any) -> Flask:
    settings = {
        "GEOCODER": "nominatim",
        "GEOCODER_USER_AGENT": USER_AGENT,
        "NOMINATIM_URL": url,
        "GEOCODER_TIMEOUT": 5.0,
        **config,
    }
    return make_app(tmp_path / "geocoding.sqlite", **settings)


def cache_rows(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(GeocodeCache).order_by(GeocodeCache.id)).all()
        return [(r.provider, r.query, r.language) for r in rows]


@pytest.fixture()
def stand_in() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


def test_nominatim_answers_are_cached_and_a_second_lookup_asks_no_one(
    tmp_path: Path, stand_in: StandIn
) -> None:
    app = online_app(tmp_path, stand_in.url)
    with app.app_context():
        revision = db.session.scalar(select(DatasetRevision.number))
        first = lookup("Vientiane", "ko")
        assert (first.provider, first.cached, first.message) == ("nominatim", False, None)
        [candidate] = first.results
        assert (candidate.name, candidate.name_en, candidate.name_ko) == (
            "비엔티안",
            "Vientiane",
            "비엔티안",
        )
        assert (candidate.lat, candidate.lon, candidate.kind) == (17.9640988, 102.6133707, "city")
        assert candidate.address == "Vientiane, Vientiane Prefecture, Laos"
        assert len(stand_in.requests) == 1

        again = lookup("  vientiane ", "ko")
        assert (again.provider, again.cached) == ("nominatim", True)
        assert again.results == first.results
        assert len(stand_in.requests) == 1, "the cached answer asked the server again"
        # A cache is not content: the dataset revision does not move.
        assert db.session.scalar(select(DatasetRevision.number)) == revision
    assert cache_rows(app) == [("nominatim", "vientiane", "ko")]

    [request] = stand_in.requests
    assert request["path"] == "/search"
    assert request["user_agent"] == USER_AGENT
    assert request["query"]["q"] == "Vientiane"
    assert request["query"]["format"] == "json"
    assert request["query"]["accept-language"] == "ko"
    assert request["query"]["namedetails"] == "1"


def test_an_unexpected_online_answer_is_shown_as_it_is(tmp_path: Path, stand_in: StandIn) -> None:
    app = online_app(tmp_path, stand_in.url)
    with app.app_context():
        [candidate] = lookup("Ban Sop Ruak").results
    assert (candidate.name, candidate.name_en, candidate.name_ko) == (
        "Ban Sop Ruak",
        "Ban Sop Ruak",
        None,
    )
    assert candidate.kind == "hamlet", "a kind the atlas does not have is not renamed"
    assert (candidate.lat, candidate.lon) == (20.3544, 100.0807)


def test_an_empty_online_answer_is_cached_too(tmp_path: Path, stand_in: StandIn) -> None:
    app = online_app(tmp_path, stand_in.url)
    with app.app_context():
        assert lookup("Atlantis").results == []
        assert lookup("Atlantis").cached is True
    assert len(stand_in.requests) == 1


def test_requests_are_spaced_by_geopy_s_rate_limiter(
    tmp_path: Path, stand_in: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two lookups in a row go through the process's one limiter: after the first
    request, it waits the whole delay before it lets the second go. Seen on the limiter's
    own clock and sleep (the seam geopy's tests use), a test clock that only its sleep
    moves on: no time passes otherwise, so the full 2 s are asked for, between the two
    requests."""
    app = online_app(tmp_path, stand_in.url, GEOCODER_MIN_DELAY_SECONDS=2.0)
    with app.app_context():
        limiter = rate_limited_search(OnlineSettings.from_config(app.config))
        assert isinstance(limiter, RateLimiter)
        assert limiter.min_delay_seconds == 2.0
        assert limiter.max_retries == 1 and limiter.swallow_exceptions is False
        clock = [1000.0]
        slept: list[tuple[float, int]] = []  # (seconds, requests the stand-in had by then)

        def sleep(seconds: float) -> None:
            slept.append((seconds, len(stand_in.requests)))
            clock[0] += seconds

        monkeypatch.setattr(limiter, "_clock", lambda: clock[0])
        monkeypatch.setattr(limiter, "_sleep", sleep)
        assert lookup("Vientiane").provider == "nominatim"
        assert lookup("Hanoi").results[0].name == "Hanoi"
    assert [r["query"]["q"] for r in stand_in.requests] == ["Vientiane", "Hanoi"]
    assert slept == [(2.0, 1)]


def test_the_default_delay_is_nominatim_s_one_second(tmp_path: Path, stand_in: StandIn) -> None:
    app = online_app(tmp_path, stand_in.url)
    limiter = rate_limited_search(OnlineSettings.from_config(app.config))
    assert limiter.min_delay_seconds == 1.0
    assert isinstance(limiter.func.geocoder, Nominatim)


def test_an_unreachable_service_gives_a_message_and_the_offline_answer(tmp_path: Path) -> None:
    app = online_app(tmp_path, refused_url())
    with app.app_context():
        result = lookup("Vientiane")
    assert result.failure == "unreachable"
    assert result.message == (
        "The online geocoder could not be reached; showing the offline gazetteer's result."
    )
    assert result.provider == "offline" and not result.cached
    assert [c.id for c in result.results] == ["vientiane"]
    assert cache_rows(app) == [], "a failure is not cached"


def test_an_error_answer_gives_a_message_and_is_not_retried(tmp_path: Path) -> None:
    with StandIn("broken") as broken:
        app = online_app(tmp_path, broken.url)
        with app.app_context():
            result = lookup("비엔티안", "ko")
        assert len(broken.requests) == 1
    assert result.failure == "error"
    assert "answered with an error" in (result.message or "")
    assert [c.name for c in result.results] == ["비엔티안"]
    assert cache_rows(app) == []


def test_a_silent_service_times_out_once_with_a_message_and_the_offline_answer(
    tmp_path: Path,
) -> None:
    with StandIn("silent") as silent:
        app = online_app(tmp_path, silent.url, GEOCODER_TIMEOUT=1.0)
        with app.app_context():
            result = lookup("Vientiane")
        # The try timed out (geopy's GeocoderTimedOut) and was not tried again. (The
        # stand-in never answers it, so the lookup may return before the stand-in's
        # thread has recorded it: wait for that, however busy the machine.)
        assert silent.arrived.wait(timeout=60)
        assert len(silent.requests) == 1
    assert result.failure == "timeout"
    assert result.message == (
        "The online geocoder did not answer within 1 s; showing the offline gazetteer's result."
    )
    assert [c.id for c in result.results] == ["vientiane"]


def test_online_without_a_user_agent_says_so_and_answers_offline(
    tmp_path: Path, stand_in: StandIn
) -> None:
    app = online_app(tmp_path, stand_in.url, GEOCODER_USER_AGENT=None)
    with app.app_context():
        result = lookup("Seoul")
    assert result.failure == "not-configured"
    assert "ATLAS_GEOCODER_USER_AGENT" in (result.message or "")
    assert [c.id for c in result.results] == ["seoul"]
    assert stand_in.requests == []


def test_offline_is_the_default_and_asks_no_one(tmp_path: Path, stand_in: StandIn) -> None:
    app = make_app(tmp_path / "offline.sqlite", NOMINATIM_URL=stand_in.url)
    assert app.config["GEOCODER"] == "offline"
    with app.app_context():
        result = lookup("Seoul", "ko")
        forced = lookup("Seoul", "en", online=False)
    assert (result.provider, result.results[0].name, result.failure) == ("offline", "서울", None)
    assert forced.results[0].name == "Seoul"
    assert stand_in.requests == [] and cache_rows(app) == []


# -------------------------------------------------------------------- flask geocode


def test_the_cli_prints_the_offline_answer(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(args=["geocode", "Vientiane"])
    assert result.exit_code == 0, result.output
    assert "from the offline gazetteer (not cached)" in result.stdout
    assert "1. Vientiane / 비엔티안 [city] 17.9757, 102.6331" in result.stdout


def test_the_cli_prints_json(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(
        args=["geocode", "비엔티안", "--lang", "ko", "--json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["provider"], answer["cached"], answer["message"]) == ("offline", False, None)
    assert answer["results"][0]["name"] == "비엔티안"
    assert answer["results"][0]["name_en"] == "Vientiane"
    assert answer["results"][0]["lat"] == 17.9757


def test_the_cli_exits_1_when_nothing_is_found(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(args=["geocode", "Atlantis"])
    assert result.exit_code == 1
    assert "Nothing found for 'Atlantis'." in result.stderr


def test_the_cli_online_caches_and_reports_a_failure(tmp_path: Path, stand_in: StandIn) -> None:
    app = online_app(tmp_path, stand_in.url, GEOCODER="offline")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["geocode", "Vientiane", "--online"])
    assert first.exit_code == 0, first.output
    assert "from nominatim (not cached)" in first.stdout
    assert "Vientiane / 비엔티안 [city] 17.9641, 102.6134" in first.stdout
    second = runner.invoke(args=["geocode", "Vientiane", "--online", "--json"])
    assert json.loads(second.stdout)["cached"] is True
    assert len(stand_in.requests) == 1

    (tmp_path / "down").mkdir()
    down = online_app(tmp_path / "down", refused_url())
    failed = down.test_cli_runner().invoke(args=["geocode", "Vientiane"])
    assert failed.exit_code == 0
    assert "could not be reached; showing the offline gazetteer's result" in failed.stderr
    assert "from the offline gazetteer" in failed.stdout
    offline = down.test_cli_runner().invoke(args=["geocode", "Vientiane", "--offline"])
    assert offline.stderr == "" and "offline gazetteer" in offline.stdout


# ------------------------------------------------------------- the editor's lookup


def test_an_editor_gets_candidates(empty_app: Flask) -> None:
    client, _token = editor_client(empty_app)
    response = client.get("/edit/geocode?q=%EB%B9%84%EC%97%94%ED%8B%B0%EC%95%88&lang=ko")
    assert response.status_code == 200
    # Built for a logged-in editor: never stored, by the browser or anyone between.
    directives = {d.strip() for d in response.headers["Cache-Control"].split(",")}
    assert "no-store" in directives and "public" not in directives
    answer = response.get_json()
    assert answer["provider"] == "offline"
    assert [(c["id"], c["name"]) for c in answer["results"]] == [("vientiane", "비엔티안")]
    assert client.get("/edit/geocode?q=+").status_code == 400


def test_an_editor_is_told_when_the_online_service_failed(tmp_path: Path) -> None:
    app = online_app(tmp_path, refused_url())
    client, _token = editor_client(app)
    answer = client.get("/edit/geocode?q=Seoul").get_json()
    assert answer["failure"] == "unreachable"
    assert "could not be reached" in answer["message"]
    assert answer["results"][0]["id"] == "seoul"


def test_anonymous_visitors_are_refused(empty_app: Flask) -> None:
    client = empty_app.test_client()
    as_json = client.get("/edit/geocode?q=Vientiane", headers={"Accept": "application/json"})
    assert as_json.status_code == 401
    assert "results" not in (as_json.get_json() or {})
    page = client.get("/edit/geocode?q=Vientiane")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


# ------------------------------------------------------------ the form in Chromium


@pytest.fixture(scope="module")
def form_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, LiveServer]]:
    """Two atlases: the default (offline) one, and one whose online geocoder is down."""
    offline = make_app(tmp_path_factory.mktemp("lookup") / "offline.sqlite")
    down = online_app(tmp_path_factory.mktemp("lookup-down"), refused_url())
    for app in (offline, down):
        make_user(app, "mapper", "editor")
    with LiveServer(offline) as a, LiveServer(down) as b:
        yield {"offline": a, "down": b}


def log_in(page: Any, url: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Name").fill("mapper")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".session-name")).to_have_text("mapper")


MARKER = """() => {
    const {map, marker} = window.atlasEditorMap;
    const at = marker.getLatLng();
    return {onMap: map.hasLayer(marker), lat: at.lat, lon: at.lng};
}"""


@pytest.mark.browser
def test_looking_up_fills_the_form_and_moves_the_anchor(
    browser: Any, form_servers: dict[str, LiveServer]
) -> None:
    url = form_servers["offline"].url
    with watched_page(browser, url) as (page, watch, dialogs):
        log_in(page, url)
        page.goto(url + "/edit/places/new")
        page.wait_for_function("() => !!window.atlasEditorMap")
        page.get_by_label("Place name").fill("Vientiane")
        page.get_by_role("button", name="Look up").click()
        choice = page.locator(".lookup-choice")
        expect(choice).to_have_count(1)
        expect(choice).to_contain_text("Vientiane / 비엔티안")
        choice.click()
        expect(page.locator("#f-name")).to_have_value("Vientiane")
        expect(page.locator("#f-name_ko")).to_have_value("비엔티안")
        expect(page.locator("#f-kind")).to_have_value("city")
        expect(page.locator("#f-anchor_lat")).to_have_value("17.9757")
        expect(page.locator("#f-anchor_lon")).to_have_value("102.6331")
        expect(page.locator("#f-anchor_note")).to_have_value(
            "Representative point from the offline gazetteer (Vientiane)."
        )
        assert page.evaluate(MARKER) == {"onMap": True, "lat": 17.9757, "lon": 102.6331}
        visible = page.evaluate(
            "() => window.atlasEditorMap.map.getBounds().contains([17.9757, 102.6331])"
        )
        assert visible, "the map did not move to the chosen point"

        # Enter in the lookup field looks up (it does not submit the place form), and
        # an editor's own anchor note is kept when another result is chosen.
        page.locator("#f-anchor_note").fill("My own reason.")
        page.get_by_label("Place name").fill("회령")
        page.get_by_label("Place name").press("Enter")
        expect(page.locator(".lookup-choice")).to_contain_text("Hoeryong / 회령")
        page.locator(".lookup-choice").first.click()
        expect(page.locator("#f-anchor_lat")).to_have_value("42.4428")
        expect(page.locator("#f-name")).to_have_value("Hoeryong")
        expect(page.locator("#f-anchor_note")).to_have_value("My own reason.")
        assert page.evaluate(MARKER) == {"onMap": True, "lat": 42.4428, "lon": 129.7506}
        assert page.url == url + "/edit/places/new"
        assert dialogs.messages == []
        watch.assert_clean()


@pytest.mark.browser
def test_the_form_says_when_the_online_service_failed(
    browser: Any, form_servers: dict[str, LiveServer]
) -> None:
    url = form_servers["down"].url
    with watched_page(browser, url) as (page, watch, _dialogs):
        log_in(page, url)
        page.goto(url + "/edit/places/new")
        page.wait_for_function("() => !!window.atlasEditorMap")
        page.get_by_label("Place name").fill("Seoul")
        page.get_by_role("button", name="Look up").click()
        expect(page.locator("#lookup-status")).to_contain_text(
            "The online geocoder could not be reached; showing the offline gazetteer's result."
        )
        expect(page.locator(".lookup-choice")).to_contain_text("Seoul / 서울")
        page.locator(".lookup-choice").click()
        expect(page.locator("#f-anchor_lat")).to_have_value("37.5665")
        watch.assert_clean()


def test_no_page_rendering_calls_a_geocoder() -> None:
    """Only the CLI and the editor's lookup import the lookup service."""
    app_dir = Path(__file__).resolve().parent.parent / "app"
    imports = re.compile(r"^\s*(from \.+geocoding|from app\.geocoding|import app\.geocoding)", re.M)
    users = sorted(
        str(path.relative_to(app_dir))
        for path in app_dir.rglob("*.py")
        if "geocoding" not in path.parts and imports.search(path.read_text("utf-8"))
    )
    assert users == ["cli.py", "editor/places.py"]


def test_the_cache_table_holds_one_row_per_query(tmp_path: Path, stand_in: StandIn) -> None:
    app = online_app(tmp_path, stand_in.url)
    with app.app_context():
        for query in ("Vientiane", "VIENTIANE", "vientiane"):
            lookup(query)
        lookup("Vientiane", "ko")
        count = db.session.scalar(select(func.count()).select_from(GeocodeCache))
    assert count == 2
    assert len(stand_in.requests) == 2
