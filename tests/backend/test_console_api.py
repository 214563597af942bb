"""The console's own API and pages: idle timeout with polling, roles, the Dutch case view, audited exports,
the pilot dashboard's server-side k-anonymity and CSV, and uptime from heartbeats."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import event as sql_event
from sqlalchemy import select, update

from backend.http.console_auth import POLL_HEADER
from backend.http.routes.dashboard import HIDDEN
from backend.services.schemas import Role
from backend.storage.models import AuditEntry, Kiosk
from domain.wire import EVENTS_PATH, HEARTBEAT_PATH
from tests.backend.support import Backend, KioskAccount, SignedIn
from tests.backend.test_dashboard import session_events as folded_session

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday: week 2026-W48
BACKEND_DIR = Path(__file__).resolve().parents[2] / "backend" / "http"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def officer_with_case(backend: Backend) -> tuple[SignedIn, uuid.UUID, str]:
    backend.set_clock(T0)
    case_id, reference = backend.new_case()
    return backend.sign_in(Role.OFFICER), case_id, reference


def audit_subjects(backend: Backend, case_id: uuid.UUID) -> list[tuple[str, str | None]]:
    with backend.services.db.read() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id))
        return [(row.action, row.subject) for row in rows]


# --- sessions ------------------------------------------------------------------------------------------------


def test_polling_the_queue_does_not_keep_the_session_alive(backend: Backend) -> None:
    officer, _, _ = officer_with_case(backend)
    backend.set_clock(at(20))
    polled = officer.get("/api/cases", headers={POLL_HEADER: "1"})
    assert polled.status_code == 200
    assert datetime.fromisoformat(polled.json()["idle_expires_at"]) == at(30)
    backend.set_clock(at(31))
    assert officer.get("/api/cases", headers={POLL_HEADER: "1"}).status_code == 401


def test_a_console_request_checks_its_session_once(backend: Backend) -> None:
    officer, _, _ = officer_with_case(backend)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    sql_event.listen(backend.services.db.engine, "before_cursor_execute", seen)
    try:
        for headers in ({POLL_HEADER: "1"}, {}):
            statements.clear()
            assert officer.get("/api/cases", headers=headers).status_code == 200
            reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM sessions" in s]
            assert len(reads) == 1, reads
    finally:
        sql_event.remove(backend.services.db.engine, "before_cursor_execute", seen)


def test_a_real_request_does_keep_it_alive(backend: Backend) -> None:
    officer, _, _ = officer_with_case(backend)
    backend.set_clock(at(20))
    answer = officer.get("/api/cases")
    assert datetime.fromisoformat(answer.json()["idle_expires_at"]) == at(50)
    backend.set_clock(at(45))
    assert officer.get("/api/console/session", headers={POLL_HEADER: "1"}).status_code == 200


def test_the_session_endpoint_tells_the_page_when_it_ends(backend: Backend) -> None:
    backend.set_clock(T0)
    pilot = backend.sign_in(Role.PILOT)
    body = pilot.get("/api/console/session", headers={POLL_HEADER: "1"}).json()
    assert body["user"]["role"] == "pilot"
    assert body["idle_minutes"] == 30
    assert datetime.fromisoformat(body["idle_expires_at"]) == at(30)
    assert body["csrf_token"] == pilot.csrf


# --- roles and pages -----------------------------------------------------------------------------------------


def test_pilots_and_admins_get_403_on_every_case_url(backend: Backend) -> None:
    _, case_id, _ = officer_with_case(backend)
    for role in (Role.PILOT, Role.ADMIN):
        user = backend.sign_in(role)
        for path in (f"/api/cases/{case_id}", "/api/cases",
                     f"/api/cases/{case_id}/export.pdf", f"/api/cases/{case_id}/export.json"):
            assert user.get(path).status_code == 403, (role, path)
        page = user.get(f"/console/cases/{case_id}", follow_redirects=False)
        assert page.status_code == 403
        assert "Geen toegang" in page.text
    assert all(action != "case_read" for action, _ in audit_subjects(backend, case_id))


def test_pages_send_strangers_to_the_login_page(backend: Backend) -> None:
    client = backend.client()
    assert client.get("/", follow_redirects=False).headers["location"] == "/console/"
    assert client.get("/console", follow_redirects=False).headers["location"] == "/console/"
    queue = client.get("/console/queue", follow_redirects=False)
    assert queue.status_code == 303 and queue.headers["location"] == "/console/?next=/console/queue"
    login = client.get("/console/")
    assert login.status_code == 200 and '<html lang="nl">' in login.text
    assert "script-src 'self'" in login.headers["content-security-policy"]
    assert client.get("/api/cases").status_code == 401


def test_signed_in_users_go_to_the_home_of_their_role(backend: Backend) -> None:
    for role, home in ((Role.OFFICER, "/console/queue"), (Role.PILOT, "/console/dashboard"),
                       (Role.ADMIN, "/console/admin")):
        user = backend.sign_in(role)
        assert user.get("/console/", follow_redirects=False).headers["location"] == home


def test_every_console_asset_is_local() -> None:
    """No page or script loads anything from another host (the vendored Chart.js only names its homepage)."""
    pages, assets = list(BACKEND_DIR.glob("templates/console/*.html")), list(BACKEND_DIR.glob("static/console/**/*.*"))
    assert len(pages) >= 5 and len(assets) >= 10  # the check reads the files the console really serves
    for path in [*pages, *assets]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", text), path
        assert "url(http" not in text and "import(\"http" not in text, path


def test_assets_and_fonts_are_served(backend: Backend) -> None:
    client = backend.client()
    chart = client.get("/console/static/vendor/chart.umd.min.js")
    assert chart.status_code == 200 and "Chart" in chart.text[:2000]
    font = client.get("/console/fonts/NotoSansArabic-Regular.ttf")
    assert font.status_code == 200 and font.content[:4] == b"\x00\x01\x00\x00"
    assert client.get("/console/fonts/..%2Fforms%2Ftheft.json").status_code == 404


# --- the officer's case view and exports ---------------------------------------------------------------------


def test_the_case_view_is_dutch_and_audited(backend: Backend) -> None:
    officer, case_id, reference = officer_with_case(backend)
    body = officer.get(f"/api/cases/{case_id}").json()
    assert body["reference"] == reference
    assert body["status_name"] == "Nieuw"
    assert body["next_moves"] == [{"status": "claimed", "name": "In behandeling"}]
    rows = {row["field_id"]: row for section in body["sections"] for row in section["rows"]}
    assert rows["bike_brand"]["value"] == "Gazelle"
    description = rows["description"]
    assert description["value"] == "Mijn fiets is gestolen."
    assert description["translation"]["original"] == "My bike was locked at the station and gone in the evening."
    assert description["translation"]["source_language_name"] == "Engels"
    assert audit_subjects(backend, case_id)[-1] == ("case_read", None)


def test_exports_are_real_files_and_audited_as_exports(backend: Backend) -> None:
    officer, case_id, reference = officer_with_case(backend)
    before = audit_subjects(backend, case_id)
    pdf = officer.get(f"/api/cases/{case_id}/export.pdf")
    assert audit_subjects(backend, case_id) == [*before, ("case_read", "export:pdf")]  # one entry per export
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and reference.encode() in pdf.content
    assert f'filename="intake-{reference}.pdf"' in pdf.headers["content-disposition"]
    exported = officer.get(f"/api/cases/{case_id}/export.json").json()
    assert exported["reference"] == reference
    assert exported["answers"]["frame_number"] == "GZ1234567"  # as validate() normalised it on the kiosk
    assert exported["translations"]["description"]["dutch"] == "Mijn fiets is gestolen."
    subjects = audit_subjects(backend, case_id)
    assert ("case_read", "export:pdf") in subjects and ("case_read", "export:json") in subjects


@pytest.mark.both_databases
def test_the_queue_has_tabs_with_counts_and_ages(backend: Backend) -> None:
    officer, case_id, _ = officer_with_case(backend)
    backend.new_case(case_type="theft")
    backend.set_clock(at(20))
    assert officer.post(f"/api/cases/{case_id}/claim").status_code == 200
    other = backend.sign_in(Role.OFFICER)
    new = other.get("/api/cases?view=new").json()
    assert new["counts"] == {"new": 1, "claimed": 1, "mine": 0}
    assert [c["case_type"] for c in new["cases"]] == ["theft"]
    assert new["cases"][0]["service_name"] and new["cases"][0]["language_name"] == "Engels"
    created = datetime.fromisoformat(new["cases"][0]["created_at"])
    assert new["cases"][0]["age_minutes"] == int((at(20) - created).total_seconds() // 60)
    mine = officer.get("/api/cases?view=mine").json()
    assert [c["id"] for c in mine["cases"]] == [str(case_id)]
    assert officer.get("/api/cases?view=new&case_type=bike_theft").json()["cases"] == []


# --- pilot dashboard -----------------------------------------------------------------------------------------


def send_sessions(backend: Backend, kiosk: KioskAccount, count: int, **kwargs: Any) -> None:
    events = []
    for _ in range(count):
        for event in folded_session(**kwargs):
            events.append({
                "event_id": str(uuid.uuid4()), "session": str(event.session), "kind": event.kind,
                "at": (event.at + (T0 - datetime(2026, 11, 23, 9, 0, tzinfo=UTC))).isoformat(),
                "language": event.language, "service": event.service, "step": event.step,
                "reason": event.reason, "duration_ms": event.duration_ms, "rating": event.rating,
            })
    answer = backend.anonymous.post(EVENTS_PATH, json={"batch_id": str(uuid.uuid4()), "events": events},
                                    headers=kiosk.headers)
    assert answer.status_code == 200, answer.text


@pytest.mark.both_databases
def test_the_dashboard_never_shows_fewer_than_five_sessions(backend: Backend) -> None:
    backend.set_clock(at(60))
    big, small = backend.kiosk(location="Emmen"), backend.kiosk(location="Assen")
    send_sessions(backend, big, 9, language="en", rating=4)
    send_sessions(backend, big, 3, language="ar", steps=2, abandon="timeout")
    send_sessions(backend, small, 2, language="pl")
    pilot = backend.sign_in(Role.PILOT)
    data = pilot.get("/api/dashboard?week=2026-W48").json()
    assert data["sessions"] == 14 and data["k"] == 5
    languages = {row["language"]: row["sessions"] for row in data["languages"]}
    assert languages == {"en": 9, "ar": None, "pl": None}
    # Assen's 2 are hidden, and so are Emmen's 12, or 14 - 12 would give Assen away.
    assert {row["location"]: row["sessions"] for row in data["by_location"]} == {"Emmen": None, "Assen": None}
    only_assen = pilot.get("/api/dashboard?week=2026-W48&location=Assen").json()
    assert only_assen["sessions"] is None
    assert all(row["reached"] in (None, 0) for row in only_assen["funnel"])
    one_kiosk = pilot.get(f"/api/dashboard?week=2026-W48&kiosk={small.id}").json()
    assert one_kiosk["sessions"] is None and one_kiosk["languages"] == []  # a view of under 5 says nothing
    assert pilot.get("/api/dashboard?week=2026-W47").json()["sessions"] == 0


@pytest.mark.both_databases
def test_the_csv_holds_the_same_suppressed_aggregates(backend: Backend) -> None:
    backend.set_clock(at(60))
    kiosk = backend.kiosk(location="Emmen")
    send_sessions(backend, kiosk, 6, language="en", rating=5)
    send_sessions(backend, kiosk, 2, language="tr")
    pilot = backend.sign_in(Role.PILOT)
    answer = pilot.get("/api/dashboard.csv?week=2026-W48")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    value = {(r["section"], r["key"], r["measure"]): r["value"] for r in rows}
    assert value[("totaal", "", "sessies")] == "8"
    assert value[("languages", "tr", "sessies")] == HIDDEN
    assert value[("languages", "en", "sessies")] == HIDDEN  # 8 - 2 would give the 2 away
    # 6 of the 8 rated: showing the 6 would give away the 2 who did not
    assert value[("tevredenheid", "5", "sessies")] == HIDDEN
    assert value[("gesprekken", "", "aangevraagd")] == "0"
    assert not any(cell in {"1", "2", "3", "4"} for r in rows for cell in [r["value"]] if r["measure"] == "sessies")


def test_only_pilots_and_admins_see_the_dashboard(backend: Backend) -> None:
    assert backend.sign_in(Role.OFFICER).get("/api/dashboard").status_code == 403
    assert backend.sign_in(Role.ADMIN).get("/api/dashboard").status_code == 200
    assert backend.client().get("/api/dashboard.csv").status_code == 401
    assert backend.sign_in(Role.PILOT).get("/api/dashboard?week=2026-W54").status_code == 422


@pytest.mark.both_databases
def test_uptime_counts_five_minute_slots_with_a_heartbeat(backend: Backend) -> None:
    kiosk = backend.kiosk(location="Emmen")
    with backend.services.db.write() as session:  # made at T0, whatever the wall clock says
        session.execute(update(Kiosk).where(Kiosk.id == kiosk.id).values(created_at=T0))
    beat = {"outbox_pending": 0, "oldest_pending_seconds": 0, "app_version": "1", "translation_ready": True}
    for minute in (0, 1, 2, 5, 10, 16):  # three beats in the first slot count once: slots 0-5-10-15 are up
        backend.set_clock(at(minute))
        assert backend.anonymous.post(HEARTBEAT_PATH, json=beat, headers=kiosk.headers).status_code == 204
    backend.set_clock(at(40))  # 8 slots have passed since the kiosk was made, 4 had a heartbeat
    data = backend.sign_in(Role.PILOT).get("/api/dashboard?week=2026-W48").json()
    (row,) = data["uptime"]
    assert row["uptime"] == 0.5
    bad = backend.anonymous.post(HEARTBEAT_PATH, json=beat, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


@pytest.mark.both_databases
def test_the_csv_never_hands_a_spreadsheet_a_formula(backend: Backend) -> None:
    """Kiosk names, locations and the filter are typed by people: OWASP's CSV injection rule holds for each cell."""
    backend.set_clock(at(60))
    hostile = '=HYPERLINK("http://evil.example","klik")'
    kiosk = backend.kiosk(name="+31 bibliotheek", location=hostile)
    send_sessions(backend, kiosk, 6, language="en")
    pilot = backend.sign_in(Role.PILOT)
    for query in ("week=2026-W48", f"week=2026-W48&location={quote(hostile)}", "week=2026-W48&location=%40SUM(A1)"):
        answer = pilot.get(f"/api/dashboard.csv?{query}")
        assert answer.status_code == 200, answer.text
        cells = [cell for row in csv.reader(io.StringIO(answer.text)) for cell in row]
        assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))], query
    answer = pilot.get(f"/api/dashboard.csv?week=2026-W48&location={quote(hostile)}")
    scoped = list(csv.DictReader(io.StringIO(answer.text)))
    assert {row["location"] for row in scoped} == {"'" + hostile}
    assert ("'" + hostile, "6") in {(row["key"], row["value"]) for row in scoped if row["section"] == "by_location"}
    assert "'+31 bibliotheek" in {row["key"] for row in scoped if row["section"] == "by_kiosk"}
