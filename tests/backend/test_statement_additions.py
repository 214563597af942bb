"""The officer's corrections and additions in the statement: sent with POST /api/cases/{id}/statement in Dutch,
composed into the statement the kiosk checks by its digest, translated there and signed, then stored and printed
by the signature code as signed. Refusals name the rule (error "additions") and never quote the text."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import unicodedata
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.chat import StatementToSign, decode
from domain.forms import SIGNATURE_CASE_TYPE
from domain.statement import MACHINE_MARK, MAX_ADDITION_CHARS, MAX_ADDITIONS, Addition, digest_of, text_of
from kiosk.call.signature import signature_payload
from tests.backend.support import FORMS, Backend, SignedIn
from tests.backend.test_console_api import audit_subjects
from tests.backend.test_signatures import SIGNATURE, arabic_case

LOCK = "Het slot was doorgeknipt, niet opengebroken."
COLOUR = "De fiets is blauw, niet zwart."
LOCK_AR = "كان القفل مقطوعًا وليس مكسورًا."
COLOUR_AR = "الدراجة زرقاء وليست سوداء."
SECRET = "Geheimnummer-7731"  # in every refused text: the answer must never repeat it


def statement_with(officer: SignedIn, case_id: uuid.UUID, additions: list[str]) -> StatementToSign:
    answer = officer.post(f"/api/cases/{case_id}/statement", json={"additions": additions})
    assert answer.status_code == 200, answer.text
    message = decode(answer.text)  # checks the statement's rules and that the digest is that of its text
    assert isinstance(message, StatementToSign)
    return message


def test_the_additions_come_after_the_answers_in_order_and_the_digest_covers_them(backend: Backend) -> None:
    case_id, officer = arabic_case(backend)
    message = statement_with(officer, case_id, [f"  {LOCK}  ", "De fiets is blauw,\tniet zwart."])
    statement = message.statement
    assert statement.additions == (Addition(LOCK), Addition(COLOUR))  # stripped, one line, for the kiosk to translate
    text = text_of(statement)
    assert f"Aanvulling van de agent: {LOCK}\nAanvulling van de agent: {COLOUR}\n" in text
    assert text.index("Gazelle") < text.index(LOCK) < text.index("naar waarheid")
    assert message.digest == digest_of(text)
    plain = dataclasses.replace(statement, additions=())
    assert digest_of(text_of(plain)) != message.digest  # leaving them out would not match what was sent
    bodies: tuple[dict[str, list[str]] | None, ...] = ({}, {"additions": []}, None)
    for body in bodies:  # no additions (or no body at all): the statement as before
        answer = officer.post(f"/api/cases/{case_id}/statement", json=body)
        assert answer.status_code == 200, answer.text
        again = decode(answer.text)
        assert isinstance(again, StatementToSign) and again.statement.additions == ()
    subjects = [subject for action, subject in audit_subjects(backend, case_id) if action == "case_read"]
    assert subjects[-4:] == ["statement, 2 additions", "statement", "statement", "statement"]  # never their text


@pytest.mark.parametrize(
    "additions",
    [
        [f"{SECRET} {n}" for n in range(MAX_ADDITIONS + 1)],
        [SECRET + "x" * (MAX_ADDITION_CHARS + 1 - len(SECRET))],
        [LOCK, " \u200b \t"],  # nothing anyone could read
        [f"{SECRET} \x07"],  # a control character
        [f"{SECRET} \ud800"],  # a lone surrogate, as JSON allows
    ],
    ids=["too_many", "too_long", "empty", "control_character", "lone_surrogate"],
)
def test_additions_that_do_not_fit_are_refused_without_quoting_them(backend: Backend, additions: list[str]) -> None:
    case_id, officer = arabic_case(backend)
    before = audit_subjects(backend, case_id)
    body = json.dumps({"additions": additions})  # ASCII, escaped: a lone surrogate travels as JSON allows
    answer = officer.post(f"/api/cases/{case_id}/statement", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "additions"
    assert SECRET not in answer.text and "xxxxxxxxxx" not in answer.text
    assert audit_subjects(backend, case_id) == before  # refused before the case was read


def test_an_exact_limit_is_allowed(backend: Backend) -> None:
    case_id, officer = arabic_case(backend)
    many = [f"Aanvulling {n}" for n in range(MAX_ADDITIONS - 1)] + ["x" * MAX_ADDITION_CHARS]
    assert len(statement_with(officer, case_id, many).statement.additions) == MAX_ADDITIONS


def test_additions_translated_on_the_kiosk_are_signed_stored_and_printed(backend: Backend, tmp_path: Path) -> None:
    case_id, officer = arabic_case(backend)
    sent = statement_with(officer, case_id, [LOCK, COLOUR])
    # the kiosk puts the resident's language beside each addition (a machine translation) and signs that text
    arabic = {LOCK: LOCK_AR, COLOUR: COLOUR_AR}
    shown = dataclasses.replace(sent.statement, additions=tuple(
        Addition(a.text_nl, arabic[a.text_nl], True) for a in sent.statement.additions))  # fmt: skip
    payload = signature_payload(FORMS.get(SIGNATURE_CASE_TYPE), shown, digest_of(text_of(shown)), SIGNATURE,
                                datetime.now(UTC))  # fmt: skip
    assert backend.deliver(backend.kiosk(), payload).status_code == 201
    [signature] = officer.get(f"/api/cases/{case_id}").json()["signatures"]
    assert signature["signed"] and signature["check"] == "ok"
    assert signature["statement_text"] == text_of(shown) and signature["digest"] == digest_of(text_of(shown))
    assert f"Aanvulling van de agent: {LOCK}\n(ar) {LOCK_AR} {MACHINE_MARK}\n" in signature["statement_text"]
    assert f"Aanvulling van de agent: {COLOUR}\n(ar) {COLOUR_AR} {MACHINE_MARK}\n" in signature["statement_text"]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    (tmp_path / "case.pdf").write_bytes(officer.get(f"/api/cases/{case_id}/export.pdf").content)
    text = subprocess.run(["pdftotext", str(tmp_path / "case.pdf"), "-"], capture_output=True, check=True,
                          text=True).stdout  # fmt: skip
    lines = [unicodedata.normalize("NFKC", line).strip() for line in text.splitlines()]  # shaped Arabic, unshaped
    for dutch, word in ((LOCK, "القفل"), (COLOUR, "زرقاء")):  # each addition, and the Arabic beside it, marked
        beside = lines[lines.index(f"Aanvulling van de agent: {dutch}") + 1]
        assert beside.startswith("(ar)") and word in beside and beside.endswith(MACHINE_MARK)
    assert "in orde: de tekst is dezelfde als bij de ondertekening" in " ".join(text.split())
