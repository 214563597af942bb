from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.catalog import CatalogError, parse_po
from domain.languages import UnknownLanguage, language
from domain.payload import CasePayload, Translation, TranslationHop
from domain.usage import InvalidEvent, check_event
from domain.wire import UsageEvent


def test_payload_round_trips_canonically() -> None:
    payload = CasePayload(
        case_id=str(uuid.uuid4()), case_type="theft", schema_version=1, language="ar",
        created_at="2026-11-29T12:00:00+00:00", answers={"description": "سرقة", "b": 1},
        translations={"description": Translation(
            original="سرقة", source_language="ar", dutch="diefstal", pivot="en",
            hops=(
                TranslationHop("translate-ar_en", "1.0", "ar", "en"),
                TranslationHop("translate-en_nl", "1.9", "en", "nl"),
            ),
        )},
    )
    data = payload.to_json()
    assert CasePayload.from_json(data) == payload
    assert CasePayload.from_json(data).to_json() == data
    assert "سرقة".encode() in data  # UTF-8, not escaped


def event(**values: object) -> UsageEvent:
    fields: dict = {"kind": "step_enter", **values}
    return UsageEvent(event_id=uuid.uuid4(), session=uuid.uuid4(), at=datetime.now(UTC), **fields)


def test_usage_events_accept_codes_only() -> None:
    check_event(event(step="when_where", language="ar", service="bike_theft"))
    with pytest.raises(InvalidEvent):
        check_event(event(step="Fatima Zwanenburg lives at Kerkstraat 12"))
    with pytest.raises(InvalidEvent):
        check_event(event(kind="free_text"))
    with pytest.raises(InvalidEvent):
        check_event(event(rating=9))


def test_languages() -> None:
    assert language("ar").is_rtl and language("fa").is_rtl and not language("uk").is_rtl
    with pytest.raises(UnknownLanguage):
        language("xx")


def test_po_reader(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  '#, fuzzy\nmsgid "a"\nmsgstr "fuzzy"\n\n'
                  'msgid "b"\nmsgstr ""\n"twee "\n"regels {n}"\n\nmsgid "c"\nmsgstr ""\n', encoding="utf-8")
    assert parse_po(po) == {"b": "twee regels {n}"}
    po.write_text('msgid "a"\nmsgstr nope\n', encoding="utf-8")
    with pytest.raises(CatalogError):
        parse_po(po)
