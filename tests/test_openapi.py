"""/openapi.json: a valid OpenAPI 3.1 document that describes every JSON endpoint of the
URL map (found by calling each GET route on the seeded atlas and reading the answer's
Content-Type, not from a list kept here), documents only routes that exist, and whose
schemas hold for what every journey, source and history page really answers, in
English and in Korean; errors answer the documented bodies.

The property-based run against a live server is tests/test_schemathesis.py.
"""

from __future__ import annotations

import copy
import json
import re
from importlib.metadata import version
from typing import Any

import jsonschema_rs
import pytest
from auth_helpers import editor_client
from conftest import make_app, seed
from flask import Flask
from flask.testing import FlaskClient
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR
from sqlalchemy import select

from app.extensions import db
from app.models import Journey, Source

JSON_TYPES = re.compile(r"^application/([a-z.+-]+\+)?json$")
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def openapi_path(rule: str) -> str:
    """Flask's /journeys/<slug>.json, /history/<entity>/<int:entity_id> in OpenAPI form."""
    return ARGUMENT.sub(r"{\1}", rule)


@pytest.fixture(scope="module")
def document(seeded_app: Flask) -> dict[str, Any]:
    response = seeded_app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert media_type(response.content_type) == "application/json"
    return dict(response.get_json())


@pytest.fixture(scope="module")
def slugs(seeded_app: Flask) -> dict[str, list[str]]:
    with seeded_app.app_context():
        return {
            "journeys": list(db.session.scalars(select(Journey.slug).order_by(Journey.position))),
            "sources": list(db.session.scalars(select(Source.slug).order_by(Source.file))),
        }


def argument_values(endpoint: str, slugs: dict[str, list[str]]) -> dict[str, str]:
    """Real values for a rule's arguments, so the route answers as it does for a reader.
    An argument not known here fails the test: a new route must be looked at."""
    kind = "sources" if endpoint.startswith(("sources.", "editor.source")) else "journeys"
    return {
        "slug": slugs[kind][0],
        "entity": "journey",
        "entity_id": "1",
        "record_id": "1",
        "leg_id": "1",
        "kind": "journey",
        "code": "en",
        "version": "1",
        "ident": "x",  # a data-mode map's popup (HTML, not JSON)
    }


def fill(rule: str, values: dict[str, str]) -> str:
    return ARGUMENT.sub(lambda m: values[m.group(1)], rule)


def json_routes(
    app: Flask, client: FlaskClient, slugs: dict[str, list[str]]
) -> dict[str, tuple[str, str]]:
    """OpenAPI path -> (endpoint, media type) of every GET route that answers JSON to
    this client."""
    found: dict[str, tuple[str, str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        values = argument_values(rule.endpoint, slugs)
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.rule}: no test value for {sorted(missing)}"
        answer = client.get(fill(rule.rule, values))
        kind = media_type(answer.content_type)
        if JSON_TYPES.match(kind):
            found[openapi_path(rule.rule)] = (rule.endpoint, kind)
    return found


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    OPENAPI_31_VALIDATOR.validate(document)
    # The validator is not a formality: it refuses a document without its info.
    broken = copy.deepcopy(document)
    del broken["info"]
    with pytest.raises(jsonschema_rs.ValidationError):
        OPENAPI_31_VALIDATOR.validate(broken)


def test_every_component_schema_is_a_valid_json_schema_and_every_ref_resolves(document):
    schemas = document["components"]["schemas"]
    assert len(schemas) > 20
    for name, schema in schemas.items():
        assert jsonschema_rs.meta.is_valid(schema), name
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(document)))
    for target in refs:
        section, kind, name = target.removeprefix("#/").split("/")
        assert name in document[section][kind], f"unresolved {target}"
    # Every schema is used: defined once, referenced where needed.
    assert {r.rsplit("/", 1)[1] for r in refs if "/schemas/" in r} == set(schemas)


@pytest.fixture(scope="module")
def admin_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """A seeded atlas of its own, with an admin account (the shared one gets none)."""
    app = make_app(tmp_path_factory.mktemp("openapi") / "atlas.sqlite")
    seed(app)
    return app


@pytest.mark.database
def test_every_json_endpoint_of_the_url_map_is_documented_and_nothing_else(
    admin_app, document, slugs
):
    # What a reader gets, and what an admin (an editor, and more) gets.
    routes = json_routes(admin_app, admin_app.test_client(), slugs)
    assert "/edit/geocode" not in routes  # anonymous: sent to the login page
    admin, _token = editor_client(admin_app, "openapi-admin", "admin")
    routes.update(json_routes(admin_app, admin, slugs))
    # The JSON answers the atlas gives now, by kind (a route that stopped answering JSON
    # would show here), the editor's own included.
    assert {
        "/journeys/{slug}.json",
        "/journeys/{slug}.geojson",
        "/atlas.geojson",
        "/annotations.jsonld",
        "/edit/geocode",
    } <= set(routes)
    assert {kind for _endpoint, kind in routes.values()} >= {
        "application/json",
        "application/geo+json",
        "application/ld+json",
    }
    paths = document["paths"]
    undocumented = sorted(set(routes) - set(paths))
    assert undocumented == [], f"JSON endpoints missing from /openapi.json: {undocumented}"
    for path, (endpoint, kind) in routes.items():
        operation = paths[path]["get"]
        assert operation["x-flask-endpoint"] == endpoint, path
        documented = {k for r in operation["responses"].values() for k in r.get("content", {})}
        assert kind in documented, f"{path} answers {kind}, documented {sorted(documented)}"
    assert paths["/edit/geocode"]["get"]["security"] == [{"editor_session": []}]

    # The reverse: every documented path is a GET route of the URL map, with its endpoint.
    rules = {
        openapi_path(rule.rule): rule.endpoint
        for rule in admin_app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
    }
    for path, item in paths.items():
        assert set(item) == {"get"}, f"{path}: only reads are described"
        assert rules.get(path) == item["get"]["x-flask-endpoint"], f"{path} is not a route"


def test_the_document_describes_this_atlas(seeded_app, document, slugs):
    assert document["info"]["version"] == version("escape-route-atlas")
    assert document["servers"] == [{"url": "/", "description": "this atlas"}]
    params = document["components"]["parameters"]
    assert params["journey_slug"]["schema"]["enum"] == slugs["journeys"]
    assert params["source_slug"]["schema"]["enum"] == slugs["sources"]
    assert params["lang"]["schema"]["enum"] == ["en", "ko"]
    # oEmbed examples are URLs of this very host, so they name real journeys.
    examples = params["oembed_url"]["schema"]["examples"]
    assert examples == [
        f"http://localhost/journeys/{slugs['journeys'][0]}",
        f"http://localhost/embed/journeys/{slugs['journeys'][0]}",
    ]
    # Behind a prefix, the server is the prefix (and so are the examples).
    behind = seeded_app.test_client().get("/openapi.json", base_url="http://localhost/atlas/")
    prefixed = behind.get_json()
    assert prefixed["servers"][0]["url"] == "/atlas"
    assert prefixed["components"]["parameters"]["oembed_url"]["schema"]["examples"][0] == (
        f"http://localhost/atlas/journeys/{slugs['journeys'][0]}"
    )


def validator(document: dict[str, Any], component: str) -> Any:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document["components"],
        "$ref": f"#/components/schemas/{component}",
    }
    return jsonschema_rs.validator_for(schema, validate_formats=True, offline=True)


def success_schema(document: dict[str, Any], path: str) -> tuple[str, str]:
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    ((kind, body),) = content.items()
    return kind, body["schema"]["$ref"].rsplit("/", 1)[1]


def takes_lang(operation: dict[str, Any]) -> bool:
    return {"$ref": "#/components/parameters/lang"} in operation.get("parameters", [])


def concrete_urls(path: str, slugs: dict[str, list[str]]) -> list[str]:
    if "{slug}" in path:
        kind = "sources" if path.startswith("/sources/") else "journeys"
        return [path.replace("{slug}", slug) for slug in slugs[kind]]
    if "{entity}" in path:
        return [f"/history/{e}/1.json" for e in ("journey", "leg", "source", "citation")]
    if path == "/oembed":
        return [f"/oembed?url=http://localhost/journeys/{s}" for s in slugs["journeys"]]
    return [path]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_json_answer_on_the_seed_data_matches_its_schema(client, document, slugs, lang):
    checked = 0
    for path, item in document["paths"].items():
        if "security" in item["get"]:
            continue  # the editor's: test_the_editors_place_lookup_answers_as_documented
        content = item["get"]["responses"][str(min(map(int, item["get"]["responses"])))]
        if not any(body.get("schema") for body in content.get("content", {}).values()):
            continue  # not JSON: no schema to hold
        kind, component = success_schema(document, path)
        check = validator(document, component)
        for url in concrete_urls(path, slugs):
            sep = "&" if "?" in url else "?"
            answer = client.get(f"{url}{sep}lang={lang}" if takes_lang(item["get"]) else url)
            assert answer.status_code == 200, url
            assert media_type(answer.content_type) == kind, url
            errors = [f"{e.instance_path}: {e.message}" for e in check.iter_errors(answer.json)]
            assert errors == [], f"{url}: {errors[:5]}"
            checked += 1
    assert checked >= 2 * len(slugs["journeys"]) + len(slugs["sources"]) + 10


@pytest.mark.database
def test_the_editors_place_lookup_answers_as_documented(admin_app, document):
    responses = document["paths"]["/edit/geocode"]["get"]["responses"]
    editor, _token = editor_client(admin_app, "openapi-editor", "editor")
    for query in ("Hyesan", "혜산"):
        answer = editor.get("/edit/geocode", query_string={"q": query, "online": "0"})
        assert answer.status_code == 200, query
        validator(document, "GeocodeLookup").validate(answer.json)
        assert answer.json["results"], f"the gazetteer knows {query}"
    blank = editor.get("/edit/geocode", query_string={"q": " \u3000"})
    assert blank.status_code == 400 and "400" in responses
    validator(document, "Error").validate(blank.json)
    anonymous = admin_app.test_client().get(
        "/edit/geocode?q=Hyesan", headers={"Accept": "application/json"}
    )
    assert anonymous.status_code == 401 and "401" in responses
    validator(document, "Error").validate(anonymous.json)
    page = admin_app.test_client().get("/edit/geocode?q=Hyesan")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert "302" in responses


def test_the_documented_errors_are_what_the_atlas_answers(client, document):
    not_found = validator(document, "NotFound")
    error = validator(document, "Error")
    for url in ("/journeys/no-such-journey.json", "/sources/no-such-source.json"):
        answer = client.get(url)
        assert answer.status_code == 404 and answer.is_json, url
        not_found.validate(answer.json)
        assert answer.json["slug"].startswith("no-such-")
    answer = client.get("/journeys/no-such-journey.geojson")
    assert answer.status_code == 404 and media_type(answer.content_type) == "application/json"
    not_found.validate(answer.json)
    for url, path, status in (
        ("/history/journey/999999.json", "/history/{entity}/{entity_id}.json", 404),
        ("/history/nothing/1.json", "/history/{entity}/{entity_id}.json", 404),
        ("/oembed", "/oembed", 400),
        ("/oembed?url=http://elsewhere.example/journeys/x", "/oembed", 404),
        ("/oembed?url=http://localhost/journeys/x&format=xml", "/oembed", 501),
        ("/journeys.json?lang=fr", "/journeys.json", 400),
        ("/journeys.json?lang=en&lang=ko", "/journeys.json", 400),
        ("/atlas.geojson?lang=", "/atlas.geojson", 400),
    ):
        answer = client.get(url)
        assert answer.status_code == status, url
        assert media_type(answer.content_type) == "application/json", url
        error.validate(answer.json)
        assert str(status) in document["paths"][path]["get"]["responses"], url


def test_an_unknown_language_is_refused_by_json_twins_only(client):
    refused = client.get("/hazards.json?lang=fr")
    assert refused.status_code == 400
    assert "en, ko" in refused.json["message"]
    # People's pages fall back to a language they have, as before.
    assert client.get("/hazards?lang=fr").status_code == 200
    assert client.get("/hazards.json?lang=ko").status_code == 200
    assert client.get("/hazards.json").status_code == 200


def test_a_405_says_which_methods_are_allowed(client):
    answer = client.delete("/journeys.json")
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    assert answer.is_json


@pytest.mark.database
def test_the_document_follows_the_dataset(empty_app):
    """An empty atlas documents any well-formed slug; once seeded (a new dataset
    revision) the slugs that exist."""
    client = empty_app.test_client()
    before = client.get("/openapi.json").get_json()["components"]["parameters"]
    assert "enum" not in before["journey_slug"]["schema"]
    assert before["journey_slug"]["schema"]["pattern"]
    seed(empty_app)
    after = client.get("/openapi.json").get_json()["components"]["parameters"]
    assert len(after["journey_slug"]["schema"]["enum"]) >= 5
    assert len(after["source_slug"]["schema"]["enum"]) == 3
