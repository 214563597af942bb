"""The call WebSockets against the real app and database: who may connect, the whole call, the records."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect, WebSocketState
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from backend.http.auth import SESSION_COOKIE
from backend.http.routes import signalling
from backend.services.schemas import Role
from backend.settings import Settings
from backend.storage.models import UsageEventRow
from domain.call import (
    CONSOLE_CALL_PATH,
    KIOSK_CALL_PATH,
    Accept,
    Accepted,
    Answer,
    CallRequest,
    Candidate,
    Connected,
    Error,
    Hangup,
    Hello,
    Offer,
    QueueStatus,
    Refused,
    Rejoin,
    Ringing,
)
from tests.backend.call_sockets import receive
from tests.backend.conftest import make_settings
from tests.backend.support import PASSWORD, Backend, KioskAccount, LiveServer
from tools.backend_process import free_port


@dataclass
class Officer:
    session: str
    csrf: str


class Calls:
    """The app served by uvicorn, with real WebSocket clients: one event loop, as in production."""

    def __init__(self, backend: Backend, server: LiveServer) -> None:
        self.backend = backend
        self.services = backend.services
        self.ws_url = server.url.replace("http://", "ws://")
        self.origin = server.url

    def officer(self, role: Role = Role.OFFICER) -> Officer:
        name = self.backend.user(role)
        with httpx.Client(base_url=self.origin) as client:
            answer = client.post("/api/auth/login", json={"name": name, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            return Officer(client.cookies[SESSION_COOKIE], answer.json()["csrf_token"])

    @contextmanager
    def console(
        self, officer: Officer | None, origin: str | None = None, hello: bool = True
    ) -> Iterator[ClientConnection]:
        headers = {"Cookie": f"{SESSION_COOKIE}={officer.session}"} if officer else {}
        where = Origin(origin or self.origin)
        with connect(self.ws_url + CONSOLE_CALL_PATH, additional_headers=headers, origin=where) as ws:
            if officer and hello:
                ws.send(Hello(officer.csrf).to_json())
            yield ws

    def kiosk(self, account: KioskAccount | None = None) -> ClientConnection:
        account = account or self.backend.kiosk()
        return connect(self.ws_url + KIOSK_CALL_PATH, additional_headers=account.headers)


GRACE_S = 1.0  # how long a dropped side may take to rejoin, short here


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return replace(make_settings(database_url, tmp_path), call_rejoin_grace_seconds=GRACE_S)


@pytest.fixture
def calls(backend: Backend) -> Iterator[Calls]:
    with LiveServer(backend.app, free_port()) as server:
        yield Calls(backend, server)


def call_events(calls: Calls, session: str, count: int) -> list[UsageEventRow]:
    deadline = time.monotonic() + 10  # the events are written by a worker thread after the message
    while True:
        with calls.services.db.read() as db:
            rows = list(db.scalars(select(UsageEventRow).where(UsageEventRow.session == uuid.UUID(session))))
        if len(rows) >= count or time.monotonic() > deadline:
            return sorted(rows, key=lambda row: row.id)
        time.sleep(0.05)


@pytest.mark.both_databases
@pytest.mark.both_databases
def test_a_whole_call_is_signalled_and_recorded(calls: Calls) -> None:
    kiosk = calls.backend.kiosk(location="Emmen, bibliotheek")
    request = CallRequest(str(uuid.uuid4()), str(uuid.uuid4()), "ar", "bike_theft")
    with calls.console(calls.officer()) as desk, calls.kiosk(kiosk) as counter:
        assert receive(desk, Ringing).calls == ()
        counter.send(request.to_json())
        status = receive(counter, QueueStatus)
        assert (status.position, status.officers_online) == (1, 1)
        (ringing,) = receive(desk, Ringing).calls
        assert (ringing.call_id, ringing.language, ringing.service, ringing.location) == (
            request.call_id, "ar", "bike_theft", "Emmen, bibliotheek",
        )  # fmt: skip
        desk.send(Accept(request.call_id).to_json())
        assert receive(desk, Accepted).call_id == request.call_id
        assert receive(counter, Accepted).ice_servers == ()  # no STUN or TURN configured: host candidates only
        counter.send(Offer(request.call_id, "v=0 kiosk offer").to_json())
        assert receive(desk, Offer).sdp == "v=0 kiosk offer"
        desk.send(Answer(request.call_id, "v=0 officer answer").to_json())
        assert receive(counter, Answer).sdp == "v=0 officer answer"
        candidate = Candidate(request.call_id, "candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host", "0", 0)
        desk.send(candidate.to_json())
        assert receive(counter, Candidate) == candidate
        counter.send(Connected(request.call_id).to_json())
        desk.send(Hangup(request.call_id, "officer_hangup").to_json())
        assert receive(counter, Hangup).reason == "officer_hangup"
    rows = call_events(calls, request.session, 3)
    assert [(r.kind, r.reason, r.code) for r in rows] == [
        ("call_requested", None, None),
        ("call_connected", None, None),
        ("call_ended", "officer_hangup", "connected"),
    ]
    assert rows[1].duration_ms is not None and rows[2].duration_ms is not None
    assert {(r.kiosk_id, r.location, r.language, r.service) for r in rows} == {
        (kiosk.id, "Emmen, bibliotheek", "ar", "bike_theft")
    }


@pytest.mark.both_databases
def test_when_two_officers_accept_one_wins(calls: Calls) -> None:
    request = CallRequest(str(uuid.uuid4()), str(uuid.uuid4()), "en")
    with calls.console(calls.officer()) as one, calls.console(calls.officer()) as two, calls.kiosk() as counter:
        receive(one, Ringing)
        receive(two, Ringing)
        counter.send(request.to_json())
        receive(counter, QueueStatus)
        one.send(Accept(request.call_id).to_json())
        two.send(Accept(request.call_id).to_json())
        assert receive(one, Accepted).call_id == request.call_id
        assert receive(two, Refused).reason == "taken"
        assert receive(counter, Accepted).call_id == request.call_id


@pytest.mark.both_databases
def test_a_kiosk_that_does_not_come_back_ends_its_call_for_the_officer(calls: Calls) -> None:
    request = CallRequest(str(uuid.uuid4()), str(uuid.uuid4()), "tr")
    with calls.console(calls.officer()) as desk:
        with calls.kiosk() as counter:
            counter.send(request.to_json())
            receive(counter, QueueStatus)
            desk.send(Accept(request.call_id).to_json())
            receive(desk, Accepted)
        dropped = time.monotonic()
        assert receive(desk, Hangup) == Hangup(request.call_id, "kiosk_lost")
        assert time.monotonic() - dropped >= GRACE_S  # it had its chance to rejoin
    assert call_events(calls, request.session, 2)[-1].reason == "kiosk_lost"


@pytest.mark.both_databases
def test_a_kiosk_that_reconnects_keeps_its_place_and_hears_the_accept_it_missed(calls: Calls) -> None:
    kiosk = calls.backend.kiosk()
    first, second = (CallRequest(str(uuid.uuid4()), str(uuid.uuid4()), "pl") for _ in range(2))
    with calls.console(calls.officer()) as desk, calls.kiosk() as other:
        other.send(first.to_json())
        receive(other, QueueStatus)
        with calls.kiosk(kiosk) as counter:
            counter.send(second.to_json())
            assert receive(counter, QueueStatus).position == 2
        with calls.kiosk(kiosk) as counter:
            counter.send(Rejoin(second.call_id).to_json())
            assert receive(counter, QueueStatus).position == 2  # its place was kept
            counter.close()  # and it drops again
        desk.send(Accept(second.call_id).to_json())
        receive(desk, Accepted)
        with calls.kiosk(kiosk) as counter:
            counter.send(Rejoin(second.call_id).to_json())
            assert receive(counter, Accepted).call_id == second.call_id
            counter.send(Offer(second.call_id, "v=0 kiosk offer").to_json())
            assert receive(desk, Offer).sdp == "v=0 kiosk offer"
        with calls.kiosk() as stranger:  # another kiosk cannot take the call over
            stranger.send(Rejoin(second.call_id).to_json())
            assert receive(stranger, Hangup) == Hangup(second.call_id, "kiosk_lost")


def test_a_kiosk_cannot_answer_or_accept(calls: Calls) -> None:
    with calls.kiosk() as counter:
        counter.send(Accept(str(uuid.uuid4())).to_json())
        assert receive(counter, Error).code == "not_allowed"
        counter.send('{"type": "request", "call_id": "x"}')
        assert receive(counter, Error).code == "bad_message"
        counter.send(CallRequest(str(uuid.uuid4()), str(uuid.uuid4()), "xx").to_json())
        assert receive(counter, Error).code == "bad_request"


def closed_with(socket: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=10)
    return closed.value.rcvd.code if closed.value.rcvd else None


def test_who_may_open_the_call_sockets(calls: Calls) -> None:
    with connect(calls.ws_url + KIOSK_CALL_PATH) as anonymous:
        assert closed_with(anonymous) == signalling.CLOSE_UNAUTHORISED
    with calls.kiosk(KioskAccount(uuid.uuid4(), "not-a-token")) as impostor:
        assert closed_with(impostor) == signalling.CLOSE_UNAUTHORISED
    with calls.console(None) as nobody:
        assert closed_with(nobody) == signalling.CLOSE_UNAUTHORISED
    with calls.console(calls.officer(), origin="https://evil.example", hello=False) as elsewhere:
        assert closed_with(elsewhere) == signalling.CLOSE_FORBIDDEN
    with calls.console(calls.officer(Role.PILOT), hello=False) as pilot:
        assert closed_with(pilot) == signalling.CLOSE_FORBIDDEN


def test_a_console_must_prove_its_csrf_token_first(calls: Calls) -> None:
    officer = calls.officer()
    with calls.console(Officer(officer.session, "not-the-token")) as desk:
        assert closed_with(desk) == signalling.CLOSE_FORBIDDEN
    with calls.console(officer) as desk:
        assert receive(desk, Ringing).calls == ()



class GoneSocket:
    """The part of Starlette's WebSocket that SocketPeer uses, for a client that is already gone."""

    def __init__(self, state: WebSocketState) -> None:
        self.client_state = state
        self.closed_with: int | None = None

    async def send_text(self, _text: str) -> None:
        raise WebSocketDisconnect(code=1006)

    async def close(self, code: int = 1000) -> None:
        self.closed_with = code
        raise WebSocketDisconnect(code=1006)  # what Starlette raises when the transport went away meanwhile


@pytest.mark.parametrize("state", [WebSocketState.DISCONNECTED, WebSocketState.CONNECTED])
def test_a_kiosk_leaving_the_queue_is_an_ordinary_event_not_an_error(state: WebSocketState) -> None:
    """A resident walks away while waiting and the kiosk's socket ends. Closing our side afterwards used to
    raise WebSocketDisconnect out of the handler, which uvicorn logs as an ERROR with a traceback (seen in a
    real backend's log; it depends on who closes first, so this checks the close itself)."""

    async def leave() -> GoneSocket:
        gone = GoneSocket(state)
        peer = signalling.SocketPeer(gone)  # type: ignore[arg-type]
        peer.send(Hangup(str(uuid.uuid4()), "kiosk_lost"))
        await peer.close()
        return gone

    gone = asyncio.run(leave())
    assert gone.closed_with == (1000 if state is WebSocketState.CONNECTED else None)
