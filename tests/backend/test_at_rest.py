"""A copied database file reveals no one's name, address or story; neither do the logs."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from pathlib import Path

import pytest

from backend.services.schemas import Role
from tests.backend.support import Backend, payload_for
from tools.samples import ANSWERS, CONTACT, SECRETS

pytestmark = pytest.mark.both_databases  # about SQL semantics: SQLite and PostgreSQL

NOTE = "Mevrouw Oukili belt morgen over het slot"
PERSONAL = (*SECRETS, CONTACT["email"], "12345678", NOTE, "Oukili")


def fill(backend: Backend) -> None:
    kiosk = backend.kiosk(name="Kiosk Bibliotheek", location="Emmen, bibliotheek")
    officer = backend.sign_in(Role.OFFICER)
    for case_type in ANSWERS:
        case_id = uuid.uuid4()
        assert backend.deliver(kiosk, payload_for(case_id, case_type)).status_code == 201
        officer.get(f"/api/cases/{case_id}")
        officer.post(f"/api/cases/{case_id}/claim")
        assert officer.post(f"/api/cases/{case_id}/notes", json={"text": NOTE}).status_code == 201


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_copied_sqlite_file_holds_no_personal_data(backend: Backend, tmp_path: Path) -> None:
    fill(backend)
    source = Path(backend.services.db.engine.url.database or "")
    copy = tmp_path / "copied.sqlite"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)  # a consistent copy, WAL contents included
    files = [copy, *source.parent.glob(source.name + "*")]
    data = b"".join(path.read_bytes() for path in files)
    assert b"Emmen, bibliotheek" in data and b"Kiosk Bibliotheek" in data  # the grep does see stored text
    found = [secret for secret in PERSONAL if secret.encode() in data or secret.lower().encode() in data.lower()]
    assert not found, f"plaintext personal data in the database file: {found}"


def test_logs_carry_no_personal_data(backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fill(backend)
    bad = {**ANSWERS["bike_theft"], "phone": "Zwanenburg-Oukili"}
    backend.deliver(backend.kiosk(), payload_for(uuid.uuid4(), answers=bad))
    backend.anonymous.post("/api/auth/login", json={"name": "Zwanenburg-Oukili", "password": "Kerkstraat 12"})
    text = caplog.text
    assert not [secret for secret in PERSONAL if secret in text]
