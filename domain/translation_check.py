"""The translations part of a case payload: one normal form, made by the kiosk and re-checked by the backend.

The kiosk calls `normalise_translations` on what its translator produced before it seals a case; the backend calls it
again on what it unsealed and stores the result (a no-op for what a kiosk sealed), refusing only entries of a shape no
kiosk produces (UnreadableTranslation). A translation that
does not fit (its original is no longer the answer, the output is unreadable or far too long) is not dropped: it
becomes "no Dutch text" with a reason, so the officer still sees the resident's own words with the flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from domain.forms import FieldType, FormSchema
from domain.languages import DUTCH
from domain.payload import Translation, TranslationHop
from domain.plain_text import UnclearText, clean
from domain.translation_reasons import TranslationReason

MAX_HOPS = 3  # source -> pivot -> Dutch is two; one spare
MAX_NAME = 80  # package names, versions, language codes
DUTCH_LENGTH_FACTOR = 4  # a translation may be this many times longer than its original...
DUTCH_LENGTH_ALLOWANCE = 400  # ...plus this many characters
NOT_TRANSLATED = "not_translated"  # the kiosk had no translation when the resident confirmed
REASONS = frozenset({*(reason.value for reason in TranslationReason), NOT_TRANSLATED})


class UnreadableTranslation(ValueError):
    """A translation entry of the wrong shape: not something any kiosk produces."""


def translatable_fields(schema: FormSchema) -> dict[str, int]:
    """Field id to its maximum length, for every free-text field the officer reads in Dutch."""
    return {
        spec.id: spec.max_length
        for spec in schema.all_fields()
        if spec.translate and spec.type in (FieldType.TEXT, FieldType.LONG_TEXT)
    }


def missing(answer: str, language: str) -> Translation:
    return Translation(original=answer, source_language=language, dutch=None, reason=NOT_TRANSLATED)


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_NAME or not value.isprintable():
        raise UnreadableTranslation("name")
    return value


def _hop(raw: Any) -> TranslationHop:
    if not isinstance(raw, TranslationHop):
        raise UnreadableTranslation("hop")
    return TranslationHop(_name(raw.package), _name(raw.version), _name(raw.source), _name(raw.target))


def normalise_translation(answer: str, language: str, translation: Translation) -> Translation:
    """The stored form of one translation of `answer` (already normalised by validate()). Idempotent."""
    if not isinstance(translation, Translation):
        raise UnreadableTranslation("translation")
    t = translation
    if not isinstance(t.original, str) or not isinstance(t.low_confidence, bool) or not isinstance(
        t.machine_translated, bool
    ) or not isinstance(t.hops, tuple) or len(t.hops) > MAX_HOPS:
        raise UnreadableTranslation("fields")
    if t.dutch is not None and not isinstance(t.dutch, str):
        raise UnreadableTranslation("dutch")
    if t.reason is not None and t.reason not in REASONS:
        raise UnreadableTranslation("reason")
    hops = tuple(_hop(hop) for hop in t.hops)
    pivot = None if t.pivot is None else _name(t.pivot)
    try:
        original = clean(t.original, multiline=True)
    except UnclearText:
        original = None
    if original != answer or t.source_language != language:
        return missing(answer, language)
    normal = replace(t, original=original, hops=hops, pivot=pivot)
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

