import os
import sqlite3
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.payload import CasePayload
from domain.usage import InvalidEvent
from domain.wire import UsageEvent
from kiosk.delivery.outbox import NotProvisioned, SqlOutbox
from tests.kiosk.delivery_support import Keypair
from tools.samples import SECRETS, make_payload


@pytest.fixture
def keys() -> Keypair:
    return Keypair()


@pytest.fixture
def outbox(tmp_path: Path, keys: Keypair) -> SqlOutbox:
    return SqlOutbox(tmp_path / "outbox.sqlite", keys.public_b64, event_batch_size=3)


def disk_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def event(kind: str = "step_enter", **fields: object) -> UsageEvent:
    return UsageEvent(uuid.uuid4(), uuid.uuid4(), kind, datetime.now(UTC), **fields)  # type: ignore[arg-type]


def test_a_put_case_is_sealed_and_opens_to_the_payload(outbox: SqlOutbox, keys: Keypair) -> None:
    payload = make_payload("online_fraud", 1)
    outbox.put_case(payload)
    pending = outbox.next_case(now=1e12)
    assert pending is not None
    assert str(pending.delivery.case_id) == payload.case_id
    assert (pending.delivery.case_type, pending.delivery.language) == ("online_fraud", "en")
    assert CasePayload.from_json(keys.open(pending.delivery.sealed)) == payload


def test_no_answer_reaches_the_database_or_its_wal_in_plaintext(outbox: SqlOutbox, tmp_path: Path) -> None:
    for index, case_type in enumerate(["theft", "online_fraud", "vandalism", "bike_theft"]):
        outbox.put_case(make_payload(case_type, index))
    files = disk_bytes(tmp_path / "outbox.sqlite")
    assert (tmp_path / "outbox.sqlite-wal").stat().st_size > 0  # the test looks where the data is
    for secret in (*SECRETS, "NL91ABNA0417164300", "fatima@example.nl"):
        assert secret.encode() not in files


def test_acknowledged_ciphertext_is_wiped_from_the_file_and_the_wal(outbox: SqlOutbox, tmp_path: Path) -> None:
    outbox.put_case(make_payload("theft", 1))
    outbox.put_case(make_payload("theft", 2))
    first = outbox.next_case(now=1e12)
    assert first is not None
    sealed_fragment = first.delivery.sealed[100:160].encode()
    outbox.compact()
    assert sealed_fragment in disk_bytes(tmp_path / "outbox.sqlite")
    outbox.acknowledge_case(first.delivery.case_id)
    outbox.compact()
    assert sealed_fragment not in disk_bytes(tmp_path / "outbox.sqlite")
    assert outbox.counts().pending_cases == 1


def test_a_put_survives_reopening_and_the_same_case_id_is_stored_once(tmp_path: Path, keys: Keypair) -> None:
    path = tmp_path / "outbox.sqlite"
    first = SqlOutbox(path, keys.public_b64)
    first.put_case(make_payload("theft", 7))
    first.put_case(make_payload("theft", 7))
    # no close(): the database must be complete without a clean shutdown
    reopened = SqlOutbox(path, keys.public_b64)
    assert reopened.counts().pending_cases == 1


def test_database_is_private_in_wal_mode_with_full_sync(outbox: SqlOutbox, tmp_path: Path) -> None:
    outbox.put_case(make_payload())
    for name in ("outbox.sqlite", "outbox.sqlite-wal"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    connection = outbox._engine.raw_connection()
    try:
        cursor = connection.cursor()
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert cursor.execute("PRAGMA secure_delete").fetchone()[0] == 1
    finally:
        connection.close()


def test_without_a_public_key_nothing_is_stored(tmp_path: Path) -> None:
    outbox = SqlOutbox(tmp_path / "outbox.sqlite")
    with pytest.raises(NotProvisioned):
        outbox.put_case(make_payload())
    assert outbox.counts().pending_cases == 0


def test_due_order_postpone_hold_and_release(outbox: SqlOutbox) -> None:
    a, b = make_payload("theft", 1), make_payload("theft", 2)
    outbox.put_case(a)
    outbox.put_case(b)
    first = outbox.next_case(now=1e12)
    assert first is not None and str(first.delivery.case_id) == a.case_id
    outbox.postpone_case(first.delivery.case_id, "backend not reachable", until=2e12)
    second = outbox.next_case(now=1e12)
    assert second is not None and str(second.delivery.case_id) == b.case_id  # the failed one went to the back
    outbox.hold_case(second.delivery.case_id, "backend already has a different case with this id")
    assert outbox.next_case(now=1e12) is None
    counts = outbox.counts()
    assert (counts.pending_cases, counts.held_cases) == (2, 1)
    assert [entry.reason for entry in outbox.held_entries()] == ["backend already has a different case with this id"]
    outbox.make_due(now=1e12)
    again = outbox.next_case(now=1e12)
    assert again is not None and str(again.delivery.case_id) == a.case_id and again.attempts == 1
    assert outbox.release_held() == 1
    assert outbox.counts().held_cases == 0


def test_usage_events_are_buffered_then_written_in_batches(outbox: SqlOutbox) -> None:
    woken: list[int] = []
    outbox.notify = lambda: woken.append(1)
    outbox.record(event("session_start"))
    outbox.record(event("language", language="ar"))
    assert outbox.counts().pending_batches == 0 and outbox.buffered_events() == 2
    assert not woken
    outbox.record(event("service", service="theft"))  # batch size 3 reached: the sender is told
    assert woken
    for _ in range(4):
        outbox.record(event("step_enter", step="contact"))
    assert outbox.flush_events() == 7
    assert outbox.counts().pending_batches == 3  # 3 + 3 + 1
    pending = outbox.next_batch(now=1e12)
    assert pending is not None
    assert [e.kind for e in pending.batch.events] == ["session_start", "language", "service"]
    assert pending.batch.events[1].language == "ar"


def test_session_end_asks_for_a_flush(outbox: SqlOutbox) -> None:
    woken: list[int] = []
    outbox.notify = lambda: woken.append(1)
    outbox.record(event("session_end"))
    assert woken


def test_an_event_carrying_free_text_is_refused(outbox: SqlOutbox) -> None:
    with pytest.raises(InvalidEvent):
        outbox.record(event("step_enter", step="Zwanenburg-Oukili lives here"))
    assert outbox.buffered_events() == 0


def test_another_process_sees_committed_cases(outbox: SqlOutbox, tmp_path: Path) -> None:
    outbox.put_case(make_payload())
    with sqlite3.connect(tmp_path / "outbox.sqlite") as other:
        assert other.execute("SELECT count(*) FROM cases").fetchone()[0] == 1


def test_events_being_written_still_count_and_a_failed_write_keeps_them(
    outbox: SqlOutbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(2):
        outbox.record(event("session_start"))
    seen_while_writing: list[int] = []

    def failing_write(events: list[UsageEvent]) -> None:
        seen_while_writing.append(outbox.buffered_events())
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(outbox, "_write_batches", failing_write)
    with pytest.raises(sqlite3.OperationalError):
        outbox.flush_events()
    assert seen_while_writing == [2]
    assert outbox.buffered_events() == 2
    monkeypatch.undo()
    assert outbox.flush_events() == 2 and outbox.counts().pending_batches == 1
