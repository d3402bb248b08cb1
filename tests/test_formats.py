"""Downloads in open formats, read by real consumers rather than by our own parser:
GDAL (`ogrinfo`, `ogr2ogr` from Debian's gdal-bin) opens every GeoJSON, KML and GPX file
and reports the layers and feature counts the DATABASE says it must hold; the points
and lines it reads are [lon, lat] at the places' anchors; Python's csv module reads one
row per citation; pyld expands the Web Annotations against the W3C context (bundled,
offline) without dropping a term. Hostile text round-trips through every format.

Run with `pytest -s` to see the counts GDAL read per format.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import SEEDS, make_app, seed
from flask import Flask
from hostile_corpus import CORPUS
from pyld import jsonld
from sqlalchemy import select

from app.extensions import db
from app.formats.annotations import offline_document_loader
from app.formats.gpx import schematic_points
from app.models import Citation, Hazard, Journey, Place
from app.pages.builders import journey_page


@pytest.fixture(autouse=True)
def gdal() -> None:
    # Not skipped when missing: the checks by GDAL are the point (scripts/test.sh installs it).
    if shutil.which("ogrinfo") is None or shutil.which("ogr2ogr") is None:
        pytest.fail("GDAL's ogrinfo/ogr2ogr are missing: install Debian's gdal-bin")


OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
GPX_LAYERS = {"waypoints", "routes", "tracks", "route_points", "track_points"}
KML_LAYERS = ["Places", "Legs", "Hazards"]
MEDIA_TYPES = {
    ".geojson": "application/geo+json",
    ".kml": "application/vnd.google-earth.kml+xml",
    ".gpx": "application/gpx+xml",
    ".csv": "text/csv",
    ".jsonld": "application/ld+json",
}
# What XML 1.0 cannot carry (app/formats/text.py leaves it out of KML and GPX).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# ---------------------------------------------------------------- GDAL


def ogr_counts(path: Path) -> dict[str, int]:
    """Layer name -> feature count, as `ogrinfo -ro -al -so` reports them."""
    done = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True, check=True
    )
    assert "ERROR" not in done.stderr, done.stderr  # GDAL read the whole file
    out = done.stdout
    names = re.findall(r"^Layer name: (.+)$", out, re.M)
    counts = [int(n) for n in re.findall(r"^Feature Count: (\d+)$", out, re.M)]
    assert len(names) == len(counts) and names, out
    return dict(zip(names, counts, strict=True))


def ogr_feature_total(path: Path) -> int:
    """Features in the full `ogrinfo -ro -al` listing (each read, not just counted)."""
    out = subprocess.run(
        ["ogrinfo", "-ro", "-al", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return len(re.findall(r"^OGRFeature\(", out, re.M))


def ogr_features(path: Path, layer: str) -> list[dict[str, Any]]:
    """One layer as GDAL reads it, converted by GDAL itself to GeoJSON."""
    out = subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", str(path), layer],
        capture_output=True,
        check=True,
        env={"GPX_N_MAX_LINKS": "50", "PATH": "/usr/bin:/bin"},
    ).stdout
    features: list[dict[str, Any]] = json.loads(out)["features"]
    return features


# ---------------------------------------------------------------- what the database holds


def _anchored(place: Place | None) -> bool:
    return place is not None and place.anchor_lat is not None and place.anchor_lon is not None


def drawn_legs(journey: Journey) -> list[Any]:
    return [
        leg
        for leg in journey.legs
        if leg.route == "known" and _anchored(leg.from_place) and _anchored(leg.to_place)
    ]


def route_runs(journey: Journey) -> list[list[Any]]:
    """Told legs that follow on from each other (one GPX route each)."""
    drawn = {leg.id for leg in drawn_legs(journey)}
    runs: list[list[Any]] = []
    previous = None
    for leg in journey.legs:
        if leg.id not in drawn:
            previous = None
            continue
        if previous is not None and previous.to_place_id == leg.from_place_id:
            runs[-1].append(leg)
        else:
            runs.append([leg])
        previous = leg
    return runs


def schematic_counts(app: Flask, slug: str) -> dict[int, int]:
    """How many schematic points (the inner points of a leg drawn over land) GPX puts in
    each leg's route, as app/formats/gpx.py thins the maps' drawing."""
    with app.test_request_context():
        page = journey_page(slug)
    places = {p["slug"]: p for p in page["places"]}
    return {leg["order"]: len(schematic_points(leg, places)) for leg in page["legs"]}


def run_points(runs: list[list[Any]], extra: dict[int, int]) -> int:
    return sum(len(r) + 1 + sum(extra[leg.position] for leg in r) for r in runs)


def stop_count(journey: Journey) -> int:
    stops: list[int] = []
    for leg in journey.legs:
        if not stops or stops[-1] != leg.from_place_id:
            stops.append(leg.from_place_id)
        stops.append(leg.to_place_id)
    return len(stops)


def journey_places(journey: Journey) -> set[Place]:
    places = {p for leg in journey.legs for p in (leg.from_place, leg.to_place)}
    return places | {h.place for h in journey.hazards if h.place is not None}


def expected(app: Flask) -> dict[str, Any]:
    """Every count the downloads must have, from the database."""
    with app.app_context():
        journeys = list(db.session.scalars(select(Journey).order_by(Journey.position)))
        hazards = list(db.session.scalars(select(Hazard)))
        citations = list(db.session.scalars(select(Citation)))
        per: dict[str, Any] = {}
        extra: dict[str, dict[int, int]] = {}
        for j in journeys:
            places = journey_places(j)
            leg_ids = {leg.id for leg in j.legs}
            hazard_ids = {h.id for h in j.hazards}
            place_ids = {p.id for p in places}
            runs = route_runs(j)
            extra[j.slug] = schematic_counts(app, j.slug)
            per[j.slug] = {
                "geojson": len(j.legs) + stop_count(j) + len(j.hazards),
                "kml": {
                    "Places": sum(_anchored(p) for p in places),
                    "Legs": len(drawn_legs(j)),
                    "Hazards": sum(_anchored(h.place) for h in j.hazards),
                },
                "gpx": {
                    "waypoints": sum(_anchored(h.place) for h in j.hazards),
                    "routes": len(runs),
                    "route_points": run_points(runs, extra[j.slug]),
                    "tracks": 0,
                    "track_points": 0,
                },
                "csv": sum(
                    c.journey_id == j.id
                    or c.leg_id in leg_ids
                    or c.hazard_id in hazard_ids
                    or c.place_id in place_ids
                    for c in citations
                ),
            }
        all_places = set().union(*(journey_places(j) for j in journeys)) | {
            h.place for h in hazards if h.place is not None
        }
        all_points = sum(run_points(route_runs(j), extra[j.slug]) for j in journeys)
        all_runs = [r for j in journeys for r in route_runs(j)]
        lonely = [h for h in hazards if not h.journeys]
        not_drawn = [
            (f"Leg {leg.position}: {leg.from_place.name} → {leg.to_place.name}", leg.citations)
            for j in journeys
            for leg in j.legs
            if leg not in drawn_legs(j)
        ] + [(h.name, h.citations) for h in hazards if not _anchored(h.place)]
        return {
            "not_drawn": [(label, [c.exact for c in cs]) for label, cs in not_drawn],
            "journeys": per,
            "atlas": {
                "geojson": sum(p["geojson"] for p in per.values()) + len(lonely),
                "kml": {
                    "Places": sum(_anchored(p) for p in all_places),
                    "Legs": sum(p["kml"]["Legs"] for p in per.values()),
                    "Hazards": sum(_anchored(h.place) for h in hazards),
                },
                "gpx": {
                    "waypoints": sum(_anchored(h.place) for h in hazards),
                    "routes": len(all_runs),
                    "route_points": all_points,
                    "tracks": 0,
                    "track_points": 0,
                },
                "csv": sum(c.discrepancy_side_id is None for c in citations),
            },
            "citations": {
                c.key: (c.exact, c.prefix, c.suffix, c.start_pos, c.end_pos) for c in citations
            },
            "notes": {c.key: c.sensitivity for c in citations},
            "anchors": {p.slug: (p.anchor_lon, p.anchor_lat) for p in all_places if _anchored(p)},
            # Rivers and borders: a leg meets their band, not their anchor.
            "bands": {p.slug for p in all_places if p.area_kind == "line"},
            "hazard_places": {h.name: h.place.slug for h in hazards if _anchored(h.place)},
            "legs": {
                (j.slug, leg.position): (leg.from_place.slug, leg.to_place.slug)
                for j in journeys
                for leg in j.legs
            },
        }


# ---------------------------------------------------------------- fetching the files


def fetch(app: Flask, directory: Path, urls: list[str]) -> dict[str, Path]:
    client = app.test_client()
    files = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        suffix = Path(url).suffix
        assert response.mimetype == MEDIA_TYPES[suffix], (url, response.content_type)
        path = directory / url.strip("/").replace("/", "__")
        path.write_bytes(response.data)
        files[url] = path
    return files


def journey_urls(slugs: list[str]) -> list[str]:
    return [f"/journeys/{s}{ext}" for s in slugs for ext in (".geojson", ".kml", ".gpx", ".csv")]


ATLAS_URLS = ["/atlas.geojson", "/atlas.kml", "/atlas.gpx", "/atlas.csv", "/annotations.jsonld"]


@pytest.fixture(scope="module")
def facts(seeded_app: Flask) -> dict[str, Any]:
    return expected(seeded_app)


@pytest.fixture(scope="module")
def files(seeded_app: Flask, facts: dict[str, Any], tmp_path_factory: Any) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("downloads")
    return fetch(seeded_app, directory, journey_urls(list(facts["journeys"])) + ATLAS_URLS)


# ---------------------------------------------------------------- GDAL reads the right things


def test_ogrinfo_reads_every_journey_and_the_atlas_with_the_counts_the_database_gives(files, facts):
    read: Counter[str] = Counter()
    rows = []
    for slug, want in [*facts["journeys"].items(), ("atlas", facts["atlas"])]:
        base = f"/journeys/{slug}" if slug != "atlas" else "/atlas"
        geojson = ogr_counts(files[base + ".geojson"])
        assert list(geojson.values()) == [want["geojson"]], (slug, geojson)
        kml = ogr_counts(files[base + ".kml"])
        assert list(kml) == KML_LAYERS, kml  # one layer per Folder, in order
        assert kml == want["kml"], slug
        gpx = ogr_counts(files[base + ".gpx"])
        assert set(gpx) == GPX_LAYERS
        assert gpx == want["gpx"], slug
        for path in (files[base + ".geojson"], files[base + ".kml"], files[base + ".gpx"]):
            # Not just counted: GDAL reads every feature.
            total = ogr_feature_total(path)
            assert total == sum(ogr_counts(path).values()), path
            read[path.suffix] += total
        rows.append(
            f"{slug:34} geojson {want['geojson']:3}  kml "
            + " ".join(f"{k}={v}" for k, v in kml.items())
            + "  gpx "
            + " ".join(f"{k}={gpx[k]}" for k in ("waypoints", "routes", "route_points"))
        )
    print("\nFeatures read by ogrinfo:\n" + "\n".join(rows))
    print("Totals:", dict(read))
    assert all(read[s] for s in (".geojson", ".kml", ".gpx"))


def test_kml_and_gpx_points_are_lon_lat_at_their_places_anchors(files, facts):
    anchors, hazard_places = facts["anchors"], facts["hazard_places"]
    checked = 0
    hazards = ogr_features(files["/atlas.kml"], "Hazards")
    for feature in hazards:
        lon, lat = anchors[feature["properties"]["place"]]
        assert feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"][:2] == pytest.approx([lon, lat])
        checked += 1
    for feature in ogr_features(files["/atlas.gpx"], "waypoints"):
        lon, lat = anchors[hazard_places[feature["properties"]["name"]]]
        assert feature["geometry"]["coordinates"][:2] == pytest.approx([lon, lat])
        checked += 1
    places = ogr_features(files["/atlas.kml"], "Places")
    for feature in places:
        lon, lat = anchors[feature["properties"]["place"]]
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            assert feature["properties"]["precision"] == "point"
            assert geometry["coordinates"][:2] == pytest.approx([lon, lat])
        else:  # an area: its outline lies around the anchor (lon, lat, not lat, lon)
            assert feature["properties"]["precision"] != "point"
            flat = json.dumps(geometry["coordinates"])
            numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", flat)]
            lons, lats = numbers[0::2], numbers[1::2]
            if geometry["type"] != "LineString":
                assert min(lons) - 0.5 <= lon <= max(lons) + 0.5, feature["properties"]
                assert min(lats) - 0.5 <= lat <= max(lats) + 0.5, feature["properties"]
        checked += 1
    assert checked == len(hazards) + len(ogr_features(files["/atlas.gpx"], "waypoints")) + len(
        places
    )
    # One known place, by hand, from the seed file ([lat, lon] there; lon, lat in GPX
    # as GDAL reads it): the first told route's first point.
    seeded = {p["name"]: p for p in yaml.safe_load((SEEDS / "places.yaml").read_text("utf-8"))}
    first = ogr_features(files["/atlas.gpx"], "route_points")[0]
    known = seeded[first["properties"]["name"]]
    assert first["geometry"]["coordinates"][:2] == pytest.approx(known["anchor"][::-1])
    assert known["anchor"][0] != pytest.approx(known["anchor"][1])  # the order is visible


def test_kml_legs_and_gpx_routes_join_their_places_anchors(files, facts):
    anchors, ends = facts["anchors"], facts["legs"]
    legs = ogr_features(files["/atlas.kml"], "Legs")
    assert legs
    for feature in legs:
        p = feature["properties"]
        start, end = ends[(p["journey"], int(p["order"]))]
        assert feature["geometry"]["type"] == "LineString"
        coordinates = feature["geometry"]["coordinates"]
        assert len(coordinates) >= 2
        for place, position in ((start, coordinates[0]), (end, coordinates[-1])):
            if place not in facts["bands"]:  # a band's leg meets it where it is nearest
                assert position[:2] == pytest.approx(list(anchors[place]))
    points = ogr_features(files["/atlas.gpx"], "route_points")
    assert points
    anchor_set = {tuple(round(v, 6) for v in a) for a in anchors.values()}
    for feature in points:
        if feature["properties"]["type"] == "schematic point (the atlas's drawing)":
            continue  # a leg drawn over land (app/maps/leg_paths.py)
        assert tuple(round(v, 6) for v in feature["geometry"]["coordinates"][:2]) in anchor_set
        assert feature["properties"]["type"].startswith(("exact point", "representative point"))


def test_kml_descriptions_hold_the_quotes_verbatim_with_links_to_the_passage(files, facts):
    quotes = {key: value[0] for key, value in facts["citations"].items()}
    noted = 0
    for layer in KML_LAYERS:
        for feature in ogr_features(files["/atlas.kml"], layer):
            description = feature["properties"]["description"]
            links = re.findall(r'href="([^"]+)"', description)
            assert links, feature["properties"]["Name"]
            for link in links:
                url = urlsplit(html.unescape(link))
                assert url.scheme == "http" and url.path.startswith("/sources/")
                key = dict(q.split("=") for q in url.query.split("&"))["cite"]
                assert f"“{html.escape(quotes[key])}”" in description
                assert url.fragment.startswith("p-")
                if facts["notes"][key]:  # a quote with content notes says so first
                    noted += 1
                    before = description[: description.index(html.escape(quotes[key]))]
                    assert before.rstrip().endswith("</em></p><blockquote>“"), before[-200:]
                    assert "Content note: " in before.rsplit("</blockquote>", 1)[-1]
    assert noted
    text = files["/atlas.kml"].read_text("utf-8")
    assert "maps.google.com" not in text and "<href>" not in text  # no third-party icons


def test_what_kml_does_not_draw_is_told_with_its_quotes_in_the_document_description(files, facts):
    import xml.etree.ElementTree as ET

    namespace = {"k": "http://www.opengis.net/kml/2.2"}
    document = ET.parse(files["/atlas.kml"]).getroot().find("k:Document", namespace)
    assert document is not None
    description = html.unescape(document.findtext("k:description", "", namespace))
    assert facts["not_drawn"]  # untold legs and hazards with no told place
    for label, quotes in facts["not_drawn"]:
        assert label in description
        for quote in quotes:
            assert f"“{quote}”" in description


# ---------------------------------------------------------------- CSV


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_csv_has_one_row_per_citation_with_the_quote_verbatim(files, facts):
    citations = facts["citations"]
    counts = {}
    for slug, want in [*facts["journeys"].items(), ("atlas", facts["atlas"])]:
        path = files[f"/journeys/{slug}.csv" if slug != "atlas" else "/atlas.csv"]
        assert path.read_bytes().count(b"\r\n") >= want["csv"]  # RFC 4180 line breaks
        rows = read_csv(path)
        assert len(rows) == want["csv"], slug
        counts[slug] = len(rows)
        assert len({r["citation_key"] for r in rows}) == len(rows)
        for row in rows:
            exact = citations[row["citation_key"]][0]
            assert row["quote"] == ("'" + exact if exact[:1] in "=+-@\t\r" else exact)
            assert row["subject_type"] in {"journey", "leg", "place", "hazard"}
            assert row["content_notes"] == facts["notes"][row["citation_key"]]
            assert row["link"].startswith("http://localhost/sources/" + row["source"] + "?cite=")
            assert row["link"].endswith("#p-" + row["passage"])
            if slug != "atlas":
                assert row["journey"] == slug
    print("\nCSV rows (citations):", counts)
    assert any(facts["notes"].values())  # some quotes carry content notes


# ---------------------------------------------------------------- Web Annotations


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    return jsonld.expand(document, {"documentLoader": offline_document_loader})  # type: ignore[no-any-return]


def annotation_items(expanded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    (collection,) = expanded
    assert collection["@type"] == [AS + "OrderedCollection"]
    (page,) = collection[AS + "first"]
    assert page["@type"] == [AS + "OrderedCollectionPage"]
    items: list[dict[str, Any]] = page[AS + "items"][0]["@list"]
    return items


def check_annotations(document: dict[str, Any], citations: dict[str, tuple[Any, ...]]) -> int:
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    compact_items = document["first"]["items"]
    compact_selectors = sum(len(a["target"]["selector"]) for a in compact_items)
    items = annotation_items(expand(document))
    assert len(items) == len(compact_items) == len(citations) == document["total"]
    selectors = 0
    for item in items:
        assert item["@type"] == [OA + "Annotation"]
        assert item[OA + "motivatedBy"] == [{"@id": OA + "linking"}]
        key = item["@id"].rsplit("#", 1)[1]
        exact, prefix, suffix, start, end = citations[key]
        purposes = {b[OA + "hasPurpose"][0]["@id"] for b in item[OA + "hasBody"]}
        assert purposes == {OA + "linking", OA + "describing"}
        assert "http://purl.org/dc/terms/created" in item
        (target,) = item[OA + "hasTarget"]
        assert target["@type"] == [OA + "SpecificResource"]
        source = urlsplit(target[OA + "hasSource"][0]["@id"])
        assert source.scheme == "http" and source.path.startswith("/sources/")
        found = {s["@type"][0]: s for s in target[OA + "hasSelector"]}
        selectors += len(target[OA + "hasSelector"])
        quote = found[OA + "TextQuoteSelector"]
        assert quote[OA + "exact"] == [{"@value": exact}]
        assert quote[OA + "prefix"] == [{"@value": prefix}]
        assert quote[OA + "suffix"] == [{"@value": suffix}]
        position = found[OA + "TextPositionSelector"]
        assert position[OA + "start"][0]["@value"] == start
        assert position[OA + "end"][0]["@value"] == end
    assert selectors == compact_selectors == 2 * len(citations)  # no selector dropped
    return len(items)


def test_annotations_are_valid_json_ld_that_expands_to_the_w3c_terms_offline(files, facts):
    document = json.loads(files["/annotations.jsonld"].read_text("utf-8"))
    count = check_annotations(document, facts["citations"])
    print(f"\nWeb Annotations expanded by pyld: {count} (2 selectors each)")


def test_the_offline_loader_serves_only_the_w3c_context():
    with pytest.raises(Exception, match="only the Web Annotation context"):
        jsonld.expand(
            {"@context": "http://example.org/other.jsonld", "a": 1},
            {"documentLoader": offline_document_loader},
        )


# ---------------------------------------------------------------- pages link the downloads


def test_journey_pages_and_home_link_their_downloads_with_the_media_types(seeded_app, facts):
    client = seeded_app.test_client()
    for slug in facts["journeys"]:
        page = client.get(f"/journeys/{slug}").get_data(as_text=True)
        links = client.get(f"/journeys/{slug}.json").get_json()["links"]
        for ext in ("geojson", "kml", "gpx", "csv"):
            assert links[ext] == f"/journeys/{slug}.{ext}"
            assert f'href="{links[ext]}"' in page
    home = client.get("/").get_data(as_text=True)
    downloads = client.get("/index.json").get_json()["downloads"]
    assert sorted(downloads) == ["annotations", "csv", "geojson", "gpx", "kml"]
    for url in downloads.values():
        assert f'href="{url}"' in home
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == MEDIA_TYPES[Path(url).suffix]
    assert (
        client.get("/annotations.jsonld").headers["Content-Type"]
        == 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    )
    assert client.get("/journeys/no-such-journey.kml").status_code == 404
    assert client.get("/journeys/no-such-journey.csv").status_code == 404


# ---------------------------------------------------------------- hostile text


# Cells a spreadsheet would compute (the corpus's strings all start with their marker).
FORMULAS = ['=HYPERLINK("http://example.invalid/H990","H990")', "+H991+1", "-H992-1", "@H993(A1)"]


def usable(text: str) -> bool:
    """A corpus string that can be a passage of its own (one line, no edge whitespace)."""
    return "\n" not in text and "\r" not in text and text == text.strip()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: Any) -> dict[str, Any]:
    """The seed data plus a source made of the hostile corpus (one string per line), a
    hazard with a hostile name and summary on a located place of the first journey,
    citing every usable string, and a hostile journey title."""
    root = tmp_path_factory.mktemp("hostile")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds)
    strings = [h.text for h in CORPUS if usable(h.text)] + FORMULAS
    (seeds / "900_hostile.txt").write_text("\n".join(strings) + "\n", encoding="utf-8")
    sources = yaml.safe_load((seeds / "sources.yaml").read_text("utf-8"))
    sources.append(
        {
            "slug": "hostile",
            "file": "900_hostile.txt",
            "label": strings[0],
            "title": None,
            "author": None,
            "outlet": None,
            "date": None,
            "notes": None,
        }
    )
    (seeds / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=True), "utf-8")
    journeys = yaml.safe_load((seeds / "journeys.yaml").read_text("utf-8"))
    first = journeys[0]
    first["title"] = strings[1]
    (seeds / "journeys.yaml").write_text(yaml.safe_dump(journeys, allow_unicode=True), "utf-8")
    places = yaml.safe_load((seeds / "places.yaml").read_text("utf-8"))
    leg_places = {p for leg in first["legs"] for p in (leg["from"], leg["to"])}
    place = next(p["slug"] for p in places if p["slug"] in leg_places and p.get("anchor"))
    hazards = yaml.safe_load((seeds / "hazards.yaml").read_text("utf-8"))
    hazards.append(
        {
            "slug": "hostile-hazard",
            "name": strings[2],
            "kind": "landmines",
            "summary": " ".join(strings[3:12]),
            "place": place,
            "journeys": [first["slug"]],
            "legs": [],
            "citations": [{"source": "hostile", "quote": s} for s in strings],
        }
    )
    (seeds / "hazards.yaml").write_text(yaml.safe_dump(hazards, allow_unicode=True), "utf-8")
    app = make_app(root / "hostile.sqlite")
    seed(app, seeds)
    urls = [f"/journeys/{first['slug']}{e}" for e in (".kml", ".gpx", ".csv")] + ATLAS_URLS
    return {
        "app": app,
        "slug": first["slug"],
        "strings": strings,
        "files": fetch(app, root, urls),
        "facts": expected(app),
    }


def test_hostile_strings_round_trip_exactly_through_the_csv(hostile):
    strings = hostile["strings"]
    assert len(strings) > 150
    for path in (
        hostile["files"][f"/journeys/{hostile['slug']}.csv"],
        hostile["files"]["/atlas.csv"],
    ):
        rows = read_csv(path)
        ours = [r for r in rows if r["subject_id"] == "hostile-hazard"]
        guarded = ["'" + s if s[:1] in "=+-@\t\r" else s for s in strings]
        assert sorted(r["quote"] for r in ours) == sorted(guarded)
        assert {r["subject_name"] for r in ours} == {guarded[2]}
        journey_rows = [r for r in rows if r["subject_type"] == "journey"]
        assert any(r["subject_name"] == guarded[1] for r in journey_rows)
        # The apostrophe is the only change, and only where a spreadsheet would compute.
        formulas = {r["quote"] for r in ours if r["quote"].startswith("'")}
        assert formulas == {"'" + f for f in FORMULAS}


def test_hostile_strings_leave_kml_and_gpx_well_formed_and_read_as_typed(hostile):
    import xml.etree.ElementTree as ET

    strings = [NOT_XML.sub("", s) for s in hostile["strings"]]
    slug = hostile["slug"]
    for url in (f"/journeys/{slug}.kml", f"/journeys/{slug}.gpx", "/atlas.kml", "/atlas.gpx"):
        ET.parse(hostile["files"][url])  # well-formed XML, whatever the text
        counts = ogr_counts(hostile["files"][url])
        key = "journeys" if url.startswith("/journeys/") else None
        want = hostile["facts"]["journeys"][slug] if key else hostile["facts"]["atlas"]
        assert counts == (want["kml"] if url.endswith(".kml") else want["gpx"]), url
    (kml_hazard,) = [
        f
        for f in ogr_features(hostile["files"][f"/journeys/{slug}.kml"], "Hazards")
        if f["properties"]["Name"] == strings[2]
    ]
    description = html.unescape(kml_hazard["properties"]["description"])
    for s in strings:
        assert f"“{s}”" in description
    (wpt,) = [
        f
        for f in ogr_features(hostile["files"][f"/journeys/{slug}.gpx"], "waypoints")
        if f["properties"]["name"] == strings[2]
    ]
    # GPX descriptions stop adding quotes before GDAL's limit and count the rest.
    desc = wpt["properties"]["desc"]
    written = [s for s in strings if f"“{s}”" in desc]
    assert len(written) > 20
    assert written == strings[: len(written)]
    if len(written) < len(strings):
        assert f"(and {len(strings) - len(written)} more quotes, too long for GPX: see " in desc
    kml_text = hostile["files"][f"/journeys/{slug}.kml"].read_text("utf-8")
    assert "<script" not in kml_text.lower()  # every tag of the corpus is escaped


def test_hostile_strings_expand_as_typed_in_the_web_annotations(hostile):
    document = json.loads(hostile["files"]["/annotations.jsonld"].read_text("utf-8"))
    check_annotations(document, hostile["facts"]["citations"])
    exact = {a["target"]["selector"][0]["exact"] for a in document["first"]["items"]}
    assert set(hostile["strings"]) <= exact


def test_a_csv_cell_that_a_spreadsheet_would_compute_starts_with_an_apostrophe():
    from app.formats.csvfile import cell

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", "")])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "a=b",
        "",
    ]


# ---------------------------------------------------------------- the static copy


def test_the_static_copy_keeps_the_downloads_names_and_links_them_relatively(seeded_app, tmp_path):
    """Rendered and rewritten by the export's own code: the files keep their names, their
    links lead to the copy's files (the quoted words' pages), and GDAL still reads them."""
    from app.export.paths import BASE_URL, Page
    from app.export.site import ExportReport, _rewrite

    client = seeded_app.test_client()
    home = client.get("/?classroom=0", base_url=BASE_URL).get_data(as_text=True)
    found: list[Page] = []
    _rewrite(home, Page("/", False), found, ExportReport())
    files = {page.file for page in found}
    assert {"atlas.geojson", "atlas.kml", "atlas.gpx", "atlas.csv", "annotations.jsonld"} <= files
    journey = client.get("/journeys/roh-family?classroom=0", base_url=BASE_URL).text
    found = []
    _rewrite(journey, Page("/journeys/roh-family", False), found, ExportReport())
    assert {f"journeys/roh-family.{ext}" for ext in ("kml", "gpx", "csv")} <= {
        page.file for page in found
    }
    for ext, layers in (("kml", KML_LAYERS), ("gpx", sorted(GPX_LAYERS))):
        here = Page(f"/journeys/roh-family.{ext}", False)
        body = client.get(here.request, base_url=BASE_URL).get_data(as_text=True)
        found = []
        report = ExportReport()
        rewritten = _rewrite(body, here, found, report)
        assert not report.unexportable_links
        assert "atlas.export" not in rewritten
        assert found and all(
            p.file.startswith("sources/") or p.file == "journeys/roh-family.html" for p in found
        )
        path = tmp_path / here.file.replace("/", "__")
        path.write_text(rewritten, "utf-8")
        assert sorted(ogr_counts(path)) == sorted(layers)


# ---------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_a_reader_downloads_the_files_from_the_pages_and_gdal_reads_them(
    page_watch, live_server, facts, tmp_path
):
    """Chromium: the journey page's Data section and the home page's Download section
    show the links; clicking each downloads a file GDAL (or csv, or pyld) reads whole."""
    page, watch = page_watch
    slug = next(iter(facts["journeys"]))
    want = facts["journeys"][slug]
    page.goto(f"{live_server.url}/journeys/{slug}")
    section = page.locator("section.downloads")
    for name, check in (
        ("KML for Google Earth", lambda p: ogr_counts(p) == want["kml"]),
        ("GPX route", lambda p: ogr_counts(p) == want["gpx"]),
        ("CSV of every quote", lambda p: len(read_csv(p)) == want["csv"]),
    ):
        link = section.get_by_role("link", name=name)
        assert link.is_visible(), name
        with page.expect_download() as info:
            link.click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert path.name.startswith(slug), path.name
        assert check(path), name
    page.goto(f"{live_server.url}/")
    section = page.locator("section.downloads")
    atlas = facts["atlas"]
    for name, check in (
        ("GeoJSON", lambda p: list(ogr_counts(p).values()) == [atlas["geojson"]]),
        ("KML for Google Earth", lambda p: ogr_counts(p) == atlas["kml"]),
        ("GPX routes", lambda p: ogr_counts(p) == atlas["gpx"]),
        ("CSV of every quote", lambda p: len(read_csv(p)) == atlas["csv"]),
        (
            "W3C Web Annotations",
            lambda p: (
                check_annotations(json.loads(p.read_text("utf-8")), facts["citations"])
                == len(facts["citations"])
            ),
        ),
    ):
        link = section.get_by_role("link", name=name)
        assert link.is_visible(), name
        with page.expect_download() as info:
            link.click()
        path = tmp_path / ("atlas-" + info.value.suggested_filename)
        info.value.save_as(path)
        assert check(path), name
    watch.assert_clean()
