"""The officer's check of the resident's identity document, and the rule it serves: an aangifte says who made it.

Kept: kind of document, issuing country, the last four characters of the number, whether the face matches, who
checked; encrypted like the answers, audited, printed in the PDF, purged with the case. Converting a case into an
aangifte needs a checked identity and a signature, or the officer's written reason why not."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from backend.services.schemas import Role
from backend.storage.models import AuditEntry, CaseIdentity
from domain.identity import COUNTRIES, DocumentType, check_identity, conversion_refusal
from domain.validation import Invalid
from tests.backend.support import Backend, SignedIn

PASSPORT = {"document_type": "passport", "issuing_country": "SY", "number_last4": "ab-12", "face_matches": True}


def claimed_case(backend: Backend) -> tuple[uuid.UUID, SignedIn]:
    case_id, _reference = backend.new_case()
    officer = backend.sign_in(Role.OFFICER)
    assert officer.post(f"/api/cases/{case_id}/claim").status_code == 200
    return case_id, officer


@pytest.mark.both_databases
def test_the_officer_records_the_document_and_it_is_kept_encrypted_audited_and_shown(backend: Backend) -> None:
    case_id, officer = claimed_case(backend)
    answer = officer.put(f"/api/cases/{case_id}/identity", json=PASSPORT)
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert (view["document_type"], view["issuing_country"], view["number_last4"], view["face_matches"]) == (
        "passport", "SY", "AB12", True)
    assert view["verified_by"] == officer.name
    case = officer.get(f"/api/cases/{case_id}").json()
    assert case["identity"]["number_last4"] == "AB12"
    with backend.services.db.read() as session:
        stored = session.scalars(select(CaseIdentity)).one()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "identity_checked")).one()
    # an attacker with the database file reads no document detail
    assert stored.ciphertext is not None and b"AB12" not in stored.ciphertext and b"passport" not in stored.ciphertext
    assert audit.case_id == case_id and audit.subject == "face matches"
    labels = officer.get("/api/console/labels").json()
    assert labels["countries"]["SY"] == "Syrië" and labels["documents"]["residence_document"] == "Verblijfsdocument"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"issuing_country": "XX"}, "issuing_country"),
        ({"number_last4": "12$4"}, "number_last4"),
        ({"number_last4": "123 45"}, "number_last4"),
    ],
)
def test_a_check_that_does_not_fit_is_refused_naming_the_field_not_the_value(
    backend: Backend, change: dict[str, str], field: str
) -> None:
    case_id, officer = claimed_case(backend)
    answer = officer.put(f"/api/cases/{case_id}/identity", json={**PASSPORT, **change})
    assert answer.status_code == 422
    assert answer.json()["error"] == field and next(iter(change.values())) not in answer.text
    assert officer.put(f"/api/cases/{case_id}/identity", json={**PASSPORT, "document_type": "bsn"}).status_code == 422


def test_only_the_officer_who_claimed_the_case_records_an_identity(backend: Backend) -> None:
    case_id, _officer = claimed_case(backend)
    other = backend.sign_in(Role.OFFICER)
    answer = other.put(f"/api/cases/{case_id}/identity", json=PASSPORT)
    assert answer.status_code == 403 and answer.json()["error"] == "not_your_case"
    pilot = backend.sign_in(Role.PILOT)
    assert pilot.put(f"/api/cases/{case_id}/identity", json=PASSPORT).status_code == 403


def test_converting_needs_identity_and_signature_or_a_written_reason(backend: Backend) -> None:
    case_id, officer = claimed_case(backend)
    path = f"/api/cases/{case_id}"
    refused = officer.post(f"{path}/status", json={"status": "converted"})
    assert refused.status_code == 409 and refused.json()["error"] == "identity_and_signature_needed"
    blank = officer.post(f"{path}/status", json={"status": "converted", "reason": "   "})
    assert blank.status_code == 422  # an empty reason is no reason
    officer.put(f"{path}/identity", json=PASSPORT)
    still = officer.post(f"{path}/status", json={"status": "converted"})
    assert still.status_code == 409  # the identity is there; the signature is not
    done = officer.post(
        f"{path}/status", json={"status": "converted", "reason": "verklaring op papier ondertekend aan de balie"})
    assert done.status_code == 200 and done.json()["status"] == "converted"
    notes = [note["text"] for note in officer.get(path).json()["notes"]]
    assert notes == ["Omgezet in aangifte zonder handtekening: verklaring op papier ondertekend aan de balie"]


def test_the_pdf_prints_the_check_and_the_purge_removes_it(backend: Backend, tmp_path: Path) -> None:
    case_id, officer = claimed_case(backend)
    officer.put(f"/api/cases/{case_id}/identity", json={**PASSPORT, "face_matches": False})
    pdf = officer.get(f"/api/cases/{case_id}/export.pdf")
    assert pdf.status_code == 200
    if shutil.which("pdftotext") is not None:
        (tmp_path / "case.pdf").write_bytes(pdf.content)
        text = subprocess.run(["pdftotext", str(tmp_path / "case.pdf"), "-"], capture_output=True, check=True,
                              text=True).stdout  # fmt: skip
        assert "Paspoort, uitgegeven door Syrië" in text and "eindigt op AB12" in text
        assert "komt NIET overeen" in text
    officer.post(f"/api/cases/{case_id}/status", json={"status": "referred"})
    backend.set_clock(backend.services.clock() + timedelta(days=400))
    assert backend.services.retention.purge(backend.services.clock()) == 1
    with backend.services.db.read() as session:
        assert session.scalars(select(CaseIdentity)).one().ciphertext is None
    later = backend.sign_in(Role.OFFICER)  # a year on: the first session has long ended
    assert later.get(f"/api/cases/{case_id}").json()["identity"]["number_last4"] is None


@settings(max_examples=200)
@given(
    kind=st.sampled_from([*DocumentType, "bsn", ""]),
    country=st.one_of(st.sampled_from(sorted(COUNTRIES)), st.text(max_size=4)),
    last4=st.text(max_size=10),
    face=st.booleans(),
)
def test_every_accepted_check_is_in_normal_form_and_keeps_four_characters_at_most(
    kind: str, country: str, last4: str, face: bool
) -> None:
    try:
        check = check_identity(kind, country, last4, face)
    except Invalid:
        return
    assert check.issuing_country in COUNTRIES
    assert len(check.number_last4) == 4 and check.number_last4.isascii() and check.number_last4.isalnum()
    assert check.number_last4 == check.number_last4.upper()


@given(identity=st.booleans(), signed=st.booleans(), reason=st.one_of(st.none(), st.text(max_size=20)))
def test_conversion_is_allowed_exactly_with_both_or_a_reason(identity: bool, signed: bool, reason: str | None) -> None:
    allowed = conversion_refusal(identity, signed, reason) is None
    assert allowed == ((identity and signed) or bool(reason and reason.strip()))
