"""The translations part of a case payload: one normal form, made by the kiosk and re-checked by the backend.

The kiosk calls `normalise_translations` on what its translator produced before it seals a case; the backend calls it
again on what it unsealed and stores the result (a no-op for what a kiosk sealed). It never raises: a resident's
submit must not fail on translation metadata, and a backend must not refuse a case for it. A translation that does
not fit (its original is no longer the answer, the entry or its output is unreadable or far too long) is not dropped: it
becomes "no Dutch text" with a reason, so the officer still sees the resident's own words with the flag.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from domain.forms import FieldType, FormSchema
from domain.languages import DUTCH
from domain.payload import UNREADABLE_TRANSLATION, Translation, TranslationHop
from domain.plain_text import UnclearText, clean
from domain.translation_reasons import TranslationReason

MAX_HOPS = 3  # source -> pivot -> Dutch is two; one spare
MAX_NAME = 80  # package names, versions, language codes
DUTCH_LENGTH_FACTOR = 4  # a translation may be this many times longer than its original...
DUTCH_LENGTH_ALLOWANCE = 400  # ...plus this many characters
NOT_TRANSLATED = "not_translated"  # the kiosk had no translation when the resident confirmed
UNTRANSLATED, LOW_CONFIDENCE = "untranslated", "low_confidence"  # the flags of translation_flag
HOP_FIELDS = ("package", "version", "source", "target")
_REASON = re.compile(r"[a-z][a-z0-9_]{0,39}")  # a reason is a code; the console and PDF look up its words


def translatable_fields(schema: FormSchema) -> dict[str, int]:
    """Field id to its maximum length, for every free-text field the officer reads in Dutch."""
    return {
        spec.id: spec.max_length
        for spec in schema.all_fields()
        if spec.translate and spec.type in (FieldType.TEXT, FieldType.LONG_TEXT)
    }


def missing(answer: str, language: str) -> Translation:
    return Translation(original=answer, source_language=language, dutch=None, reason=NOT_TRANSLATED)


def _name(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_NAME and value.isprintable()


def _readable(t: Any) -> bool:
    """The shape a kiosk's translator produces; anything else is not trusted as a translation at all."""
    return (
        isinstance(t, Translation)
        and t != UNREADABLE_TRANSLATION
        and isinstance(t.original, str)
        and (t.dutch is None or isinstance(t.dutch, str))
        and isinstance(t.low_confidence, bool)
        and isinstance(t.machine_translated, bool)
        and isinstance(t.hops, tuple)
        and len(t.hops) <= MAX_HOPS
        and all(isinstance(h, TranslationHop) and all(_name(getattr(h, n)) for n in HOP_FIELDS) for h in t.hops)
        and (t.pivot is None or _name(t.pivot))
        and (t.reason is None or isinstance(t.reason, str))
    )


def normalise_translation(answer: str, language: str, translation: Any) -> Translation:
    """The stored form of one translation of `answer` (already normalised by validate()). Idempotent, and never
    raises: a translation that cannot be trusted becomes "no Dutch text" with a reason, the original kept."""
    if not _readable(translation):
        return replace(missing(answer, language), reason=TranslationReason.FAILED.value, low_confidence=True)
    t: Translation = translation
    reason = t.reason if t.reason is None or _REASON.fullmatch(t.reason) else TranslationReason.FAILED.value
    try:
        original = clean(t.original, multiline=True)
    except UnclearText:
        original = None
    if original != answer or t.source_language != language:
        return missing(answer, language)
    normal = replace(t, original=original, reason=reason)
    if t.dutch is None:
        return normal
    try:
        dutch = clean(t.dutch, multiline=True)
    except UnclearText:
        return replace(normal, dutch=None, low_confidence=True, reason=TranslationReason.FAILED.value)
    if len(dutch) > DUTCH_LENGTH_FACTOR * len(original) + DUTCH_LENGTH_ALLOWANCE:
        return replace(normal, dutch=None, low_confidence=True, reason=TranslationReason.TOO_LONG.value)
    if not dutch:
        return replace(normal, dutch=None, low_confidence=True, reason=TranslationReason.EMPTY_OUTPUT.value)
    return replace(normal, dutch=dutch)


def translation_flag(translations: Mapping[str, Translation]) -> str | None:
    """What the officers' list says about a case's (normalised) translations, without naming any text:
    "untranslated" when some free text has no Dutch, "low_confidence" when some Dutch is doubtful, else None."""
    if any(t.dutch is None for t in translations.values()):
        return UNTRANSLATED
    if any(t.low_confidence for t in translations.values()):
        return LOW_CONFIDENCE
    return None


def normalise_translations(
    schema: FormSchema, language: str, answers: Mapping[str, Any], translations: Mapping[str, Translation]
) -> dict[str, Translation]:
    """One entry for every free-text answer the officer reads in Dutch, none for anything else."""
    if language == DUTCH:
        return {}
    wanted = translatable_fields(schema)
    normal: dict[str, Translation] = {}
    for field_id in wanted:
        answer = answers.get(field_id)
        if not isinstance(answer, str) or not answer:
            continue
        given = translations.get(field_id)
        normal[field_id] = missing(answer, language) if given is None else normalise_translation(
            answer, language, given
        )
    return normal

