"""A call's transcript as the case the kiosk seals: every turn, for every text a speech recogniser may produce."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.chat import Caption, Sender
from domain.forms import TRANSCRIPT_CASE_TYPE, FormCatalog, default_assets_dir
from domain.plain_text import machine_text
from domain.validation import validate
from kiosk.call.transcript import TranscriptInvalid, transcript_payload

SCHEMA = FormCatalog.load(default_assets_dir() / "forms").get(TRANSCRIPT_CASE_TYPE)
NOW = datetime(2026, 12, 6, 13, 45, tzinfo=UTC)


def turn(speaker: Sender, original: str, translated: str | None, source: str = "ar", target: str = "nl") -> Caption:
    if speaker is Sender.OFFICER:
        source, target = "nl", "ar"
    return Caption("c" + original[:8], speaker.value, original, source, translated, target, "2026-12-06T13:40:02Z",
                   2.5, "whisper-base 1.0", machine_translated=translated is not None)  # fmt: skip


def test_every_turn_is_kept_with_what_the_officer_needs_to_judge_it() -> None:
    turns = [
        turn(Sender.RESIDENT, "سرقت دراجتي", "Mijn fiets is gestolen."),
        turn(Sender.OFFICER, "Dank u wel.", "شكرا."),
        turn(Sender.RESIDENT, "لا أعرف", None),
    ]
    payload = transcript_payload(SCHEMA, "call-1", "ar", turns, NOW, linked_case="1f0c", kept_by="agent.jansen")
    answers = payload.answers
    assert (payload.case_type, payload.language, answers["transcript_linked_case"]) == ("call_transcript", "ar", "1f0c")
    resident, officer, untranslated = answers["transcript_turns"]
    assert resident["turn_original"] == "سرقت دراجتي" and resident["turn_dutch"] == "Mijn fiets is gestolen."
    assert (officer["turn_original"], officer["turn_shown"]) == ("Dank u wel.", "شكرا.")
    assert "turn_dutch" not in officer  # it was Dutch: nothing is labelled machine translation that is not
    assert officer["turn_speaker"] == "officer"
    assert "turn_dutch" not in untranslated  # no Dutch made up: the officer reads the original
    assert resident["turn_models"] == "whisper-base 1.0" and resident["turn_time"] == "06-12-2026 14:40:02"
    assert validate(SCHEMA, answers, now=NOW).ok  # what the backend will check again


SPEAKERS = st.sampled_from([Sender.RESIDENT, Sender.OFFICER])
TEXT = st.text(min_size=1, max_size=3000).filter(str.strip)


@given(st.lists(st.tuples(SPEAKERS, TEXT, st.none() | TEXT), min_size=1, max_size=12))
def test_any_recognised_text_makes_a_transcript_the_form_accepts(turns: list[tuple[Sender, str, str | None]]) -> None:
    """Whatever a recogniser or translator emits (controls, bidi marks, 3,000 characters) makes a transcript the
    backend accepts; a turn is left out only when nothing readable is left of it."""
    captions = [turn(*t) for t in turns]
    readable = [c for c in captions if machine_text(c.original)]
    if not readable:
        with pytest.raises(TranscriptInvalid):
            transcript_payload(SCHEMA, "call-1", "ar", captions, NOW)
        return
    payload = transcript_payload(SCHEMA, "call-1", "ar", captions, NOW)
    assert len(payload.answers["transcript_turns"]) == len(readable)
    assert validate(SCHEMA, payload.answers, now=NOW).ok
