"""The statement and its signature across the seam: the backend composes the statement, the kiosk's own code seals the
signature (kiosk/call/signature.py), the backend links it to the case, checks its text against its digest, lets the
officer convert the case, and prints it; a text changed after signing fails the check loudly."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.services.schemas import Role
from backend.storage.models import Case
from domain.chat import StatementToSign, decode
from domain.forms import SIGNATURE_CASE_TYPE
from domain.statement import Stroke
from kiosk.call.signature import signature_payload
from tests.backend.support import FORMS, Backend, SignedIn, payload_for
from tools.samples import ANSWERS

SIGNATURE: tuple[Stroke, ...] = (((0.05, 0.6), (0.2, 0.3), (0.35, 0.7), (0.5, 0.4)), ((0.6, 0.5), (0.95, 0.45)))
PASSPORT = {"document_type": "passport", "issuing_country": "SY", "number_last4": "AB12", "face_matches": True}
ARABIC = "سرقت دراجتي أمام المحطة."


def arabic_case(backend: Backend) -> tuple[uuid.UUID, SignedIn]:
    case_id = uuid.uuid4()
    payload = payload_for(case_id, "bike_theft", {**ANSWERS["bike_theft"], "description": ARABIC}, language="ar")
    assert backend.deliver(backend.kiosk(), payload).status_code == 201
    officer = backend.sign_in(Role.OFFICER)
    assert officer.post(f"/api/cases/{case_id}/claim").status_code == 200
    return case_id, officer


def sign(backend: Backend, officer: SignedIn, case_id: uuid.UUID, strokes: tuple[Stroke, ...] | None) -> None:
    """What the console and the kiosk do: fetch the statement, seal the answer with the kiosk's code, deliver it."""
    answer = officer.post(f"/api/cases/{case_id}/statement")
    assert answer.status_code == 200, answer.text
    message = decode(answer.text)  # the data-channel message the console sends as it is: the kiosk checks it so
    assert isinstance(message, StatementToSign)
    payload = signature_payload(FORMS.get(SIGNATURE_CASE_TYPE), message.statement, message.digest, strokes,
                                datetime.now(UTC))  # fmt: skip
    assert backend.deliver(backend.kiosk(), payload).status_code == 201


def test_the_statement_shows_each_answer_in_dutch_and_in_the_residents_language(backend: Backend) -> None:
    case_id, officer = arabic_case(backend)
    message = decode(officer.post(f"/api/cases/{case_id}/statement").text)
    assert isinstance(message, StatementToSign)
    statement = message.statement
    assert (statement.case_id, statement.language) == (str(case_id), "ar")
    story = next(line for line in statement.lines if line.value == ARABIC)
    assert story.value_nl == "Mijn fiets is gestolen." and story.machine_translated
    assert story.label != story.label_nl  # the question in Arabic beside the Dutch
    brand = next(line for line in statement.lines if line.value_nl == "Gazelle")
    assert brand.value == "Gazelle"
    assert "naar waarheid" in statement.declaration_nl and statement.declaration != statement.declaration_nl
    other = backend.sign_in(Role.OFFICER)
    assert other.post(f"/api/cases/{case_id}/statement").status_code == 403  # only the officer handling it


def test_a_signed_statement_with_a_checked_identity_converts_the_case_and_is_printed(
    backend: Backend, tmp_path: Path
) -> None:
    case_id, officer = arabic_case(backend)
    sign(backend, officer, case_id, SIGNATURE)
    [signature] = officer.get(f"/api/cases/{case_id}").json()["signatures"]
    assert signature["signed"] and signature["check"] == "ok" and ARABIC in signature["statement_text"]
    assert signature["strokes"][1] == [[0.6, 0.5], [0.95, 0.45]]
    path = f"/api/cases/{case_id}"
    assert officer.post(f"{path}/status", json={"status": "converted"}).status_code == 409  # identity not checked
    officer.put(f"{path}/identity", json=PASSPORT)
    converted = officer.post(f"{path}/status", json={"status": "converted"})
    assert converted.status_code == 200, converted.text  # both there: no reason needed
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    (tmp_path / "case.pdf").write_bytes(officer.get(f"{path}/export.pdf").content)
    text = subprocess.run(["pdftotext", str(tmp_path / "case.pdf"), "-"], capture_output=True, check=True,
                          text=True).stdout  # fmt: skip
    flat = " ".join(text.split())
    assert "Verklaring, ondertekend op de kiosk" in flat and signature["digest"] in "".join(text.split())
    assert "in orde: de tekst is dezelfde als bij de ondertekening" in flat
    assert "Handtekening van de melder" in text


def test_a_statement_text_changed_after_signing_fails_the_check_loudly(backend: Backend, tmp_path: Path) -> None:
    case_id, officer = arabic_case(backend)
    sign(backend, officer, case_id, SIGNATURE)
    keys = backend.services.keys
    with backend.services.db.write() as session:  # someone with the database and the key edits the signed text
        holder = session.scalars(select(Case).where(Case.case_type == SIGNATURE_CASE_TYPE)).one()
        assert holder.payload_ciphertext is not None
        stored = json.loads(keys.decrypt(holder.payload_ciphertext))
        stored["answers"]["statement_text"] = stored["answers"]["statement_text"].replace("Gazelle", "Batavus")
        holder.payload_ciphertext = keys.encrypt(json.dumps(stored, ensure_ascii=False).encode())
    [signature] = officer.get(f"/api/cases/{case_id}").json()["signatures"]
    assert signature["check"] == "changed"
    officer.put(f"/api/cases/{case_id}/identity", json=PASSPORT)
    refused = officer.post(f"/api/cases/{case_id}/status", json={"status": "converted"})
    assert refused.status_code == 409  # a signature whose text changed counts for nothing
    if shutil.which("pdftotext") is not None:
        (tmp_path / "case.pdf").write_bytes(officer.get(f"/api/cases/{case_id}/export.pdf").content)
        text = subprocess.run(["pdftotext", str(tmp_path / "case.pdf"), "-"], capture_output=True, check=True,
                              text=True).stdout  # fmt: skip
        assert "MISLUKT: DE OPGESLAGEN TEKST IS GEWIJZIGD NA DE ONDERTEKENING" in " ".join(text.split())


def test_a_refusal_is_recorded_and_converting_then_needs_a_reason(backend: Backend) -> None:
    case_id, officer = arabic_case(backend)
    sign(backend, officer, case_id, None)
    [signature] = officer.get(f"/api/cases/{case_id}").json()["signatures"]
    assert not signature["signed"] and signature["strokes"] is None and signature["check"] == "ok"
    officer.put(f"/api/cases/{case_id}/identity", json=PASSPORT)
    assert officer.post(f"/api/cases/{case_id}/status", json={"status": "converted"}).status_code == 409
