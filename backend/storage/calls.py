"""The SQL of the call queue shared by workers on PostgreSQL: the state row, the messages between workers, NOTIFY.

Every change of the queue runs in one transaction that first locks the state row (`locked_state`), so the
workers take turns, and the outbox ids of one worker's messages grow in the order they were meant.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from backend.storage.models import CallOutbox, CallState

STATE_ROW = 1
LISTENER_NAME = "politieloket-calls:"  # + worker id: the application_name of each worker's listening connection


def channel(worker: str) -> str:
    """The NOTIFY channel a worker listens on for its messages."""
    return f"politieloket_calls_{worker}"


def locked_state(session: Session) -> dict[str, Any]:
    """The queue's state, with its row locked until the transaction ends (made on first use)."""
    row = session.scalars(select(CallState).where(CallState.id == STATE_ROW).with_for_update()).first()
    if row is None:
        session.execute(
            text("INSERT INTO call_state (id, state) VALUES (:id, '{}') ON CONFLICT (id) DO NOTHING"),
            {"id": STATE_ROW},
        )
        row = session.scalars(select(CallState).where(CallState.id == STATE_ROW).with_for_update()).one()
    loaded: dict[str, Any] = json.loads(row.state)
    return loaded


def save_state(session: Session, state: dict[str, Any]) -> None:
    session.execute(update(CallState).where(CallState.id == STATE_ROW).values(state=json.dumps(state)))


def post(session: Session, messages: Iterable[tuple[str, str, str]]) -> None:
    """(worker, peer, message JSON) for other workers; each worker named is notified once, at commit."""
    rows = [{"worker": worker, "peer": peer, "message": message} for worker, peer, message in messages]
    if not rows:
        return
    session.execute(insert(CallOutbox), rows)
    for worker in sorted({row["worker"] for row in rows}):
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel(worker)})


def take(session: Session, worker: str) -> list[tuple[str, str]]:
    """This worker's messages, oldest first, removed from the outbox: (peer, message JSON)."""
    mine = delete(CallOutbox).where(CallOutbox.worker == worker)
    taken = session.execute(mine.returning(CallOutbox.id, CallOutbox.peer, CallOutbox.message)).all()
    return [(peer, message) for _id, peer, message in sorted(taken)]


def drop_for(session: Session, workers: Iterable[str]) -> None:
    """Messages for workers that are gone: nobody will take them."""
    names = list(workers)
    if names:
        session.execute(delete(CallOutbox).where(CallOutbox.worker.in_(names)))


def live_workers(session: Session) -> set[str]:
    """The workers whose listening connection is open right now (a killed process's connection closes with it)."""
    names = session.scalars(
        text("SELECT application_name FROM pg_stat_activity WHERE application_name LIKE :prefix"),
        {"prefix": LISTENER_NAME + "%"},
    )
    return {name.removeprefix(LISTENER_NAME) for name in names}
