"""Chat translation on the kiosk: the resident's text into Dutch before it is sent, the officer's Dutch into
the resident's language when it arrives. Every message carries what the translator said about itself.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from dataclasses import dataclass

from domain.chat import ChatMessage, Sender
from domain.languages import DUTCH
from domain.translation_reasons import TranslationReason
from kiosk.translation.ports import TextTranslator
from kiosk.translation.result import TranslationResult, unchanged, untranslated


class NoTranslator:
    """For a kiosk without translation models: chat still works, every line says it is untranslated."""

    def submit(self, text: str, source: str, target: str) -> Future[TranslationResult]:
        done: Future[TranslationResult] = Future()
        done.set_result(untranslated(text, source, target, TranslationReason.NO_MODEL))
        return done


def chat_message(message_id: str, sender: Sender, result: TranslationResult) -> ChatMessage:
    return ChatMessage(
        message_id=message_id,
        sender=sender.value,
        original=result.original,
        source_language=result.source,
        translated=result.text,
        target_language=result.target,
        hops=result.hops,
        pivot=result.pivot,
        low_confidence=result.low_confidence,
        reason=None if result.reason is None else result.reason.value,
        machine_translated=result.machine_translated and result.text is not None,
    )


@dataclass(frozen=True)
class ChatLine:
    """One line as the resident's screen shows it."""

    message_id: str
    sender: Sender
    text: str  # in the resident's language when there is a translation, else the original
    original: str
    translated: bool = False
    low_confidence: bool = False
    pending: bool = False  # still being translated


class ChatTranslation:
    def __init__(self, translator: TextTranslator, language: str) -> None:
        self._translator = translator
        self.language = language

    async def translate(self, text: str, source: str, target: str) -> TranslationResult:
        if source == target:
            return unchanged(text, source)
        return await asyncio.wrap_future(self._translator.submit(text, source, target))

    async def from_resident(self, message_id: str, text: str) -> ChatMessage:
        """What the officer receives: the resident's words and their Dutch."""
        result = await self.translate(text, self.language, DUTCH)
        return chat_message(message_id, Sender.RESIDENT, result)

    async def for_resident(self, message: ChatMessage) -> ChatMessage:
        """The officer's Dutch with its translation into the resident's language (sent back to the officer)."""
        result = await self.translate(message.original, message.source_language, self.language)
        return chat_message(message.message_id, Sender.OFFICER, result)


def line_for(message: ChatMessage, pending: bool = False) -> ChatLine:
    sender = Sender(message.sender)
    if sender is Sender.RESIDENT:
        return ChatLine(message.message_id, sender, message.original, message.original, pending=pending)
    shown = message.translated if message.translated else message.original
    return ChatLine(
        message.message_id,
        sender,
        shown,
        message.original,
        translated=message.machine_translated,
        low_confidence=message.low_confidence,
        pending=pending,
    )


def with_line(chat: tuple[ChatLine, ...], line: ChatLine) -> tuple[ChatLine, ...]:
    """The chat with `line` in its place: a line already there (the same message, now translated) is replaced."""
    lines = [existing for existing in chat if existing.message_id != line.message_id]
    position = next((i for i, e in enumerate(chat) if e.message_id == line.message_id), len(lines))
    lines.insert(position, line)
    return tuple(lines)
