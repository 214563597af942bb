"""Signing the statement on the kiosk: what arrives over the data channel, what is sealed, what the officer hears.

The sealed signature is the real form (assets/forms/signed_statement.json) through the same validation the backend
runs again; the session runs with fakes for the network (tests/kiosk/call/fakes.py)."""

from __future__ import annotations

import asyncio
import json
import uuid
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.chat import ChatError, StatementAnswer, StatementToSign, decode, encode
from domain.forms import SIGNATURE_CASE_TYPE, FormCatalog, default_assets_dir
from domain.payload import CasePayload
from domain.plain_text import UnclearText, clean
from domain.statement import (
    MAX_ADDITION_CHARS,
    Addition,
    InvalidStatement,
    Statement,
    StatementLine,
    Stroke,
    check_statement,
    digest_of,
    text_of,
)
from domain.translation_reasons import TranslationReason
from domain.validation import validate
from kiosk.call.chat import ChatTranslation
from kiosk.call.records import CallRecords, translated_additions
from kiosk.call.signature import signature_payload
from kiosk.call.view import CallPhase, CallView
from kiosk.translation.result import TranslationResult, untranslated
from tests.kiosk.call.fakes import TaggingTranslator
from tests.kiosk.call.test_session import Call, finish, start_call

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


# ----- the officer's additions: in the resident's language before they read it, signed as shown --------------------
ADDITIONS_NL = ("Het slot was niet doorgeknipt maar opengebroken.", "Er stond een getuige bij de fietsenstalling.")
ARABIC = {ADDITIONS_NL[0]: "لم يُقطع القفل، بل كُسر.", ADDITIONS_NL[1]: "كان هناك شاهد عند موقف الدراجات."}


class Dictionary(TaggingTranslator):
    """Knows the additions' Arabic."""

    def submit(self, text: str, source: str, target: str) -> Future[TranslationResult]:
        self.asked.append((text, source, target))
        done: Future[TranslationResult] = Future()
        done.set_result(TranslationResult(text, source, target, ARABIC[text]))
        return done


class NoModel(TaggingTranslator):
    def submit(self, text: str, source: str, target: str) -> Future[TranslationResult]:
        self.asked.append((text, source, target))
        done: Future[TranslationResult] = Future()
        done.set_result(untranslated(text, source, target, TranslationReason.NO_MODEL))
        return done


def with_additions(*texts: str) -> Statement:
    """As the backend sends it: the officer's Dutch, no translation."""
    return replace(statement(), additions=tuple(Addition(text) for text in texts))


def sealing_call(translator: TaggingTranslator) -> tuple[Call, list[CasePayload]]:
    """An Arabic resident's call whose signatures are sealed as the kiosk seals them (the real form)."""
    sealed: list[CasePayload] = []

    def seal(signed: Statement, digest: str, strokes: tuple[Stroke, ...] | None) -> None:
        sealed.append(signature_payload(SCHEMA, signed, digest, strokes, NOW))

    return start_call(seal_statement=seal, translator=translator), sealed


async def test_the_officers_additions_are_shown_in_arabic_and_signed_exactly_as_shown() -> None:
    call, sealed = sealing_call(Dictionary())
    await call.connect()
    sent = with_additions(*ADDITIONS_NL)
    call.peer.on_message(encode(StatementToSign(sent, digest_of(text_of(sent)))))
    await call.until(lambda: call.session.view.statement is not None)
    shown = call.session.view.statement
    assert shown is not None
    assert shown.additions == tuple(Addition(nl, ARABIC[nl], True) for nl in ADDITIONS_NL)  # both, in order
    assert replace(shown, additions=sent.additions) == sent  # nothing else changed
    assert call.translator.asked == [(nl, "nl", "ar") for nl in ADDITIONS_NL]
    # the resident never saw the statement before its additions were in Arabic
    assert all(view.statement in (None, shown) for view in call.views)

    assert await call.session.sign_statement(SIGNATURE)
    (payload,) = sealed
    text, digest = payload.answers["statement_text"], digest_of(text_of(shown))
    assert text == text_of(shown) and payload.answers["statement_digest"] == digest != digest_of(text_of(sent))
    for nl in ADDITIONS_NL:
        assert f"Aanvulling van de agent: {nl}\n(ar) {ARABIC[nl]} [machinevertaling]" in text
    assert text.index(ADDITIONS_NL[0]) < text.index(ADDITIONS_NL[1]) < text.index(sent.declaration_nl)
    assert call.peer.received(StatementAnswer) == [StatementAnswer(sent.statement_id, digest, True)]
    await finish(call)


async def test_without_a_translation_the_dutch_is_shown_and_signed_as_the_officer_sent_it() -> None:
    call, sealed = sealing_call(NoModel())
    await call.connect()
    sent = with_additions(ADDITIONS_NL[0])
    digest = digest_of(text_of(sent))
    call.peer.on_message(encode(StatementToSign(sent, digest)))
    await call.until(lambda: call.session.view.statement is not None)
    assert call.session.view.statement == sent  # text "": the screen shows the Dutch and says it is not translated
    assert await call.session.sign_statement(SIGNATURE)
    (payload,) = sealed
    assert payload.answers["statement_digest"] == digest and payload.answers["statement_text"] == text_of(sent)
    assert f"Aanvulling van de agent: {ADDITIONS_NL[0]}\n{sent.declaration_nl}" in payload.answers["statement_text"]
    assert call.peer.received(StatementAnswer) == [StatementAnswer(sent.statement_id, digest, True)]
    await finish(call)


async def test_a_statement_sent_again_replaces_one_still_being_translated() -> None:
    """CallRecords on its own, its translation task in the test's hands: the late translation of the first statement
    finishes after the second arrived, and is dropped."""
    view = CallView("c1", CallPhase.CONNECTED)
    tasks: list[asyncio.Task[Any]] = []
    release = asyncio.Event()

    def update(**changes: Any) -> None:
        nonlocal view
        view = replace(view, **changes)

    async def translate(text: str, source: str, target: str) -> TranslationResult:
        await release.wait()
        return TranslationResult(text, source, target, ARABIC[text])

    sealed: list[str] = []
    records = CallRecords(lambda: view, update, lambda _text, _keep: None, None,
                          lambda signed, _digest, _strokes: sealed.append(signed.statement_id), translate,
                          lambda work: tasks.append(asyncio.ensure_future(work)))  # fmt: skip
    first = with_additions(ADDITIONS_NL[0])
    records.received(StatementToSign(first, digest_of(text_of(first))))
    assert view.statement is None and len(tasks) == 1  # withdrawn while its addition is translated
    second = statement("سُرقت دراجتي ليلا.")
    records.received(StatementToSign(second, digest_of(text_of(second))))
    assert view.statement == second
    release.set()  # the first one's translation comes too late: it is not shown
    await asyncio.gather(*tasks)
    assert view.statement == second
    assert await records.sign_statement(SIGNATURE)
    assert sealed == [second.statement_id] and view.statement_answer == "signed"


async def test_what_is_not_translated_keeps_an_empty_text() -> None:
    sent = with_additions(*ADDITIONS_NL)
    asked: list[str] = []

    async def translate(text: str, source: str, target: str) -> TranslationResult:
        asked.append(text)
        if text == ADDITIONS_NL[0]:  # a doubtful translation (the model repeated itself)
            return TranslationResult(text, source, target, "قفل قفل قفل قفل", low_confidence=True)
        raise RuntimeError("the translation engine stopped")

    shown = await translated_additions(sent, translate)
    assert shown == sent and asked == list(ADDITIONS_NL)
    dutch = replace(sent, language="nl")  # a Dutch-speaking resident reads the officer's words themselves
    assert await translated_additions(dutch, translate) == dutch and asked == list(ADDITIONS_NL)


@given(st.text(max_size=MAX_ADDITION_CHARS + 20), st.booleans())
def test_for_every_addition_the_stored_text_is_the_signed_text(addition: str, translated: bool) -> None:
    """Whatever the officer wrote: either the statement cannot be made at all (no text, too long, unreadable
    characters), or the form stores the text the resident signed unchanged, with or without its translation."""
    sent = with_additions(addition)
    try:
        text_of(check_statement(sent))
    except (InvalidStatement, UnclearText):
        return
    translate = ChatTranslation(TaggingTranslator(), "ar").translate
    shown = asyncio.run(translated_additions(sent, translate)) if translated else sent
    text = text_of(check_statement(shown))
    payload = signature_payload(SCHEMA, shown, digest_of(text), SIGNATURE, NOW)
    assert payload.answers["statement_text"] == text and clean(text, multiline=True) == text
