"""The SQL of the login throttle: failed-login rows (login_failures) and account lockouts (login_lockouts), both
keyed by keyed hashes, never a name or an address.

Plain functions over a Session opened by the caller (backend/services/throttle.py), which owns the transaction,
the savepoint around a new lockout, the audit rows and the rule of when to refuse or lock; these only read,
add and delete rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from backend.storage.models import LoginFailure, LoginLockout


def failure_times(session: Session, key: str | None, since: datetime) -> list[datetime]:
    """When the failures counted under `key` happened, those after `since`; none for no key."""
    if key is None:
        return []
    return list(session.scalars(select(LoginFailure.at).where(LoginFailure.key == key, LoginFailure.at > since)))


def lockout_until(session: Session, key: str) -> datetime | None:
    """The end of the lockout stored for this account key (over or not), None when there is none."""
    lock = session.get(LoginLockout, key)
    return lock.until if lock else None


def prune(session: Session, failures_until: datetime, lockouts_until: datetime) -> None:
    """Delete the failures at or before `failures_until` and the lockouts that ended by `lockouts_until`."""
    session.execute(delete(LoginFailure).where(LoginFailure.at <= failures_until))
    session.execute(delete(LoginLockout).where(LoginLockout.until <= lockouts_until))


def add_failures(session: Session, keys: Iterable[str | None], at: datetime) -> None:
    """One failure row per key (None skipped), flushed so the same transaction counts them."""
    session.add_all(LoginFailure(key=key, at=at) for key in keys if key)
    session.flush()


def add_lockout(session: Session, key: str, user_id: UUID | None, at: datetime, until: datetime) -> None:
    """Raises IntegrityError (when flushed) if another process locked the same key at the same moment."""
    session.add(LoginLockout(key=key, user_id=user_id, locked_at=at, until=until))


def clear_failures(session: Session, key: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key == key))


def delete_lockout(session: Session, key: str) -> int:
    """How many lockout rows were deleted (0 or 1)."""
    result = session.execute(delete(LoginLockout).where(LoginLockout.key == key))
    return result.rowcount if isinstance(result, CursorResult) else 0


def active_lockouts(session: Session, now: datetime) -> list[tuple[UUID | None, datetime]]:
    """(user id, until) of every lockout of a known user that has not ended by `now`."""
    rows = session.execute(
        select(LoginLockout.user_id, LoginLockout.until)
        .where(LoginLockout.user_id.is_not(None), LoginLockout.until > now)
    ).all()
    return [(user_id, until) for user_id, until in rows]


def failures_stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(LoginFailure)) or 0)
