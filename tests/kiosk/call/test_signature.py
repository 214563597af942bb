"""Signing the statement on the kiosk: what arrives over the data channel, what is sealed, what the officer hears.

The sealed signature is the real form (assets/forms/signed_statement.json) through the same validation the backend
runs again; the session runs with fakes for the network (tests/kiosk/call/fakes.py)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.chat import ChatError, StatementAnswer, StatementToSign, decode, encode
from domain.forms import SIGNATURE_CASE_TYPE, FormCatalog, default_assets_dir
from domain.plain_text import UnclearText, clean
from domain.statement import InvalidStatement, Statement, StatementLine, Stroke, digest_of, text_of
from domain.validation import validate
from kiosk.call.signature import signature_payload
from tests.kiosk.call.test_session import finish, start_call

SCHEMA = FormCatalog.load(default_assets_dir() / "forms").get(SIGNATURE_CASE_TYPE)
NOW = datetime(2026, 12, 6, 17, tzinfo=UTC)
SIGNATURE: tuple[Stroke, ...] = (((0.1, 0.5), (0.2, 0.4), (0.3, 0.6)), ((0.5, 0.5), (0.9, 0.5)))

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def statement(value: str = "سرقت دراجتي أمام المحطة.") -> Statement:
    return Statement(
        statement_id=str(uuid.uuid4()), case_id=str(uuid.uuid4()), reference="K7M-4QP", language="ar",
        lines=(
            StatementLine("Wat is er gebeurd?", "Mijn fiets is gestolen bij het station.", "ماذا حدث؟", value, True),
            StatementLine("Merk fiets", "Gazelle", "ماركة الدراجة", "Gazelle"),
        ),
        declaration_nl="Ik verklaar dat ik dit naar waarheid heb verteld.", declaration="أقر بأنني قلت الحقيقة.",
    )  # fmt: skip


def test_the_sealed_signature_keeps_the_text_to_the_letter_with_its_digest_and_strokes() -> None:
    signed = statement()
    digest = digest_of(text_of(signed))
    payload = signature_payload(SCHEMA, signed, digest, SIGNATURE, NOW)
    answers = payload.answers
    assert payload.case_type == SIGNATURE_CASE_TYPE and payload.language == "ar"
    assert answers["statement_text"] == text_of(signed) and digest_of(answers["statement_text"]) == digest
    assert answers["statement_case"] == signed.case_id and answers["statement_signed"] is True
    assert json.loads(answers["signature_strokes"]) == [[[0.1, 0.5], [0.2, 0.4], [0.3, 0.6]], [[0.5, 0.5], [0.9, 0.5]]]
    assert "[machinevertaling]" in answers["statement_text"]  # the officer's copy says which Dutch is machine-made
    refused = signature_payload(SCHEMA, signed, digest, None, NOW).answers
    assert refused["statement_signed"] is False and "signature_strokes" not in refused


def test_nothing_is_sealed_for_another_text_or_for_strokes_that_are_no_signature() -> None:
    signed = statement()
    with pytest.raises(InvalidStatement):
        signature_payload(SCHEMA, signed, digest_of("iets anders"), SIGNATURE, NOW)
    digest = digest_of(text_of(signed))
    for strokes in ((), (((1.5, 0.2),),), tuple(((0.5, 0.5),) for _ in range(61))):
        with pytest.raises(InvalidStatement):
            signature_payload(SCHEMA, signed, digest, strokes, NOW)


@given(st.text(max_size=300), st.booleans())
def test_for_every_answer_the_stored_text_is_the_signed_text(value: str, machine: bool) -> None:
    """Whatever the resident typed: either the statement cannot be made at all (unreadable characters), or the
    form stores its text unchanged, so the digest printed in the proces-verbaal can always be checked."""
    signed = statement(value)
    try:
        text = text_of(signed)
    except UnclearText:
        return
    assert clean(text, multiline=True) == text
    answers: dict[str, Any] = {"statement_id": signed.statement_id, "statement_case": signed.case_id,
                               "statement_text": text, "statement_digest": digest_of(text), "statement_signed": machine}
    checked = validate(SCHEMA, answers, now=NOW)
    assert checked.ok and checked.values["statement_text"] == text


def test_a_statement_whose_digest_does_not_match_is_refused_on_the_channel() -> None:
    signed = statement()
    good = StatementToSign(signed, digest_of(text_of(signed)))
    assert decode(encode(good)) == good
    with pytest.raises(ChatError):
        decode(encode(StatementToSign(signed, digest_of("other"))))


async def test_the_resident_signs_and_the_officer_hears_it_once_sealed() -> None:
    sealed: list[tuple[str, tuple[Stroke, ...] | None]] = []
    call = start_call(seal_statement=lambda s, digest, strokes: sealed.append((s.statement_id, strokes)))
    await call.connect()
    signed = statement()
    digest = digest_of(text_of(signed))
    call.peer.on_message(encode(StatementToSign(signed, digest)))
    await call.until(lambda: call.session.view.statement == signed)
    assert await call.session.sign_statement(SIGNATURE)
    assert sealed == [(signed.statement_id, SIGNATURE)]
    assert call.session.view.statement_answer == "signed"
    assert call.peer.received(StatementAnswer) == [StatementAnswer(signed.statement_id, digest, True)]
    assert not await call.session.sign_statement(SIGNATURE)  # once: a second tap seals nothing more
    await finish(call)


async def test_a_refusal_is_sealed_and_said_and_a_failed_seal_tells_nobody_it_was_signed() -> None:
    def broken(statement: Statement, digest: str, strokes: tuple[Stroke, ...] | None) -> None:
        raise InvalidStatement("no")

    call = start_call(seal_statement=broken)
    await call.connect()
    signed = statement()
    call.peer.on_message(encode(StatementToSign(signed, digest_of(text_of(signed)))))
    await call.until(lambda: call.session.view.statement is not None)
    assert not await call.session.sign_statement(None)
    assert call.session.view.statement_answer == "" and not call.peer.received(StatementAnswer)
    await finish(call)
