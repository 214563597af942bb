"""What one translation produced: the text, how it was made and how far to trust it."""

from __future__ import annotations

from dataclasses import dataclass

from domain.languages import DUTCH
from domain.payload import Translation, TranslationHop
from domain.translation_reasons import TranslationReason


@dataclass(frozen=True)
class TranslationResult:
    original: str
    source: str
    target: str
    text: str | None  # None when no installed model covers the pair or the engine failed
    hops: tuple[TranslationHop, ...] = ()
    pivot: str | None = None
    low_confidence: bool = False
    reason: TranslationReason | None = None
    seconds: float = 0.0
    machine_translated: bool = True

    @property
    def available(self) -> bool:
        return self.text is not None

    def to_payload(self) -> Translation:
        """The payload's record of a free-text answer translated into Dutch, for the officer."""
        if self.target != DUTCH:
            raise ValueError(f"the payload carries translations into Dutch, not into {self.target!r}")
        return Translation(
            original=self.original,
            source_language=self.source,
            dutch=self.text,
            hops=self.hops,
            pivot=self.pivot,
            low_confidence=self.low_confidence,
            reason=None if self.reason is None else self.reason.value,
            machine_translated=self.machine_translated,
        )


def untranslated(original: str, source: str, target: str, reason: TranslationReason) -> TranslationResult:
    """The original only, with the reason the officer sees instead of a silent gap."""
    return TranslationResult(original, source, target, None, low_confidence=True, reason=reason)


def unchanged(original: str, language: str) -> TranslationResult:
    """Text that needs no translation (already in the target language, or blank)."""
    return TranslationResult(original, language, language, original, machine_translated=False)
