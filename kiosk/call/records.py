"""What the officer puts on record during a call, the kiosk's side of it: the statement the resident signs (sealed
through the outbox), the transcript the officer keeps (sealed when the call ends), and the still of the identity
document (the resident is told when it is taken, kept or thrown away). CallSession hands it the data channel
messages it does not handle itself and shows the view changes it makes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

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
from domain.statement import InvalidStatement, Stroke
from kiosk.call.ports import StatementSealer, TranscriptKeeper
from kiosk.call.view import CallView

log = logging.getLogger(__name__)


class CallRecords:
    def __init__(
        self,
        view: Callable[[], CallView],
        update: Callable[..., None],
        send: Callable[[str, bool], None],
        keep_transcript: TranscriptKeeper | None,
        seal_statement: StatementSealer | None,
    ) -> None:
        self._view = view  # the call's view now
        self._update = update  # changes the view (and shows it)
        self._send = send  # over the data channel; True: held back until the channel is open again
        self._keep_transcript = keep_transcript
        self._seal_statement = seal_statement
        self._statement_digest = ""
        self._turns: list[Caption] = []  # every captioned turn of this call, in memory until it ends
        self._kept_by = ""

    def received(self, message: DataMessage) -> None:
        """A message from the officer's console about the record."""
        view = self._view()
        if isinstance(message, StatementToSign) and self._seal_statement is not None:
            self._statement_digest = message.digest
            self._update(statement=message.statement, statement_answer="")
        elif isinstance(message, KeepTranscript) and view.captions_available and self._keep_transcript:
            self._kept_by = message.kept_by
            self._update(transcript_kept=message.keep)
            self._send(encode(TranscriptState(keep=message.keep, turns=len(self._turns))), False)
        elif isinstance(message, DocumentPhoto):
            self._update(document_photo=message.state)

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

