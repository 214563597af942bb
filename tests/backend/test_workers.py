"""Two real backend worker processes on one PostgreSQL database: calls across them, a worker killed (SIGKILL) while
kiosks wait and while a call runs, revoked tokens and locked accounts in every worker at once.

The kiosk and console sockets here are driven by hand with the messages the kiosk and console send (their own
reconnecting code is tested in tests/kiosk/call/test_session.py and, through nginx, in tests/call/)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from backend.http.auth import SESSION_COOKIE
from backend.services.schemas import Role
from backend.settings import load_settings
from backend.wiring import Services
from domain.call import (
    CONSOLE_CALL_PATH,
    KIOSK_CALL_PATH,
    Accept,
    Accepted,
    Answer,
    CallRequest,
    Candidate,
    Connected,
    Hangup,
    Hello,
    Message,
    Offer,
    QueueStatus,
    Refused,
    Rejoin,
    Ringing,
    decode,
)
from domain.wire import HEARTBEAT_PATH
from tests.backend.call_sockets import receive
from tests.kiosk.delivery_support import wait_until
from tools.backend_process import BackendProcess
from tools.postgres import PostgresServer

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]

PASSWORD = "een lang wachtwoord voor de test"
GRACE_S = 3.0
ENV = {
    "POLITIELOKET_BACKEND_CALL_REJOIN_GRACE_SECONDS": str(GRACE_S),
    "POLITIELOKET_BACKEND_PURGE_INTERVAL_MINUTES": "0",
    "POLITIELOKET_BACKEND_LOGIN_LOCKOUT_FAILURES": "3",
    "POLITIELOKET_BACKEND_ARGON2_TIME_COST": "1",  # fast hashes in tests; production keeps argon2's defaults
    "POLITIELOKET_BACKEND_ARGON2_MEMORY_KIB": "1024",
}
OFFICERS = ("agent.jansen", "agent.bakker", "agent.devries")  # agent.devries gets locked out


@dataclass
class Officer:
    session: str
    csrf: str
    worker: BackendProcess


@dataclass
class Workers:
    a: BackendProcess
    b: BackendProcess
    database_url: str

    def officer(self, worker: BackendProcess, name: str = "agent.jansen") -> Officer:
        with httpx.Client(base_url=worker.url) as client:
            answer = client.post("/api/auth/login", json={"name": name, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            return Officer(client.cookies[SESSION_COOKIE], answer.json()["csrf_token"], worker)

    @contextmanager
    def console(self, officer: Officer) -> Iterator[ClientConnection]:
        """The console's call socket on the worker the officer signed in to; Hello sent."""
        with connect(
            officer.worker.url.replace("http://", "ws://") + CONSOLE_CALL_PATH,
            additional_headers={"Cookie": f"{SESSION_COOKIE}={officer.session}"},
            origin=Origin(officer.worker.url),
        ) as socket:
            socket.send(Hello(officer.csrf).to_json())
            yield socket

    def kiosk(self, worker: BackendProcess, token: str) -> ClientConnection:
        return connect(
            worker.url.replace("http://", "ws://") + KIOSK_CALL_PATH,
            additional_headers={"Authorization": f"Bearer {token}"},
        )

    def new_kiosk(self) -> tuple[str, str]:
        """A kiosk provisioned by the admin through worker A: (its id, its token)."""
        with self.admin() as client:
            answer = client.post("/api/admin/kiosks", json={"name": f"Kiosk {uuid.uuid4().hex[:8]}",
                                                             "location": "Emmen, bibliotheek"})  # fmt: skip
            assert answer.status_code == 201, answer.text
            return answer.json()["kiosk"]["id"], answer.json()["token"]

    @contextmanager
    def admin(self) -> Iterator[httpx.Client]:
        admin = self.officer(self.a, "beheer")
        with httpx.Client(base_url=self.a.url, cookies={SESSION_COOKIE: admin.session},
                          headers={"X-CSRF-Token": admin.csrf}) as client:  # fmt: skip
            yield client

    def wait_for_empty_queue(self) -> None:
        self._wait_for_state(lambda calls: not calls, "calls of an earlier test are still in the queue")

    def wait_for_call(self, condition: Callable[[dict[str, Any]], bool]) -> None:
        """Until the one call in the shared queue's state meets `condition`."""
        self._wait_for_state(lambda calls: len(calls) == 1 and condition(calls[0]), "the call's state")

    def _wait_for_state(self, condition: Callable[[list[dict[str, Any]]], bool], what: str) -> None:
        query = text("SELECT state FROM call_state")
        with self._engine().connect() as connection:

            def calls() -> list[dict[str, Any]]:
                found = [call for row in connection.execute(query) for call in json.loads(row[0]).get("calls", [])]
                connection.rollback()
                return found

            wait_until(lambda: condition(calls()), timeout=GRACE_S + 10, what=what)

    def _engine(self) -> Engine:
        return create_engine(self.database_url.replace("postgresql://", "postgresql+psycopg://"), poolclass=NullPool)

    def call_events(self, session: str, count: int) -> list[tuple[str, str | None]]:
        """The call's usage events once `count` are stored (each is written once, by one worker)."""
        engine = self._engine()
        query = text("SELECT kind, reason FROM usage_events WHERE session = :session ORDER BY id")

        def stored() -> list[tuple[str, str | None]]:
            with engine.connect() as connection:
                return [(row[0], row[1]) for row in connection.execute(query, {"session": uuid.UUID(session)})]

        try:
            wait_until(lambda: len(stored()) >= count, timeout=15, what=f"{count} call events")
            return stored()
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def two_workers(
    postgres_server: PostgresServer, postgres_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workers]:
    """Started once for the module (a process starts in seconds); a test that kills one gets it back (`workers`)."""
    url = postgres_server.create_database(f"workers_{uuid.uuid4().hex[:10]}", postgres_template)
    root = tmp_path_factory.mktemp("workers")
    a = BackendProcess(root / "a", env=ENV, database_url=url, keys_dir=root / "keys")
    b = BackendProcess(root / "b", env=ENV, database_url=url, keys_dir=root / "keys")
    # the accounts, made in this process (a command per user would start Python four times)
    services = Services.start(load_settings({"database_url": url, "keys_dir": root / "keys"}, environ=ENV))
    try:
        for name, role in (*((officer, Role.OFFICER) for officer in OFFICERS), ("beheer", Role.ADMIN)):
            services.accounts.create_user(name, role, PASSWORD)
    finally:
        services.close()
    try:
        a.start()
        b.start()
        yield Workers(a, b, url)
    finally:
        a.stop(kill=True)
        b.stop(kill=True)


@pytest.fixture
def workers(two_workers: Workers) -> Workers:
    """Both workers running, and the shared call queue empty (an earlier test's calls have ended)."""
    for worker in (two_workers.a, two_workers.b):
        if worker.process is None:
            worker.start()
    two_workers.wait_for_empty_queue()
    return two_workers


def answer(socket: ClientConnection) -> Message:
    """The first message that is not a queue or ringing update."""
    while isinstance(message := decode(socket.recv(timeout=10)), QueueStatus | Ringing):
        pass
    return message


def ringing_ids(socket: ClientConnection, expected: int) -> list[str]:
    """The ringing list once it holds `expected` calls."""
    while True:
        calls = [call.call_id for call in receive(socket, Ringing).calls]
        if len(calls) == expected:
            return calls


def dropped(socket: ClientConnection) -> bool:
    try:
        socket.recv(timeout=10)
    except ConnectionClosed:
        return True
    return dropped(socket)


def answered(request: CallRequest, counter: ClientConnection, desk: ClientConnection) -> None:
    """The kiosk asks, the officer accepts, both hear it."""
    counter.send(request.to_json())
    receive(counter, QueueStatus)
    desk.send(Accept(request.call_id).to_json())
    receive(desk, Accepted)
    receive(counter, Accepted)


def new_call(language: str = "ar") -> CallRequest:
    return CallRequest(str(uuid.uuid4()), str(uuid.uuid4()), language, "bike_theft")


def test_a_call_rings_in_every_worker_and_its_signalling_crosses_between_them(workers: Workers) -> None:
    _, token = workers.new_kiosk()
    request = new_call()
    one, two = workers.officer(workers.a, "agent.jansen"), workers.officer(workers.b, "agent.bakker")
    with workers.console(one) as desk_a, workers.console(two) as desk_b, workers.kiosk(workers.a, token) as counter:
        receive(desk_a, Ringing)
        receive(desk_b, Ringing)
        counter.send(request.to_json())
        assert receive(counter, QueueStatus).officers_online == 2  # both workers' officers count
        assert ringing_ids(desk_b, 1) == [request.call_id]  # the officer on the other worker hears it ring
        desk_b.send(Accept(request.call_id).to_json())
        assert receive(desk_b, Accepted).call_id == request.call_id
        desk = desk_b  # the officer on worker B, the kiosk on worker A: everything below crosses between them
        assert receive(counter, Accepted).call_id == request.call_id
        counter.send(Offer(request.call_id, "v=0 kiosk offer").to_json())
        assert receive(desk, Offer).sdp == "v=0 kiosk offer"  # worker A to worker B
        desk.send(Answer(request.call_id, "v=0 officer answer").to_json())
        assert receive(counter, Answer).sdp == "v=0 officer answer"  # and back
        candidates = [Candidate(request.call_id, f"candidate:{n} 1 udp 1 127.0.0.1 {9000 + n} typ host", "0", 0)
                      for n in range(5)]  # fmt: skip
        for candidate in candidates:
            desk.send(candidate.to_json())
        assert [receive(counter, Candidate) for _ in candidates] == candidates  # in the order sent
        counter.send(Connected(request.call_id).to_json())
        workers.call_events(request.session, 2)  # through worker A, while the officer is on B: wait for it
        desk.send(Hangup(request.call_id, "officer_hangup").to_json())
        assert receive(counter, Hangup).reason == "officer_hangup"
    assert workers.call_events(request.session, 3) == [
        ("call_requested", None),
        ("call_connected", None),
        ("call_ended", "officer_hangup"),
    ]  # each once: recorded by the worker that made it happen, not by both


def test_two_officers_on_two_workers_accepting_at_once_exactly_one_wins(workers: Workers) -> None:
    _, token = workers.new_kiosk()
    request = new_call("pl")
    one, two = workers.officer(workers.a, "agent.jansen"), workers.officer(workers.b, "agent.bakker")
    with workers.console(one) as desk_a, workers.console(two) as desk_b, workers.kiosk(workers.a, token) as counter:
        counter.send(request.to_json())
        receive(counter, QueueStatus)
        assert ringing_ids(desk_a, 1) == ringing_ids(desk_b, 1) == [request.call_id]
        desk_b.send(Accept(request.call_id).to_json())
        desk_a.send(Accept(request.call_id).to_json())  # at once, through the other worker: whichever is first wins
        answers = [answer(desk) for desk in (desk_a, desk_b)]
        assert sorted(type(said).__name__ for said in answers) == ["Accepted", "Refused"], answers
        assert next(said for said in answers if isinstance(said, Refused)).reason == "taken"
        assert receive(counter, Accepted).call_id == request.call_id
        counter.send(Hangup(request.call_id, "kiosk_hangup").to_json())


def test_kiosks_waiting_on_a_killed_worker_rejoin_through_the_other_and_keep_their_places(workers: Workers) -> None:
    tokens = [workers.new_kiosk()[1] for _ in range(2)]
    calls = [new_call("ar"), new_call("tr")]
    officer = workers.officer(workers.b)
    with workers.console(officer) as desk, ExitStack() as sockets:
        receive(desk, Ringing)
        counters = [sockets.enter_context(workers.kiosk(workers.a, token)) for token in tokens]
        for counter, call in zip(counters, calls, strict=True):
            counter.send(call.to_json())
            receive(counter, QueueStatus)
        assert ringing_ids(desk, 2) == [call.call_id for call in calls]
        workers.a.stop(kill=True)  # SIGKILL: no goodbye, its sockets just drop
        assert all(dropped(counter) for counter in counters)
        again = [sockets.enter_context(workers.kiosk(workers.b, token)) for token in reversed(tokens)]  # 2nd first
        for counter, call in zip(again, reversed(calls), strict=True):
            counter.send(Rejoin(call.call_id).to_json())
        assert [receive(counter, QueueStatus).position for counter in again] == [2, 1]  # places kept
        desk.send(Accept(calls[0].call_id).to_json())
        assert receive(desk, Accepted).call_id == calls[0].call_id
        assert receive(again[1], Accepted).call_id == calls[0].call_id
    assert workers.call_events(calls[1].session, 1)[0] == ("call_requested", None)


def test_a_call_goes_on_when_the_kiosks_worker_is_killed_and_ends_normally_later(workers: Workers) -> None:
    _, token = workers.new_kiosk()
    request = new_call()
    officer = workers.officer(workers.b)
    with workers.console(officer) as desk, workers.kiosk(workers.a, token) as counter:
        answered(request, counter, desk)
        counter.send(Connected(request.call_id).to_json())
        workers.call_events(request.session, 2)
        workers.a.stop(kill=True)
        assert dropped(counter)
        with workers.kiosk(workers.b, token) as again:
            again.send(Rejoin(request.call_id).to_json())
            assert workers.b.process is not None
            back_on_b = f"{workers.b.process.pid}-"
            # attached to worker B and no longer counted as lost: the grace cannot end it any more
            workers.wait_for_call(lambda call: (call["kiosk_peer"] or "").startswith(back_on_b)
                                  and call["kiosk_lost_at"] is None)  # fmt: skip
            candidate = Candidate(request.call_id, "candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0)
            desk.send(candidate.to_json())
            assert receive(again, Candidate) == candidate
            again.send(Hangup(request.call_id, "kiosk_hangup").to_json())
            assert receive(desk, Hangup).reason == "kiosk_hangup"
    assert workers.call_events(request.session, 3) == [
        ("call_requested", None),
        ("call_connected", None),
        ("call_ended", "kiosk_hangup"),
    ]


def test_a_kiosk_that_does_not_come_back_after_its_worker_died_ends_the_call_for_the_officer(
    workers: Workers,
) -> None:
    _, token = workers.new_kiosk()
    request = new_call()
    officer = workers.officer(workers.b)
    with workers.console(officer) as desk, workers.kiosk(workers.a, token) as counter:
        answered(request, counter, desk)
        workers.a.stop(kill=True)
        assert receive(desk, Hangup, timeout=GRACE_S + 10) == Hangup(request.call_id, "kiosk_lost")
    assert workers.call_events(request.session, 2)[-1] == ("call_ended", "kiosk_lost")


def test_a_token_revoked_through_one_worker_is_refused_by_the_other_at_its_next_request(workers: Workers) -> None:
    kiosk_id, token = workers.new_kiosk()
    beat = {"outbox_pending": 0}
    headers = {"Authorization": f"Bearer {token}"}
    for worker in (workers.a, workers.b):  # both have just seen the token valid
        assert httpx.post(worker.url + HEARTBEAT_PATH, json=beat, headers=headers).status_code == 204
    with workers.admin() as client:
        assert client.post(f"/api/admin/kiosks/{kiosk_id}/revoke").status_code == 200
    assert httpx.post(workers.b.url + HEARTBEAT_PATH, json=beat, headers=headers).status_code == 401
    with workers.kiosk(workers.b, token) as counter, pytest.raises(ConnectionClosed):
        counter.recv(timeout=10)


def test_failed_logins_on_both_workers_count_together_and_lock_the_account_in_both(workers: Workers) -> None:
    for worker in (workers.a, workers.b, workers.a):  # three failures, spread over the workers
        answer = httpx.post(worker.url + "/api/auth/login", json={"name": "agent.devries", "password": "fout"})
        assert answer.status_code == 401
    for worker in (workers.b, workers.a):
        answer = httpx.post(worker.url + "/api/auth/login", json={"name": "agent.devries", "password": PASSWORD})
        assert (answer.status_code, answer.json()["error"]) == (429, "account_locked")


def test_a_worker_restarted_politely_hands_its_call_over_to_the_other(workers: Workers) -> None:
    """SIGTERM, as `systemctl restart` sends: the worker closes its sockets with 1012 (service restart) and the call
    stays in the shared queue for the kiosk and the console to rejoin elsewhere; nobody is told it ended."""
    _, token = workers.new_kiosk()
    request = new_call("uk")
    officer = workers.officer(workers.a)
    with workers.kiosk(workers.a, token) as counter, workers.console(officer) as desk:
        answered(request, counter, desk)
        counter.send(Connected(request.call_id).to_json())
        workers.call_events(request.session, 2)
        workers.a.stop()  # SIGTERM
        for socket in (counter, desk):
            with pytest.raises(ConnectionClosed) as closed:
                receive(socket, Hangup)  # no Hangup comes first: the socket just closes
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
    moved = Officer(officer.session, officer.csrf, workers.b)  # the same session, through the other worker
    with workers.kiosk(workers.b, token) as counter, workers.console(moved) as desk:
        counter.send(Rejoin(request.call_id).to_json())
        desk.send(Rejoin(request.call_id).to_json())
        workers.wait_for_call(lambda call: call["kiosk_lost_at"] is None and call["officer_lost_at"] is None)
        counter.send(Offer(request.call_id, "v=0 a new offer", 1).to_json())
        assert receive(desk, Offer).attempt == 1
        desk.send(Hangup(request.call_id, "officer_hangup").to_json())
        assert receive(counter, Hangup).reason == "officer_hangup"
    assert workers.call_events(request.session, 3)[-1] == ("call_ended", "officer_hangup")
