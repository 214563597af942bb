"""A call's transcript as the case the kiosk seals when the officer keeps it: every captioned turn with its
time, speaker, the words as recognised, the Dutch (machine-translated for the resident's turns), what the resident
was shown of the officer's turns, the models, and the doubt flag. Form `call_transcript` (assets/forms), checked
by the same validation the backend runs again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.chat import Caption, Sender
from domain.forms import TRANSCRIPT_CASE_TYPE, FormSchema
from domain.payload import CasePayload
from domain.plain_text import machine_text
from domain.validation import validate
from kiosk.session.payloads import build_payload

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


class TranscriptInvalid(ValueError):
    """The turns do not fit the transcript form (the message names no content)."""


def _turn(caption: Caption, limit: int) -> dict[str, Any] | None:
    """One turn as the form holds it; None for a turn with nothing readable left."""
    original = machine_text(caption.original)[:limit]
    translated = machine_text(caption.translated)[:limit] if caption.translated else ""
    if not original:
        return None
    officer = caption.speaker == Sender.OFFICER
    models = "; ".join(part for part in (caption.speech_model, caption.model) if part)
    turn: dict[str, Any] = {
        "turn_time": _local_time(caption.spoken_at),
        "turn_speaker": caption.speaker,
        "turn_original": original,
        "turn_language": caption.source_language,
        "turn_models": machine_text(models, multiline=False)[:200],
        "turn_doubt": caption.low_confidence or caption.speech_low_confidence,
    }
    if officer:  # the officer spoke Dutch (the original); what the resident read is the translation
        if translated and caption.target_language != caption.source_language:
            turn["turn_shown"] = translated
    elif translated:
        turn["turn_dutch"] = translated
    return turn


def _local_time(moment: str) -> str:
    """Dutch police time with seconds, e.g. "06-12-2026 14:33:54"; a moment that does not parse as it came."""
    try:
        return datetime.fromisoformat(moment).astimezone(DUTCH_TIME).strftime("%d-%m-%Y %H:%M:%S")
    except ValueError:
        return moment[:32]


def transcript_payload(
    schema: FormSchema,
    call_id: str,
    language: str,
    captions: Sequence[Caption],
    now: datetime,
    linked_case: str | None = None,
    kept_by: str = "",
) -> CasePayload:
    if schema.case_type != TRANSCRIPT_CASE_TYPE:
        raise ValueError("not the transcript form")
    turns_field = schema.field("transcript_turns")
    limit = turns_field.fields[[f.id for f in turns_field.fields].index("turn_original")].max_length
    answers: dict[str, Any] = {
        "transcript_call": call_id,
        "transcript_turns": [t for c in captions if (t := _turn(c, limit)) is not None][-turns_field.max_items :],
    }
    if linked_case:
        answers["transcript_linked_case"] = linked_case
    if kept_by:
        answers["transcript_kept_by"] = kept_by[:64]
    checked = validate(schema, answers, now=now)
    if not checked.ok:
        raise TranscriptInvalid(f"transcript does not fit its form: {sorted(checked.errors)[:3]}")
    return build_payload(schema, language, checked.values, {}, now)  # the same payload a report becomes
