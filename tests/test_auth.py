"""Accounts: argon2id hashes, login and logout, sessions that end everywhere, one
answer for every failed login, throttling that holds across worker processes, CSRF,
cookie flags, the `flask users` commands and the admin pages; no default accounts."""

from __future__ import annotations

import concurrent.futures
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.low_level import Type as LowType
from auth_helpers import PASSWORD, TOKEN, csrf_token, log_in, make_user
from conftest import REPO, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import create_app
from app.auth.passwords import MEMORY_KIB, PARALLELISM, TIME_COST
from app.auth.secret import instance_secret_key
from app.auth.views import FAILED
from app.extensions import db
from app.models import LoginAttempt, User

pytestmark = pytest.mark.database

# ---------------------------------------------------------------- helpers


def user(app: Flask, name: str) -> User:
    with app.app_context():
        found = db.session.scalar(select(User).where(User.name == name))
        assert found is not None
        db.session.expunge(found)
        return found


def session_data(app: Flask, client: FlaskClient) -> dict[str, Any]:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None, "no session cookie"
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(cookie.value))


def attempt_login(client: FlaskClient, name: str, password: str, **kwargs: Any) -> Any:
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": csrf_token(client, **kwargs)},
        **kwargs,
    )


def second_worker(app: Flask, **config: Any) -> Flask:
    """Another application over the same database: what a second worker process is."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            **config,
        }
    )


def logged_in_as(client: FlaskClient) -> str | None:
    found = re.search(r'class="session-name">([^<]*)<', client.get("/").get_data(as_text=True))
    return found.group(1) if found else None


@pytest.fixture()
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path / "auth.sqlite")


# ---------------------------------------------------------------- passwords


def test_passwords_are_hashed_with_argon2id_at_the_owasp_parameters(app):
    make_user(app, "ed")
    stored = user(app, "ed").password_hash
    assert stored.startswith(f"$argon2id$v=19$m={MEMORY_KIB},t={TIME_COST},p={PARALLELISM}$")
    assert (MEMORY_KIB, TIME_COST, PARALLELISM) >= (19456, 2, 1)
    assert PASSWORD not in stored
    parameters = extract_parameters(stored)
    assert parameters.type is LowType.ID
    assert parameters.memory_cost >= 19456 and parameters.time_cost >= 2


def test_a_hash_made_with_weaker_parameters_is_replaced_at_the_next_login(app):
    make_user(app, "ed")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID)
    with app.app_context():
        found = db.session.scalar(select(User).where(User.name == "ed"))
        assert found is not None
        found.password_hash = weak.hash(PASSWORD)
        db.session.commit()
    log_in(app.test_client(), "ed")
    assert user(app, "ed").password_hash.startswith(f"$argon2id$v=19$m={MEMORY_KIB},t=2,p=1$")


# ---------------------------------------------------------------- login and logout


def test_an_editor_logs_in_sees_their_name_and_logs_out(app):
    make_user(app, "ed")
    client = app.test_client()
    assert logged_in_as(client) is None
    token = log_in(client, "ed")
    assert logged_in_as(client) == "ed"
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert logged_in_as(client) is None


def test_login_goes_back_to_a_local_next_page_only(app):
    make_user(app, "ed")
    client = app.test_client()
    for target, expected in [("/hazards", "/hazards"), ("//evil.example/x", "/")]:
        response = client.post(
            "/login",
            data={
                "name": "ed",
                "password": PASSWORD,
                "next": target,
                "csrf_token": csrf_token(client),
            },
        )
        assert response.status_code == 303
        assert response.headers["Location"] == expected


def test_login_starts_a_new_session_with_a_new_random_id(app):
    make_user(app, "ed")
    client = app.test_client()
    before_token = csrf_token(client)
    before = session_data(app, client)
    assert set(before) == {"csrf_token"}
    log_in(client, "ed")
    first = session_data(app, client)
    assert first["uid"] == user(app, "ed").id and first["epoch"] == 0
    assert first.get("csrf_token") != before["csrf_token"], "the old session's token survived"
    assert len(first["sid"]) >= 32
    # The token of the session before login is no longer accepted.
    refused = client.post("/logout", data={"csrf_token": before_token})
    assert refused.status_code == 403
    other = app.test_client()
    log_in(other, "ed")
    assert session_data(app, other)["sid"] != first["sid"]


def test_a_session_cookie_replayed_after_logout_is_refused(app):
    make_user(app, "admin", "admin")
    client = app.test_client()
    token = log_in(client, "admin")
    old_cookie = client.get_cookie("session")
    assert old_cookie is not None
    assert client.get("/admin/users").status_code == 200
    client.post("/logout", data={"csrf_token": token})

    replay = app.test_client()
    replay.set_cookie("session", old_cookie.value)
    response = replay.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    refused = replay.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "name": "mallory",
            "role": "admin",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert refused.status_code == 401
    assert logged_in_as(replay) is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_logout_ends_the_session_on_every_device_and_every_worker(app):
    make_user(app, "ed")
    laptop, phone = app.test_client(), second_worker(app).test_client()
    token = log_in(laptop, "ed")
    log_in(phone, "ed")
    assert logged_in_as(phone) == "ed"
    laptop.post("/logout", data={"csrf_token": token})
    assert logged_in_as(phone) is None


def test_a_session_ends_after_its_lifetime_from_login(app, monkeypatch):
    make_user(app, "ed")
    client = app.test_client()
    log_in(client, "ed")
    lifetime = app.permanent_session_lifetime.total_seconds()
    assert lifetime == 12 * 3600
    start = time.time()
    monkeypatch.setattr("app.auth.sessions.time.time", lambda: start + lifetime - 60)
    assert logged_in_as(client) == "ed"
    monkeypatch.setattr("app.auth.sessions.time.time", lambda: start + lifetime + 60)
    assert logged_in_as(client) is None


def test_a_disabled_account_cannot_log_in_and_its_sessions_end(app):
    make_user(app, "ed")
    client = app.test_client()
    log_in(client, "ed")
    result = app.test_cli_runner().invoke(args=["users", "disable", "ed"])
    assert result.exit_code == 0, result.output
    assert logged_in_as(client) is None
    response = attempt_login(app.test_client(), "ed", PASSWORD)
    assert response.status_code == 200 and FAILED in response.get_data(as_text=True)


def test_a_failed_login_says_the_same_whether_or_not_the_account_exists(app):
    make_user(app, "ed")
    unknown = attempt_login(app.test_client(), "nobody", "wrong password!")
    wrong = attempt_login(app.test_client(), "ed", "wrong password!")
    assert unknown.status_code == wrong.status_code == 200
    bodies = [
        TOKEN.sub("", r.get_data(as_text=True)).replace("nobody", "NAME").replace("ed", "NAME")
        for r in (unknown, wrong)
    ]
    assert bodies[0] == bodies[1]
    assert FAILED in bodies[0]


class CountingHasher:
    """The real argon2 hasher, counting the hashes it verifies (and their parameters)."""

    def __init__(self, real: PasswordHasher):
        self.real = real
        self.verified: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified.append(extract_parameters(password_hash))
        return bool(self.real.verify(password_hash, password))


def test_a_failed_login_does_the_same_work_whether_or_not_the_account_exists(tmp_path, monkeypatch):
    """Equal time without timing it (the machine is shared): both failures verify exactly
    one argon2id hash with the same parameters; without the dummy hash an unknown name
    would verify none and answer at once."""
    from app.auth import passwords

    app = make_app(tmp_path / "work.sqlite")
    make_user(app, "ed")
    client = app.test_client()
    token = csrf_token(client)
    hasher = CountingHasher(passwords.HASHER)
    monkeypatch.setattr(passwords, "HASHER", hasher)
    work = {}
    for name in ("nobody", "ed"):
        hasher.verified.clear()
        response = client.post(
            "/login", data={"name": name, "password": "wrong password!", "csrf_token": token}
        )
        assert FAILED in response.get_data(as_text=True)
        work[name] = list(hasher.verified)
    assert len(work["nobody"]) == 1
    assert work["nobody"] == work["ed"]
    (parameters,) = work["ed"]
    assert parameters.type is LowType.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        MEMORY_KIB,
        TIME_COST,
        PARALLELISM,
    )


# ---------------------------------------------------------------- throttling


def test_failures_per_account_are_limited_across_two_workers(app):
    make_user(app, "ed")
    workers = [app.test_client(), second_worker(app).test_client()]
    limit = app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    assert limit == 5
    for attempt in range(limit):
        response = attempt_login(workers[attempt % 2], "ed", "wrong password!")
        assert response.status_code == 200, f"attempt {attempt + 1} refused"
    for worker in workers:
        # Even the right password is not checked any more, on either worker.
        response = attempt_login(worker, "ed", PASSWORD)
        assert response.status_code == 429
        assert "Too many failed logins" in response.get_data(as_text=True)
        assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    # Another account from another address is not affected.
    other = attempt_login(
        workers[1], "someone", "wrong password!", environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 200


def test_failures_per_address_are_limited_across_two_workers(tmp_path):
    app = make_app(tmp_path / "address.sqlite", LOGIN_FAILURES_PER_ADDRESS=4)
    workers = [app.test_client(), second_worker(app, LOGIN_FAILURES_PER_ADDRESS=4).test_client()]
    for attempt in range(4):
        response = attempt_login(workers[attempt % 2], f"name{attempt}", "wrong password!")
        assert response.status_code == 200
    refused = attempt_login(workers[0], "fresh-name", "wrong password!")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    elsewhere = attempt_login(
        workers[1], "fresh-name", "wrong password!", environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert elsewhere.status_code == 200


def test_a_successful_login_clears_the_accounts_failures_but_not_the_addresss(app):
    make_user(app, "ed")
    client = app.test_client()
    for _ in range(4):
        attempt_login(client, "ed", "wrong password!")
    assert attempt_login(client, "ed", PASSWORD).status_code == 303
    for _ in range(5):
        assert attempt_login(client, "ed", "wrong password!").status_code == 200
    assert attempt_login(client, "ed", PASSWORD).status_code == 429
    with app.app_context():
        failures = db.session.scalar(
            select(func.count()).select_from(LoginAttempt).where(LoginAttempt.succeeded.is_(False))
        )
    assert failures == 9  # refused attempts are not recorded


def test_throttling_takes_effect_again_after_the_window(app):
    make_user(app, "ed")
    client = app.test_client()
    for _ in range(5):
        attempt_login(client, "ed", "wrong password!")
    assert attempt_login(client, "ed", PASSWORD).status_code == 429
    with app.app_context():
        for row in db.session.scalars(select(LoginAttempt)):
            row.at = row.at.replace(year=row.at.year - 1)
        db.session.commit()
    assert attempt_login(client, "ed", PASSWORD).status_code == 303


SERVER = """
import sys
from werkzeug.serving import make_server
from app import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": sys.argv[2]})
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


def test_the_account_limit_holds_for_concurrent_attempts_on_two_worker_processes(app):
    make_user(app, "ed")
    url, key = app.config["SQLALCHEMY_DATABASE_URI"], "a key shared by both workers " * 2
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SERVER, url, key],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        bases = [f"http://127.0.0.1:{p.stdout.readline().strip()}" for p in processes]  # type: ignore[union-attr]
        with urllib.request.urlopen(bases[0] + "/login") as page:
            cookie = page.headers["Set-Cookie"].split(";", 1)[0]
            token = TOKEN.search(page.read().decode())
        assert token is not None

        def post(index: int) -> int:
            body = f"name=ed&password=wrong+password%21&csrf_token={token.group(1)}".encode()
            request = urllib.request.Request(
                bases[index % 2] + "/login", data=body, headers={"Cookie": cookie}
            )
            try:
                with urllib.request.urlopen(request) as response:
                    return int(response.status)
            except urllib.error.HTTPError as error:
                return int(error.code)

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(post, range(16)))
        checked = statuses.count(200)
        assert set(statuses) <= {200, 429} and checked <= 5, statuses
        # Keep trying one at a time: exactly five wrong passwords are ever checked.
        later = [post(i) for i in range(8)]
        assert checked + later.count(200) == 5, (statuses, later)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


# ---------------------------------------------------------------- CSRF and cookies


def test_state_changing_requests_without_a_csrf_token_are_refused(app):
    make_user(app, "ed")
    client = app.test_client()
    no_token = client.post("/login", data={"name": "ed", "password": PASSWORD})
    assert no_token.status_code == 403
    assert "form has expired" in no_token.get_data(as_text=True)
    wrong = client.post("/login", data={"name": "ed", "password": PASSWORD, "csrf_token": "x"})
    assert wrong.status_code == 403
    token = log_in(client, "ed")
    assert client.post("/logout").status_code == 403
    assert client.post("/logout", headers={"X-CSRFToken": "nope"}).status_code == 403
    assert logged_in_as(client) == "ed", "a refused logout logged out"
    assert client.post("/logout", headers={"X-CSRFToken": token}).status_code == 303


def set_cookies(response: Any) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_the_session_cookie_is_httponly_and_samesite_lax_and_not_secure_over_http(app):
    make_user(app, "ed")
    response = attempt_login(app.test_client(), "ed", PASSWORD)
    (cookie,) = set_cookies(response)
    assert cookie.startswith("session=")
    assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(app):
    make_user(app, "ed")
    client = app.test_client()
    https = {
        "base_url": "https://atlas.example",
        "headers": {"Referer": "https://atlas.example/login"},
    }
    response = attempt_login(client, "ed", PASSWORD, **https)
    assert response.status_code == 303
    (cookie,) = set_cookies(response)
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def test_secure_cookies_can_be_required_always(tmp_path):
    app = make_app(tmp_path / "secure.sqlite", SESSION_COOKIE_SECURE=True)
    (cookie,) = set_cookies(app.test_client().get("/login"))
    assert "; Secure" in cookie


def test_behind_a_trusted_proxy_its_forwarded_address_and_scheme_count(tmp_path):
    app = make_app(tmp_path / "proxy.sqlite", PROXY_HOPS=1, LOGIN_FAILURES_PER_ADDRESS=2)
    make_user(app, "ed")
    client = app.test_client()

    def through_proxy(address: str) -> dict[str, Any]:
        return {"headers": {"X-Forwarded-For": address}}

    for _ in range(2):
        assert (
            attempt_login(
                client, "x", "wrong password!", **through_proxy("203.0.113.5")
            ).status_code
            == 200
        )
    assert (
        attempt_login(client, "x", "wrong password!", **through_proxy("203.0.113.5")).status_code
        == 429
    )
    assert (
        attempt_login(client, "y", "wrong password!", **through_proxy("203.0.113.6")).status_code
        == 200
    )
    https = {
        "headers": {
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Proto": "https",
            "Referer": "https://localhost/login",
        }
    }
    response = attempt_login(client, "ed", PASSWORD, **https)
    assert response.status_code == 303
    assert "; Secure" in response.headers["Set-Cookie"]


def test_reader_pages_set_no_cookie_and_do_not_read_the_session(client):
    for path in ["/", "/journeys", "/hazards", "/sources", "/discrepancies"]:
        # ?lang= fixes the language, so a `Vary: Cookie` could only come from the session
        # (without it the language cookie adds one: tests/test_i18n.py).
        response = client.get(path, query_string={"lang": "en"})
        assert response.status_code == 200
        assert set_cookies(response) == [], path
        assert "Cookie" not in response.headers.get("Vary", ""), path
        assert 'href="/login"' in response.get_data(as_text=True)


def test_the_secret_key_is_generated_once_and_shared_by_every_worker(tmp_path):
    with concurrent.futures.ProcessPoolExecutor(max_workers=4) as pool:
        keys = set(pool.map(instance_secret_key, [tmp_path] * 8))
    (key,) = keys
    assert len(key) >= 64
    path = tmp_path / "secret_key"
    assert path.stat().st_mode & 0o077 == 0, "the key file is readable by others"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]
    assert instance_secret_key(tmp_path) == key
    other = tmp_path / "other"
    other.mkdir()
    assert instance_secret_key(other) != key


def test_the_secret_key_comes_from_the_environment_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_SECRET_KEY", "k" * 40)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "k" * 40
    monkeypatch.delenv("ATLAS_SECRET_KEY")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == instance_secret_key(app.instance_path)


# ---------------------------------------------------------------- roles and admin pages


def test_editors_cannot_manage_accounts_and_anonymous_readers_are_sent_to_log_in(app):
    make_user(app, "ed")
    anonymous = app.test_client()
    response = anonymous.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/users"
    assert anonymous.get("/admin/users", headers={"Accept": "application/json"}).status_code == 401
    editor = app.test_client()
    token = log_in(editor, "ed")
    assert editor.get("/admin/users").status_code == 403
    refused = editor.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "name": "eve",
            "role": "admin",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert refused.status_code == 403
    assert user(app, "ed").role == "editor"


def test_an_admin_creates_disables_and_resets_accounts_in_the_browser(app):
    make_user(app, "root", "admin")
    admin = app.test_client()
    token = log_in(admin, "root")
    created = admin.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "name": "Teacher",
            "role": "editor",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert created.status_code == 303
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Created the editor account teacher." in page
    teacher_id = user(app, "teacher").id

    short = admin.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "name": "x",
            "role": "editor",
            "password": "short",
            "confirm": "short",
        },
    )
    assert short.status_code == 422 and "at least 12 characters" in short.get_data(as_text=True)

    teacher = app.test_client()
    log_in(teacher, "teacher")
    new_password = "another long passphrase"
    reset = admin.post(
        f"/admin/users/{teacher_id}/password",
        data={"csrf_token": token, "password": new_password, "confirm": new_password},
    )
    assert reset.status_code == 303
    assert logged_in_as(teacher) is None, "a new password ends the old sessions"
    log_in(teacher, "teacher", new_password)

    assert (
        admin.post(f"/admin/users/{teacher_id}/disable", data={"csrf_token": token}).status_code
        == 303
    )
    assert user(app, "teacher").disabled
    assert logged_in_as(teacher) is None
    assert (
        admin.post(f"/admin/users/{teacher_id}/enable", data={"csrf_token": token}).status_code
        == 303
    )
    assert not user(app, "teacher").disabled
    own = admin.post(f"/admin/users/{user(app, 'root').id}/disable", data={"csrf_token": token})
    assert own.status_code == 422 and not user(app, "root").disabled


# ---------------------------------------------------------------- the command line


def test_users_create_list_disable_and_set_password_from_the_command_line(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0 and "No accounts" in result.output

    typed = f"{PASSWORD}\n{PASSWORD}\n"
    result = runner.invoke(args=["users", "create", "Ed", "--role", "editor"], input=typed)
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output, "the password was echoed"
    assert "Repeat for confirmation" in result.output
    result = runner.invoke(
        args=["users", "create", "ada", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output

    listing = runner.invoke(args=["users", "list"]).output
    assert re.search(r"^ada\tadmin\tactive\t", listing, re.M)
    assert re.search(r"^ed\teditor\tactive\t", listing, re.M)

    assert runner.invoke(args=["users", "disable", "ed"]).exit_code == 0
    assert re.search(r"^ed\teditor\tdisabled\t", runner.invoke(args=["users", "list"]).output, re.M)
    assert runner.invoke(args=["users", "enable", "ed"]).exit_code == 0

    new = "a brand new passphrase"
    result = runner.invoke(args=["users", "set-password", "ed", "--password-stdin"], input=new)
    assert result.exit_code == 0, result.output
    log_in(app.test_client(), "ed", new)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["users", "create", "ed", "--role", "editor"],
            f"{PASSWORD}\nother password!!\n",
            "do not match",
        ),
        (
            ["users", "create", "ed", "--role", "editor", "--password-stdin"],
            "short\n",
            "at least 12",
        ),
        (["users", "create", "ed", "--role", "owner", "--password-stdin"], PASSWORD, "owner"),
        (
            ["users", "create", "bad name", "--role", "editor", "--password-stdin"],
            PASSWORD,
            "A name",
        ),
        (["users", "disable", "nobody"], "", "no account 'nobody'"),
        (["users", "set-password", "nobody", "--password-stdin"], PASSWORD, "no account"),
    ],
)
def test_the_command_line_refuses_bad_accounts_with_a_clear_message(app, args, stdin, message):
    result = app.test_cli_runner().invoke(args=args, input=stdin)
    if "do not match" in message:
        # click asks again after a mismatch; the input then runs out.
        assert message in result.output
    else:
        assert result.exit_code != 0
        assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_duplicate_account_is_refused(app):
    make_user(app, "ed")
    result = app.test_cli_runner().invoke(
        args=["users", "create", "ED", "--role", "admin", "--password-stdin"], input=PASSWORD
    )
    assert result.exit_code != 0 and "exists already" in result.output


def test_there_are_no_default_accounts(seeded_app, app):
    for each in (seeded_app, app):
        with each.app_context():
            assert db.session.scalar(select(func.count()).select_from(User)) == 0
    for path in [*REPO.glob("migrations/versions/*.py"), *REPO.glob("app/**/*.py")]:
        text = path.read_text("utf-8").lower()
        assert not re.search(r"insert\s+into\s+users", text), path
        assert not re.search(r"create_user\([^)]*[\"']admin[\"']\s*,\s*[\"']", text), path


# ---------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_an_admin_logs_in_through_the_form_manages_accounts_and_logs_out(browser, tmp_path):
    from conftest import LiveServer, PageWatch
    from playwright.sync_api import expect

    app = make_app(tmp_path / "browser.sqlite")
    make_user(app, "root", "admin")
    with LiveServer(app) as server:
        context = browser.new_context()
        page = context.new_page()
        watch = PageWatch(server.url)
        watch.attach(context, page)
        page.goto(server.url + "/")
        assert context.cookies() == [], "a reader got a cookie"
        page.get_by_role("link", name="Log in").click()
        page.get_by_label("Name").fill("root")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_have_text(FAILED)

        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator(".session-name")).to_have_text("root")
        (cookie,) = context.cookies()
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

        page.goto(server.url + "/admin/users")
        page.get_by_label("Name").fill("teacher")
        page.get_by_label("Role").select_option("editor")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password again").fill(PASSWORD)
        page.get_by_role("button", name="Create the account").click()
        expect(page.get_by_role("status")).to_have_text("Created the editor account teacher.")
        expect(page.get_by_role("cell", name="teacher", exact=True)).to_be_visible()

        page.get_by_role("button", name="Log out").click()
        expect(page.locator(".session-name")).to_have_count(0)
        expect(page.get_by_role("link", name="Log in")).to_be_visible()
        page.goto(server.url + "/admin/users")
        assert page.url.startswith(server.url + "/login?next=")
        watch.assert_clean()
        context.close()
