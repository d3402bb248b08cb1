"""The OpenAPI 3.1 description of the atlas's JSON endpoints (served at /openapi.json).

One table, OPERATIONS, names every documented GET operation with the Flask endpoint
that serves it; the document is built from it and from the records that exist now:
path parameters that name a record (a journey or source slug) are an `enum` of the
slugs in the database when the document is served, so a client (and schemathesis)
can only be told of records that exist, and any other slug is documented as a 404.
The document is rebuilt whenever the dataset revision moves (app/api/views.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..formats import ANNOTATIONS, CSV, GEOJSON, GPX, KML
from ..history.snapshot import CONTENT
from ..models import Citation, ContentVersion, Journey, Source
from ..reader import LANGUAGES
from .schemas import SLUG_PATTERN, Schema, component_schemas, ref

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"
HTML = "text/html"


@dataclass(frozen=True)
class Operation:
    path: str  # OpenAPI template: /journeys/{slug}.json
    endpoint: str  # the Flask endpoint that serves it
    tag: str
    summary: str
    schema: str | None  # the success body's component (None: not described)
    media_type: str | None = JSON  # None: no body
    parameters: tuple[str, ...] = ()  # names in PARAMETERS
    errors: dict[int, str] = field(default_factory=dict)  # status -> Error component
    status: int = 200
    # Data built in the reader's language: `?lang=` chooses it (and is checked).
    translated: bool = True
    extra_headers: tuple[str, ...] = ()  # names in HEADERS, on the success answer
    error_media_type: str = JSON
    # Needs a logged-in editor's session cookie (the editor's own JSON).
    editors_only: bool = False
    description: str = ""


NOT_FOUND = {404: "NotFound"}

OPERATIONS: tuple[Operation, ...] = (
    Operation("/index.json", "atlas.home_json", "atlas", "The atlas home", "HomePage"),
    Operation(
        "/journeys.json", "journeys.index_json", "journeys", "Every journey", "JourneysIndex"
    ),
    Operation(
        "/journeys/{slug}.json",
        "journeys.show_json",
        "journeys",
        "One journey: legs, stops, hazards, places, citations",
        "Journey",
        parameters=("journey_slug",),
        errors=NOT_FOUND,
    ),
    Operation(
        "/journeys/{slug}.geojson",
        "journeys.show_geojson",
        "journeys",
        "One journey as an RFC 7946 FeatureCollection",
        "JourneyFeatureCollection",
        media_type=GEOJSON,
        parameters=("journey_slug",),
        errors=NOT_FOUND,
        description="Legs are LineStrings (null geometry where the route is untold); "
        "stops and hazards are Points or the areas of their places. Errors are JSON.",
    ),
    Operation(
        "/present/journeys/{slug}.json",
        "present.show_json",
        "journeys",
        "One journey as a slide deck (presentation mode)",
        "SlideDeck",
        parameters=("journey_slug",),
        errors=NOT_FOUND,
    ),
    Operation(
        "/journeys/{slug}/map-data.json",
        "map_data.journey_document",
        "journeys",
        "A large journey's map features as compact data (read by static/js/map-data.js)",
        None,
        parameters=("journey_slug",),
        errors=NOT_FOUND,
        description="Drawn by the map of a journey with more than 300 features (data mode): "
        "areas, routes (stops and legs as arrays), hazards grouped by place. Plain text only.",
    ),
    Operation(
        "/map-data.json",
        "map_data.atlas_document",
        "atlas",
        "The home map's features as compact data (read by static/js/map-data.js)",
        None,
        description="As /journeys/{slug}/map-data.json, for every journey on the home map.",
    ),
    Operation(
        "/atlas.geojson",
        "downloads.atlas_geojson_file",
        "downloads",
        "The whole atlas as one RFC 7946 FeatureCollection",
        "AtlasFeatureCollection",
        media_type=GEOJSON,
    ),
    Operation(
        "/annotations.jsonld",
        "downloads.annotations_file",
        "downloads",
        "Every citation as a W3C Web Annotation (JSON-LD, one AnnotationCollection)",
        "AnnotationCollection",
        media_type=ANNOTATIONS,
        description=f'Content-Type: {ANNOTATIONS}; profile="http://www.w3.org/ns/anno.jsonld".',
    ),
    *(
        Operation(
            f"/journeys/{{slug}}.{ext}",
            f"downloads.{endpoint}",
            "downloads",
            f"One journey as {name} (not JSON)",
            None,
            media_type=media_type,
            parameters=("journey_slug",),
            errors=NOT_FOUND,
            error_media_type=HTML,
            translated=False,
        )
        for ext, endpoint, name, media_type in (
            ("kml", "journey_kml", "KML", KML),
            ("gpx", "journey_gpx", "GPX", GPX),
            ("csv", "journey_csv_file", "CSV, one row per citation", CSV),
        )
    ),
    *(
        Operation(
            f"/atlas.{ext}",
            f"downloads.{endpoint}",
            "downloads",
            f"The whole atlas as {name} (not JSON)",
            None,
            media_type=media_type,
            translated=False,
        )
        for ext, endpoint, name, media_type in (
            ("kml", "atlas_kml", "KML", KML),
            ("gpx", "atlas_gpx", "GPX", GPX),
            ("csv", "atlas_csv_file", "CSV, one row per citation", CSV),
        )
    ),
    Operation("/sources.json", "sources.index_json", "sources", "Every source", "SourcesIndex"),
    Operation(
        "/sources/{slug}.json",
        "sources.show_json",
        "sources",
        "One article, passage by passage, with what cites each passage",
        "Source",
        parameters=("source_slug", "cite"),
        errors=NOT_FOUND,
    ),
    Operation("/hazards.json", "hazards.index_json", "hazards", "Every hazard", "HazardsPage"),
    Operation(
        "/discrepancies.json",
        "hazards.discrepancies_json",
        "hazards",
        "Where the sources disagree",
        "DiscrepanciesPage",
    ),
    Operation(
        "/oembed",
        "embed.oembed",
        "embed",
        "oEmbed 1.0 for journey and embed URLs of this atlas",
        "OEmbed",
        parameters=("oembed_url", "oembed_format", "maxwidth", "maxheight"),
        errors={400: "Error", 404: "Error", 501: "Error"},
        extra_headers=("Access-Control-Allow-Origin",),
        description="400: no `url`, or a `lang` other than en/ko; 404: not a journey or "
        "embed URL of this atlas; 501: a `format` other than json (oEmbed 1.0, 2.3.4).",
    ),
    Operation(
        "/history/{entity}/{entity_id}.json",
        "history.show_json",
        "history",
        "Every version of one record (readable by everyone; restoring needs an editor)",
        "HistoryPage",
        parameters=("entity", "entity_id"),
        errors={404: "Error"},
        translated=False,
    ),
    Operation(
        "/history/deleted.json",
        "history.deleted_json",
        "history",
        "Every deleted record (readable by everyone)",
        "DeletedPage",
        translated=False,
    ),
    Operation(
        "/edit/geocode",
        "editor.place_lookup",
        "editor",
        "Candidates for a place name (the place form's Look up): editors only",
        "GeocodeLookup",
        parameters=("q", "geocode_lang", "online"),
        errors={400: "Error", 401: "Error", 403: "Error"},
        translated=False,
        editors_only=True,
        description="Anonymous: a redirect to the login page (302), or 401 for a request "
        "that prefers JSON; logged in without the editor role: 403. No `q`: 400.",
    ),
    Operation(
        "/openapi.json",
        "api.openapi",
        "meta",
        "This description",
        "OpenAPIDocument",
        translated=False,
    ),
    Operation(
        "/health",
        "atlas.health",
        "meta",
        "An empty answer (is the atlas serving?)",
        None,
        media_type=None,
        status=204,
        translated=False,
    ),
)


def translated_endpoints() -> frozenset[str]:
    """The endpoints whose `?lang=` is checked (app/api/__init__.py)."""
    return frozenset(op.endpoint for op in OPERATIONS if op.translated)


@dataclass(frozen=True)
class Examples:
    """Real values from the database, so examples (and generated tests) hit records."""

    journeys: list[str]
    sources: list[str]
    citations: list[str]
    history: list[tuple[str, int]]
    journey_url: str | None
    embed_url: str | None


def database_examples(host_url: str, script_root: str) -> Examples:
    journeys = list(db.session.scalars(select(Journey.slug).order_by(Journey.position)))
    sources = list(db.session.scalars(select(Source.slug).order_by(Source.file)))
    citations = list(db.session.scalars(select(Citation.key).order_by(Citation.id).limit(3)))
    history = [
        (entity, int(ident))
        for entity, ident in db.session.execute(
            select(ContentVersion.entity, ContentVersion.entity_id)
            .where(ContentVersion.entity.in_(("journey", "source", "hazard")))
            .group_by(ContentVersion.entity, ContentVersion.entity_id)
            .order_by(ContentVersion.entity, ContentVersion.entity_id)
            .limit(3)
        )
    ]
    base = host_url.rstrip("/") + script_root
    first = journeys[0] if journeys else None
    return Examples(
        journeys=journeys,
        sources=sources,
        citations=citations,
        history=history,
        journey_url=f"{base}/journeys/{first}" if first else None,
        embed_url=f"{base}/embed/journeys/{first}" if first else None,
    )


# A text with something besides whitespace (what Python's str.split() drops).
NOT_ONLY_SPACE = (
    "[^\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)


def _slug(what: str, slugs: list[str]) -> Schema:
    # An enum of what exists now; with no records yet, any well-formed slug (a 404).
    schema: Schema = (
        {"type": "string", "enum": slugs} if slugs else {"type": "string", "pattern": SLUG_PATTERN}
    )
    return {
        "name": "slug",
        "in": "path",
        "required": True,
        "description": f"The slug of a {what}: one of those that exist when this document "
        "was served (it is rebuilt on every change); any other answers 404.",
        "schema": schema,
    }


def parameters(ex: Examples) -> dict[str, Schema]:
    urls = [u for u in (ex.journey_url, ex.embed_url) if u]
    entity_ids = sorted({ident for _e, ident in ex.history}) or [1]
    return {
        "journey_slug": _slug("journey", ex.journeys),
        "source_slug": _slug("source", ex.sources),
        "cite": {
            "name": "cite",
            "in": "query",
            "description": "A citation key: its words are given as `highlight` (in the "
            "source and in its passage). An unknown key highlights nothing.",
            "schema": {"type": "string", **({"examples": ex.citations} if ex.citations else {})},
        },
        "lang": {
            "name": "lang",
            "in": "query",
            "description": "The language of names and summaries (quotes are never "
            "translated); without it the `atlas_lang` cookie, then Accept-Language, then "
            "English. Another value answers 400.",
            "schema": {"type": "string", "enum": list(LANGUAGES)},
        },
        "entity": {
            "name": "entity",
            "in": "path",
            "required": True,
            "description": "The kind of record.",
            "schema": {"type": "string", "enum": list(CONTENT)},
        },
        "entity_id": {
            "name": "entity_id",
            "in": "path",
            "required": True,
            "description": "The record's id (a record that never existed answers 404).",
            "schema": {"type": "integer", "minimum": 0, "examples": entity_ids},
        },
        "oembed_url": {
            "name": "url",
            "in": "query",
            "required": True,
            "description": "A journey page or embed URL of this atlas (its embed options, "
            "such as leg=N, are kept).",
            "schema": {"type": "string", "format": "uri", **({"examples": urls} if urls else {})},
        },
        "oembed_format": {
            "name": "format",
            "in": "query",
            "description": "Only json is implemented (another format answers 501).",
            "schema": {"type": "string", "enum": ["json"], "default": "json"},
        },
        "q": {
            "name": "q",
            "in": "query",
            "required": True,
            "description": "The place name to look up, in English or Korean (at most 200 "
            "characters are used; empty answers 400).",
            "schema": {"type": "string", "pattern": NOT_ONLY_SPACE, "examples": ["Hyesan", "혜산"]},
        },
        "geocode_lang": {
            "name": "lang",
            "in": "query",
            "description": "The language of the candidates' names: en or ko (anything else "
            "gives English).",
            "schema": {"type": "string", "examples": ["en", "ko"]},
        },
        "online": {
            "name": "online",
            "in": "query",
            "description": "1 asks the online geocoder (when configured), 0 the offline "
            "gazetteer only; anything else keeps the atlas's setting.",
            "schema": {"type": "string", "examples": ["0", "1"]},
        },
        **{
            name: {
                "name": name,
                "in": "query",
                "description": f"The largest {name[3:]} the consumer can show, in pixels: a "
                "positive integer. The default 800x500 is scaled down (never up) to fit, "
                "keeping its shape; any other value is ignored, as oEmbed consumers expect.",
                "schema": {"type": "string", "examples": ["320", "640"]},
            }
            for name in ("maxwidth", "maxheight")
        },
    }


HEADERS: dict[str, Schema] = {
    "Content-Security-Policy": {
        "description": "Every answer carries the atlas's policy (app/security/headers.py).",
        "required": True,
        "schema": {"type": "string", "pattern": "default-src 'self'"},
    },
    "X-Content-Type-Options": {
        "required": True,
        "schema": {"type": "string", "enum": ["nosniff"]},
    },
    "Location": {
        "description": "The login page, with the page asked for as `next`.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Access-Control-Allow-Origin": {
        "description": "oEmbed answers are public: any site's page may ask for them.",
        "required": True,
        "schema": {"type": "string", "enum": ["*"]},
    },
}
ALWAYS = ("Content-Security-Policy", "X-Content-Type-Options")


def _headers(names: tuple[str, ...]) -> dict[str, Schema]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in (*ALWAYS, *names)}


REASONS = {
    200: "OK",
    204: "No content",
    302: "Found: anonymous, sent to the login page",
    400: "Bad request: a parameter has a value the atlas does not accept",
    401: "Login required",
    403: "Forbidden: the account lacks the role",
    404: "Not found",
    501: "Not implemented",
}


def _operation(op: Operation) -> Schema:
    params = [{"$ref": f"#/components/parameters/{p}"} for p in op.parameters]
    errors = dict(op.errors)
    if op.translated:
        params.append({"$ref": "#/components/parameters/lang"})
        errors.setdefault(400, "Error")
    success: Schema = {"description": REASONS[op.status], "headers": _headers(op.extra_headers)}
    if op.media_type is not None:
        body = {"schema": ref(op.schema)} if op.schema else {}
        success["content"] = {op.media_type: body}
    responses: dict[str, Schema] = {str(op.status): success}
    for status, component in sorted(errors.items()):
        # Errors are JSON (also where the success is GeoJSON), but for the downloads
        # that are not JSON at all: theirs is the HTML "not found" page.
        media_type = JSON if status == 400 else op.error_media_type
        body = {"schema": ref(component)} if media_type == JSON else {}
        responses[str(status)] = {
            "description": REASONS[status],
            "headers": _headers(()),
            "content": {media_type: body},
        }
    if op.editors_only:
        responses["302"] = {
            "description": REASONS[302],
            "headers": {**_headers(()), "Location": {"$ref": "#/components/headers/Location"}},
        }
    out: Schema = {
        "operationId": op.endpoint.replace(".", "_"),
        "tags": [op.tag],
        "summary": op.summary,
        "responses": responses,
        "x-flask-endpoint": op.endpoint,
    }
    if op.editors_only:
        out["security"] = [{"editor_session": []}]
    if op.description:
        out["description"] = op.description
    if params:
        out["parameters"] = params
    return out


def app_version() -> str:
    try:
        return version("escape-route-atlas")
    except PackageNotFoundError:
        return "0+unknown"


def openapi_document(server: str, examples: Examples, session_cookie: str) -> dict[str, Any]:
    """`server`: the atlas's root path as the client sees it ("/" or a prefix);
    `session_cookie`: the name of the login session's cookie."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Escape Route Atlas",
            "version": app_version(),
            "summary": "A source-grounded story map of escapes from North Korea: its data.",
            "description": "Every page of the atlas has a JSON twin built from the same "
            "data as the page; every map element cites a verbatim quote of one of the "
            "articles, as a W3C Web Annotation selector. Reading needs no account; "
            "writing is done through the editor's forms and is not part of this API.",
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": server, "description": "this atlas"}],
        "tags": [
            {"name": name, "description": description}
            for name, description in (
                ("atlas", "The home page's data"),
                ("journeys", "Journeys, their maps and their slides"),
                ("sources", "The articles, passage by passage"),
                ("hazards", "Hazards and discrepancies between the sources"),
                ("embed", "Embedding a journey map in another site"),
                ("downloads", "The atlas in open formats (GeoJSON, JSON-LD, KML, GPX, CSV)"),
                ("history", "Every recorded change"),
                ("editor", "What the editor's forms ask for (editors only)"),
                ("meta", "About the atlas itself"),
            )
        ],
        "paths": {op.path: {"get": _operation(op)} for op in OPERATIONS},
        "components": {
            "schemas": component_schemas(),
            "parameters": parameters(examples),
            "headers": HEADERS,
            "securitySchemes": {
                "editor_session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": session_cookie,
                    "description": "The session of an editor logged in through /login.",
                }
            },
        },
    }
