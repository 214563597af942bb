"""What every answer and every file the backend makes promises: never sniffed, never cached when it is API data,
HSTS over TLS, an owner-only database file, and one log entry without the message for each unexpected error."""

from __future__ import annotations

import logging
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.http.app import create_app
from backend.services.schemas import Role
from backend.settings import Settings
from backend.storage.db import Database
from backend.wiring import Services
from tests.backend.support import PASSWORD, Backend


@pytest.mark.parametrize("path", ["/openapi.json", "/console/login", "/api/health", "/static/console/css/console.css",
                                  "/no-such-page"])
def test_every_answer_says_nosniff_and_api_answers_are_not_stored(backend: Backend, path: str) -> None:
    answer = backend.anonymous.get(path)
    assert answer.headers["x-content-type-options"] == "nosniff", path
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert ("no-store" in answer.headers.get("cache-control", "")) == path.startswith("/api/")
    assert "strict-transport-security" not in answer.headers  # plain HTTP: HSTS would mean nothing


def test_over_tls_browsers_are_told_to_stay_on_https(backend: Backend) -> None:
    with TestClient(backend.app, base_url="https://politieloket.example") as client:
        answer = client.get("/console/login")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


def test_the_sqlite_database_is_created_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "backend.sqlite"
    db = Database(f"sqlite:///{path}")
    try:
        db.migrate()
    finally:
        db.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for companion in path.parent.glob("backend.sqlite-*"):
        assert stat.S_IMODE(companion.stat().st_mode) == 0o600, companion


def test_an_unexpected_error_is_a_json_500_logged_once_without_its_message(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    resident = "Fatima Zwanenburg-Oukili, Kerkstraat 12a"

    def broken() -> None:
        raise ValueError(resident)  # as a parser quoting what it could not read

    backend.app.add_api_route("/api/broken-for-test", broken)
    # raise_server_exceptions: had the error gone on to the server (which logs it again, message and all), the
    # client would raise here instead of returning the answer.
    with caplog.at_level(logging.INFO), TestClient(backend.app, raise_server_exceptions=True) as client:
        answer = client.get("/api/broken-for-test")
    assert answer.status_code == 500 and answer.json()["error"] == "internal_error"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "ValueError" in errors[0].getMessage() and "broken" in errors[0].getMessage()
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert "Zwanenburg" not in logged and "Kerkstraat" not in logged


def test_over_tls_the_session_cookie_is_secure(backend: Backend) -> None:
    name = backend.user(Role.OFFICER)
    with TestClient(backend.app, base_url="https://politieloket.example") as client:
        answer = client.post("/api/auth/login", json={"name": name, "password": PASSWORD})
    assert answer.status_code == 200
    assert "secure" in answer.headers["set-cookie"].lower().split("; ")
    plain = backend.anonymous.post("/api/auth/login", json={"name": name, "password": PASSWORD})
    assert "secure" not in plain.headers["set-cookie"].lower().split("; ")  # plain HTTP (development): as set


def test_behind_a_tls_proxy_the_secure_setting_turns_on_hsts(settings: Settings) -> None:
    secure = replace(settings, secure_cookies=True)
    services = Services.start(secure)
    try:
        with TestClient(create_app(secure, services)) as client:
            assert client.get("/console/login").headers["strict-transport-security"].startswith("max-age=")
    finally:
        services.close()
