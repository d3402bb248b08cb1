"""HTTP caching (app/http/): whole answers kept for anonymous readers per dataset
revision, ETag and 304, gzip, content-hashed static URLs; and in Chromium, a reload
that revalidates the page (304) and takes the static files from its cache."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from typing import Any
from urllib.parse import urljoin

import pytest
from auth_helpers import editor_client
from browser_helpers import Requests, is_favicon
from conftest import REPO, make_app, seed
from editor_helpers import Editor
from flask import Flask

from app import create_app

SLUG = "roh-family"
PUBLIC = [
    f"/journeys/{SLUG}",
    f"/journeys/{SLUG}.geojson",
    f"/embed/journeys/{SLUG}",
    f"/present/journeys/{SLUG}",
]
GZIP = {"Accept-Encoding": "gzip, deflate"}
CSP = "Content-Security-Policy"
HASHED_STATIC = re.compile(r"/static/([\w./@-]+)\.([0-9a-f]{10})(\.[A-Za-z0-9]+)")


def tags(response: Any) -> list[str]:
    return [t.strip() for t in response.headers.get("Vary", "").split(",") if t.strip()]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, Flask]:
    """Two apps (as two worker processes would be) on one seeded database."""
    first = make_app(tmp_path_factory.mktemp("http") / "atlas.sqlite")
    seed(first)
    uri = first.config["SQLALCHEMY_DATABASE_URI"]
    second = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri})
    return first, second


# ---------------------------------------------------------------- ETag and 304


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_answer_has_an_etag_and_a_304_when_it_is_unchanged(client, url):
    first = client.get(url)
    assert first.status_code == 200, url
    etag = first.headers["ETag"]
    # Weak: named by what the answer was built from (app/http/entries.py).
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', etag), etag
    assert first.headers["Cache-Control"] == "no-cache", url
    assert first.headers["Content-Length"] == str(len(first.data))

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304, url
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "no-cache"
    assert tags(again) == tags(first)
    # Only what a 304 may carry: the browser keeps its stored body's other headers,
    # its Content-Security-Policy among them (the hashes of the body it holds).
    assert CSP not in again.headers and "Content-Type" not in again.headers
    # A list holding our tag, its strong form (compared weakly), `*`.
    assert client.get(url, headers={"If-None-Match": '"0" , ' + etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": etag[2:]}).status_code == 304
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304
    other = client.get(url, headers={"If-None-Match": '"0123"'})
    assert other.status_code == 200 and other.data == first.data


def test_the_same_page_in_another_language_or_setting_is_another_answer(seeded_app):
    url = f"/journeys/{SLUG}"
    reader, korean_reader, classroom_reader = (seeded_app.test_client() for _ in range(3))
    korean_reader.set_cookie("atlas_lang", "ko")
    classroom_reader.set_cookie("classroom", "1")
    english = reader.get(url)
    korean = reader.get(url, headers={"Accept-Language": "ko"})
    by_cookie = korean_reader.get(url)
    classroom = classroom_reader.get(url)
    assert '<html lang="ko"' in korean.get_data(as_text=True)
    assert '<html lang="en"' in english.get_data(as_text=True)
    assert by_cookie.data == korean.data
    assert len({english.headers["ETag"], korean.headers["ETag"], classroom.headers["ETag"]}) == 3
    assert "Content note" in classroom.get_data(as_text=True)
    assert "Content note" not in english.get_data(as_text=True)
    # Asked again, each answer is the one it was (nothing mixed up by the cache).
    assert reader.get(url, headers={"Accept-Language": "ko"}).data == korean.data
    assert classroom_reader.get(url).data == classroom.data
    assert korean_reader.get(url).data == korean.data
    assert reader.get(url).data == english.data


def test_vary_names_cookie_language_and_encoding(client):
    page = client.get(f"/journeys/{SLUG}")
    assert {"Cookie", "Accept-Language", "Accept-Encoding"} <= set(tags(page))
    # An embed reads no cookie (app/reader.py); ?lang= decides alone.
    assert "Cookie" not in tags(client.get(f"/embed/journeys/{SLUG}"))
    assert tags(client.get(f"/journeys/{SLUG}?lang=ko")) == ["Accept-Encoding"]


# ---------------------------------------------------------------- gzip and HEAD


@pytest.mark.parametrize("url", [*PUBLIC, "/journeys.json", "/atlas.kml", "/openapi.json"])
def test_gzip_decompresses_to_the_identity_body(client, url):
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert packed.headers["Content-Length"] == str(len(packed.data))
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gz"'
    assert packed.headers["Content-Type"] == plain.headers["Content-Type"]
    # A 304 for either tag of the same content.
    for etag in (plain.headers["ETag"], packed.headers["ETag"]):
        assert client.get(url, headers={**GZIP, "If-None-Match": etag}).status_code == 304
    # gzip refused by q=0: the identity body.
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.data == plain.data


def test_a_small_answer_is_not_compressed(client):
    response = client.get(
        "/oembed?url=http://localhost/journeys/roh-family&format=json", headers=GZIP
    )
    assert response.status_code == 200
    assert len(response.data) < 1024 and "Content-Encoding" not in response.headers
    assert "ETag" in response.headers


@pytest.mark.parametrize("url", [f"/journeys/{SLUG}?head=first", f"/journeys/{SLUG}.geojson"])
def test_head_has_the_get_headers_and_no_body(client, url):
    head = client.head(url, headers=GZIP)  # for ?head=first, HEAD builds the entry
    get = client.get(url, headers=GZIP)
    assert head.status_code == get.status_code == 200
    assert head.data == b""
    for name in ("ETag", "Content-Length", "Content-Type", "Content-Encoding", "Vary"):
        assert head.headers[name] == get.headers[name], name
    assert int(head.headers["Content-Length"]) == len(get.data)


# ---------------------------------------------------------------- what is never cached


def test_health_errors_and_cookie_setting_answers_carry_no_etag(client):
    assert "ETag" not in client.get("/health").headers
    missing = client.get("/journeys/nope")
    assert missing.status_code == 404 and "ETag" not in missing.headers
    switch = client.get("/language/ko?next=/journeys")
    assert "Set-Cookie" in switch.headers and "ETag" not in switch.headers
    login = client.get("/login")
    assert login.headers["Cache-Control"] == "no-store" and "ETag" not in login.headers


@pytest.mark.database
def test_an_editor_never_gets_a_cached_answer_and_a_reader_never_gets_the_editors(shared):
    app, _second = shared
    url = f"/journeys/{SLUG}"
    reader = app.test_client()
    before = reader.get(url)
    assert before.status_code == 200
    ed = Editor(*editor_client(app, "cache-editor"))
    mine = ed.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert mine.status_code == 200  # not the reader's 304
    text = mine.get_data(as_text=True)
    assert "cache-editor" in text and "/edit/journeys/roh-family" in text
    assert mine.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in mine.headers and "Content-Encoding" not in mine.headers
    # Asked again, the editor's page is built again (their session, their name).
    assert "cache-editor" in ed.get(url).get_data(as_text=True)
    after = reader.get(url)
    assert "cache-editor" not in after.get_data(as_text=True)
    assert "/edit/journeys/" not in after.get_data(as_text=True)
    assert after.headers["ETag"] == before.headers["ETag"] and after.data == before.data
    assert ed.get("/edit").headers["Cache-Control"] == "private, no-store"
    history = ed.get(f"/history/journey/by-slug/{SLUG}", follow_redirects=True)
    assert history.status_code == 200 and "ETag" not in history.headers


# ---------------------------------------------------------------- a change, at once


def new_journey(slug: str, title: str, **extra: str) -> dict[str, str]:
    return {
        "title": title,
        "slug": slug,
        "who": "A family",
        "kind": "journey",
        "outcome": "reached-safety",
        "outcome_label": "Safe",
        "summary": "They left.",
        **extra,
    }


def test_two_workers_agree_on_a_maps_etag_though_not_on_its_bytes(shared):
    """branca gives each map element a random id per process: the page's bytes differ
    between workers, its tag does not, so a reload answered by the other worker is a
    304 too."""
    from app.pages import cache

    first, second = (app.test_client() for app in shared)
    for url in (f"/journeys/{SLUG}", f"/embed/journeys/{SLUG}", f"/present/journeys/{SLUG}"):
        mine = first.get(url, headers=GZIP)
        # Two apps in one process share the built maps (app/pages/cache.py); another
        # process builds its own, with its own ids: let go of them, as it would.
        cache._entries.clear()
        theirs = second.get(url, headers=GZIP)
        assert mine.headers["ETag"] == theirs.headers["ETag"], url
        assert mine.data != theirs.data, url
        etag = mine.headers["ETag"]
        assert second.get(url, headers={**GZIP, "If-None-Match": etag}).status_code == 304


@pytest.mark.database
def test_an_edit_changes_the_answer_at_once_in_every_app_on_the_database(shared):
    first, second = shared
    readers = [first.test_client(), second.test_client()]
    seen = [r.get("/journeys", headers=GZIP) for r in readers]
    # Two apps, one database, the same page: the same bytes, the same tag.
    assert seen[0].headers["ETag"] == seen[1].headers["ETag"]
    etag = seen[0].headers["ETag"]
    assert all(
        r.get("/journeys", headers={**GZIP, "If-None-Match": etag}).status_code == 304
        for r in readers
    )

    ed = Editor(*editor_client(first, "change-editor"))
    created = ed.post("/edit/journeys/new", new_journey("cache-check", "Cache Check One"))
    assert created.status_code == 303
    for reader in readers:
        index = reader.get("/journeys", headers={**GZIP, "If-None-Match": etag})
        assert index.status_code == 200
        assert index.headers["ETag"] != etag
        assert "Cache Check One" in gzip.decompress(index.data).decode("utf-8")
        page = reader.get("/journeys/cache-check")
        assert "Cache Check One" in page.get_data(as_text=True)
        assert (
            reader.get(
                "/journeys/cache-check", headers={"If-None-Match": page.headers["ETag"]}
            ).status_code
            == 304
        )

    old = readers[1].get("/journeys/cache-check.geojson").headers["ETag"]
    path = "/edit/journeys/cache-check"
    edited = new_journey("cache-check", "Cache Check Two", lock_version=ed.version(path))
    assert ed.post(path, edited).status_code == 303
    for reader in reversed(readers):
        page = reader.get("/journeys/cache-check")
        text = page.get_data(as_text=True)
        assert "Cache Check Two" in text and "Cache Check One" not in text
        stale = reader.get("/journeys/cache-check.geojson", headers={"If-None-Match": old})
        assert stale.status_code == 200


# ---------------------------------------------------------------- memory


@pytest.mark.database
def test_the_cache_keeps_within_its_byte_budget(tmp_path):
    app = make_app(tmp_path / "atlas.sqlite", HTTP_CACHE_MAX_BYTES=600_000)
    seed(app)
    cache = app.extensions["atlas_response_cache"]
    client = app.test_client()
    slugs = [j["slug"] for j in client.get("/journeys.json").json["journeys"]]
    for slug in slugs:
        for url in (f"/journeys/{slug}", f"/embed/journeys/{slug}", f"/journeys/{slug}.geojson"):
            assert client.get(url, headers=GZIP).status_code == 200
            assert cache.store.total <= 600_000
    assert 0 < len(cache.store) < 3 * len(slugs)  # some were let go
    # What was let go is built again, the same.
    first = f"/journeys/{slugs[0]}"
    assert client.get(first).data == client.get(first).data


# ---------------------------------------------------------------- static files


def hashed_urls(html: str) -> list[str]:
    return sorted({m.group(0) for m in HASHED_STATIC.finditer(html)})


def test_pages_link_static_files_by_content_hash_cached_for_a_year(client):
    urls = hashed_urls(client.get(f"/journeys/{SLUG}").get_data(as_text=True))
    names = {HASHED_STATIC.fullmatch(u).group(1) for u in urls}  # type: ignore[union-attr]
    assert {"css/atlas", "js/atlas", "vendor/leaflet/leaflet"} <= names, names
    assert len(urls) >= 10
    static = REPO / "static"
    for url in urls:
        match = HASHED_STATIC.fullmatch(url)
        assert match
        plain = static / (match.group(1) + match.group(3))
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        body = response.data
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        assert body == plain.read_bytes(), url
        assert hashlib.sha256(body).hexdigest()[:10] == match.group(2)
        # Static files: a strong tag, the bytes' own hash.
        assert response.headers["ETag"].startswith('"' + match.group(2))


def test_a_plain_or_stale_static_name_still_answers_and_is_revalidated(client):
    plain = client.get("/static/css/atlas.css")
    stale = client.get("/static/css/atlas.0000000000.css")
    content = (REPO / "static" / "css" / "atlas.css").read_bytes()
    for response in (plain, stale):
        assert response.status_code == 200
        assert response.data == content
        assert response.headers["Cache-Control"] == "no-cache"
        again = client.get(
            "/static/css/atlas.css", headers={"If-None-Match": response.headers["ETag"]}
        )
        assert again.status_code == 304 and again.data == b""
    assert client.get("/static/css/nope.0000000000.css").status_code == 404
    assert client.get("/static/nope.css").status_code == 404
    assert client.get("/static/../app/config.py").status_code == 404
    head = client.head("/static/css/atlas.css")
    assert head.data == b"" and head.headers["Content-Length"] == str(len(content))


def test_fonts_and_images_keep_their_names_beside_hashed_stylesheets(client):
    """A stylesheet's relative url() is resolved beside its hashed URL (the same
    folder), where the file answers under its own name."""
    page = client.get(f"/journeys/{SLUG}").get_data(as_text=True)
    stylesheets = [u for u in hashed_urls(page) if u.endswith(".css")]
    assert stylesheets
    referenced = set()
    for css in stylesheets:
        text = client.get(css).get_data(as_text=True)
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            if ref.startswith(("data:", "/", "http:", "https:", "#")):
                continue
            referenced.add(urljoin(css, ref.split("?")[0].split("#")[0]))
    assert len(referenced) >= 2, referenced  # Leaflet's control images, at least
    for url in sorted(referenced):
        assert client.get(url).status_code == 200, url


# ---------------------------------------------------------------- in Chromium

MAP_READY = "() => document.documentElement.dataset.atlasMap === 'ready'"


class NetworkLog:
    """What Chromium's network layer did (CDP Network events), by request id: the URL,
    the headers it really sent, the status the server really answered (an
    ...ExtraInfo event is only sent for a request that went over the network), and
    whether the answer came from the browser's cache."""

    def __init__(self, cdp: Any):
        self.urls: dict[str, str] = {}
        self.sent: dict[str, dict[str, str]] = {}
        self.status: dict[str, int] = {}
        self.from_cache: set[str] = set()
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.requestWillBeSentExtraInfo", self._sent)
        cdp.on("Network.responseReceivedExtraInfo", self._answered)
        cdp.on("Network.requestServedFromCache", lambda e: self.from_cache.add(e["requestId"]))
        cdp.on("Network.responseReceived", self._response)
        cdp.send("Network.enable")

    def _request(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _sent(self, event: dict[str, Any]) -> None:
        headers = {k.lower(): v for k, v in event["headers"].items()}
        self.sent.setdefault(event["requestId"], {}).update(headers)

    def _answered(self, event: dict[str, Any]) -> None:
        self.status[event["requestId"]] = event["statusCode"]

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.from_cache.add(event["requestId"])

    def clear(self) -> None:
        self.urls.clear()
        self.sent.clear()
        self.status.clear()
        self.from_cache.clear()

    def ids(self, predicate: Any) -> list[str]:
        return [i for i, url in self.urls.items() if predicate(url)]


@pytest.mark.browser
def test_a_reload_revalidates_the_page_and_takes_static_files_from_the_cache(browser, live_server):
    url = f"{live_server.url}/journeys/{SLUG}"
    context = browser.new_context()
    try:
        page = context.new_page()
        log = NetworkLog(context.new_cdp_session(page))
        requests = Requests(page)
        # The browser asks for the favicon after the load event, on the reload too (from
        # the cache): wait for it, then for every other request to end, not on the network
        # going quiet for a while.
        with page.expect_request_finished(is_favicon):
            first = page.goto(url, wait_until="load")
        assert first is not None and first.status == 200
        page.wait_for_function(MAP_READY)
        requests.settle()
        etag = first.all_headers()["etag"]
        assert first.all_headers()["content-encoding"] == "gzip"  # Chromium sends gzip
        assert etag.endswith('-gz"')
        # A new context has an empty cache: all fetched over the network once. (Not told
        # by their ExtraInfo events: those may come after a request's end.)
        static_ids = log.ids(lambda u: HASHED_STATIC.search(u))
        static_first = {log.urls[i] for i in static_ids}
        assert len(static_first) >= 10, static_first
        assert [log.urls[i] for i in static_ids if i in log.from_cache] == []

        log.clear()
        with page.expect_request_finished(is_favicon):
            page.reload(wait_until="load")
        page.wait_for_function(MAP_READY)
        requests.settle()
        documents = log.ids(lambda u: u == url)
        assert len(documents) == 1
        sent = log.sent[documents[0]]
        assert sent.get("if-none-match") == etag, sent
        assert log.status.get(documents[0]) == 304
        # Every hashed static file the page uses again came from the cache: none of
        # them went over the network (no ExtraInfo answer), and the map still works.
        static_again = log.ids(lambda u: HASHED_STATIC.search(u))
        assert {log.urls[i] for i in static_again} == static_first
        assert [log.urls[i] for i in static_again if i in log.status] == []
        assert set(static_again) <= log.from_cache
        # Fonts and images keep plain names: revalidated, answered 304 without a body.
        others = {log.urls[i]: s for i, s in log.status.items() if s != 304}
        assert others == {}, others
        assert page.evaluate("() => window.atlasMaps[0].map instanceof L.Map")
    finally:
        context.close()


def test_a_large_document_is_kept_gzipped_only_and_still_served_either_way() -> None:
    # A 10,000-hazard journey's GeoJSON is tens of MB as text: the entry keeps only its
    # gzip body (a tenth of the size), so it fits the cache; identity clients still get
    # the very bytes.
    from app.http.entries import GZIP_ONLY_BYTES, Entry

    features = [
        {"type": "Feature", "id": n, "properties": {"name": f"hazard {n}"}} for n in range(40000)
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, indent=2).encode()
    assert len(body) > GZIP_ONLY_BYTES
    entry = Entry([("Content-Type", "application/geo+json")], body)
    assert entry.size < len(body) // 4

    status, headers, packed = entry.answer({"HTTP_ACCEPT_ENCODING": "gzip, deflate"})
    assert status == "200 OK" and ("Content-Encoding", "gzip") in headers
    assert gzip.decompress(packed) == body
    status, headers, plain = entry.answer({"HTTP_ACCEPT_ENCODING": "identity"})
    assert status == "200 OK" and plain == body
    assert ("Content-Length", str(len(body))) in headers
    assert not any(name == "Content-Encoding" for name, _ in headers)
