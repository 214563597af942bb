"""Messages on a call's RTCDataChannel ("chat"), peer to peer between kiosk and officer browser.

The backend never sees these: chat text and the intake so far are personal data. All translation happens on
the kiosk, so every chat message says what was typed, what it became and how (the Translation's metadata).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from domain.payload import Translation, TranslationHop

CHANNEL_LABEL = "chat"
MAX_CHAT_CHARS = 500


class Sender(StrEnum):
    RESIDENT = "resident"
    OFFICER = "officer"


class ChatError(ValueError):
    """A data channel message that does not parse; the text names no content."""


@dataclass(frozen=True)
class ChatMessage:
    """One chat line. The officer's Dutch arrives untranslated (`translated` None); the kiosk translates it,
    shows it and sends the same message_id back with the translation so the officer sees what was shown."""

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
        """The packages and versions that translated it, e.g. "translate-ar_en 1.0 + translate-en_nl 1.9"."""
        return " + ".join(f"{hop.package} {hop.version}" for hop in self.hops)


@dataclass(frozen=True)
class IntakeItem:
    field_id: str
    label: str  # Dutch label for the officer
    value: str  # as the resident entered it, rendered as text
    dutch: str | None = None  # machine translation of free text, when there is one
    low_confidence: bool = False


@dataclass(frozen=True)
class IntakeSummary:
    """What the resident filled in before calling: shown beside the video on the officer's console."""

    language: str
    case_type: str | None = None
    items: tuple[IntakeItem, ...] = ()


@dataclass(frozen=True)
class Ping:
    """Sent every second by each side; a quiet channel is how the kiosk notices a dead link (aiortc has no
    "disconnected" state and only gives up after 30 s of failed consent checks)."""

    seq: int


@dataclass(frozen=True)
class MediaState:
    """Tells the other side that a microphone or camera was muted."""

    audio_muted: bool = False
    video_muted: bool = False


_KINDS: dict[str, type] = {"chat": ChatMessage, "intake": IntakeSummary, "ping": Ping, "media": MediaState}
_NAMES = {cls: name for name, cls in _KINDS.items()}
DataMessage = ChatMessage | IntakeSummary | Ping | MediaState


def encode(message: DataMessage) -> str:
    return json.dumps({"kind": _NAMES[type(message)], **asdict(message)}, ensure_ascii=False, separators=(",", ":"))


def decode(text: str | bytes) -> DataMessage:
    try:
        raw = json.loads(text)
        cls = _KINDS[raw.pop("kind")]
        if cls is ChatMessage:
            return _chat(raw)
        if cls is IntakeSummary:
            items = tuple(IntakeItem(**item) for item in raw.pop("items", ()))
            return IntakeSummary(**raw, items=items)
        message: DataMessage = cls(**raw)
        return message
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise ChatError("not a data channel message") from None


def _chat(raw: dict[str, Any]) -> ChatMessage:
    hops = tuple(TranslationHop(**hop) for hop in raw.pop("hops", ()))
    message = ChatMessage(**raw, hops=hops)
    if message.sender not in Sender.__members__.values():
        raise ValueError("unknown sender")
    if not isinstance(message.original, str) or len(message.original) > MAX_CHAT_CHARS:
        raise ValueError("chat text missing or too long")
    if message.translated is not None and not isinstance(message.translated, str):
        raise ValueError("translation must be text")
    return message
