"""What the kiosk's translation offers the rest of the kiosk, as an interface (ArgosTranslator implements it)."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Protocol

from kiosk.translation.result import TranslationResult


class TextTranslator(Protocol):
    """Translation in any direction (ArgosTranslator.submit): the call's chat and captions need nl -> resident
    as well as the resident's language -> nl."""

    def submit(self, text: str, source: str, target: str) -> Future[TranslationResult]: ...
