"""The SQL of the confirmation mail queue: queued with the case, claimed by one worker at a time, done or retried."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from backend.storage.models import MailQueueRow


def queue(session: Session, case_id: UUID, due_at: datetime) -> None:
    session.add(MailQueueRow(case_id=case_id, attempt=1, due_at=due_at))


def claim(session: Session, now: datetime, until: datetime) -> tuple[UUID, int] | None:
    """The oldest mail due and not being sent by another worker, now claimed by this one until `until`."""
    free = or_(MailQueueRow.claimed_until.is_(None), MailQueueRow.claimed_until < now)
    candidate = session.execute(
        select(MailQueueRow.case_id, MailQueueRow.attempt)
        .where(MailQueueRow.due_at <= now, free)
        .order_by(MailQueueRow.due_at)
        .limit(1)
    ).first()
    if candidate is None:
        return None
    taken = session.execute(
        update(MailQueueRow).where(MailQueueRow.case_id == candidate[0], free).values(claimed_until=until)
    )
    return (candidate[0], candidate[1]) if taken.rowcount == 1 else None  # type: ignore[attr-defined]


def next_due(session: Session) -> datetime | None:
    due: datetime | None = session.scalar(select(func.min(MailQueueRow.due_at)))
    return due


def done(session: Session, case_id: UUID) -> None:
    session.execute(delete(MailQueueRow).where(MailQueueRow.case_id == case_id))


def retry(session: Session, case_id: UUID, attempt: int, due_at: datetime) -> None:
    session.execute(
        update(MailQueueRow)
        .where(MailQueueRow.case_id == case_id)
        .values(attempt=attempt, due_at=due_at, claimed_until=None)
    )


def waiting(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(MailQueueRow)) or 0)
