"""What the screen is shown of a call: its phase, the queue, the chat and the captions (CallSession makes it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.call import EndReason
from domain.chat import Caption, Sender
from domain.statement import Statement
from kiosk.call.chat import ChatLine


class CallPhase(StrEnum):
    REQUESTING = "requesting"
    WAITING = "waiting"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    ENDED = "ended"


@dataclass(frozen=True)
class CallView:
    call_id: str
    phase: CallPhase = CallPhase.REQUESTING
    position: int | None = None
    expected_wait_s: int | None = None
    officers_online: int | None = None
    no_answer: bool = False  # waited past the configured time: show the alternatives
    muted: bool = False
    officer_muted: bool = False
    chat: tuple[ChatLine, ...] = ()
    end_reason: EndReason | None = None
    captions_available: bool = False  # a speech model is installed: the kiosk can caption this call
    captions_on: bool = True  # as switched by the resident or the officer (captions_switched_by)
    captions_switched_by: Sender | None = None
    captions: tuple[Caption, ...] = ()  # the latest turns, both speakers, oldest first
    transcript_kept: bool = False  # the officer keeps what was said: the resident is told, it is sealed at the end
    statement: Statement | None = None  # sent by the officer for the resident to read and sign
    statement_answer: str = ""  # "", "signed" or "refused": what the resident did with `statement`
    document_photo: str = ""  # "" or a PhotoState value: the officer took, kept or discarded a still of the ID

    @property
    def listening(self) -> bool:
        """The kiosk turns speech into text now: what the resident is shown while it does."""
        return self.captions_available and self.captions_on and self.phase is CallPhase.CONNECTED


KEPT_CAPTIONS = 6
