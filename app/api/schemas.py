"""The JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses them) of every JSON answer of
the atlas, defined once here and referenced with $ref from app/api/openapi.py.

Precise about what is stable (the keys every client may rely on, their types, the
controlled vocabularies); open about the rest: objects allow more keys than listed,
because pages grow fields (the bilingual `name_en`/`name_ko`/`fallback` beside each
translated text, for one) without breaking anyone who reads the listed ones.
"""

from __future__ import annotations

from typing import Any

from ..history.snapshot import CONTENT
from ..models import AREA_KINDS, LEG_DRAWINGS, PRECISIONS, PROVENANCES, ROUTES
from ..vocabulary import (
    HAZARD_KINDS,
    JOURNEY_KINDS,
    OUTCOMES,
    PLACE_KINDS,
    SENSITIVITY_TAGS,
)

Schema = dict[str, Any]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    """An object with these keys always present (and these others sometimes); other
    keys are allowed."""
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def enum(values: Any) -> Schema:
    return {"type": "string", "enum": list(values)}


STRING: Schema = {"type": "string"}
TEXT_OR_NULL: Schema = {"type": ["string", "null"]}
INTEGER: Schema = {"type": "integer"}
COUNT: Schema = {"type": "integer", "minimum": 0}
ORDINAL: Schema = {"type": "integer", "minimum": 1}
BOOLEAN: Schema = {"type": "boolean"}
SLUG: Schema = {"type": "string", "pattern": SLUG_PATTERN}
# Links inside the atlas are paths from its root (with the script root when it has one).
PATH: Schema = {"type": "string", "pattern": "^/"}
URI: Schema = {"type": "string", "format": "uri"}
KM: Schema = {"type": ["number", "null"], "minimum": 0}
TAGS: Schema = array(enum(SENSITIVITY_TAGS))
LABELS: Schema = array(STRING)
# [latitude, longitude] in degrees (the order Leaflet uses; GeoJSON is [lon, lat]).
LAT_LON: Schema = {
    "type": "array",
    "prefixItems": [
        {"type": "number", "minimum": -90, "maximum": 90},
        {"type": "number", "minimum": -180, "maximum": 180},
    ],
    "minItems": 2,
    "maxItems": 2,
}


def _geojson() -> dict[str, Schema]:
    """RFC 7946, the subset the atlas writes (no bbox, no foreign members required)."""
    position: Schema = {
        "type": "array",
        "items": {"type": "number"},
        "minItems": 2,
        "maxItems": 3,
    }
    ring: Schema = {**array(position), "minItems": 4}
    line: Schema = {**array(position), "minItems": 2}

    def geometry(kind: str, coordinates: Schema) -> Schema:
        return obj({"type": {"const": kind}, "coordinates": coordinates})

    return {
        "Point": geometry("Point", position),
        "MultiPoint": geometry("MultiPoint", array(position)),
        "LineString": geometry("LineString", line),
        "MultiLineString": geometry("MultiLineString", array(line)),
        "Polygon": geometry("Polygon", array(ring)),
        "MultiPolygon": geometry("MultiPolygon", array(array(ring))),
        "GeometryCollection": obj(
            {"type": {"const": "GeometryCollection"}, "geometries": array(ref("Geometry"))}
        ),
        "Geometry": {
            "oneOf": [
                ref(kind)
                for kind in (
                    "Point",
                    "MultiPoint",
                    "LineString",
                    "MultiLineString",
                    "Polygon",
                    "MultiPolygon",
                    "GeometryCollection",
                )
            ]
        },
        "Feature": obj(
            {
                "type": {"const": "Feature"},
                "geometry": nullable(ref("Geometry")),
                "properties": {"type": ["object", "null"]},
            },
            {"id": {"type": ["string", "number"]}},
        ),
        "FeatureCollection": obj(
            {"type": {"const": "FeatureCollection"}, "features": array(ref("Feature"))},
            {"name": STRING},
        ),
        # What /journeys/{slug}.geojson adds to a plain FeatureCollection.
        "JourneyFeatureCollection": {
            "allOf": [
                ref("FeatureCollection"),
                obj({"name": STRING, "features": array(ref("JourneyFeature"))}),
            ]
        },
        "JourneyFeature": {
            "allOf": [
                ref("Feature"),
                obj(
                    {
                        "id": STRING,
                        "properties": obj(
                            {
                                "kind": enum(("leg", "stop", "hazard")),
                                "order": ORDINAL,
                                "precision": enum(PRECISIONS),
                                "distance_km": KM,
                                "name": STRING,
                                "source_count": COUNT,
                                "citations": array(ref("FeatureCitation")),
                            }
                        ),
                    }
                ),
            ]
        },
        # /atlas.geojson: every journey's features (ids prefixed with the journey's
        # slug), then the hazards no journey carries (journey null).
        "AtlasFeatureCollection": {
            "allOf": [
                ref("FeatureCollection"),
                obj(
                    {
                        "name": STRING,
                        "features": array(
                            {
                                "allOf": [
                                    ref("JourneyFeature"),
                                    obj({"properties": obj({"journey": nullable(SLUG)})}),
                                ]
                            }
                        ),
                    }
                ),
            ]
        },
        "FeatureCitation": obj(
            {
                "source": SLUG,
                "file": STRING,
                "passage": ORDINAL,
                "quote": STRING,
                "url": URI,
            }
        ),
    }


def _records() -> dict[str, Schema]:
    """The records every page is made of (app/pages/records.py)."""
    citations = {"citations": array(ref("Citation")), "source_count": COUNT}
    return {
        "TextQuoteSelector": obj(
            {
                "type": {"const": "TextQuoteSelector"},
                "exact": STRING,
                "prefix": STRING,
                "suffix": STRING,
            }
        ),
        "TextPositionSelector": obj(
            {"type": {"const": "TextPositionSelector"}, "start": COUNT, "end": COUNT}
        ),
        "Citation": obj(
            {
                "key": STRING,
                "source": SLUG,
                "source_name": STRING,
                "file": STRING,
                "passage": ORDINAL,
                "quote": STRING,
                "url": PATH,
                "sensitivity": TAGS,
                "sensitivity_labels": LABELS,
                # W3C Web Annotation selectors: the quote, and where it stands.
                "selector": {
                    "type": "array",
                    "prefixItems": [ref("TextQuoteSelector"), ref("TextPositionSelector")],
                    "minItems": 2,
                    "maxItems": 2,
                },
            }
        ),
        "Area": obj(
            {"kind": enum(AREA_KINDS)},
            {"geometry": ref("Geometry"), "radius_km": {"type": "number", "minimum": 0}},
        ),
        "Place": obj(
            {
                "slug": SLUG,
                "name": STRING,
                "kind": enum(PLACE_KINDS),
                "precision": enum(PRECISIONS),
                "precision_label": STRING,
                "approximate": BOOLEAN,
                "provenance": enum(PROVENANCES),
                "provenance_note": TEXT_OR_NULL,
                "anchor": nullable(LAT_LON),
                "anchor_note": TEXT_OR_NULL,
                "area": ref("Area"),
                # Who chose the drawn point: the sources only when one states it.
                "point": obj(
                    {
                        "chosen_by": {
                            "type": ["string", "null"],
                            "enum": ["sources", "atlas", None],
                        },
                        "text": STRING,
                    }
                ),
                "stop_style": enum(("area", "pin")),
                **citations,
            }
        ),
        "Leg": obj(
            {
                "order": ORDINAL,
                "id": {"type": "string", "pattern": "^leg-[1-9][0-9]*$"},
                "label": STRING,
                "from": SLUG,
                "to": SLUG,
                "from_name": STRING,
                "to_name": STRING,
                "route": enum(ROUTES),
                # The atlas's drawing choice; null: a schematic line (or not drawn).
                "drawing": nullable(enum(LEG_DRAWINGS)),
                # The country an over-land drawing goes through, as the sources say.
                "through": nullable(STRING),
                "precision": enum(PRECISIONS),
                "approximate": BOOLEAN,
                "summary": STRING,
                # At least this far in a straight line: the shortest distance between
                # the two places' areas, rounded down; null where they touch or untold.
                "distance_km": KM,
                "hazards": array(SLUG),
                **citations,
            }
        ),
        "Stop": obj(
            {"number": ORDINAL, "place": SLUG, "name": STRING, "precision": enum(PRECISIONS)}
        ),
        "Hazard": obj(
            {
                "slug": SLUG,
                "id": STRING,
                "name": STRING,
                "kind": enum(HAZARD_KINDS),
                "kind_label": STRING,
                "icon": STRING,
                "color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
                "summary": STRING,
                "sensitivity": TAGS,
                "sensitivity_labels": LABELS,
                "place": nullable(SLUG),
                "place_name": STRING,
                "precision": enum(PRECISIONS),
                "approximate": BOOLEAN,
                "mapped": BOOLEAN,
                "journeys": array(obj({"slug": SLUG, "title": STRING, "url": PATH})),
                "legs": array(
                    obj({"journey": SLUG, "order": ORDINAL, "label": STRING, "url": PATH})
                ),
                **citations,
            }
        ),
        "Discrepancy": obj(
            {
                "slug": SLUG,
                "topic": STRING,
                "summary": STRING,
                "about": array(
                    obj(
                        {"kind": enum(("journey", "hazard", "place")), "slug": SLUG, "name": STRING}
                    )
                ),
                "sides": array(obj({"label": STRING, **citations})),
            }
        ),
        "JourneySummary": obj(
            {
                "slug": SLUG,
                "title": STRING,
                "who": STRING,
                "outcome": enum(OUTCOMES),
                "outcome_label": STRING,
                "kind": enum(JOURNEY_KINDS),
                "kind_label": STRING,
                "summary": STRING,
                "url": PATH,
                "countries": array(STRING),
                "leg_count": COUNT,
                # At least this far in straight lines: the legs' lower bounds, summed
                # over the distance_leg_count legs that have one.
                "distance_km": KM,
                "distance_leg_count": COUNT,
                "hazard_count": COUNT,
            }
        ),
        # The direct crossing of the inter-Korean border, set beside every journey.
        "DirectRoute": obj(
            {"slug": SLUG, "title": STRING, "label": STRING, "distance_km": KM, "url": PATH}
        ),
        "Journey": {
            "allOf": [
                ref("JourneySummary"),
                obj(
                    {
                        **citations,
                        "legs": array(ref("Leg")),
                        "stops": array(ref("Stop")),
                        "hazards": array(ref("Hazard")),
                        "places": array(ref("Place")),
                        "direct_route": nullable(ref("DirectRoute")),
                        "discrepancies": array(ref("Discrepancy")),
                        "links": obj({"json": PATH, "geojson": PATH}),
                    }
                ),
            ]
        },
        "SourceSummary": obj(
            {
                "slug": SLUG,
                "name": STRING,
                "file": STRING,
                "title": TEXT_OR_NULL,
                "author": TEXT_OR_NULL,
                "outlet": TEXT_OR_NULL,
                "date": TEXT_OR_NULL,
                "notes": TEXT_OR_NULL,
                "url": PATH,
                "passage_count": COUNT,
                "citation_count": COUNT,
            }
        ),
        # What cites a passage, and where that shows.
        "CitedBy": obj(
            {
                "kind": enum(("leg", "hazard", "place", "journey", "discrepancy")),
                "label": STRING,
                "context": TEXT_OR_NULL,
                "url": PATH,
                "key": STRING,
                "quote": STRING,
                "sensitivity": TAGS,
            }
        ),
        "Passage": obj(
            {
                "number": ORDINAL,
                "id": {"type": "string", "pattern": "^p-[1-9][0-9]*$"},
                "start": COUNT,
                "end": COUNT,
                "text": STRING,
                "cited_by": array(ref("CitedBy")),
                "sensitivity": TAGS,
                "sensitivity_labels": LABELS,
            },
            # Only on the passage that holds the ?cite= quote: its text in three parts.
            {"highlight": obj({"before": STRING, "mark": STRING, "after": STRING, "key": STRING})},
        ),
        "Source": {
            "allOf": [
                ref("SourceSummary"),
                obj(
                    {
                        "title": STRING,
                        "stated_title": TEXT_OR_NULL,
                        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        "highlight": nullable(ref("Citation")),
                        "passages": array(ref("Passage")),
                    }
                ),
            ]
        },
    }


def _pages() -> dict[str, Schema]:
    """Whole answers: one per page (its .json twin) and the other JSON endpoints."""
    title = {"title": STRING}
    return {
        "HomePage": obj(
            {
                **title,
                "journeys": array(ref("JourneySummary")),
                "direct_route": nullable(ref("DirectRoute")),
                "sources": array(ref("SourceSummary")),
                "hazard_count": COUNT,
                # What the home map draws.
                "map": obj(
                    {
                        "journeys": array(
                            {
                                "allOf": [
                                    ref("JourneySummary"),
                                    obj({"legs": array(ref("Leg")), "stops": array(ref("Stop"))}),
                                ]
                            }
                        ),
                        "hazards": array(ref("Hazard")),
                        "places": array(ref("Place")),
                    }
                ),
            }
        ),
        "JourneysIndex": obj(
            {
                **title,
                "journeys": array(ref("JourneySummary")),
                "direct_route": nullable(ref("DirectRoute")),
            }
        ),
        "SourcesIndex": obj({**title, "sources": array(ref("SourceSummary"))}),
        "HazardsPage": obj(
            {
                **title,
                "hazard_count": COUNT,
                "groups": array(
                    obj(
                        {
                            "kind": enum(HAZARD_KINDS),
                            "label": STRING,
                            "icon": STRING,
                            "color": STRING,
                            "hazards": {**array(ref("Hazard")), "minItems": 1},
                        }
                    )
                ),
            }
        ),
        "DiscrepanciesPage": obj({**title, "discrepancies": array(ref("Discrepancy"))}),
        "Slide": obj(
            {
                "kind": enum(("title", "overview", "leg", "hazards", "sources")),
                "number": ORDINAL,
                "heading": STRING,
                # Where the map looks while the slide is shown.
                "focus": obj(
                    {
                        "points": array(LAT_LON),
                        "areas": array(SLUG),
                        "legs": array(STRING),
                        "hazards": array(SLUG),
                        "direct": BOOLEAN,
                    }
                ),
            }
        ),
        "SlideDeck": obj(
            {
                **title,
                "journey": obj(
                    {"slug": SLUG, "title": STRING, "kind": enum(JOURNEY_KINDS), "url": PATH}
                ),
                "direct_route": nullable(ref("DirectRoute")),
                "slide_count": ORDINAL,
                "slides": {**array(ref("Slide")), "minItems": 1},
                "links": obj({"html": PATH, "json": PATH, "journey": PATH}),
            }
        ),
        "FieldChange": obj(
            {
                "field": STRING,
                "before": TEXT_OR_NULL,
                "after": TEXT_OR_NULL,
                # Long texts: the changed words with a little context.
                "words": nullable(
                    array(obj({"kind": enum(("same", "gap", "del", "ins")), "text": STRING}))
                ),
            }
        ),
        "HistoryVersion": obj(
            {
                "version": ORDINAL,
                "action": enum(("create", "update", "delete", "restore")),
                "actor": STRING,
                "user_id": {"type": ["integer", "null"]},
                "at": {"type": "string", "format": "date-time"},
                "dataset_revision": {"type": ["integer", "null"]},
                "changes": array(ref("FieldChange")),
                "restorable": BOOLEAN,
                "restore_url": PATH,
            }
        ),
        "HistoryPage": obj(
            {
                **title,
                "entity": enum(CONTENT),
                "id": ORDINAL,
                "name": STRING,
                "exists": BOOLEAN,
                "url": nullable(PATH),
                "versions": array(ref("HistoryVersion")),
                "related": array(
                    obj({"entity": enum(CONTENT), "id": ORDINAL, "name": STRING, "url": PATH})
                ),
                "links": obj({"html": PATH, "json": PATH, "deleted": PATH}),
            }
        ),
        "DeletedRecord": obj(
            {
                "entity": enum(CONTENT),
                "id": ORDINAL,
                "name": STRING,
                "version": ORDINAL,
                "actor": STRING,
                "at": {"type": "string", "format": "date-time"},
                "dataset_revision": {"type": ["integer", "null"]},
                "url": PATH,
                "restore_url": PATH,
                # Deleted along with this record; restoring that one brings it back.
                "part_of": nullable(obj({"entity": enum(CONTENT), "id": ORDINAL, "url": PATH})),
            }
        ),
        "DeletedPage": obj(
            {
                **title,
                "records": array(ref("DeletedRecord")),
                "links": obj({"html": PATH, "json": PATH}),
            }
        ),
        # oEmbed 1.0, section 2.3.4: a "rich" response (an iframe of the embed).
        "OEmbed": obj(
            {
                "type": {"const": "rich"},
                "version": {"const": "1.0"},
                "title": STRING,
                "provider_name": STRING,
                "provider_url": {"type": "string", "format": "uri"},
                "html": {"type": "string", "pattern": "^<iframe "},
                "width": ORDINAL,
                "height": ORDINAL,
            }
        ),
        # W3C Web Annotation Data Model: one collection, one page, every citation.
        "AnnotationCollection": obj(
            {
                "@context": {"const": "http://www.w3.org/ns/anno.jsonld"},
                "id": URI,
                "type": {"const": "AnnotationCollection"},
                "label": STRING,
                "total": COUNT,
                "first": obj(
                    {
                        "id": URI,
                        "type": {"const": "AnnotationPage"},
                        "startIndex": {"const": 0},
                        "items": array(ref("Annotation")),
                    }
                ),
            }
        ),
        "Annotation": obj(
            {
                "id": URI,
                "type": {"const": "Annotation"},
                "motivation": STRING,
                "body": {**array(obj({"type": STRING})), "minItems": 1},
                "target": obj(
                    {
                        "type": {"const": "SpecificResource"},
                        "source": obj({"id": URI, "type": STRING}),
                        "selector": {
                            "type": "array",
                            "prefixItems": [
                                ref("TextQuoteSelector"),
                                ref("TextPositionSelector"),
                            ],
                            "minItems": 2,
                        },
                    }
                ),
            },
            {"created": {"type": "string", "format": "date-time"}},
        ),
        # The editor's place lookup (app/geocoding): candidates from either geocoder.
        "GeocodeLookup": obj(
            {
                "query": STRING,
                "language": enum(("en", "ko")),
                "provider": enum(("offline", "nominatim")),
                "cached": BOOLEAN,
                "results": array(
                    obj(
                        {
                            "provider": enum(("offline", "nominatim")),
                            "id": STRING,
                            "name": STRING,
                            "name_en": TEXT_OR_NULL,
                            "name_ko": TEXT_OR_NULL,
                            "kind": STRING,
                            "lat": {"type": "number", "minimum": -90, "maximum": 90},
                            "lon": {"type": "number", "minimum": -180, "maximum": 180},
                            "address": STRING,
                        },
                        {"country": TEXT_OR_NULL, "natural_earth": TEXT_OR_NULL},
                    )
                ),
                "message": TEXT_OR_NULL,
                "failure": nullable(enum(("timeout", "unreachable", "error", "not-configured"))),
            }
        ),
        "Error": obj({"error": STRING}, {"message": STRING, "known": array(obj({}))}),
        # An unknown slug: what was asked for, and what does exist.
        "NotFound": {
            "allOf": [
                ref("Error"),
                obj(
                    {
                        "message": STRING,
                        "kind": STRING,
                        "slug": STRING,
                        "known": array(obj({"slug": SLUG, "name": STRING, "url": PATH})),
                    }
                ),
            ]
        },
        "OpenAPIDocument": obj(
            {
                "openapi": {"type": "string", "pattern": r"^3\.1\.\d+$"},
                "info": obj({}),
                "paths": obj({}),
            }
        ),
    }


def component_schemas() -> dict[str, Schema]:
    return {**_records(), **_geojson(), **_pages()}
