"""The SQL of the retention purge: which finished cases are due, the UPDATEs that clear their personal data,
and SQLite's WAL checkpoint afterwards.

Plain functions over a Session opened by the caller (backend/services/retention.py), which owns the
transactions (one per chunk), the cut-off, the audit rows and the rule of which statuses count as finished.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.storage.db import Database
from backend.storage.models import Case, CaseDocumentPhoto, CaseIdentity, CaseNote
from domain.status import CaseStatus


def due(session: Session, statuses: Iterable[CaseStatus], cutoff: datetime, limit: int) -> list[UUID]:
    """Up to `limit` ids of cases in one of `statuses`, closed before `cutoff` and not purged yet."""
    return list(
        session.scalars(
            select(Case.id)
            .where(Case.status.in_([s.value for s in statuses]))
            .where(Case.closed_at < cutoff, Case.purged_at.is_(None))
            .limit(limit)
        )
    )


def clear(session: Session, case_ids: list[UUID], now: datetime) -> None:
    """Remove the payloads, note texts, identity checks and document photos of these cases and mark them purged at
    `now`; the rows stay."""
    session.execute(
        update(Case).where(Case.id.in_(case_ids)).values(payload_ciphertext=None, purged_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(CaseNote).where(CaseNote.case_id.in_(case_ids)).values(ciphertext=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(CaseIdentity).where(CaseIdentity.case_id.in_(case_ids)).values(ciphertext=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(CaseDocumentPhoto).where(CaseDocumentPhoto.case_id.in_(case_ids)).values(ciphertext=None)
        .execution_options(synchronize_session=False)
    )


def checkpoint_wal(db: Database) -> None:
    """SQLite only: move the pages secure_delete zeroed out of the WAL into the main file now."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
