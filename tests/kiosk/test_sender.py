import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.wire import CaseReceipt, UsageEvent
from kiosk.delivery.backend_client import Rejected, ServerError, TimedOut, TokenRefused, Unreachable
from kiosk.delivery.outbox import SqlOutbox
from kiosk.delivery.sender import Sender, backoff_delay
from kiosk.ports import SenderState
from tests.kiosk.delivery_support import FakeBackend, Keypair, fast_settings, wait_until
from tools.samples import SECRETS, make_payload


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def keys() -> Keypair:
    return Keypair()


@pytest.fixture
def backend(keys: Keypair) -> FakeBackend:
    return FakeBackend(keys)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outbox(tmp_path: Path, keys: Keypair, clock: Clock) -> SqlOutbox:
    return SqlOutbox(tmp_path / "outbox.sqlite", keys.public_b64, clock=clock)


@pytest.fixture
def sender(outbox: SqlOutbox, backend: FakeBackend, clock: Clock, tmp_path: Path) -> Sender:
    settings = fast_settings(tmp_path, send_initial_backoff=2.0, send_max_backoff=300.0)
    return Sender(outbox, backend, settings, clock=clock, rng=random.Random(4))


def usage_event(kind: str) -> UsageEvent:
    return UsageEvent(uuid.uuid4(), uuid.uuid4(), kind, datetime.now(UTC))


def test_a_round_sends_cases_then_events_then_a_heartbeat(
    sender: Sender, outbox: SqlOutbox, backend: FakeBackend
) -> None:
    outbox.put_case(make_payload("theft", 1))
    outbox.record(usage_event("session_start"))
    outbox.put_case(make_payload("vandalism", 2))
    assert sender.run_once()
    assert backend.calls == ["case", "case", "events", "heartbeat"]
    assert len(backend.cases) == 2 and len(backend.batches) == 1
    assert backend.heartbeats[0].outbox_pending == 0
    status = sender.status()
    assert (status.state, status.pending_cases, status.pending_batches, status.last_error) == (
        SenderState.IDLE, 0, 0, None
    )
    assert [reference for _, reference in status.references] == ["PL-00001", "PL-00002"]


def test_unreachable_backend_keeps_everything_and_backs_off(
    sender: Sender, outbox: SqlOutbox, backend: FakeBackend, clock: Clock
) -> None:
    outbox.put_case(make_payload("theft", 1))
    backend.failure = Unreachable()
    assert not sender.run_once()
    status = sender.status()
    assert (status.state, status.pending_cases, status.last_error) == (
        SenderState.WAITING, 1, "backend not reachable"
    )
    pending = outbox.next_case(now=clock.now + 1000)
    assert pending is not None and pending.attempts == 1
    for _ in range(2):
        clock.now += 1000
        sender.run_once()
    assert sender.status().state == SenderState.OFFLINE
    clock.now += 1000
    backend.failure = None
    assert sender.run_once()
    assert sender.status().state == SenderState.IDLE and len(backend.cases) == 1


def test_after_recovery_entries_waiting_out_their_backoff_go_at_once(
    sender: Sender, outbox: SqlOutbox, backend: FakeBackend, clock: Clock
) -> None:
    outbox.put_case(make_payload("theft", 1))
    backend.failure = TimedOut()
    sender.run_once()
    backend.failure = None
    outbox.put_case(make_payload("theft", 2))  # a new submit: due now, the first one still backing off
    sender.wake()
    assert sender.run_once()
    assert len(backend.cases) == 2 and outbox.counts().empty


def test_a_conflict_is_held_aside_reported_and_not_retried(
    sender: Sender, outbox: SqlOutbox, backend: FakeBackend, keys: Keypair
) -> None:
    payload = make_payload("theft", 1)
    other_content = make_payload("theft", 1, description="different")
    backend.cases[uuid.UUID(payload.case_id)] = other_content.to_json()
    backend.references[uuid.UUID(payload.case_id)] = "PL-99999"
    outbox.put_case(payload)
    outbox.put_case(make_payload("theft", 2))
    assert sender.run_once()
    assert backend.calls.count("case") == 2
    status = sender.status()
    assert status.pending_cases == 1 and status.state == SenderState.IDLE
    assert status.last_error == "1 case(s) set aside: backend already has a different case with this id"
    sender.run_once()
    assert backend.calls.count("case") == 2  # never sent again by itself
    assert outbox.release_held() == 1
    sender.run_once()
    assert backend.calls.count("case") == 3 and outbox.counts().held_cases == 1


def test_a_rejected_batch_is_held_and_cases_still_flow(
    sender: Sender, outbox: SqlOutbox, backend: FakeBackend
) -> None:
    outbox.record(usage_event("session_start"))
    backend.failing["events"] = Rejected(422)
    assert sender.run_once()
    del backend.failing["events"]
    outbox.put_case(make_payload("theft", 3))
    assert sender.run_once()
    assert len(backend.cases) == 1
    assert sender.status().last_error == "1 event batch(es) set aside: backend rejected the entry (HTTP 422)"


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (TokenRefused(), "backend refused the kiosk token"),
        (ServerError(503), "backend had an error (HTTP 503)"),
        (TimedOut(), "backend did not answer in time"),
    ],
)
def test_status_says_why_in_plain_words_without_data(
    sender: Sender, outbox: SqlOutbox, backend: FakeBackend, failure: Exception, words: str
) -> None:
    outbox.put_case(make_payload("online_fraud", 1))
    backend.failure = failure
    sender.run_once()
    status = sender.status()
    assert status.last_error == words and status.state == SenderState.WAITING
    assert not any(secret in repr(status) for secret in SECRETS)


def test_heartbeat_reports_the_backlog_and_comes_at_its_interval(
    sender: Sender, outbox: SqlOutbox, backend: FakeBackend, clock: Clock
) -> None:
    sender.run_once()
    sender.run_once()
    assert backend.calls == ["heartbeat"]
    clock.now += 3600
    outbox.put_case(make_payload("theft", 1))
    backend.failing["case"] = ServerError(500)
    sender.run_once()  # the case fails: no heartbeat in a failed round
    clock.now += 3600
    del backend.failing["case"]
    sender.run_once()
    assert len(backend.heartbeats) == 2 and backend.heartbeats[1].outbox_pending == 0


def test_the_first_quiet_round_after_a_drain_wipes_sent_ciphertext_from_disk(
    sender: Sender, outbox: SqlOutbox, tmp_path: Path
) -> None:
    outbox.put_case(make_payload("theft", 1))
    pending = outbox.next_case(now=1e12)
    assert pending is not None
    fragment = pending.delivery.sealed[200:260].encode()
    wal = tmp_path / "outbox.sqlite-wal"
    assert sender.run_once()
    assert wal.stat().st_size > 0  # not right after the receipt: the next submit may be coming
    assert sender.run_once()
    assert wal.stat().st_size == 0
    assert fragment not in b"".join(path.read_bytes() for path in tmp_path.glob("outbox.sqlite*"))


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=0, max_value=2**32))
def test_backoff_grows_exponentially_within_jittered_bounds(failures: int, seed: int) -> None:
    delay = backoff_delay(failures, 2.0, 300.0, random.Random(seed))
    base = min(300.0, 2.0 * 2 ** (failures - 1))
    assert base / 2 <= delay <= base


def test_backoff_is_jittered() -> None:
    rng = random.Random(1)
    assert len({backoff_delay(5, 2.0, 300.0, rng) for _ in range(20)}) > 1


# --- the thread ------------------------------------------------------------------------------------------

Live = tuple[SqlOutbox, Sender]


@pytest.fixture
def live(tmp_path: Path, keys: Keypair, backend: FakeBackend) -> Iterator[Live]:
    outbox = SqlOutbox(tmp_path / "live.sqlite", keys.public_b64)
    sender = Sender(outbox, backend, fast_settings(tmp_path), rng=random.Random(7))
    outbox.notify = sender.wake
    sender.start()
    yield outbox, sender
    sender.stop()
    assert not sender.running


def test_the_thread_resumes_by_itself_when_the_network_returns(live: Live, backend: FakeBackend) -> None:
    outbox, sender = live
    backend.failure = Unreachable()
    for index in range(5):
        outbox.put_case(make_payload("theft", index))
    wait_until(lambda: sender.status().state == SenderState.OFFLINE, what="offline state")
    assert sender.status().pending_cases == 5
    backend.failure = None  # nobody calls wake(): the sender must find out by itself
    wait_until(lambda: sender.status().pending_cases == 0, what="drain after the network returned")
    assert len(backend.cases) == 5
    wait_until(lambda: sender.status().state == SenderState.IDLE, what="idle after the round")


def test_the_thread_survives_an_unexpected_error(live: Live, backend: FakeBackend) -> None:
    outbox, sender = live
    backend.failure = RuntimeError("a bug")
    outbox.put_case(make_payload("theft", 1))
    wait_until(lambda: sender.status().last_error == "kiosk error while sending (RuntimeError)", what="error")
    backend.failure = None
    wait_until(lambda: sender.status().pending_cases == 0, what="drain after the error")
    assert sender.running


def test_a_submit_wakes_the_sender_and_receipts_are_reported(
    tmp_path: Path, keys: Keypair, backend: FakeBackend
) -> None:
    received: list[CaseReceipt] = []
    outbox = SqlOutbox(tmp_path / "o.sqlite", keys.public_b64)
    settings = fast_settings(tmp_path, send_idle_interval=3600.0)  # only a wake can make it look again
    sender = Sender(outbox, backend, settings, on_receipt=received.append)
    outbox.notify = sender.wake
    sender.start()
    try:
        wait_until(lambda: backend.calls == ["heartbeat"], what="first round")
        outbox.put_case(make_payload("bike_theft", 1))
        wait_until(lambda: len(received) == 1, what="receipt")
        assert str(received[0].case_id) == make_payload("bike_theft", 1).case_id
    finally:
        sender.stop()
