"""SqlOutbox: the kiosk's durable store-and-forward queue, SQLite through SQLAlchemy.

A case is sealed to the backend's public key before anything touches disk, so the database, its WAL and
the freed pages only ever hold ciphertext plus the routing metadata that travels in clear anyway. Usage
events (anonymous codes, see domain.usage) are buffered in memory and written as batches. A row leaves
only when the backend acknowledged it; an entry the backend refuses for good is held aside, not dropped.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from domain.payload import CasePayload
from domain.usage import EventKind, check_event
from domain.wire import MAX_EVENTS_PER_BATCH, MAX_SEALED_BYTES, CaseDelivery, UsageBatch, UsageEvent
from domain.wire_codec import from_jsonable, to_jsonable
from kiosk.delivery.sealing import load_public_key, seal

metadata = MetaData()


def _queue_columns() -> list[Column[Any]]:
    return [
        Column("queued_at", Float, nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", Float, nullable=False),
        Column("last_error", String(200)),
        Column("held", Boolean, nullable=False, default=False),
    ]


cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", String(36), nullable=False, unique=True),
    Column("case_type", String(64), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("language", String(16), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("sealed", Text, nullable=False),
    *_queue_columns(),
)

batches = Table(
    "event_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", String(36), nullable=False, unique=True),
    Column("events", Text, nullable=False),
    Column("event_count", Integer, nullable=False),
    *_queue_columns(),
)


class NotProvisioned(RuntimeError):
    def __init__(self) -> None:
        super().__init__("the kiosk has no backend public key: run `python -m kiosk provision` first")


class CaseTooLarge(ValueError):
    pass


@dataclass(frozen=True)
class PendingCase:
    delivery: CaseDelivery
    attempts: int


@dataclass(frozen=True)
class PendingBatch:
    batch: UsageBatch
    attempts: int


@dataclass(frozen=True)
class HeldEntry:
    kind: str  # "case" or "events"
    entry_id: str
    reason: str


@dataclass(frozen=True)
class OutboxCounts:
    pending_cases: int  # not yet acknowledged, held ones included
    held_cases: int
    pending_batches: int
    held_batches: int
    oldest_queued_at: float | None

    @property
    def empty(self) -> bool:
        return self.pending_cases == 0 and self.pending_batches == 0

    @property
    def nothing_to_send(self) -> bool:
        """Empty but for entries held aside."""
        return self.pending_cases == self.held_cases and self.pending_batches == self.held_batches


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # a put that returned survives power loss
    cursor.execute("PRAGMA secure_delete=ON")  # acknowledged ciphertext is zeroed, not left in free pages
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    # take the write lock up front: a deferred read that later writes can fail with SQLITE_BUSY at once
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def open_engine(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # SQLite gives -wal/-shm the same mode
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"isolation_level": None, "check_same_thread": False, "timeout": 30},
        hide_parameters=True,  # error messages and logs never carry row values, not even sealed ones
    )
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_immediate)
    metadata.create_all(engine)
    return engine


class SqlOutbox:
    """Implements CaseOutbox and EventSink for the flow, and the queue operations the sender uses."""

    def __init__(
        self,
        path: Path,
        public_key_b64: str = "",
        *,
        clock: Callable[[], float] = time.time,
        event_batch_size: int = 50,
        notify: Callable[[], None] | None = None,
    ) -> None:
        if public_key_b64:
            load_public_key(public_key_b64)  # fail at start-up, not at the first submit
        self._public_key = public_key_b64
        self._clock = clock
        self._batch_size = max(1, min(event_batch_size, MAX_EVENTS_PER_BATCH))
        self.notify = notify  # called (from the caller's thread) when there is something new to send
        self._engine = open_engine(path)
        self._events: list[UsageEvent] = []
        self._events_lock = threading.Lock()
        self._events_writing = 0

    # --- the flow's side -------------------------------------------------------------------------------

    def put_case(self, payload: CasePayload) -> None:
        """Seal and store durably; when this returns the case survives a crash. Same case id again: no-op."""
        if not self._public_key:
            raise NotProvisioned()
        sealed = seal(payload.to_json(), self._public_key)
        if len(sealed) > MAX_SEALED_BYTES:
            raise CaseTooLarge("the case is too large to send")
        now = self._clock()
        row = {
            "case_id": str(UUID(payload.case_id)),
            "case_type": payload.case_type,
            "schema_version": payload.schema_version,
            "language": payload.language,
            "created_at": datetime.fromisoformat(payload.created_at).isoformat(),
            "sealed": sealed,
            "queued_at": now,
            "attempts": 0,
            "next_attempt_at": now,
            "held": False,
        }
        with self._engine.begin() as connection:
            connection.execute(sqlite_insert(cases).values(row).on_conflict_do_nothing(index_elements=["case_id"]))
        self._notify()

    def record(self, usage_event: UsageEvent) -> None:
        """Buffer an anonymous usage event in memory; never touches disk on the caller's thread."""
        check_event(usage_event)
        with self._events_lock:
            self._events.append(usage_event)
            ready = len(self._events) >= self._batch_size or usage_event.kind == EventKind.SESSION_END
            overflowing = len(self._events) >= MAX_EVENTS_PER_BATCH
        if overflowing and self.notify is None:
            self.flush_events()
        elif ready:
            self._notify()

    # --- the sender's side -----------------------------------------------------------------------------

    def flush_events(self) -> int:
        """Write buffered events as batches; returns how many events were written."""
        with self._events_lock:
            events, self._events = self._events, []
            self._events_writing += len(events)
        if not events:
            return 0
        try:
            self._write_batches(events)
        except Exception:
            with self._events_lock:  # keep them for the next flush rather than lose them
                self._events[:0] = events
            raise
        finally:
            with self._events_lock:
                self._events_writing -= len(events)
        return len(events)

    def _write_batches(self, events: list[UsageEvent]) -> None:
        now = self._clock()
        rows = [
            {
                "batch_id": str(uuid.uuid4()),
                "events": json.dumps(to_jsonable(chunk), separators=(",", ":")),
                "event_count": len(chunk),
                "queued_at": now,
                "attempts": 0,
                "next_attempt_at": now,
                "held": False,
            }
            for chunk in (events[i : i + self._batch_size] for i in range(0, len(events), self._batch_size))
        ]
        with self._engine.begin() as connection:
            connection.execute(insert(batches), rows)

    def buffered_events(self) -> int:
        """Events not yet in the database, counting those a flush is writing right now."""
        with self._events_lock:
            return len(self._events) + self._events_writing

    def next_case(self, now: float) -> PendingCase | None:
        row = self._next_due(cases, now)
        if row is None:
            return None
        delivery = CaseDelivery(
            case_id=UUID(row.case_id),
            case_type=row.case_type,
            schema_version=row.schema_version,
            language=row.language,
            created_at=datetime.fromisoformat(row.created_at),
            sealed=row.sealed,
        )
        return PendingCase(delivery, row.attempts)

    def next_batch(self, now: float) -> PendingBatch | None:
        row = self._next_due(batches, now)
        if row is None:
            return None
        events = [from_jsonable(UsageEvent, raw) for raw in json.loads(row.events)]
        return PendingBatch(UsageBatch(batch_id=UUID(row.batch_id), events=events), row.attempts)

    def acknowledge_case(self, case_id: UUID) -> None:
        self._delete(cases, cases.c.case_id == str(case_id))

    def acknowledge_batch(self, batch_id: UUID) -> None:
        self._delete(batches, batches.c.batch_id == str(batch_id))

    def postpone_case(self, case_id: UUID, reason: str, until: float) -> None:
        self._failed(cases, cases.c.case_id == str(case_id), reason, until=until)

    def postpone_batch(self, batch_id: UUID, reason: str, until: float) -> None:
        self._failed(batches, batches.c.batch_id == str(batch_id), reason, until=until)

    def hold_case(self, case_id: UUID, reason: str) -> None:
        self._failed(cases, cases.c.case_id == str(case_id), reason, hold=True)

    def hold_batch(self, batch_id: UUID, reason: str) -> None:
        self._failed(batches, batches.c.batch_id == str(batch_id), reason, hold=True)

    def make_due(self, now: float) -> None:
        """Everything not held is due now: the backend is reachable again, drain without waiting."""
        with self._engine.begin() as connection:
            for table in (cases, batches):
                connection.execute(
                    update(table).where(~table.c.held, table.c.next_attempt_at > now).values(next_attempt_at=now)
                )

    def release_held(self) -> int:
        """The technician's retry: put held entries back in the queue. Returns how many."""
        now = self._clock()
        released = 0
        with self._engine.begin() as connection:
            for table in (cases, batches):
                result = connection.execute(
                    update(table).where(table.c.held).values(held=False, next_attempt_at=now, attempts=0)
                )
                released += result.rowcount
        if released:
            self._notify()
        return released

    def counts(self) -> OutboxCounts:
        with self._engine.connect() as connection:
            case_total, case_held, case_oldest = connection.execute(self._count_query(cases)).one()
            batch_total, batch_held, batch_oldest = connection.execute(self._count_query(batches)).one()
        oldest = [moment for moment in (case_oldest, batch_oldest) if moment is not None]
        return OutboxCounts(case_total, case_held or 0, batch_total, batch_held or 0, min(oldest, default=None))

    def held_entries(self) -> list[HeldEntry]:
        with self._engine.connect() as connection:
            held_cases = connection.execute(select(cases.c.case_id, cases.c.last_error).where(cases.c.held))
            held_batches = connection.execute(
                select(batches.c.batch_id, batches.c.last_error).where(batches.c.held)
            )
            return [HeldEntry("case", key, reason or "") for key, reason in held_cases] + [
                HeldEntry("events", key, reason or "") for key, reason in held_batches
            ]

    def last_errors(self) -> list[tuple[str, int]]:
        """Why waiting entries failed so far, most frequent first: what the technician reads."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(cases.c.last_error, func.count())
                .where(cases.c.last_error.is_not(None), ~cases.c.held)
                .group_by(cases.c.last_error)
                .order_by(func.count().desc())
            )
            return [(reason, count) for reason, count in rows]

    def compact(self) -> None:
        """Fold the WAL back and truncate it, so no frame of an acknowledged entry stays behind."""
        connection = self._engine.raw_connection()  # outside any transaction, which a checkpoint needs
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            connection.close()

    def close(self) -> None:
        self.flush_events()
        self.compact()
        self._engine.dispose()

    # --- helpers -------------------------------------------------------------------------------------------

    def _notify(self) -> None:
        if self.notify is not None:
            self.notify()

    def _next_due(self, table: Table, now: float) -> Any:
        query = (
            select(table)
            .where(~table.c.held, table.c.next_attempt_at <= now)
            .order_by(table.c.next_attempt_at, table.c.id)
            .limit(1)
        )
        with self._engine.connect() as connection:
            return connection.execute(query).first()

    def _delete(self, table: Table, condition: Any) -> None:
        with self._engine.begin() as connection:
            connection.execute(table.delete().where(condition))

    def _failed(self, table: Table, condition: Any, reason: str, *, until: float = 0.0, hold: bool = False) -> None:
        values: dict[str, Any] = {"attempts": table.c.attempts + 1, "last_error": reason[:200]}
        values.update({"held": True} if hold else {"next_attempt_at": until})
        with self._engine.begin() as connection:
            connection.execute(update(table).where(condition).values(**values))

    @staticmethod
    def _count_query(table: Table) -> Any:
        return select(
            func.count(),
            func.sum(table.c.held.cast(Integer)),
            func.min(table.c.queued_at),
        ).select_from(table)
