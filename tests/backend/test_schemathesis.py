"""Schemathesis over /openapi.json: generated valid and invalid requests to every operation, each with the
credentials of its audience, must never produce a server error (and answers must match the schema)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from backend.http.auth import CSRF_HEADER, SESSION_COOKIE
from backend.services.schemas import Role
from tests.backend.support import Backend, SignedIn

pytestmark = pytest.mark.both_databases  # about SQL semantics: SQLite and PostgreSQL

# per operation and mode: PostgreSQL gets more (its constraints and types differ most from the generated input);
# together about 45 s of one core
EXAMPLES = {"postgresql": 10, "sqlite": 6}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


class Credentials:
    """Working credentials for each generated request, matching the operation's audience.

    A console session is kept per role while it works: a generated request may end it (log out, a changed
    password), so before each request `/api/auth/me` says whether it still does, and a new login replaces it
    when not. (A login for every request cost a third of this test's time.)"""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.kiosk = backend.kiosk()
        self.sessions: dict[Role, SignedIn] = {}

    def for_path(self, path: str) -> tuple[dict[str, str], dict[str, str]]:
        if path.startswith("/api/kiosk/"):
            return self.kiosk.headers, {}
        role = Role.OFFICER
        if path.startswith("/api/admin/"):
            role = Role.ADMIN
        elif path.startswith("/api/usage/"):
            role = Role.PILOT
        session = self.backend.working_session(role, self.sessions)
        return {CSRF_HEADER: session.csrf}, {SESSION_COOKIE: session.client.cookies[SESSION_COOKIE]}


def exercise(backend: Backend, operation: Any, mode: GenerationMode, credentials: Credentials) -> None:
    examples = EXAMPLES["sqlite" if backend.services.db.is_sqlite else "postgresql"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case: Any) -> None:
        headers, cookies = credentials.for_path(operation.path)
        case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE  # an operation without parameters has no invalid variants


PARTS = 3  # the operations in three tests, so pytest-xdist can run them side by side


@pytest.mark.slow  # the whole API under generated requests, a third of it per test
@pytest.mark.parametrize("part", range(PARTS))
def test_no_server_errors_for_generated_requests(backend: Backend, part: int) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", backend.app)
    credentials = Credentials(backend)
    backend.new_case(credentials.kiosk)
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=lambda op: op.label)
    assert len(operations) >= 25
    for operation in operations[part::PARTS]:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            exercise(backend, operation, mode, credentials)
