"""Officer case API: queue filters, audited reads, claims (also concurrent), status moves, notes, CSRF."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from backend.http.auth import CSRF_HEADER, SESSION_COOKIE
from backend.services.schemas import Role
from backend.storage.models import AuditEntry, CaseNote
from tests.backend.support import PASSWORD, Backend, LiveServer, payload_for, utc
from tools.samples import SECRETS


def audit_rows(backend: Backend, action: str) -> list[AuditEntry]:
    with backend.services.db.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.mark.both_databases
def test_queue_shows_routing_metadata_only_and_filters(backend: Backend) -> None:
    emmen, assen = backend.kiosk(location="Emmen"), backend.kiosk(location="Assen")
    bike, _ = backend.new_case(emmen, "bike_theft")
    fraud, fraud_reference = backend.new_case(assen, "online_fraud")
    arabic = uuid.uuid4()
    assert backend.deliver(emmen, payload_for(arabic, "nuisance_tip", language="ar")).status_code == 201
    officer = backend.sign_in(Role.OFFICER)

    everything = officer.get("/api/cases")
    assert everything.status_code == 200 and everything.json()["total"] == 3
    assert "answers" not in everything.text and not any(secret in everything.text for secret in SECRETS)

    def ids(**query: object) -> set[str]:
        answer = officer.get("/api/cases", params=query)
        assert answer.status_code == 200, answer.text
        return {case["id"] for case in answer.json()["cases"]}

    assert ids(case_type="online_fraud") == {str(fraud)}
    assert ids(location="Emmen") == {str(bike), str(arabic)}
    assert ids(language="ar") == {str(arabic)}
    assert ids(reference=fraud_reference.lower().replace("-", " ")) == {str(fraud)}
    assert ids(reference="nonsense") == set()
    assert officer.post(f"/api/cases/{bike}/claim").status_code == 200
    assert ids(view="claimed") == {str(bike)}
    assert officer.get("/api/cases", params={"view": "all"}).json()["total"] == 3
    assert officer.get("/api/cases", params={"view": "new"}).json()["counts"] == {"new": 2, "claimed": 1, "mine": 1}
    assert ids(view="mine") == {str(bike)}
    # created 2026-11-21 10:15 +01:00 on the kiosk (payload_for); age counts from then
    backend.set_clock(utc("2026-11-21T10:15:00+01:00") + timedelta(minutes=30))
    assert len(ids(min_age_minutes=20)) == 3 and ids(min_age_minutes=40) == set()
    assert len(ids(max_age_minutes=40)) == 3 and ids(max_age_minutes=20) == set()
    assert officer.get("/api/cases", params={"limit": 2}).json()["total"] == 3
    assert len(officer.get("/api/cases", params={"limit": 2}).json()["cases"]) == 2


@pytest.mark.both_databases
def test_every_read_of_personal_data_is_audited(backend: Backend) -> None:
    case_id, _ = backend.new_case()
    officer = backend.sign_in(Role.OFFICER)
    for _ in range(3):
        assert officer.get(f"/api/cases/{case_id}").status_code == 200
    reads = audit_rows(backend, "case_read")
    assert len(reads) == 3
    assert {(row.case_id, row.actor_name, str(row.actor_id)) for row in reads} == {
        (case_id, officer.name, officer.user_id)
    }
    assert all(row.subject is None for row in reads)
    officer.get("/api/cases")
    assert len(audit_rows(backend, "case_read")) == 3  # the queue shows no personal data: not a read


def test_claim_release_and_finish_follow_the_status_model(backend: Backend) -> None:
    case_id, _ = backend.new_case()
    first, second = backend.sign_in(Role.OFFICER), backend.sign_in(Role.OFFICER)
    path = f"/api/cases/{case_id}"

    assert first.post(f"{path}/status", json={"status": "closed"}).json()["error"] == "invalid_transition"
    claimed = first.post(f"{path}/claim")
    assert claimed.status_code == 200
    assert claimed.json()["claimed_by"] == first.name and claimed.json()["status"] == "claimed"
    assert set(claimed.json()["next_statuses"]) == {"new", "closed", "converted", "referred"}
    assert second.post(f"{path}/claim").status_code == 409
    assert second.post(f"{path}/status", json={"status": "closed"}).json()["error"] == "not_your_case"
    assert second.post(f"{path}/release").status_code == 403

    released = first.post(f"{path}/release")
    assert released.status_code == 200 and released.json()["status"] == "new" and released.json()["claimed_by"] is None
    assert first.post(f"{path}/release").status_code == 409
    assert second.post(f"{path}/claim").status_code == 200
    finished = second.post(f"{path}/status", json={"status": "converted", "reason": "melding, geen handtekening nodig"})
    assert finished.status_code == 200
    assert finished.json()["status"] == "converted" and finished.json()["closed_at"] is not None
    assert finished.json()["next_statuses"] == []
    for target in ("new", "claimed", "closed"):
        assert second.post(f"{path}/status", json={"status": target}).status_code == 409
    assert second.post(f"{path}/status", json={"status": "lost"}).status_code == 422
    moves = [row.subject for row in audit_rows(backend, "case_status")]
    assert moves == ["new->claimed", "claimed->new", "new->claimed", "claimed->converted"]


def test_unknown_cases_are_404(backend: Backend) -> None:
    officer = backend.sign_in(Role.OFFICER)
    missing = uuid.uuid4()
    assert officer.get(f"/api/cases/{missing}").status_code == 404
    assert officer.post(f"/api/cases/{missing}/claim").status_code == 404
    assert officer.post(f"/api/cases/{missing}/notes", json={"text": "x"}).status_code == 404
    assert officer.get("/api/cases/not-a-uuid").status_code == 422


@pytest.mark.both_databases
def test_concurrent_claims_have_exactly_one_winner(backend: Backend, live: LiveServer) -> None:
    officers = [backend.sign_in(Role.OFFICER) for _ in range(6)]
    cases = [backend.new_case()[0] for _ in range(5)]

    def claim(pair: tuple[int, uuid.UUID]) -> tuple[int, int]:
        index, case_id = pair
        officer = officers[index]
        answer = httpx.post(
            f"{live.url}/api/cases/{case_id}/claim",
            cookies={SESSION_COOKIE: officer.client.cookies[SESSION_COOKIE]},
            headers={CSRF_HEADER: officer.csrf},
            timeout=30,
        )
        return index, answer.status_code

    for case_id in cases:
        with ThreadPoolExecutor(max_workers=len(officers)) as pool:
            results = list(pool.map(claim, [(index, case_id) for index in range(len(officers))]))
        statuses = sorted(status for _, status in results)
        assert statuses == [200] + [409] * (len(officers) - 1)
        winner = next(officers[index] for index, status in results if status == 200)
        assert officers[0].get(f"/api/cases/{case_id}").json()["claimed_by"] == winner.name


@pytest.mark.both_databases
def test_a_claim_that_lost_the_race_between_its_read_and_its_update_gets_409(backend: Backend) -> None:
    """Officer A's claim has read the case as new; before its UPDATE runs, officer B claims and commits.

    On PostgreSQL both transactions really overlap: only the UPDATE's condition on the status and claimer just
    read stops A from overwriting B's claim, so A must get 409 "changed_meanwhile" (remove the condition and A
    wins, and this test fails). On SQLite a writer holds the database from its first read (BEGIN IMMEDIATE), so
    B waits for A, then finds the case claimed. Either way exactly one officer holds the case."""
    case_id, _ = backend.new_case()
    first, second = backend.sign_in(Role.OFFICER), backend.sign_in(Role.OFFICER)
    db = backend.services.db
    armed = threading.Event()
    armed.set()
    seen: dict[str, Any] = {}

    def second_claim() -> None:
        seen["second"] = second.post(f"/api/cases/{case_id}/claim")

    def before_update(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not (armed.is_set() and statement.lstrip().upper().startswith("UPDATE CASES")):
            return
        armed.clear()  # the first claim's UPDATE, about to run: now the second officer claims
        rival = threading.Thread(target=second_claim)
        rival.start()
        if db.is_sqlite:
            rival.join(0.3)
            seen["second_waited"] = rival.is_alive()  # it cannot get in while the first holds the database
            seen["rival"] = rival
        else:
            rival.join(30)
            assert not rival.is_alive()

    event.listen(db.engine, "before_cursor_execute", before_update)
    try:
        answer = first.post(f"/api/cases/{case_id}/claim")
    finally:
        event.remove(db.engine, "before_cursor_execute", before_update)
    assert not armed.is_set(), "the claim never reached its UPDATE"
    if db.is_sqlite:
        seen["rival"].join(30)
        assert seen["second_waited"]
        assert answer.status_code == 200
        assert (seen["second"].status_code, seen["second"].json()["error"]) == (409, "already_claimed")
        winner = first
    else:
        assert seen["second"].status_code == 200
        assert (answer.status_code, answer.json()["error"]) == (409, "changed_meanwhile")
        winner = second
    assert first.get(f"/api/cases/{case_id}").json()["claimed_by"] == winner.name


def test_notes_are_for_the_claiming_officer_and_stored_encrypted(backend: Backend) -> None:
    case_id, _ = backend.new_case()
    officer, colleague = backend.sign_in(Role.OFFICER), backend.sign_in(Role.OFFICER)
    notes = f"/api/cases/{case_id}/notes"
    assert officer.post(notes, json={"text": "called back"}).json()["error"] == "not_your_case"
    officer.post(f"/api/cases/{case_id}/claim")
    added = officer.post(notes, json={"text": "  Mevrouw Zwanenburg-Oukili belde terug  "})
    assert added.status_code == 201
    assert added.json()["text"] == "Mevrouw Zwanenburg-Oukili belde terug" and added.json()["author"] == officer.name
    assert colleague.post(notes, json={"text": "mine too"}).status_code == 403
    assert officer.post(notes, json={"text": "   "}).status_code == 422
    assert officer.post(notes, json={"text": "x" * 5001}).status_code == 422
    detail = colleague.get(f"/api/cases/{case_id}").json()
    assert [note["text"] for note in detail["notes"]] == ["Mevrouw Zwanenburg-Oukili belde terug"]
    with backend.services.db.read() as session:
        stored = session.scalars(select(CaseNote.ciphertext)).one()
    assert stored is not None and b"Zwanenburg" not in stored and b"belde" not in stored
    assert [row.case_id for row in audit_rows(backend, "note_added")] == [case_id]


def test_changes_need_the_sessions_csrf_token(backend: Backend) -> None:
    case_id, _ = backend.new_case()
    officer, other = backend.sign_in(Role.OFFICER), backend.sign_in(Role.OFFICER)
    claim = f"/api/cases/{case_id}/claim"
    assert officer.client.post(claim).json()["error"] == "csrf_failed"
    assert officer.client.post(claim, headers={CSRF_HEADER: "guess"}).status_code == 403
    assert officer.client.post(claim, headers={CSRF_HEADER: other.csrf}).status_code == 403
    assert officer.client.post(claim, headers={CSRF_HEADER: officer.csrf}).status_code == 200
    me = officer.get("/api/auth/me").json()
    assert me["csrf_token"] == officer.csrf and me["user"]["name"] == officer.name


def test_login_sets_a_strict_http_only_cookie_with_a_new_token_each_time(backend: Backend) -> None:
    name = backend.user(Role.OFFICER)
    client = backend.client()
    first = client.post("/api/auth/login", json={"name": name, "password": PASSWORD})
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie and "Secure" not in cookie
    token = client.cookies[SESSION_COOKIE]
    assert len(token) >= 43  # 32 random bytes, base64url
    client.post("/api/auth/login", json={"name": name, "password": PASSWORD})
    assert client.cookies[SESSION_COOKIE] != token
    stale = backend.client()
    stale.cookies.set(SESSION_COOKIE, token)
    assert stale.get("/api/auth/me").status_code == 401  # the old session ended at the new login
    assert [row.actor_name for row in audit_rows(backend, "login")] == [name, name]


def test_failed_logins_are_refused_alike_and_audited_without_unknown_names(backend: Backend) -> None:
    name = backend.user(Role.OFFICER)
    wrong = backend.anonymous.post("/api/auth/login", json={"name": name, "password": "not the password"})
    unknown = backend.anonymous.post("/api/auth/login", json={"name": "my password 123", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    failed = audit_rows(backend, "login_failed")
    assert [row.actor_name for row in failed] == [name, "unknown"]
    assert all("password" not in (row.subject or "") for row in failed)


@pytest.mark.both_databases
def test_sessions_end_when_idle_too_long_and_at_logout(backend: Backend) -> None:
    officer = backend.sign_in(Role.OFFICER)
    start = backend.services.clock()
    idle = timedelta(minutes=backend.services.settings.session_idle_minutes)
    backend.set_clock(start + idle - timedelta(minutes=2))
    assert officer.get("/api/auth/me").status_code == 200  # activity moves the idle deadline
    backend.set_clock(start + 2 * idle - timedelta(minutes=3))
    assert officer.get("/api/auth/me").status_code == 200
    backend.set_clock(start + 3 * idle)
    assert officer.get("/api/auth/me").json()["error"] == "session_expired"

    backend.set_clock(start)
    again = backend.sign_in(Role.OFFICER)
    assert again.post("/api/auth/logout").status_code == 204
    assert again.get("/api/auth/me").status_code == 401
    assert again.client.cookies.get(SESSION_COOKIE) is None


def test_secure_cookies_when_configured(backend: Backend) -> None:
    from dataclasses import replace

    backend.services.settings = replace(backend.services.settings, secure_cookies=True)
    name = backend.user(Role.OFFICER)
    answer = backend.client().post("/api/auth/login", json={"name": name, "password": PASSWORD})
    assert "Secure" in answer.headers["set-cookie"]


def test_case_answers_are_not_cached_by_browsers(backend: Backend) -> None:
    case_id, _ = backend.new_case()
    answer = backend.sign_in(Role.OFFICER).get(f"/api/cases/{case_id}")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.both_databases
def test_sessions_end_after_the_maximum_age_even_when_active(backend: Backend) -> None:
    officer = backend.sign_in(Role.OFFICER)
    start = backend.services.clock()
    max_age = timedelta(hours=backend.services.settings.session_max_hours)
    moment = start
    while moment + timedelta(minutes=20) < start + max_age:
        moment += timedelta(minutes=20)
        backend.set_clock(moment)
        assert officer.get("/api/auth/me").status_code == 200
    backend.set_clock(start + max_age + timedelta(minutes=1))
    assert officer.get("/api/auth/me").status_code == 401
