"""Hypothesis strategies for answers as a resident might type them, hostile ones included: shared by tests."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from hypothesis import strategies as st

from domain.forms import Field, FieldType

HOSTILE_TEXT = [
    "\u200b\u200b\u200b", "\u200b", "a\x00b", "bel\x07", "twee\r\nregels", "tab\there", "\u202eevil\u202c",
    "\u2066isolate\u2069", "x" * 256, "🚲 fiets 🔒", "دراجتي سُرقت", "می\u200cخواهم", "Ünïcödé", "\ud800", "\x85next",
    "\ufeffbom", "=HYPERLINK(\"x\")", "e\u0301", "   ", "\u2028", "<script>alert(1)</script>",
]
HOSTILE_AMOUNTS = [
    "15.000", "15000,00", "€ 15.000,00", "1e999999999", "0,001", "-5", "1000000", "1000000,01", "12,5", "NaN",
    "Infinity", "1.250,00", "1,250", "0", "00012", "٣٠٠", "1_000", " 7 ",
]
HOSTILE_DATES = ["0001-01-01", "1899-12-31", "1900-01-01", "2026-11-18", "9999-12-31", "2026-02-30", "yesterday"]
HOSTILE_MOMENTS = [
    "0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00", "1899-12-31T23:59:00+00:00", "9999-12-31T23:59:59-05:00",
    "2026-11-20T08:00:00+01:00", "2026-11-20T17:30:00", "not a time",
]
HOSTILE_EMAILS = ["a\x00@example.nl", "a\u200b@example.nl", "x@example.nl", "@", "x@y", "x@example.nl\n"]
HOSTILE_PHONES = ["06 12345678", "+31 6 87654321", "0031612345678", "+44 20 7946 0958", "112", "06-1234567a"]


def text_values() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))


def value_for(spec: Field) -> st.SearchStrategy[Any]:
    kind = spec.type
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.URL, FieldType.FRAME_NUMBER, FieldType.POSTCODE,
                FieldType.IBAN):
        return text_values()
    if kind is FieldType.AMOUNT:
        return st.one_of(st.sampled_from(HOSTILE_AMOUNTS), st.decimals(0, 10**7, places=2).map(str),
                         st.integers(0, 10**9).map(str))
    if kind is FieldType.DATE:
        return st.one_of(st.sampled_from(HOSTILE_DATES), st.dates().map(lambda d: d.isoformat()))
    if kind is FieldType.DATETIME_WINDOW:
        moment = st.one_of(st.sampled_from(HOSTILE_MOMENTS),
                           st.datetimes(timezones=st.sampled_from([UTC, None])).map(lambda m: m.isoformat()))
        return st.fixed_dictionaries({"start": moment}, optional={"end": moment})
    if kind is FieldType.EMAIL:
        return st.one_of(st.sampled_from(HOSTILE_EMAILS), text_values())
    if kind is FieldType.PHONE:
        return st.one_of(st.sampled_from(HOSTILE_PHONES), text_values())
    if kind is FieldType.ADDRESS:
        part = st.one_of(text_values(), st.sampled_from(["7811 AB", "1234ab", "Emmen"]))
        return st.fixed_dictionaries({}, optional={"street": part, "number": part, "postcode": part, "city": part})
    if kind is FieldType.CHOICE:
        return st.one_of(st.sampled_from(spec.choices), text_values())
    if kind in (FieldType.BOOLEAN, FieldType.CONSENT):
        return st.booleans()
    if kind is FieldType.ITEMS:
        return st.lists(st.fixed_dictionaries({}, optional={sub.id: value_for(sub) for sub in spec.fields}),
                        max_size=3)
    raise AssertionError(f"no strategy for {kind}")
