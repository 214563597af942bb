"""What one resident typed, and its translations: held in memory for one session only, wiped when it ends."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from domain.forms import FormSchema
from domain.languages import DUTCH
from domain.payload import Translation


@dataclass
class ResidentSession:
    session_id: uuid.UUID
    started_at: float
    answers: dict[str, Any] = field(default_factory=dict)
    translations: dict[str, Translation] = field(default_factory=dict)
    step_entered_at: float = 0.0

    def to_translate(self, schema: FormSchema, language: str) -> dict[str, str]:
        """Free-text answers the officer should also read in Dutch, keyed by field id, not yet translated."""
        if language == DUTCH:
            return {}
        wanted = {}
        for spec in schema.all_fields():
            text = self.answers.get(spec.id)
            if spec.translate and isinstance(text, str) and text.strip():
                done = self.translations.get(spec.id)
                if done is None or done.original != text.strip():
                    wanted[spec.id] = text.strip()
        return wanted

    def keep_translation(self, field_id: str, translation: Translation) -> None:
        """A finished translation, kept only if the answer is still the text that was translated."""
        current = self.answers.get(field_id)
        if isinstance(current, str) and current.strip() == translation.original:
            self.translations[field_id] = translation

    def wipe(self) -> None:
        self.answers.clear()
        self.translations.clear()
