"""What the officer puts on record during a call, the kiosk's side of it: the statement the resident signs (sealed
through the outbox), the transcript the officer keeps (sealed when the call ends), and the still of the identity
document (the resident is told when it is taken, kept or thrown away). CallSession hands it the data channel
messages it does not handle itself and shows the view changes it makes.

The officer's additions to a statement come in Dutch only: each is machine translated into the resident's language
(on the call loop) before the statement is shown, and what is shown is what is signed, with its own digest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import Any

from domain.chat import (
    Caption,
    DataMessage,
    DocumentPhoto,
    KeepTranscript,
    StatementAnswer,
    StatementToSign,
    TranscriptState,
    encode,
)
from domain.languages import DUTCH
from domain.plain_text import UnclearText, machine_text
from domain.statement import (
    MAX_ADDITION_CHARS,
    Addition,
    InvalidStatement,
    Statement,
    Stroke,
    check_statement,
    digest_of,
    text_of,
)
from kiosk.call.ports import StatementSealer, TranscriptKeeper
from kiosk.call.view import CallView
from kiosk.translation.result import TranslationResult

log = logging.getLogger(__name__)
Translate = Callable[[str, str, str], Awaitable[TranslationResult]]  # ChatTranslation.translate: text, source, target
Spawn = Callable[[Coroutine[Any, Any, Any]], None]  # runs work on the call loop; cancelled when the call closes


def resident_text(result: TranslationResult, dutch: str) -> str:
    """An addition's text in the resident's language, as stored; "" when there is no translation to trust (no model,
    a failed or doubtful one, nothing changed, or longer than an addition may be): the Dutch is shown alone then."""
    if result.text is None or result.low_confidence or not result.machine_translated:
        return ""
    text = machine_text(result.text)
    return "" if text == dutch or len(text) > MAX_ADDITION_CHARS else text


async def translated_additions(statement: Statement, translate: Translate) -> Statement:
    """`statement` with each addition in the resident's language beside its Dutch (marked machine-made); an addition
    the translator cannot do keeps an empty text. Nothing to translate for a Dutch-speaking resident."""
    if statement.language == DUTCH:
        return replace(statement, additions=tuple(Addition(a.text_nl) for a in statement.additions))

    async def one(addition: Addition) -> Addition:
        try:
            text = resident_text(await translate(addition.text_nl, DUTCH, statement.language), addition.text_nl)
        except Exception as error:  # the statement is shown all the same, the Dutch without a translation
            log.warning("an addition to the statement was not translated: %s", type(error).__name__)
            text = ""
        return Addition(addition.text_nl, text, bool(text))

    return replace(statement, additions=tuple(await asyncio.gather(*(one(a) for a in statement.additions))))


def signed_digest(statement: Statement) -> str | None:
    """The digest of the text the resident signs, or None for a statement that cannot be signed."""
    try:
        return digest_of(text_of(check_statement(statement)))
    except (InvalidStatement, UnclearText) as error:
        log.warning("the statement cannot be shown: %s", error)
        return None


class CallRecords:
    def __init__(
        self,
        view: Callable[[], CallView],
        update: Callable[..., None],
        send: Callable[[str, bool], None],
        keep_transcript: TranscriptKeeper | None,
        seal_statement: StatementSealer | None,
        translate: Translate,
        spawn: Spawn,
    ) -> None:
        self._view = view  # the call's view now
        self._update = update  # changes the view (and shows it)
        self._send = send  # over the data channel; True: held back until the channel is open again
        self._keep_transcript = keep_transcript
        self._seal_statement = seal_statement
        self._translate = translate
        self._spawn = spawn
        self._statement_digest = ""  # of the text of the view's statement: what the resident signs
        self._statements = 0  # statements received: one still being translated when another came is dropped
        self._turns: list[Caption] = []  # every captioned turn of this call, in memory until it ends
        self._kept_by = ""

    def received(self, message: DataMessage) -> None:
        """A message from the officer's console about the record."""
        view = self._view()
        if isinstance(message, StatementToSign) and self._seal_statement is not None:
            if signed_digest(message.statement) != message.digest:
                return  # domain.chat.decode refused it already; nothing of it is shown
            self._statements += 1
            if message.statement.additions:  # the one shown is withdrawn while the officer's additions are translated
                self._show_statement(None, "")
                self._spawn(self._translate_statement(self._statements, message.statement))
            else:
                self._show_statement(message.statement, message.digest)
        elif isinstance(message, KeepTranscript) and view.captions_available and self._keep_transcript:
            self._kept_by = message.kept_by
            self._update(transcript_kept=message.keep)
            self._send(encode(TranscriptState(keep=message.keep, turns=len(self._turns))), False)
        elif isinstance(message, DocumentPhoto):
            self._update(document_photo=message.state)

    async def _translate_statement(self, number: int, statement: Statement) -> None:
        shown = await translated_additions(statement, self._translate)
        digest = signed_digest(shown)
        if digest is None:  # translations the statement cannot hold: the Dutch alone, as the officer sent it
            shown = replace(shown, additions=tuple(Addition(a.text_nl) for a in shown.additions))
            digest = signed_digest(shown)
        if number == self._statements and digest is not None:  # not replaced by a newer one meanwhile
            self._show_statement(shown, digest)

    def _show_statement(self, statement: Statement | None, digest: str) -> None:
        """The statement the resident reads and signs, and the digest of exactly that text."""
        self._statement_digest = digest
        self._update(statement=statement, statement_answer="")

    def heard(self, caption: Caption) -> None:
        self._turns.append(caption)

    async def sign_statement(self, strokes: tuple[Stroke, ...] | None) -> bool:
        """The resident signed the statement on the screen (strokes), or refused it (None): sealed through the
        outbox, then the officer is told. False when nothing could be sealed (the screen says so)."""
        view = self._view()
        statement, digest = view.statement, self._statement_digest
        if statement is None or self._seal_statement is None or view.statement_answer:
            return False
        seal = self._seal_statement
        try:
            await asyncio.get_running_loop().run_in_executor(None, lambda: seal(statement, digest, strokes))
        except InvalidStatement as error:
            log.warning("the signature was not sealed: %s", error)
            return False
        signed = strokes is not None
        if self._view().statement == statement:  # not replaced by a newer statement while it was sealed
            self._update(statement_answer="signed" if signed else "refused")
        self._send(encode(StatementAnswer(statement.statement_id, digest, signed)), True)
        return True

    async def seal_transcript(self) -> None:
        """The officer kept the transcript: every turn, sealed through the outbox; then nothing stays in memory."""
        turns, self._turns = self._turns, []
        if not (self._view().transcript_kept and turns and self._keep_transcript):
            return
        keep, kept_by = self._keep_transcript, self._kept_by
        try:
            await asyncio.get_running_loop().run_in_executor(None, keep, turns, kept_by)
        except Exception as error:  # the call is over either way; the officer still has the captions on screen
            log.error("the call's transcript could not be kept: %s", type(error).__name__)

