"""Failed-login throttle per account name and per client address, and temporary account lockouts.

State lives in the database (login_failures, login_lockouts), so every server process enforces what the
others counted. Keys are keyed hashes (the digest key, outside the database) of "account:NAME" and
"address:IP": neither attempted names nor client addresses are stored, and rows older than the longest
window are deleted. An unknown name is counted, throttled and locked exactly like a real one, so the answers
never tell whether an account exists. Passwords never reach this module. The SQL is in
backend/storage/throttle.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from backend.services.schemas import UserView
from backend.settings import Settings
from backend.storage import throttle as rows
from backend.storage.audit import SYSTEM, Actor, AuditAction, record
from backend.storage.db import Database
from backend.storage.models import User


@dataclass(frozen=True)
class Limits:
    account_failures: int = 5  # failed logins per account name within `window`, then 429
    address_failures: int = 20  # failed logins per client address within `window`, then 429
    window: timedelta = timedelta(minutes=15)
    lockout_failures: int = 10  # failed logins per account name within `lockout_window`, then a lockout
    lockout_window: timedelta = timedelta(hours=1)
    lockout: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            account_failures=settings.login_account_failures,
            address_failures=settings.login_address_failures,
            window=timedelta(minutes=settings.login_window_minutes),
            lockout_failures=settings.login_lockout_failures,
            lockout_window=timedelta(minutes=settings.login_lockout_window_minutes),
            lockout=timedelta(minutes=settings.login_lockout_minutes),
        )


@dataclass(frozen=True)
class Refusal:
    """Why a login is not even tried: `error` is too_many_attempts or account_locked."""

    error: str
    retry_after: int  # seconds


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def over_limit(failures: Sequence[datetime], limit: int, window: timedelta, now: datetime) -> int | None:
    """Seconds until fewer than `limit` of `failures` fall within `window` before `now`; None if fewer already."""
    recent = sorted((at for at in failures if now - window < at <= now), reverse=True)
    if len(recent) < limit:
        return None
    return _seconds(recent[limit - 1] + window - now)


def decide(
    account: Sequence[datetime], address: Sequence[datetime], locked_until: datetime | None, now: datetime,
    limits: Limits,
) -> Refusal | None:
    """The throttle's rule, without a database: a lockout first, then the longer of the two waits."""
    if locked_until is not None and locked_until > now:
        return Refusal("account_locked", _seconds(locked_until - now))
    waits = [
        wait
        for wait in (
            over_limit(account, limits.account_failures, limits.window, now),
            over_limit(address, limits.address_failures, limits.window, now),
        )
        if wait is not None
    ]
    return Refusal("too_many_attempts", max(waits)) if waits else None


def locks_now(account: Sequence[datetime], now: datetime, limits: Limits) -> bool:
    """After a failure was counted: does the account's recent history call for a lockout?"""
    return sum(1 for at in account if now - limits.lockout_window < at <= now) >= limits.lockout_failures


class SqlLoginThrottle:
    def __init__(self, db: Database, digest: Callable[[bytes], str], limits: Limits | None = None) -> None:
        self._db = db
        self._digest = digest
        self.limits = limits or Limits()

    def account_key(self, name: str) -> str:
        return self._digest(b"login-throttle:account:" + name.encode())

    def address_key(self, address: str | None) -> str | None:
        return self._digest(b"login-throttle:address:" + address.encode()) if address else None

    def check(self, name: str, address: str | None, now: datetime) -> Refusal | None:
        """A refusal while the name or the address is throttled or the name locked; None: go ahead."""
        account_key, address_key = self.account_key(name), self.address_key(address)
        with self._db.read() as session:
            account = rows.failure_times(session, account_key, now - self.limits.window)
            address_times = rows.failure_times(session, address_key, now - self.limits.window)
            locked_until = rows.lockout_until(session, account_key)
        return decide(account, address_times, locked_until, now, self.limits)

    def failed(self, name: str, address: str | None, user: User | None, now: datetime) -> datetime | None:
        """Count a failed login for the name and the address; lock the name when it is due (audited).

        Returns the end of a lockout that began with this failure, else None.
        """
        account_key, address_key = self.account_key(name), self.address_key(address)
        keep_from = now - max(self.limits.window, self.limits.lockout_window)
        with self._db.write() as session:
            rows.prune(session, keep_from, now)
            rows.add_failures(session, (account_key, address_key), now)
            if rows.lockout_until(session, account_key) is not None:
                return None
            account = rows.failure_times(session, account_key, now - self.limits.lockout_window)
            if not locks_now(account, now, self.limits):
                return None
            until = now + self.limits.lockout
            try:
                with session.begin_nested():
                    rows.add_lockout(session, account_key, user.id if user else None, now, until)
            except IntegrityError:  # another process locked it at the same moment
                return None
            # An unknown name is not written down: people sometimes type their password into the name field.
            subject = f"user:{user.name} until:{until.isoformat(timespec='seconds')}" if user else "unknown name"
            record(session, SYSTEM, AuditAction.ACCOUNT_LOCKED, subject=subject, at=now)
        return until

    def succeeded(self, name: str) -> None:
        """A successful login resets the account's count (the address keeps its own)."""
        with self._db.write() as session:
            rows.clear_failures(session, self.account_key(name))

    def locked_users(self, now: datetime) -> dict[UUID, datetime]:
        with self._db.read() as session:
            locks = rows.active_lockouts(session, now)
        return {user_id: until for user_id, until in locks if user_id is not None}

    def unlock(self, user: UserView, actor: Actor) -> bool:
        """End the user's lockout and clear the account's count; audited. False if it was not locked."""
        key = self.account_key(user.name)
        with self._db.write() as session:
            ended = rows.delete_lockout(session, key)
            rows.clear_failures(session, key)
            record(session, actor, AuditAction.ACCOUNT_UNLOCKED, subject=f"user:{user.name}")
        return bool(ended)

    def failures_stored(self) -> int:
        with self._db.read() as session:
            return rows.failures_stored(session)
