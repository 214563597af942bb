"""Signalling messages for video calls: what kiosk, backend and officer console say over their WebSockets.

One JSON object per WebSocket text message, with a "type". The backend only routes: it sees the language,
the service and queue times, never the intake or the chat (those travel peer to peer over the data channel,
see domain.chat). SDP and ICE candidates pass through the backend unread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from domain.wire_codec import FORBID_UNKNOWN_KEYS, TaggedCodec, WireFormatError

KIOSK_CALL_PATH = "/api/kiosk/call"  # WebSocket, kiosk bearer token
CONSOLE_CALL_PATH = "/api/console/call"  # WebSocket, officer session cookie, then Hello with the CSRF token
NON_URGENT_NUMBER = "0900-8844"
MAX_MESSAGE_BYTES = 64 * 1024  # an SDP with a few candidates is 3-6 kB


class EndReason(StrEnum):
    """Why a call ended: who hung up, or what failed. Recorded as the call_ended usage event's reason."""

    KIOSK_HANGUP = "kiosk_hangup"  # the resident ended a connected call
    OFFICER_HANGUP = "officer_hangup"
    KIOSK_CANCELLED = "kiosk_cancelled"  # the resident left the queue before anyone answered
    NO_ANSWER = "no_answer"  # nobody answered in time; the resident chose a call-back or 0900-8844 instead
    KIOSK_LOST = "kiosk_lost"  # the kiosk's signalling connection dropped
    OFFICER_LOST = "officer_lost"
    NETWORK_LOST = "network_lost"  # media stopped and did not come back in time
    MEDIA_FAILED = "media_failed"  # the peers never connected
    SERVER_SHUTDOWN = "server_shutdown"
    UNREACHABLE = "unreachable"  # the kiosk could not reach the call service at all (never reaches the backend)


class ProtocolError(WireFormatError):
    """A message that is not valid JSON, has an unknown type or wrong fields. The text names no data."""


_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
_CODE = re.compile(r"^[a-z0-9_]{1,40}$")


@dataclass(frozen=True)
class IceServer:
    """One entry of RTCPeerConnection's iceServers (the browser drops the None credentials of a STUN server)."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS
    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None  # a short-lived TURN password (HMAC of the username, coturn use-auth-secret)


@dataclass(frozen=True)
class RingingCall:
    """A call waiting for an officer, as the console lists it."""

    call_id: str
    language: str
    service: str | None
    kiosk: str  # the kiosk's name, so the officer knows which counter rings
    location: str
    waited_ms: int  # at the moment the list was sent; the console counts on from there

    __pydantic_config__ = FORBID_UNKNOWN_KEYS


class Message:
    """Base of all signalling messages; `type` names the message on the wire (see SIGNALLING below)."""

    type: ClassVar[str]
    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    def to_json(self) -> str:
        return SIGNALLING.encode(self)


# ----- kiosk -> backend ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CallRequest(Message):
    type: ClassVar[str] = "request"
    call_id: str
    session: str  # the kiosk session's random id, so the call's usage events join the session's
    language: str
    service: str | None = None  # the case type the resident was filling in, if any


@dataclass(frozen=True)
class Connected(Message):
    """The kiosk's media and data channel are up: the wait is over (call_connected)."""

    type: ClassVar[str] = "connected"
    call_id: str


@dataclass(frozen=True)
class Rejoin(Message):
    """Kiosk or console, on a new signalling connection: "I am still in this call". The backend keeps a call whose
    side lost its connection for a short grace (a worker restarted, a network blip); media and chat go on peer to
    peer meanwhile. A call that has gone is answered with its Hangup."""

    type: ClassVar[str] = "rejoin"
    call_id: str


# ----- backend -> kiosk ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueueStatus(Message):
    type: ClassVar[str] = "queue"
    call_id: str
    position: int  # 1 = next to be answered
    expected_wait_s: int | None  # from recently answered calls; None when there are none or no officer is online
    officers_online: int


@dataclass(frozen=True)
class Accepted(Message):
    """An officer took the call; sent to the kiosk (which then makes the offer) and to that officer.

    relay_only (the backend's call_relay_only): both peers use TURN-relayed candidates only (the browser's
    iceTransportPolicy "relay"), so neither learns the other's address. Messages without it mean False.
    """

    type: ClassVar[str] = "accepted"
    call_id: str
    ice_servers: tuple[IceServer, ...] = ()
    relay_only: bool = False


# ----- backend -> officer consoles ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Ringing(Message):
    """The full list of waiting calls; sent whenever it changes (a call came, was taken or left)."""

    type: ClassVar[str] = "ringing"
    calls: tuple[RingingCall, ...] = ()


@dataclass(frozen=True)
class Refused(Message):
    """An officer's accept lost the race, or the call had gone."""

    type: ClassVar[str] = "refused"
    call_id: str
    reason: str


# ----- officer console -> backend -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Hello(Message):
    """First message on the console's socket: proves the page, not another site, opened it."""

    type: ClassVar[str] = "hello"
    csrf: str


@dataclass(frozen=True)
class Accept(Message):
    type: ClassVar[str] = "accept"
    call_id: str


# ----- relayed between the two peers of a call ----------------------------------------------------------------
@dataclass(frozen=True)
class Offer(Message):
    """The kiosk offers; `attempt` > 0 is a reconnect: the officer replaces its peer connection."""

    type: ClassVar[str] = "offer"
    call_id: str
    sdp: str
    attempt: int = 0


@dataclass(frozen=True)
class Answer(Message):
    type: ClassVar[str] = "answer"
    call_id: str
    sdp: str
    attempt: int = 0


@dataclass(frozen=True)
class Candidate(Message):
    """A trickled ICE candidate (the browser trickles; aiortc puts all of its own in the SDP)."""

    type: ClassVar[str] = "candidate"
    call_id: str
    candidate: str  # "candidate:..." as RTCIceCandidate.candidate, "" for end of candidates
    sdp_mid: str | None = None
    sdp_mline_index: int | None = None
    attempt: int = 0


@dataclass(frozen=True)
class Reconnecting(Message):
    """A peer lost media and is trying again; the other side shows "reconnecting"."""

    type: ClassVar[str] = "reconnecting"
    call_id: str
    attempt: int


@dataclass(frozen=True)
class Hangup(Message):
    """Either side (or the backend) ends the call; the backend forwards it with the final reason."""

    type: ClassVar[str] = "hangup"
    call_id: str
    reason: str  # an EndReason value


@dataclass(frozen=True)
class Error(Message):
    type: ClassVar[str] = "error"
    code: str
    detail: str = ""


MESSAGES: dict[str, type[Message]] = {
    cls.type: cls
    for cls in (
        CallRequest,
        Connected,
        QueueStatus,
        Accepted,
        Ringing,
        Refused,
        Hello,
        Accept,
        Offer,
        Answer,
        Candidate,
        Reconnecting,
        Hangup,
        Error,
        Rejoin,
    )
}
KIOSK_REASONS = frozenset(
    {
        EndReason.KIOSK_HANGUP,
        EndReason.KIOSK_CANCELLED,
        EndReason.NO_ANSWER,
        EndReason.NETWORK_LOST,
        EndReason.MEDIA_FAILED,
    }
)
OFFICER_REASONS = frozenset({EndReason.OFFICER_HANGUP, EndReason.NETWORK_LOST, EndReason.MEDIA_FAILED})
KIOSK_SENDS = frozenset({"request", "connected", "offer", "candidate", "reconnecting", "hangup", "rejoin"})
OFFICER_SENDS = frozenset({"hello", "accept", "answer", "candidate", "reconnecting", "hangup", "rejoin"})
RELAYED = frozenset({"offer", "answer", "candidate", "reconnecting"})


SIGNALLING = TaggedCodec("type", MESSAGES, ProtocolError, MAX_MESSAGE_BYTES)
ICE_SCHEMES = frozenset({"stun", "turn", "turns"})


def decode(text: str | bytes) -> Message:
    """The message in `text`, or ProtocolError: strict JSON types, no unknown fields, ids and codes as below."""
    message = SIGNALLING.decode(text)
    _check(message)
    return message


def _check(message: Message) -> None:
    for name in ("call_id", "session"):
        value = getattr(message, name, None)
        if value is not None and not _ID.match(value):
            raise ProtocolError(f"{name} must be 8-64 letters, digits or dashes")
    for name in ("reason", "code", "language", "service"):
        value = getattr(message, name, None)
        if value is not None and not _CODE.match(value):
            raise ProtocolError(f"field {name} must be a short code")
    for name in ("attempt", "position", "expected_wait_s", "officers_online"):
        value = getattr(message, name, None)
        if value is not None and value < 0:
            raise ProtocolError(f"field {name} must not be negative")
    if isinstance(message, Accepted):
        for server in message.ice_servers:
            if not all(url.split(":", 1)[0] in ICE_SCHEMES for url in server.urls):
                raise ProtocolError("ice server urls must be stun:, turn: or turns:")
