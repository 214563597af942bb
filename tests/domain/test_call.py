from __future__ import annotations

import json

import pytest

from domain import call, chat
from domain.payload import Translation, TranslationHop

CALL_ID = "0f8e2a4c-1111-4222-8333-944455556666"


@pytest.mark.parametrize(
    "message",
    [
        call.CallRequest(CALL_ID, session=CALL_ID, language="ar", service="bike_theft"),
        call.CallRequest(CALL_ID, session=CALL_ID, language="en"),
        call.QueueStatus(CALL_ID, position=2, expected_wait_s=90, officers_online=1),
        call.Accepted(
            CALL_ID,
            (
                call.IceServer(("stun:127.0.0.1:3478",)),
                call.IceServer(("turn:t.example:3478",), "1700000000:k", "c2VjcmV0"),
            ),
        ),
        call.Accepted(CALL_ID, (call.IceServer(("turn:t.example:3478",), "1700000000:k", "c2VjcmV0"),), True),
        call.Ringing((call.RingingCall(CALL_ID, "tr", None, "kiosk-1", "Utrecht", 1200),)),
        call.Offer(CALL_ID, "v=0\r\n", attempt=1),
        call.Answer(CALL_ID, "v=0\r\n"),
        call.Candidate(CALL_ID, "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 0),
        call.Candidate(CALL_ID, ""),
        call.Hangup(CALL_ID, call.EndReason.OFFICER_HANGUP),
        call.Hello("x" * 43),
        call.Error("bad_message", "message needs a type"),
    ],
)
def test_messages_round_trip(message: call.Message) -> None:
    assert call.decode(message.to_json()) == message


def test_the_wire_json_is_what_the_browser_and_the_kiosk_read() -> None:
    text = call.Accepted(CALL_ID, (call.IceServer(("stun:127.0.0.1:3478",)),)).to_json()
    assert text == (
        '{"type":"accepted","call_id":"' + CALL_ID + '",'
        '"ice_servers":[{"urls":["stun:127.0.0.1:3478"],"username":null,"credential":null}],"relay_only":false}'
    )
    # a backend from before relay-only sends no relay_only: both peers use every candidate, as they did
    before = '{"type":"accepted","call_id":"' + CALL_ID + '","ice_servers":[]}'
    assert call.decode(before) == call.Accepted(CALL_ID, (), relay_only=False)
    hangup = call.Hangup(CALL_ID, call.EndReason.NO_ANSWER).to_json()
    assert hangup == '{"type":"hangup","call_id":"' + CALL_ID + '","reason":"no_answer"}'
    assert json.loads(call.Candidate(CALL_ID, "").to_json()) == {
        "type": "candidate", "call_id": CALL_ID, "candidate": "", "sdp_mid": None, "sdp_mline_index": None,
        "attempt": 0,
    }


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"call_id": "abc"}',
        '{"type": "launch"}',
        '{"type": "accept"}',
        '{"type": "accept", "call_id": 12345678}',
        '{"type": "accept", "call_id": "../../etc/passwd"}',
        '{"type": "accept", "call_id": "0f8e2a4c-1111", "extra": 1}',
        '{"type": "hangup", "call_id": "0f8e2a4c-1111", "reason": "Resident said: help"}',
        '{"type": "offer", "call_id": "0f8e2a4c-1111", "sdp": "v=0", "attempt": -1}',
        '{"type": "offer", "call_id": "0f8e2a4c-1111", "sdp": "v=0", "attempt": true}',
        '{"type": "offer", "call_id": "0f8e2a4c-1111", "sdp": "v=0", "attempt": 1.5}',
        '{"type": "offer", "call_id": "0f8e2a4c-1111", "sdp": "v=0", "attempt": "1"}',
        '{"type": "accepted", "call_id": "0f8e2a4c-1111", "ice_servers": [{"urls": ["stun:x"], "extra": 1}]}',
        '{"type": "accepted", "call_id": "0f8e2a4c-1111", "ice_servers": {"urls": ["stun:x"]}}',
        '{"type": "accepted", "call_id": "0f8e2a4c-1111", "ice_servers": [], "relay_only": "true"}',
        '{"type": "accepted", "call_id": "0f8e2a4c-1111", "ice_servers": [], "relay_only": 1}',
        '{"type": "ringing", "calls": [{"call_id": "0f8e2a4c-1111"}]}',
        "[" * 5000 + "]" * 5000,
        '{"type": "offer", "call_id": "0f8e2a4c-1111", "sdp": ' + "[" * 3000 + "]" * 3000 + "}",
        '{"type": "accepted", "call_id": "0f8e2a4c-1111", "ice_servers": [{"urls": ["http://x"]}]}',
        '{"type": "request", "call_id": "0f8e2a4c-1111", "session": "s", "language": "ar"}',
        '{"type": "offer", "call_id": "0f8e2a4c-1111", "sdp": "' + "a" * call.MAX_MESSAGE_BYTES + '"}',
    ],
)
def test_bad_messages_are_refused(text: str) -> None:
    with pytest.raises(call.ProtocolError):
        call.decode(text)


def test_who_may_send_what_is_disjoint_where_it_matters() -> None:
    assert "accept" not in call.KIOSK_SENDS
    assert "request" not in call.OFFICER_SENDS
    assert call.RELAYED <= call.KIOSK_SENDS | call.OFFICER_SENDS


def translation() -> Translation:
    return Translation(
        original="دراجتي سُرقت",
        source_language="ar",
        dutch="Mijn fiets is gestolen",
        pivot="en",
        hops=(
            TranslationHop("translate-ar_en", "1.0", "ar", "en"),
            TranslationHop("translate-en_nl", "1.9", "en", "nl"),
        ),
        low_confidence=True,
        reason="pivot",
    )


def test_chat_carries_the_translation_metadata() -> None:
    message = chat.ChatMessage.translated_from("m1", chat.Sender.RESIDENT, translation(), "nl")
    decoded = chat.decode(chat.encode(message))
    assert decoded == message
    assert isinstance(decoded, chat.ChatMessage)
    assert decoded.translated == "Mijn fiets is gestolen"
    assert decoded.machine_translated and decoded.low_confidence and decoded.pivot == "en"
    assert decoded.model == "translate-ar_en 1.0 + translate-en_nl 1.9"


def test_chat_without_a_model_is_not_marked_machine_translated() -> None:
    missing = Translation(original="hallo", source_language="xx", dutch=None, reason="no_model")
    message = chat.ChatMessage.translated_from("m2", chat.Sender.RESIDENT, missing, "nl")
    assert message.translated is None and not message.machine_translated


@pytest.mark.parametrize(
    "message",
    [
        chat.IntakeSummary("ar", "theft", (chat.IntakeItem("description", "Wat is er gebeurd?", "سرقة", "diefstal"),)),
        chat.Ping(3),
        chat.MediaState(audio_muted=True),
        chat.ChatMessage("m3", "officer", "Goedemiddag", "nl"),
        chat.Caption("c1", "resident", "سرقت دراجتي", "ar", "Mijn fiets is gestolen.", "nl",
                     "2026-12-06T13:40:02Z", 2.4, "whisper-base 1", hops=(), machine_translated=True),
        chat.CaptionsSwitch(on=False, by="officer"),
    ],
)
def test_data_channel_messages_round_trip(message: chat.DataMessage) -> None:
    assert chat.decode(chat.encode(message)) == message


@pytest.mark.parametrize(
    "text",
    [
        "{",
        '{"kind": "video"}',
        '{"kind": "ping"}',
        '{"kind": "captions", "on": true, "by": "someone"}',
        '{"kind": "captions", "on": "yes", "by": "officer"}',
        '{"kind": "ping", "seq": "3"}',
        '{"kind": "media", "audio_muted": "yes"}',
        '{"kind": "media", "audio_muted": 1}',
        '{"kind": "ping", "seq": 1, "note": "x"}',
        '{"kind": "chat", "message_id": "m", "sender": "officer", "original": 5, "source_language": "nl"}',
        '{"kind": "chat", "message_id": "m", "sender": "robot", "original": "x", "source_language": "nl"}',
        '{"kind": "chat", "message_id": "m", "sender": "officer", "original": "' + "x" * 501 + '", '
        '"source_language": "nl"}',
    ],
)
def test_bad_data_channel_messages_are_refused(text: str) -> None:
    with pytest.raises(chat.ChatError):
        chat.decode(text)
