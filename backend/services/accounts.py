"""User accounts (argon2 password hashes) and console sessions (random token, only its hash stored).

Login order: the throttle first (backend/services/throttle.py: a 429 before any password is checked), then the
password, then the TOTP code when the account has one (backend/services/totp.py). Wrong passwords, unknown names,
disabled accounts and wrong codes all count as failures; only a complete login resets the account's count.
The SQL is in backend/storage/accounts.py.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from backend.services.errors import Conflict, NotAuthenticated, Throttled, not_found
from backend.services.kiosks import hash_token
from backend.services.schemas import Role, UserView
from backend.services.throttle import SqlLoginThrottle
from backend.services.totp import SqlTotpStore
from backend.storage import accounts as rows
from backend.storage.audit import SYSTEM, Actor, AuditAction, record
from backend.storage.db import Database
from backend.storage.models import User

log = logging.getLogger("politieloket.backend.auth")

SESSION_TOKEN_BYTES = 32  # 256 bits
TOUCH_EVERY = timedelta(minutes=1)  # write last_seen_at at most this often


class Argon2Passwords:
    def __init__(self, time_cost: int, memory_kib: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        # Compared against when the name is unknown, so a wrong name costs as much time as a wrong password.
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._decoy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True)
class SessionUser:
    id: UUID
    name: str
    role: Role
    csrf_token: str
    token_hash: str
    ends_at: datetime  # as of this check: the session ends then unless its user does something
    enrol_only: bool = False  # TOTP is mandatory and not set up yet: only the enrolment is open

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.name)


@dataclass(frozen=True)
class NewSession:
    user: User
    token: str
    csrf_token: str
    enrol_only: bool = False


LOGIN_FAILED = "wrong name or password, or the account is disabled"


class SqlAccountStore:
    def __init__(
        self, db: Database, passwords: Argon2Passwords, idle: timedelta, max_age: timedelta,
        throttle: SqlLoginThrottle, totp: SqlTotpStore,
    ) -> None:
        self._db = db
        self._passwords = passwords
        self._idle = idle
        self._max_age = max_age
        self._throttle = throttle
        self._totp = totp

    # --- users ----------------------------------------------------------------------------------------

    def create_user(self, name: str, role: Role, password: str, actor: Actor = SYSTEM) -> UserView:
        password_hash = self._passwords.hash(password)
        try:
            with self._db.write() as session:
                user = rows.add_user(session, name, role.value, password_hash)
                record(session, actor, AuditAction.USER_CREATED, subject=f"user:{name} role:{role.value}")
        except IntegrityError:
            raise Conflict("name_taken", "a user with this name exists already") from None
        return UserView.model_validate(user)

    def user(self, user_id: UUID) -> UserView | None:
        with self._db.read() as session:
            row = rows.find_user(session, user_id)
            return None if row is None else UserView.model_validate(row)

    def users(self) -> list[UserView]:
        with self._db.read() as session:
            return [UserView.model_validate(row) for row in rows.users_by_name(session)]

    def set_disabled(self, user_id: UUID, disabled: bool, actor: Actor) -> UserView:
        if disabled and user_id == actor.id:
            raise Conflict("cannot_disable_self", "you cannot disable your own account")
        with self._db.write() as session:
            user = rows.find_user(session, user_id)
            if user is None:
                raise not_found("user")
            rows.set_disabled(user, disabled)
            if disabled:
                rows.delete_sessions_of(session, user_id)
            action = AuditAction.USER_DISABLED if disabled else AuditAction.USER_ENABLED
            record(session, actor, action, subject=f"user:{user.name}")
            return UserView.model_validate(user)

    def reset_password(self, user_id: UUID, password: str, actor: Actor) -> UserView:
        new_hash = self._passwords.hash(password)
        with self._db.write() as session:
            user = rows.find_user(session, user_id)
            if user is None:
                raise not_found("user")
            rows.set_password_hash(user, new_hash)
            rows.delete_sessions_of(session, user_id)
            record(session, actor, AuditAction.PASSWORD_RESET, subject=f"user:{user.name}")
            return UserView.model_validate(user)

    # --- sessions -------------------------------------------------------------------------------------

    def login(
        self, name: str, password: str, now: datetime, code: str | None = None, address: str | None = None
    ) -> NewSession:
        """A fresh session (new token at every login); NotAuthenticated or Throttled if not. Failures are audited
        and logged.

        `address` is the client's address, for the per-address throttle; it is only ever stored as a keyed hash.
        """
        refusal = self._throttle.check(name, address, now)
        if refusal is not None:
            log.info("login refused (%s) for %s", refusal.error, "a throttled name or address")
            detail = "too many failed logins; try again later"
            raise Throttled(refusal.error, detail, refusal.retry_after)
        with self._db.read() as session:
            user = rows.user_named(session, name)
        valid = self._passwords.verify(user.password_hash if user else None, password)
        if user is None or not valid or user.disabled:
            self._failed(name, address, user, now, None)
            raise NotAuthenticated("login_failed", LOGIN_FAILED)
        if self._totp.enrolled(user.id):
            if not code:
                raise NotAuthenticated("code_required", "enter the code from your authenticator app")
            if not self._totp.verify(user.id, code, now):
                self._failed(name, address, user, now, "totp code")
                raise NotAuthenticated("code_invalid", "the code is wrong, expired or already used")
        enrol_only = self._totp.must_enrol(user)
        self._throttle.succeeded(name)
        token, csrf = secrets.token_urlsafe(SESSION_TOKEN_BYTES), secrets.token_urlsafe(SESSION_TOKEN_BYTES)
        with self._db.write() as session:
            rows.add_session(session, hash_token(token), user.id, now, csrf, enrol_only)
            record(session, Actor(user.id, user.name), AuditAction.LOGIN, at=now,
                   subject="totp enrolment only" if enrol_only else None)
        log.info("login ok for %s (%s)", user.name, user.role)
        return NewSession(user=user, token=token, csrf_token=csrf, enrol_only=enrol_only)

    def _failed(self, name: str, address: str | None, user: User | None, now: datetime, what: str | None) -> None:
        """Audit and log a failed login (`what`: None for the password step), then count it in the throttle."""
        # An unknown name is not logged: people sometimes type their password into the name field.
        known = Actor(user.id, user.name) if user else Actor(None, "unknown")
        with self._db.write() as session:
            record(session, known, AuditAction.LOGIN_FAILED, at=now, subject=what)
        log.info("login failed%s for %s", f" ({what})" if what else "", known.name)
        locked_until = self._throttle.failed(name, address, user, now)
        if locked_until is not None:
            log.warning("account %s locked until %s after repeated failed logins", known.name, locked_until)

    def session_user(self, token: str, now: datetime, *, activity: bool = True) -> SessionUser | None:
        """The user of a valid session (an ended one is deleted), else None. `activity=False` is for a page that
        polls by itself: it must not keep an unattended screen logged in, so the idle clock is not moved."""
        token_hash = hash_token(token)
        with self._db.read() as session:
            row = rows.session_and_user(session, token_hash)
        if row is None:
            return None
        stored, user = row
        if user.disabled or now - stored.last_seen_at > self._idle or now - stored.created_at > self._max_age:
            self._end(token_hash)
            return None
        last_seen = stored.last_seen_at
        if activity and now - last_seen > TOUCH_EVERY:
            with self._db.write() as session:
                rows.touch_session(session, token_hash, now)
            last_seen = now
        ends_at = min(last_seen + self._idle, stored.created_at + self._max_age)
        return SessionUser(
            user.id, user.name, Role(user.role), stored.csrf_token, token_hash, ends_at, stored.enrol_only
        )

    def logout(self, user: SessionUser) -> None:
        with self._db.write() as session:
            rows.delete_session(session, user.token_hash)
            record(session, user.actor, AuditAction.LOGOUT)

    def end_session(self, token: str) -> None:
        self._end(hash_token(token))

    def _end(self, token_hash: str) -> None:
        with self._db.write() as session:
            rows.delete_session(session, token_hash)
