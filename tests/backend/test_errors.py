"""JSON errors everywhere, health checks, and 503 rather than 500 when the database is gone."""

from __future__ import annotations

import uuid

import pytest

from backend.http.errors import SERVICE_STATUS
from backend.services import errors
from backend.services.schemas import Role
from tests.backend.support import Backend, payload_for
from tools.postgres import PostgresServer


def test_unknown_paths_and_methods_answer_json(backend: Backend) -> None:
    missing = backend.anonymous.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong_method = backend.anonymous.delete("/healthz")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "method_not_allowed"


def test_malformed_bodies_are_422_json_without_echoing_input(backend: Backend) -> None:
    kiosk = backend.kiosk()
    headers = {**kiosk.headers, "Content-Type": "application/json"}
    answer = backend.anonymous.post("/api/kiosk/cases", content=b'{"case_id": "Zwanenburg", ', headers=headers)
    assert answer.status_code == 422 and answer.json()["error"] == "invalid_request"
    answer = backend.anonymous.post("/api/kiosk/cases", json={"case_id": "Zwanenburg"}, headers=kiosk.headers)
    assert answer.status_code == 422 and "Zwanenburg" not in answer.text
    assert set(answer.json()) == {"error", "detail"}
    login = backend.anonymous.post("/api/auth/login", json={"name": "Zwanenburg", "password": 12})
    assert login.status_code == 422 and "Zwanenburg" not in login.text


def test_health_answers_while_the_database_does(backend: Backend) -> None:
    answer = backend.anonymous.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_without_a_database_health_and_api_say_503(
    backend: Backend, postgres_server: PostgresServer, database_url: str
) -> None:
    officer = backend.sign_in(Role.OFFICER)
    kiosk = backend.kiosk()
    postgres_server.drop_database(database_url.rsplit("/", 1)[1])  # the database goes away under the app
    health = backend.anonymous.get("/healthz")
    assert health.status_code == 503 and health.json()["error"] == "database_unavailable"
    for answer in (officer.get("/api/auth/me"), backend.deliver(kiosk, payload_for(uuid.uuid4()))):
        assert answer.status_code == 503 and answer.json()["error"] == "database_unavailable"


def test_openapi_describes_every_api_route(backend: Backend) -> None:
    schema = backend.anonymous.get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/kiosk/cases", "/api/cases/{case_id}/claim", "/api/admin/retention", "/healthz"):
        assert path in paths
    claim = paths["/api/cases/{case_id}/claim"]["post"]
    assert {"401", "403", "404", "409"} <= set(claim["responses"])
    assert {"session", "csrf", "kioskToken"} <= set(schema["components"]["securitySchemes"])


def test_every_kind_of_service_refusal_has_its_own_status_code() -> None:
    """The services raise backend.services.errors and know no HTTP; a kind without a status would be a 500."""
    kinds = {kind for kind in vars(errors).values() if isinstance(kind, type) and issubclass(kind, errors.ServiceError)}
    assert kinds - {errors.ServiceError} == set(SERVICE_STATUS)
    assert len(set(SERVICE_STATUS.values())) == len(SERVICE_STATUS)
