"""A call's transcript, kept by the officer: sealed by the kiosk's own code (kiosk/call/transcript.py), listed as a
"gespreksverslag" in the resident's language, every turn readable with its Dutch, filed and never converted."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from backend.services.schemas import Role
from domain.chat import Caption
from domain.forms import TRANSCRIPT_CASE_TYPE
from kiosk.call.transcript import transcript_payload
from tests.backend.support import FORMS, Backend

SAID = "سرقت دراجتي أمام المحطة"


def turns() -> list[Caption]:
    return [
        Caption("c1", "resident", SAID, "ar", "Mijn fiets is gestolen bij het station.", "nl", "2026-12-06T13:40:02Z",
                3.1, "whisper-base 1.0", machine_translated=True),
        Caption("c2", "officer", "Welke kleur heeft de fiets?", "nl", "ما لون الدراجة؟", "ar", "2026-12-06T13:40:09Z",
                2.0, "whisper-base 1.0", speech_low_confidence=True, low_confidence=True, machine_translated=True),
    ]  # fmt: skip


@pytest.mark.both_databases
def test_a_kept_transcript_is_read_beside_its_case_and_filed(backend: Backend) -> None:
    kiosk = backend.kiosk()
    linked, _ = backend.new_case(kiosk, "bike_theft")
    now = datetime(2026, 12, 6, 13, 45, tzinfo=UTC)
    schema = FORMS.get(TRANSCRIPT_CASE_TYPE)
    built = transcript_payload(schema, "call-7", "ar", turns(), now, str(linked), "agent.jansen")
    case_id = uuid.uuid4()
    sent = backend.deliver(kiosk, replace(built, case_id=str(case_id)))
    assert sent.status_code == 201, sent.text
    officer = backend.sign_in(Role.OFFICER)
    listed = officer.get("/api/cases", params={"case_type": TRANSCRIPT_CASE_TYPE, "view": "new"}).json()
    [row] = listed["cases"]
    assert (row["language"], row["service_name"]) == ("ar", "Gespreksverslag videogesprek")
    assert SAID not in str(listed)  # what was said only inside the case, for an officer who opens it
    assert officer.post(f"/api/cases/{case_id}/claim").status_code == 200
    detail = officer.get(f"/api/cases/{case_id}").json()
    assert detail["kind"] == "gespreksverslag"
    shown = str(detail["sections"])
    for text in (SAID, "Mijn fiets is gestolen bij het station.", "ما لون الدراجة؟", "Getoond aan melder",
                 "Nederlands (machinevertaling)", "Onzeker, controleer", "whisper-base 1.0", str(linked)):  # fmt: skip
        assert text in shown, text
    assert sorted(move["status"] for move in detail["next_moves"]) == ["closed", "new"]
    refused = officer.post(f"/api/cases/{case_id}/status", json={"status": "converted"})
    assert refused.status_code == 409 and refused.json()["error"] == "invalid_transition"
    assert officer.post(f"/api/cases/{case_id}/status", json={"status": "closed"}).status_code == 200
