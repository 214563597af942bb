"""Call-back requests in the officers' list: sealed by the kiosk's own code, shown with the resident's language, called
back or not answered; one nobody answered goes back to the list for any officer to try again."""

from __future__ import annotations

import uuid

import pytest

from backend.services.schemas import Role
from tests.backend.support import Backend, payload_for
from tools.samples import CALLBACK_ANSWERS


@pytest.mark.both_databases
def test_a_call_back_is_called_back_or_tried_again_by_anyone(backend: Backend) -> None:
    case_id = uuid.uuid4()
    sent = backend.deliver(backend.kiosk(), payload_for(case_id, "callback", CALLBACK_ANSWERS, language="uk"))
    assert sent.status_code == 201, sent.text
    first, second = backend.sign_in(Role.OFFICER), backend.sign_in(Role.OFFICER)

    listed = first.get("/api/cases", params={"case_type": "callback", "view": "new"}).json()
    [row] = listed["cases"]
    # the language is in the list (an interpreter can be booked before dialling); the number only in the case
    assert (row["id"], row["language"], row["service_name"]) == (str(case_id), "uk", "Bel mij terug")
    assert "671234567" not in str(listed) and "67 123" not in str(listed)

    assert first.post(f"/api/cases/{case_id}/claim").status_code == 200
    detail = first.get(f"/api/cases/{case_id}").json()
    assert detail["kind"] == "terugbelverzoek"
    assert sorted(move["status"] for move in detail["next_moves"]) == ["closed", "new", "no_answer"]
    assert "+380671234567" in str(detail["sections"])  # as E.164: the officer dials it as it stands
    refused = first.post(f"/api/cases/{case_id}/status", json={"status": "converted"})
    assert refused.status_code == 409 and refused.json()["error"] == "invalid_transition"

    assert first.post(f"/api/cases/{case_id}/status", json={"status": "no_answer"}).status_code == 200
    again = second.get("/api/cases", params={"view": "new"}).json()
    assert [(r["id"], r["status"], r["status_name"]) for r in again["cases"]] == [
        (str(case_id), "no_answer", "Niet opgenomen")
    ]
    assert again["counts"]["new"] == 1
    assert second.post(f"/api/cases/{case_id}/claim").status_code == 200  # another officer tries later
    assert first.post(f"/api/cases/{case_id}/status", json={"status": "closed"}).status_code == 403
    assert second.post(f"/api/cases/{case_id}/status", json={"status": "closed"}).status_code == 200
    done = second.get("/api/cases", params={"view": "done"}).json()
    assert [r["status_name"] for r in done["cases"]] == ["Afgesloten"]


def test_a_report_is_never_marked_unanswered(backend: Backend) -> None:
    case_id, _ = backend.new_case(backend.kiosk(), "theft")
    officer = backend.sign_in(Role.OFFICER)
    assert officer.post(f"/api/cases/{case_id}/claim").status_code == 200
    assert "no_answer" not in [move["status"] for move in officer.get(f"/api/cases/{case_id}").json()["next_moves"]]
    refused = officer.post(f"/api/cases/{case_id}/status", json={"status": "no_answer"})
    assert refused.status_code == 409 and refused.json()["error"] == "invalid_transition"
