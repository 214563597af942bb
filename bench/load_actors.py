"""The simulated load: what the kiosks, officers and calls send, made by the kiosk's own code, and how each request
is recorded (latency inside the measured window, errors over the whole run).

Cases and usage batches are made before the clock (KioskMade): the form validated, the flow's build_payload, sealed by
the outbox (SqlOutbox seals before it stores), read back as the sender reads them, encoded with the kiosk client's
codec. Each kiosk keeps one keep-alive connection and sends one request at a time, as its sender does; those
requests go through a few lines of asyncio rather than httpx, which cost about 2 ms of CPU per request here (half of
what the worker spends on a heartbeat, on the same two cores). Every officer is an httpx.AsyncClient signed in
through /api/auth/login, with its console's call socket (websockets; cookie, Origin, Hello with the CSRF token) open
all along. A call: the kiosk opens the call WebSocket with the kiosk's own WebsocketSignalling and asks; a free
officer's console accepts when it rings; offer, answer, connected, hold, hangup.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from backend.http.auth import SESSION_COOKIE
from domain.call import (
    CONSOLE_CALL_PATH,
    Accept,
    Accepted,
    Answer,
    CallRequest,
    Connected,
    Error,
    Hangup,
    Hello,
    Message,
    Offer,
    QueueStatus,
    Refused,
    Ringing,
    decode,
)
from domain.forms import FormCatalog, default_assets_dir
from domain.payload import Translation
from domain.usage import EventKind
from domain.validation import validate
from domain.wire import CASES_PATH, EVENTS_PATH, HEARTBEAT_PATH, Heartbeat, UsageEvent
from domain.wire_codec import to_jsonable
from kiosk.call.websocket_signalling import WebsocketSignalling
from kiosk.delivery.outbox import SqlOutbox
from kiosk.session.payloads import build_payload
from tools.samples import ANSWERS

M = TypeVar("M", bound=Message)

PASSWORD = "bench-wachtwoord-2026"  # every officer's (bench/scale.py creates the accounts with it)
TIMEOUT_S = 15.0  # a call step that takes longer is an error

FORMS = FormCatalog.load(default_assets_dir() / "forms")
CASE_TYPES = sorted(ANSWERS)


# ----- what the kiosks send, made by the kiosk's own code -------------------------------------------------------
class KioskMade:
    """Cases and usage batches as the kiosk makes them: validated answers, the flow's payload builder, the outbox
    (which seals before it stores, and batches usage events), read back as the sender reads them, encoded by the
    codec the kiosk's HTTP client sends with (to_jsonable). Made before the clock: that work is the kiosk's."""

    def __init__(self, public_key: str, directory: Path) -> None:
        self.outbox = SqlOutbox(directory / "outbox.sqlite", public_key)
        self.made = 0

    def case(self) -> bytes:
        index, self.made = self.made, self.made + 1
        case_type = CASE_TYPES[index % len(CASE_TYPES)]
        now = datetime.now(UTC)
        answers = dict(ANSWERS[case_type])
        if "description" in answers:
            answers["description"] = f"{answers['description']} (bench case {index})"
        result = validate(FORMS.get(case_type), answers, now=now)
        if not result.ok:
            raise RuntimeError(f"the sample {case_type} answers no longer validate: {result.errors}")
        translations = {}
        if "description" in result.values:
            translations["description"] = Translation(
                original=result.values["description"], source_language="en", dutch="Mijn fiets is gestolen."
            )
        self.outbox.put_case(build_payload(FORMS.get(case_type), "en", result.values, translations, now))
        pending = self.outbox.next_case(time.time() + 1)
        assert pending is not None
        self.outbox.acknowledge_case(pending.delivery.case_id)
        return json.dumps(to_jsonable(pending.delivery)).encode()

    def usage_batch(self, index: int) -> bytes:
        """One resident's session (language, service, every step in and out, submit, rating) as one batch."""
        case_type = CASE_TYPES[index % len(CASE_TYPES)]
        session, started = uuid.uuid4(), datetime.now(UTC) - timedelta(minutes=6)

        def event(kind: EventKind, seconds: int, **values: Any) -> None:
            self.outbox.record(UsageEvent(event_id=uuid.uuid4(), session=session, kind=kind.value,
                                          at=started + timedelta(seconds=seconds), language="en",
                                          service=case_type, **values))  # fmt: skip

        event(EventKind.SESSION_START, 0)
        event(EventKind.LANGUAGE, 5)
        event(EventKind.SERVICE, 20)
        for number, step in enumerate(FORMS.get(case_type).steps):
            event(EventKind.STEP_ENTER, 30 + 40 * number, step=step.id)
            event(EventKind.STEP_LEAVE, 65 + 40 * number, step=step.id, duration_ms=35_000)
        event(EventKind.SUBMIT, 330)
        event(EventKind.RATING, 340, rating=4)
        event(EventKind.SESSION_END, 345, duration_ms=345_000)
        self.outbox.flush_events()
        pending = self.outbox.next_batch(time.time() + 1)
        assert pending is not None
        self.outbox.acknowledge_batch(pending.batch.batch_id)
        return json.dumps(to_jsonable(pending.batch)).encode()


class Pool:
    """Bodies made before the run; when it runs dry, more are made during it (on the load generator's CPU)."""

    def __init__(self, make: Callable[[], bytes], count: int) -> None:
        self.make = make
        self.bodies = [make() for _ in range(count)]
        self.made_late = 0

    def reset(self, bodies: list[bytes]) -> None:
        self.bodies, self.made_late = list(bodies), 0

    def take(self) -> bytes:
        if self.bodies:
            return self.bodies.pop()
        self.made_late += 1
        return self.make()



# ----- recording -----------------------------------------------------------------------------------------------
class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: dict[str, str] = {}
        self.window = (float("inf"), float("inf"))

    def ok(self, kind: str, started: float, ended: float) -> None:
        if self.window[0] <= ended <= self.window[1]:
            self.latencies[kind].append((ended - started) * 1000)

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, what)


async def http(recorder: Recorder, kind: str, client: httpx.AsyncClient, method: str, path: str, expected: int,
               **options: Any) -> httpx.Response | None:  # fmt: skip
    started = time.perf_counter()
    try:
        response = await client.request(method, path, **options)
    except httpx.HTTPError as failure:
        recorder.error(kind, f"{type(failure).__name__} {failure}")
        return None
    if response.status_code != expected:
        recorder.error(kind, f"HTTP {response.status_code} {response.text[:200]}")
        return None
    recorder.ok(kind, started, time.perf_counter())
    return response


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


# ----- the actors ---------------------------------------------------------------------------------------------
class Kiosk:
    """A kiosk's one keep-alive connection, one request at a time as the kiosk's sender makes them, with the
    headers HttpxBackendClient sends. A few lines of asyncio rather than httpx: httpx costs about 2 ms of CPU per
    request, as much as half of what the worker spends on a heartbeat, and this process shares the two cores."""

    def __init__(self, token: str, url: str) -> None:
        self.token, self.url = token, url
        self.port = int(url.rsplit(":", 1)[1])
        self.in_call = False
        self.head = (f"Host: 127.0.0.1:{self.port}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n"
                     "Content-Type: application/json\r\n").encode()  # fmt: skip
        self.lock = asyncio.Lock()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, recorder: Recorder, kind: str, path: str, body: bytes, expected: int) -> None:
        request = (f"POST {path} HTTP/1.1\r\n".encode() + self.head + f"Content-Length: {len(body)}\r\n\r\n".encode()
                   + body)  # fmt: skip
        async with self.lock:
            started = time.perf_counter()
            try:
                status = await self._exchange(request)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as failure:
                self.close()
                recorder.error(kind, f"{type(failure).__name__} {failure}")
                return
            except BaseException:  # cancelled half-way: the connection is in no state to be used again
                self.close()
                raise
            if status != expected:
                recorder.error(kind, f"HTTP {status}")
                return
            recorder.ok(kind, started, time.perf_counter())

    async def _exchange(self, request: bytes) -> int:
        reused = self.streams is not None
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        try:
            writer.write(request)
            first = await reader.readline()
        except (ConnectionResetError, BrokenPipeError):
            if not reused:
                raise
            first = b""
        if not first and reused:  # uvicorn closes a connection idle for 5 s; one that crossed our request: again
            self.close()
            return await self._exchange(request)
        status = int(first.split(b" ", 2)[1])
        length, close = 0, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"connection" and value.strip().lower() == b"close":
                close = True
            elif name.lower() == b"transfer-encoding":
                raise ValueError("chunked answer")
        await reader.readexactly(length)
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


class Console:
    """An officer's call socket; messages are matched against what a call step waits for."""

    def __init__(self, socket: ClientConnection, recorder: Recorder) -> None:
        self.socket = socket
        self.recorder = recorder
        self.waiters: list[tuple[Callable[[Message], bool], asyncio.Future[tuple[Message, float]]]] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for text in self.socket:
                message, at = decode(str(text)), time.perf_counter()
                if isinstance(message, Error):
                    self.recorder.error("console socket", f"{message.code}: {message.detail}")
                for waiter in list(self.waiters):
                    wanted, future = waiter
                    if wanted(message) and not future.done():
                        future.set_result((message, at))
                        self.waiters.remove(waiter)

    def expect(self, wanted: Callable[[Message], bool]) -> asyncio.Future[tuple[Message, float]]:
        future: asyncio.Future[tuple[Message, float]] = asyncio.get_running_loop().create_future()
        self.waiters.append((wanted, future))
        return future

    async def send(self, message: Message) -> None:
        await self.socket.send(message.to_json())


@dataclass
class Officer:
    name: str
    url: str
    client: httpx.AsyncClient
    console: Console | None = None
    busy: bool = False
    case_ids: list[str] = field(default_factory=list)
    pages: int = 0

    async def sign_in(self, recorder: Recorder) -> None:
        answer = await self.client.post("/api/auth/login", json={"name": self.name, "password": PASSWORD})
        if answer.status_code != 200:
            raise RuntimeError(f"login of {self.name}: HTTP {answer.status_code} {answer.text[:200]}")
        cookie = self.client.cookies[SESSION_COOKIE]
        socket = await connect(self.url.replace("http://", "ws://") + CONSOLE_CALL_PATH, origin=Origin(self.url),
                               additional_headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})  # fmt: skip
        await socket.send(Hello(answer.json()["csrf_token"]).to_json())
        self.console = Console(socket, recorder)


async def kiosk_receives(signalling: WebsocketSignalling, kind: type[M]) -> M:
    while True:
        message = await asyncio.wait_for(signalling.receive(), TIMEOUT_S)
        if isinstance(message, kind):
            return message
        if not isinstance(message, QueueStatus):
            raise RuntimeError(f"the kiosk expected {kind.__name__}, got {message.type}")


async def one_call(kiosk: Kiosk, officer: Officer, recorder: Recorder, hold: float) -> None:
    """Request, ring, accept, offer/answer, connected, hangup; errors are counted under the step that failed."""
    assert officer.console is not None
    desk, call_id, step = officer.console, str(uuid.uuid4()), "call ring"
    kiosk.in_call = officer.busy = True
    try:
        signalling = await WebsocketSignalling.open(kiosk.url, kiosk.token, timeout=TIMEOUT_S)
        try:
            rings = desk.expect(lambda m: isinstance(m, Ringing) and any(c.call_id == call_id for c in m.calls))
            asked = time.perf_counter()
            await signalling.send(CallRequest(call_id, str(uuid.uuid4()), "ar", "bike_theft"))
            _, rung = await asyncio.wait_for(rings, TIMEOUT_S)
            recorder.ok("call ring", asked, rung)
            step = "call accept"
            taken = desk.expect(lambda m: isinstance(m, Accepted | Refused) and m.call_id == call_id)
            accepting = time.perf_counter()
            await desk.send(Accept(call_id))
            await kiosk_receives(signalling, Accepted)
            recorder.ok("call accept", accepting, time.perf_counter())
            answer, _ = await asyncio.wait_for(taken, TIMEOUT_S)
            if isinstance(answer, Refused):
                raise RuntimeError(f"the officer's accept was refused: {answer.reason}")
            step = "call relay"
            offered = desk.expect(lambda m: isinstance(m, Offer) and m.call_id == call_id)
            await signalling.send(Offer(call_id, "v=0 bench offer"))
            await asyncio.wait_for(offered, TIMEOUT_S)
            await desk.send(Answer(call_id, "v=0 bench answer"))
            await kiosk_receives(signalling, Answer)
            await signalling.send(Connected(call_id))
            await asyncio.sleep(hold)
            await desk.send(Hangup(call_id, "officer_hangup"))
            await kiosk_receives(signalling, Hangup)
        finally:
            await signalling.close()
    except Exception as failure:  # any failure of a call is an error of the bench's run, never a crash of it
        recorder.error(step, f"{type(failure).__name__} {failure}")
    finally:
        kiosk.in_call = officer.busy = False


@dataclass
class Plan:
    heartbeat_s: float
    session_s: float
    poll_s: float
    page_s: float
    call_s: float
    hold_s: float
    senders: int


class Load:
    """The whole load of one run in this process's event loop."""

    def __init__(self, urls: list[str], database: str, tokens: list[str], officers: list[str], cases: Pool,
                 batches: Pool, plan: Plan) -> None:  # fmt: skip
        self.database = database
        self.recorder = Recorder()
        self.plan = plan
        self.kiosks = [Kiosk(token, urls[index % len(urls)]) for index, token in enumerate(tokens)]
        self.officers = [Officer(name, urls[(index + 1) % len(urls)], httpx.AsyncClient(base_url=urls[(index + 1) %
                         len(urls)], timeout=30)) for index, name in enumerate(officers)]  # fmt: skip
        self.cases, self.batches = cases, batches
        self.stop = asyncio.Event()
        self.lag: list[float] = []
        self.calls: set[asyncio.Task[None]] = set()

    async def close(self) -> None:
        for officer in self.officers:
            if officer.console is not None:
                await officer.console.socket.close()
                officer.console.reader.cancel()
            await officer.client.aclose()
        for kiosk in self.kiosks:
            kiosk.close()

    # the kiosks
    async def heartbeats(self, kiosk: Kiosk) -> None:
        body = json.dumps(to_jsonable(Heartbeat(outbox_pending=0, app_version="bench", translation_ready=True)))
        await self._every(self.plan.heartbeat_s,
                          lambda: kiosk.post(self.recorder, "heartbeat", HEARTBEAT_PATH, body.encode(), 204))

    async def usage(self, kiosk: Kiosk) -> None:
        await self._every(self.plan.session_s,
                          lambda: kiosk.post(self.recorder, "usage", EVENTS_PATH, self.batches.take(), 200))

    async def deliver(self, kiosk: Kiosk) -> None:
        while not self.stop.is_set():
            await self.deliver_one(kiosk)

    async def deliver_one(self, kiosk: Kiosk) -> None:
        await kiosk.post(self.recorder, "case delivery", CASES_PATH, self.cases.take(), 201)

    # the officers
    async def polls(self, officer: Officer) -> None:
        await self._every(self.plan.poll_s, lambda: self.poll(officer))

    async def poll(self, officer: Officer) -> None:
        answer = await http(self.recorder, "queue poll", officer.client, "GET", "/api/cases", 200,
                            params={"view": "new"}, headers={"X-Console-Poll": "1", "Accept": "application/json"})
        if answer is not None:
            officer.case_ids = [case["id"] for case in answer.json()["cases"]]

    async def browsing(self, officer: Officer) -> None:
        await self._every(self.plan.page_s, lambda: self.browse(officer))

    async def browse(self, officer: Officer) -> None:
        """A console page (the queue or a case page, by turns), then the case the page shows."""
        case_id = random.choice(officer.case_ids) if officer.case_ids else None
        officer.pages += 1
        page = f"/console/cases/{case_id}" if case_id and officer.pages % 2 else "/console/queue"
        await http(self.recorder, "console page", officer.client, "GET", page, 200)
        if case_id:
            await http(self.recorder, "case open", officer.client, "GET", f"/api/cases/{case_id}", 200,
                       headers={"Accept": "application/json"})  # fmt: skip

    # calls
    async def place_calls(self) -> None:
        callers = self.kiosks[self.plan.senders :] or self.kiosks
        while not self.stop.is_set():
            await asyncio.sleep(self.plan.call_s)
            free = [officer for officer in self.officers if not officer.busy]
            kiosks = [kiosk for kiosk in callers if not kiosk.in_call]
            if free and kiosks and not self.stop.is_set():
                task = asyncio.create_task(one_call(random.choice(kiosks), random.choice(free), self.recorder,
                                                    self.plan.hold_s))  # fmt: skip
                self.calls.add(task)
                task.add_done_callback(self.calls.discard)

    async def loop_lag(self) -> None:
        loop = asyncio.get_running_loop()
        while not self.stop.is_set():
            before = loop.time()
            await asyncio.sleep(0.05)
            self.lag.append(max(0.0, loop.time() - before - 0.05) * 1000)

    async def _every(self, interval: float, action: Callable[[], Awaitable[object]]) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.sleep(random.uniform(0, interval))
        due = loop.time()
        while not self.stop.is_set():
            await action()
            due += interval
            await asyncio.sleep(max(0.0, due - loop.time()))
