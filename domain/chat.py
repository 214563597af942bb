"""Messages on a call's RTCDataChannel ("chat"), peer to peer between kiosk and officer browser.

The backend never sees these: chat text and the intake so far are personal data. All translation happens on
the kiosk, so every chat message says what was typed, what it became and how (the Translation's metadata).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.payload import Translation, TranslationHop
from domain.plain_text import UnclearText
from domain.statement import InvalidStatement, Statement, check_statement, digest_of, text_of
from domain.wire_codec import FORBID_UNKNOWN_KEYS, TaggedCodec, WireFormatError

CHANNEL_LABEL = "chat"
MAX_CHAT_CHARS = 500
MAX_DATA_MESSAGE_CHARS = 64 * 1024  # an intake summary of a long form; SCTP itself allows 256 kB


def models_of(hops: tuple[TranslationHop, ...]) -> str:
    """The packages and versions that translated a text, e.g. "translate-ar_en 1.0 + translate-en_nl 1.9"."""
    return " + ".join(f"{hop.package} {hop.version}" for hop in hops)


class Sender(StrEnum):
    RESIDENT = "resident"
    OFFICER = "officer"


class ChatError(WireFormatError):
    """A data channel message that does not parse; the text names no content."""


@dataclass(frozen=True)
class ChatMessage:
    """One chat line. The officer's Dutch arrives untranslated (`translated` None); the kiosk translates it,
    shows it and sends the same message_id back with the translation so the officer sees what was shown."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    message_id: str
    sender: str  # a Sender value
    original: str
    source_language: str
    translated: str | None = None
    target_language: str | None = None
    hops: tuple[TranslationHop, ...] = ()
    pivot: str | None = None
    low_confidence: bool = False
    reason: str | None = None
    machine_translated: bool = False

    @classmethod
    def translated_from(cls, message_id: str, sender: Sender, translation: Translation, target: str) -> ChatMessage:
        return cls(
            message_id=message_id,
            sender=sender.value,
            original=translation.original,
            source_language=translation.source_language,
            translated=translation.dutch,  # Translation.dutch holds the text in the target language
            target_language=target,
            hops=translation.hops,
            pivot=translation.pivot,
            low_confidence=translation.low_confidence,
            reason=translation.reason,
            machine_translated=translation.machine_translated and translation.dutch is not None,
        )

    @property
    def model(self) -> str:
        return models_of(self.hops)


@dataclass(frozen=True)
class IntakeItem:
    __pydantic_config__ = FORBID_UNKNOWN_KEYS
    field_id: str
    label: str  # Dutch label for the officer
    value: str  # as the resident entered it, rendered as text
    dutch: str | None = None  # machine translation of free text, when there is one
    low_confidence: bool = False


@dataclass(frozen=True)
class IntakeSummary:
    """What the resident filled in before calling: shown beside the video on the officer's console."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    language: str
    case_type: str | None = None
    items: tuple[IntakeItem, ...] = ()
    # a report already filed in this session (the call was started from its receipt): the officer opens the case
    # to check the caller's identity; the reference is None while the case still waits in the kiosk's outbox
    case_id: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Ping:
    """Sent every second by each side; a quiet channel is how the kiosk notices a dead link (aiortc has no
    "disconnected" state and only gives up after 30 s of failed consent checks)."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    seq: int


@dataclass(frozen=True)
class MediaState:
    """Tells the other side that a microphone or camera was muted."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    audio_muted: bool = False
    video_muted: bool = False


@dataclass(frozen=True)
class Caption:
    """One spoken turn, heard and translated on the kiosk: the resident's words into Dutch for the officer, or
    the officer's Dutch into the resident's language for the kiosk's screen (sent to the officer as well, so
    they see what the resident was shown). Speech recognition and translation are both machine-made."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    caption_id: str
    speaker: str  # a Sender value
    original: str  # what the speech recogniser heard, in the speaker's language
    source_language: str
    translated: str | None
    target_language: str
    spoken_at: str  # ISO 8601 UTC, when the turn ended
    spoken_s: float  # length of the turn
    speech_model: str  # e.g. "whisper-base 2024.1"
    speech_low_confidence: bool = False
    hops: tuple[TranslationHop, ...] = ()
    pivot: str | None = None
    low_confidence: bool = False
    reason: str | None = None
    machine_translated: bool = False

    @property
    def model(self) -> str:
        return models_of(self.hops)


@dataclass(frozen=True)
class CaptionsSwitch:
    """Captions turned on or off, by the resident on the kiosk or by the officer; both sides follow."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    on: bool
    by: str  # a Sender value


@dataclass(frozen=True)
class KeepTranscript:
    """The officer keeps (or no longer keeps) this call's captions. The kiosk tells the resident at once and, when
    the call ends, seals every turn as a `call_transcript` case through its outbox; it answers with
    TranscriptState so the console shows what will happen."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    keep: bool
    kept_by: str = ""  # the officer's name as the console knows it


@dataclass(frozen=True)
class TranscriptState:
    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    keep: bool
    turns: int  # captioned turns so far


@dataclass(frozen=True)
class StatementToSign:
    """The officer sends the statement (domain/statement.py) for the resident to read and sign on the kiosk."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    statement: Statement
    digest: str  # the SHA-256 of text_of(statement), as the backend made it: the kiosk checks it before showing


@dataclass(frozen=True)
class StatementAnswer:
    """The resident signed (or refused); what was signed is sealed through the kiosk's outbox."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    statement_id: str
    digest: str
    signed: bool


class PhotoState(StrEnum):
    TAKEN = "taken"  # the officer froze a frame of the video; it is not stored yet
    SAVED = "saved"  # cropped and kept in the case file
    DISCARDED = "discarded"  # thrown away, nothing kept


@dataclass(frozen=True)
class DocumentPhoto:
    """The officer took a still of the identity document the resident holds to the camera, and then kept or
    discarded it: the kiosk tells the resident each time, in their language."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    state: str  # a PhotoState value


DataMessage = (
    ChatMessage | IntakeSummary | Ping | MediaState | Caption | CaptionsSwitch | KeepTranscript | TranscriptState
    | StatementToSign | StatementAnswer | DocumentPhoto
)
KINDS: dict[str, type[DataMessage]] = {
    "chat": ChatMessage,
    "intake": IntakeSummary,
    "ping": Ping,
    "media": MediaState,
    "caption": Caption,
    "captions": CaptionsSwitch,
    "keep_transcript": KeepTranscript,
    "transcript": TranscriptState,
    "statement": StatementToSign,
    "statement_answer": StatementAnswer,
    "document_photo": DocumentPhoto,
}
DATA_CHANNEL: TaggedCodec[DataMessage] = TaggedCodec("kind", KINDS, ChatError, MAX_DATA_MESSAGE_CHARS)


def encode(message: DataMessage) -> str:
    return DATA_CHANNEL.encode(message)


def decode(text: str | bytes) -> DataMessage:
    """The message in `text`, or ChatError: strict JSON types, no unknown fields, a known sender, short text."""
    message = DATA_CHANNEL.decode(text)
    if isinstance(message, ChatMessage):
        if message.sender not in set(Sender):
            raise ChatError("unknown sender")
        if len(message.original) > MAX_CHAT_CHARS:
            raise ChatError("chat text too long")
    if isinstance(message, StatementToSign):
        try:
            check_statement(message.statement)
            text = text_of(message.statement)
        except (InvalidStatement, UnclearText) as error:
            raise ChatError(str(error)) from None
        if digest_of(text) != message.digest:
            raise ChatError("the statement does not match its digest")
    if isinstance(message, DocumentPhoto) and message.state not in set(PhotoState):
        raise ChatError("unknown photo state")
    who = {Caption: "speaker", CaptionsSwitch: "by"}.get(type(message))
    if who is not None and getattr(message, who) not in set(Sender):
        raise ChatError("unknown sender")
    return message
