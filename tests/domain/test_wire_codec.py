"""The one JSON codec for wire messages: what it writes reads back the same, and what does not fit is refused."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain import call, chat
from domain.payload import CasePayload, PayloadError, Translation, TranslationHop
from domain.wire import CaseReceipt, Heartbeat, ProvisioningInfo, UsageBatchReceipt
from domain.wire_codec import WireFormatError, from_jsonable, to_jsonable

MESSAGES = (CaseReceipt, UsageBatchReceipt, Heartbeat, ProvisioningInfo)


@given(st.one_of(*(st.from_type(kind) for kind in MESSAGES)))
def test_every_message_comes_back_from_its_json(message: Any) -> None:
    text = json.dumps(to_jsonable(message))  # what travels: plain JSON
    assert from_jsonable(type(message), json.loads(text)) == message


@pytest.mark.parametrize("data", [None, [], "PL-1", {"reference": "PL-1"}, {"case_id": "not-a-uuid",
                                  "reference": "PL-1", "duplicate": False}])  # fmt: skip
def test_what_does_not_fit_is_refused_naming_the_message_only(data: Any) -> None:
    with pytest.raises(WireFormatError) as error:
        from_jsonable(CaseReceipt, data)
    assert str(error.value) == "malformed CaseReceipt"


# ----- the strict side: sealed payload, call signalling, data channel ---------------------------------------------
IDS = st.from_regex(r"\A[A-Za-z0-9-]{8,64}\Z")
CODES = st.from_regex(r"\A[a-z0-9_]{1,40}\Z")
COUNTS = st.integers(min_value=0, max_value=2**53)
TEXT = st.text(max_size=40)
ICE = st.builds(
    call.IceServer,
    urls=st.lists(st.sampled_from(["stun:", "turn:", "turns:"]).flatmap(lambda s: TEXT.map(s.__add__)), max_size=3)
    .map(tuple),
    username=st.none() | TEXT,
    credential=st.none() | TEXT,
)
BY_NAME: dict[str, st.SearchStrategy[Any]] = {
    "call_id": IDS, "session": IDS, "reason": CODES, "code": CODES, "language": CODES, "service": st.none() | CODES,
    "attempt": COUNTS, "position": COUNTS, "expected_wait_s": COUNTS, "officers_online": COUNTS,
    "ice_servers": st.lists(ICE, max_size=3).map(tuple),
    "relay_only": st.booleans(),
    "calls": st.lists(st.builds(call.RingingCall, call_id=IDS, language=CODES, service=st.none() | CODES,
                                waited_ms=COUNTS), max_size=3).map(tuple),
}  # fmt: skip


def signalling_message(cls: type[call.Message]) -> st.SearchStrategy[call.Message]:
    return st.builds(cls, **{f.name: BY_NAME[f.name] for f in fields(cls) if f.name in BY_NAME})


HOPS = st.lists(st.builds(TranslationHop), max_size=2).map(tuple)
DATA_MESSAGES = st.one_of(
    st.builds(chat.ChatMessage, sender=st.sampled_from(list(chat.Sender)).map(str), original=st.text(max_size=500),
              hops=HOPS),
    st.builds(chat.IntakeSummary, items=st.lists(st.builds(chat.IntakeItem), max_size=3).map(tuple)),
    st.builds(chat.Ping),
    st.builds(chat.MediaState),
    st.builds(chat.Caption, speaker=st.sampled_from(list(chat.Sender)).map(str), hops=HOPS,
              spoken_s=st.floats(0, 60)),
    st.builds(chat.CaptionsSwitch, by=st.sampled_from(list(chat.Sender)).map(str)),
    st.builds(chat.KeepTranscript), st.builds(chat.TranscriptState), st.builds(chat.StatementAnswer),
    st.builds(chat.DocumentPhoto, state=st.sampled_from(list(chat.PhotoState)).map(str)),
)  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
PAYLOADS = st.builds(
    CasePayload,
    answers=st.dictionaries(st.text(max_size=10), JSON, max_size=4),
    translations=st.dictionaries(st.text(max_size=10), st.builds(Translation, hops=HOPS), max_size=2),
)


@given(st.sampled_from(list(call.MESSAGES.values())).flatmap(signalling_message))
def test_every_signalling_message_comes_back_from_its_json(message: call.Message) -> None:
    assert call.decode(message.to_json()) == message


@given(DATA_MESSAGES)
def test_every_data_channel_message_comes_back_from_its_json(message: chat.DataMessage) -> None:
    assert chat.decode(chat.encode(message)) == message


@given(PAYLOADS)
def test_every_payload_comes_back_and_seals_to_the_same_bytes(payload: CasePayload) -> None:
    assume(all(depth(value) < 10 for value in payload.answers.values()))
    again = CasePayload.from_json(payload.to_json())
    assert again == payload
    assert again.to_json() == payload.to_json()


def depth(value: Any) -> int:
    if isinstance(value, dict | list):
        return 1 + max((depth(v) for v in (value.values() if isinstance(value, dict) else value)), default=0)
    return 0


def tagged(key: str, tags: list[str]) -> st.SearchStrategy[str]:
    """JSON objects with a known tag and fields of any JSON type: what a confused or hostile peer might send."""
    names = st.sampled_from(["call_id", "sdp", "attempt", "ice_servers", "relay_only", "calls", "seq", "original",
                             "sender", "items", "audio_muted", "message_id", "source_language", "hops",
                             "x"])  # fmt: skip
    return st.builds(
        lambda tag, rest: json.dumps({key: tag, **rest}),
        st.sampled_from(tags),
        st.dictionaries(names, JSON, max_size=6),
    )


@given(st.one_of(tagged("type", list(call.MESSAGES)), st.text(max_size=50)))
def test_any_signalling_text_decodes_or_is_refused_as_a_protocol_error(text: str) -> None:
    try:
        message = call.decode(text)
    except call.ProtocolError:
        return
    assert call.decode(message.to_json()) == message


@given(st.one_of(tagged("kind", list(chat.KINDS)), st.text(max_size=50)))
def test_any_data_channel_text_decodes_or_is_refused_as_a_chat_error(text: str) -> None:
    try:
        message = chat.decode(text)
    except chat.ChatError:
        return
    assert chat.decode(chat.encode(message)) == message


@given(st.dictionaries(st.sampled_from(["case_id", "case_type", "schema_version", "language", "created_at",
                                        "answers", "translations", "format", "x"]), JSON, max_size=9))  # fmt: skip
def test_any_payload_bytes_open_or_are_refused_as_a_payload_error(raw: dict[str, Any]) -> None:
    try:
        payload = CasePayload.from_json(json.dumps(raw).encode())
    except PayloadError:
        return
    assert CasePayload.from_json(payload.to_json()) == payload


SECRET = "Jan de Vries, Dorpsstraat 1"


@pytest.mark.parametrize(
    "decode, text",
    [
        (call.decode, json.dumps({"type": "offer", "call_id": "0f8e2a4c-1111", "sdp": "v", SECRET: 1})),
        (call.decode, json.dumps({"type": "offer", "call_id": "0f8e2a4c-1111", "sdp": "v", "attempt": SECRET})),
        (call.decode, json.dumps({"type": SECRET})),
        (chat.decode, json.dumps({"kind": "chat", "message_id": "m", "sender": SECRET, "original": "x",
                                  "source_language": "nl"})),
        (chat.decode, json.dumps({"kind": "ping", "seq": SECRET})),
        (lambda t: CasePayload.from_json(t.encode()), json.dumps({"answers": {SECRET: 1}, SECRET: SECRET})),
        (lambda t: CasePayload.from_json(t.encode()), json.dumps(
            {"case_id": "c", "case_type": "t", "schema_version": 1, "language": "nl", "created_at": "x",
             "answers": {}, "translations": {SECRET: {"original": SECRET}}})),
    ],
)
def test_a_refusal_never_repeats_what_was_sent(decode: Any, text: str) -> None:
    with pytest.raises(WireFormatError) as error:
        decode(text)
    assert "Jan" not in str(error.value) and "Dorpsstraat" not in str(error.value)
