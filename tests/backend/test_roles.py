"""Every HTTP route against every kind of caller: who is let in is decided on the server, route by route.

A route added to the app without a line in ADMITTED fails this test on purpose.
"""

from __future__ import annotations

import re
import uuid

import httpx
from fastapi.routing import iter_route_contexts

from backend.services.schemas import Role
from domain.wire import CASES_PATH, EVENTS_PATH, HEARTBEAT_PATH, PROVISIONING_PATH
from tests.backend.support import Backend, SignedIn

ANONYMOUS, KIOSK, OFFICER, PILOT, ADMIN = "anonymous", "kiosk", "officer", "pilot", "admin"
CALLERS = (ANONYMOUS, KIOSK, OFFICER, PILOT, ADMIN)
EVERYONE = frozenset(CALLERS)
PEOPLE = frozenset({OFFICER, PILOT, ADMIN})

ADMITTED: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/healthz"): EVERYONE,
    ("GET", PROVISIONING_PATH): frozenset({KIOSK}),
    ("POST", CASES_PATH): frozenset({KIOSK}),
    ("POST", EVENTS_PATH): frozenset({KIOSK}),
    ("POST", HEARTBEAT_PATH): frozenset({KIOSK}),
    ("POST", "/api/auth/login"): EVERYONE,
    ("POST", "/api/auth/logout"): PEOPLE,
    ("GET", "/api/auth/me"): PEOPLE,
    ("GET", "/api/auth/totp"): PEOPLE,
    ("POST", "/api/auth/totp/enrolment"): PEOPLE,
    ("POST", "/api/auth/totp/confirm"): PEOPLE,
    ("GET", "/api/cases"): frozenset({OFFICER}),
    ("GET", "/api/cases/{case_id}"): frozenset({OFFICER}),
    ("GET", "/api/cases/{case_id}/export.pdf"): frozenset({OFFICER}),
    ("GET", "/api/cases/{case_id}/export.json"): frozenset({OFFICER}),
    ("POST", "/api/cases/{case_id}/claim"): frozenset({OFFICER}),
    ("POST", "/api/cases/{case_id}/release"): frozenset({OFFICER}),
    ("POST", "/api/cases/{case_id}/status"): frozenset({OFFICER}),
    ("POST", "/api/cases/{case_id}/notes"): frozenset({OFFICER}),
    ("PUT", "/api/cases/{case_id}/identity"): frozenset({OFFICER}),
    ("PUT", "/api/cases/{case_id}/identity/photo"): frozenset({OFFICER}),
    ("GET", "/api/cases/{case_id}/identity/photo"): frozenset({OFFICER}),
    ("DELETE", "/api/cases/{case_id}/identity/photo"): frozenset({OFFICER}),
    ("POST", "/api/cases/{case_id}/statement"): frozenset({OFFICER}),

    ("GET", "/api/admin/kiosks"): frozenset({ADMIN}),
    ("POST", "/api/admin/kiosks"): frozenset({ADMIN}),
    ("POST", "/api/admin/kiosks/{kiosk_id}/revoke"): frozenset({ADMIN}),
    ("GET", "/api/admin/users"): frozenset({ADMIN}),
    ("POST", "/api/admin/users"): frozenset({ADMIN}),
    ("POST", "/api/admin/users/{user_id}/disable"): frozenset({ADMIN}),
    ("POST", "/api/admin/users/{user_id}/enable"): frozenset({ADMIN}),
    ("POST", "/api/admin/users/{user_id}/password"): frozenset({ADMIN}),
    ("POST", "/api/admin/users/{user_id}/unlock"): frozenset({ADMIN}),
    ("POST", "/api/admin/users/{user_id}/totp/reset"): frozenset({ADMIN}),
    ("GET", "/api/admin/totp-policy"): frozenset({ADMIN}),
    ("PUT", "/api/admin/totp-policy"): frozenset({ADMIN}),
    ("GET", "/api/admin/retention"): frozenset({ADMIN}),
    ("PUT", "/api/admin/retention"): frozenset({ADMIN}),
    ("POST", "/api/admin/purge"): frozenset({ADMIN}),
    ("GET", "/openapi.json"): EVERYONE,
    # web console (backend/http/routes/console_pages.py, console_api.py, dashboard.py): pages redirect strangers
    # to the login
    ("GET", "/"): EVERYONE,
    ("GET", "/console"): EVERYONE,
    ("GET", "/console/"): EVERYONE,
    ("GET", "/console/fonts/{name}"): EVERYONE,
    ("GET", "/console/queue"): frozenset({OFFICER}),
    ("GET", "/console/cases/{case_id}"): frozenset({OFFICER}),
    ("GET", "/console/dashboard"): frozenset({PILOT, ADMIN}),
    ("GET", "/console/admin"): frozenset({ADMIN}),
    ("GET", "/console/totp"): PEOPLE,
    ("GET", "/api/console/session"): PEOPLE,
    ("GET", "/api/console/labels"): PEOPLE,
    ("GET", "/api/dashboard"): frozenset({PILOT, ADMIN}),
    ("GET", "/api/dashboard.csv"): frozenset({PILOT, ADMIN}),
}


def http_routes(backend: Backend) -> list[tuple[str, str]]:
    """(method, path) of every HTTP route, also those inside included routers; mounts and websockets aside."""
    found = []
    for route in iter_route_contexts(backend.app.routes):
        if route.path and route.methods:
            found.extend((method, route.path) for method in sorted(route.methods - {"HEAD", "OPTIONS"}))
    return found


def is_refusal(answer: httpx.Response) -> bool:
    """401/403, or for a console page the redirect to the login page that returns there afterwards."""
    redirect = answer.status_code == 303 and answer.headers.get("location", "").startswith("/console/?next=")
    return answer.status_code in (401, 403) or redirect


class Callers:
    """A client as each caller and the headers it sends: bearer token, or session cookie plus CSRF token.

    One kiosk and one console session per role serve every request while they work: a request may end a session
    (logging out), so `/api/auth/me` is asked first and a new login replaces one that ended."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.kiosk = backend.kiosk()
        self.sessions: dict[Role, SignedIn] = {}

    def __call__(self, who: str) -> tuple[httpx.Client, dict[str, str]]:
        if who == ANONYMOUS:
            return self.backend.client(), {}
        if who == KIOSK:
            return self.backend.client(), self.kiosk.headers
        role = Role(who)
        session = self.backend.working_session(role, self.sessions)
        return session.client, {"X-CSRF-Token": session.csrf}


def test_every_route_is_in_the_matrix(backend: Backend) -> None:
    routes = http_routes(backend)
    assert {("POST", CASES_PATH), ("GET", "/api/cases/{case_id}"), ("PUT", "/api/admin/retention")} <= set(routes)
    missing = sorted(set(routes) - set(ADMITTED))
    assert not missing, f"routes without an access rule in ADMITTED: {missing}"


def test_every_route_admits_exactly_its_callers(backend: Backend) -> None:
    failures = []
    caller = Callers(backend)
    for method, path in http_routes(backend):
        if (method, path) not in ADMITTED:
            continue  # reported by test_every_route_is_in_the_matrix
        concrete = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        for who in CALLERS:
            client, headers = caller(who)
            answer = client.request(
                method, concrete, headers=headers, json={} if method != "GET" else None, follow_redirects=False
            )
            admitted = who in ADMITTED[(method, path)]
            refused = is_refusal(answer)
            if admitted == refused:
                failures.append(f"{who} {method} {path}: {answer.status_code} {answer.text[:80]}")
            if not admitted:
                expected = 401 if who in (ANONYMOUS, KIOSK) or ADMITTED[(method, path)] <= {KIOSK} else 403
                if answer.status_code != expected and path.startswith(("/api/", "/healthz")):
                    failures.append(f"{who} {method} {path}: expected {expected}, got {answer.status_code}")
    assert not failures, "\n".join(failures)


def test_a_pilot_sees_usage_and_never_a_case(backend: Backend) -> None:
    case_id, reference = backend.new_case()
    pilot = backend.sign_in(Role.PILOT)
    assert pilot.get("/api/dashboard").status_code == 200
    for path in ("/api/cases", f"/api/cases/{case_id}", f"/api/cases?reference={reference}"):
        answer = pilot.get(path)
        assert answer.status_code == 403 and reference not in answer.text


def test_a_kiosk_token_opens_nothing_but_the_kiosk_api(backend: Backend) -> None:
    case_id, _ = backend.new_case()
    kiosk = backend.kiosk()
    for path in ("/api/cases", f"/api/cases/{case_id}", "/api/admin/kiosks", "/api/dashboard", "/api/auth/me"):
        assert backend.anonymous.get(path, headers=kiosk.headers).status_code == 401
