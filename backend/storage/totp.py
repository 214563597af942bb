"""The SQL of TOTP secrets (user_totp): a user's row, the confirmed users, a pending secret written or replaced,
its confirmation, and the conditional UPDATE that accepts a code's step only once.

Plain functions over a Session opened by the caller (backend/services/totp.py), which owns the transaction, the
encryption of the secret, the code check, the audit rows and the errors; these only read and write rows. The
sessions' enrol_only flag is in backend/storage/accounts.py, the mandatory-TOTP setting in storage/config.py.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.orm import Session

from backend.storage.models import UserTotp


def find(session: Session, user_id: UUID) -> UserTotp | None:
    return session.get(UserTotp, user_id)


def confirmed_users(session: Session) -> set[UUID]:
    return set(session.scalars(select(UserTotp.user_id).where(UserTotp.confirmed_at.is_not(None))))


def put_pending(
    session: Session, row: UserTotp | None, user_id: UUID, ciphertext: bytes, at: datetime
) -> None:
    """A new pending secret for the user; `row` is the user's unconfirmed row, replaced, or None for none yet."""
    if row is None:
        session.add(UserTotp(user_id=user_id, secret_ciphertext=ciphertext, created_at=at))
    else:
        row.secret_ciphertext, row.created_at, row.last_step = ciphertext, at, None


def confirm(row: UserTotp, at: datetime, step: int) -> None:
    """The pending secret is confirmed by the code of `step`, which is thereby used."""
    row.confirmed_at, row.last_step = at, step


def accept_step(session: Session, user_id: UUID, step: int) -> bool:
    """Record `step` as the last accepted one, only if it is later than the stored one (or none is stored).

    Of two processes accepting the same code at once exactly one UPDATE matches; False tells the other, and
    a code of an earlier or the same step.
    """
    result = session.execute(
        update(UserTotp)
        .where(UserTotp.user_id == user_id, or_(UserTotp.last_step.is_(None), UserTotp.last_step < step))
        .values(last_step=step)
    )
    return isinstance(result, CursorResult) and result.rowcount == 1


def delete_secret(session: Session, user_id: UUID) -> None:
    session.execute(delete(UserTotp).where(UserTotp.user_id == user_id))
