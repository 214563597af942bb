"""Retention: the personal data of finished cases goes after the configured days; the fact stays audited."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.http.app import create_app
from backend.services.schemas import Role
from backend.storage.models import AuditEntry, Case, CaseNote
from tests.backend.support import Backend, KioskAccount, SignedIn, payload_for

pytestmark = pytest.mark.both_databases  # about SQL semantics: SQLite and PostgreSQL


def finish(
    backend: Backend, status: str = "closed", note: str = "belde terug", kiosk: KioskAccount | None = None
) -> tuple[uuid.UUID, SignedIn]:
    case_id, _ = backend.new_case(kiosk)
    officer = backend.sign_in(Role.OFFICER)
    assert officer.post(f"/api/cases/{case_id}/claim").status_code == 200
    assert officer.post(f"/api/cases/{case_id}/notes", json={"text": note}).status_code == 201
    assert officer.post(f"/api/cases/{case_id}/status", json={"status": status}).status_code == 200
    return case_id, officer


def test_purge_removes_payload_and_notes_of_old_finished_cases_only(backend: Backend) -> None:
    start = backend.services.clock()
    backend.set_clock(start)
    closed, officer = finish(backend, "closed")
    referred, _ = finish(backend, "referred")
    open_case, _ = backend.new_case()
    claimed, _ = backend.new_case()
    officer.post(f"/api/cases/{claimed}/claim")
    admin = backend.sign_in(Role.ADMIN)
    admin.put("/api/admin/retention", json={"retention_days": 30})

    backend.set_clock(start + timedelta(days=29))
    admin = backend.sign_in(Role.ADMIN)  # sessions do not last weeks
    assert admin.post("/api/admin/purge").json() == {"purged_cases": 0}
    backend.set_clock(start + timedelta(days=31))
    admin = backend.sign_in(Role.ADMIN)
    assert admin.post("/api/admin/purge").json() == {"purged_cases": 2}
    assert admin.post("/api/admin/purge").json() == {"purged_cases": 0}

    with backend.services.db.read() as session:
        rows = {case.id: case for case in session.scalars(select(Case))}
        notes = {note.case_id: note.ciphertext for note in session.scalars(select(CaseNote))}
        purges = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "case_purged")))
    assert rows[closed].payload_ciphertext is None and rows[referred].payload_ciphertext is None
    assert rows[closed].purged_at is not None and rows[closed].reference and rows[closed].payload_digest
    assert rows[open_case].payload_ciphertext is not None and rows[claimed].payload_ciphertext is not None
    assert notes[closed] is None and notes[referred] is None
    assert {entry.case_id for entry in purges} == {closed, referred}
    assert all(entry.subject is None and entry.actor_name == admin.name for entry in purges)

    reader = backend.sign_in(Role.OFFICER)
    detail = reader.get(f"/api/cases/{closed}").json()
    assert detail["purged"] is True and detail["answers"] is None and detail["translations"] is None
    assert [note["text"] for note in detail["notes"]] == [None]
    assert reader.post(f"/api/cases/{closed}/notes", json={"text": "late"}).status_code == 403


def test_a_retry_after_the_purge_is_still_recognised(backend: Backend) -> None:
    kiosk = backend.kiosk()
    case_id, _ = finish(backend, kiosk=kiosk)
    payload = payload_for(case_id)  # finish() delivered exactly this payload, from this kiosk
    backend.set_clock(backend.services.clock() + timedelta(days=400))
    assert backend.services.retention.purge(backend.services.clock()) == 1
    again = backend.deliver(kiosk, payload)
    assert again.status_code == 200 and again.json()["duplicate"] is True


def test_serve_purges_on_its_own_at_start_up(backend: Backend) -> None:
    closed, _ = finish(backend)
    backend.set_clock(backend.services.clock() + timedelta(days=400))
    settings = replace(backend.services.settings, purge_interval_minutes=60)
    with TestClient(create_app(settings, backend.services)) as client:
        assert client.get("/healthz").status_code == 200
        for _ in range(600):  # the purge runs in a worker thread; wait for it, generously
            if purge_entries(backend):
                break
            time.sleep(0.05)
    assert [(entry.case_id, entry.actor_name) for entry in purge_entries(backend)] == [(closed, "system")]


def purge_entries(backend: Backend) -> list[AuditEntry]:
    with backend.services.db.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "case_purged")))
