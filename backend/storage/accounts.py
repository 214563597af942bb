"""The SQL of console accounts: user rows (users) and console sessions (sessions, keyed by the token's hash), also
the session writes of the TOTP enrolment (backend/services/totp.py).

Plain functions over a Session opened by the caller (backend/services/accounts.py), which owns the transaction,
the password hashing, the audit rows, the errors and the session rules (idle and maximum age); these only
read, add, change and delete rows.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from backend.storage.models import User, UserSession

# --- users --------------------------------------------------------------------------------------------


def add_user(session: Session, name: str, role: str, password_hash: str) -> User:
    """Raises IntegrityError when the name is taken."""
    user = User(name=name, role=role, password_hash=password_hash, disabled=False)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, user_id: UUID) -> User | None:
    return session.get(User, user_id)


def user_named(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def users_by_name(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def set_disabled(user: User, disabled: bool) -> None:
    user.disabled = disabled


def set_password_hash(user: User, password_hash: str) -> None:
    user.password_hash = password_hash


# --- sessions -----------------------------------------------------------------------------------------


def add_session(
    session: Session, token_hash: str, user_id: UUID, at: datetime, csrf_token: str, enrol_only: bool
) -> None:
    session.add(
        UserSession(
            token_hash=token_hash, user_id=user_id, created_at=at, last_seen_at=at,
            csrf_token=csrf_token, enrol_only=enrol_only,
        )
    )


def session_and_user(session: Session, token_hash: str) -> tuple[UserSession, User] | None:
    """The session stored under this token hash, with its user; None when there is none."""
    row = session.execute(
        select(UserSession, User).join(User, UserSession.user_id == User.id)
        .where(UserSession.token_hash == token_hash)
    ).first()
    if row is None:
        return None
    stored, user = row
    return stored, user


def touch_session(session: Session, token_hash: str, at: datetime) -> None:
    session.execute(update(UserSession).where(UserSession.token_hash == token_hash).values(last_seen_at=at))


def delete_session(session: Session, token_hash: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == token_hash))


def delete_sessions_of(session: Session, user_id: UUID) -> None:
    """End every session of the user."""
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def end_enrol_only(session: Session, user_id: UUID) -> None:
    """The user's sessions reach the whole console again (TOTP is now set up)."""
    session.execute(update(UserSession).where(UserSession.user_id == user_id).values(enrol_only=False))
