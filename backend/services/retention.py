"""Retention: the personal data of finished cases is removed after a configurable number of days.

The case row stays (id, reference, times, status, digest) so retries are still recognised and counts add
up; the audit log records each purge without content.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from backend.storage.audit import SYSTEM, Actor, AuditAction, record
from backend.storage.db import Database
from backend.storage.models import Case, CaseNote, ConfigValue
from domain.status import FINAL_STATUSES

RETENTION_KEY = "retention_days"
PURGE_CHUNK = 500


class SqlRetention:
    def __init__(self, db: Database, default_days: int) -> None:
        self._db = db
        self._default_days = default_days

    def days(self) -> int:
        with self._db.read() as session:
            stored = session.get(ConfigValue, RETENTION_KEY)
        return int(stored.value) if stored else self._default_days

    def set_days(self, days: int, actor: Actor) -> int:
        with self._db.write() as session:
            stored = session.get(ConfigValue, RETENTION_KEY)
            if stored is None:
                session.add(ConfigValue(key=RETENTION_KEY, value=str(days)))
            else:
                stored.value = str(days)
            record(session, actor, AuditAction.RETENTION_CHANGED, subject=f"{days} days")
        return days

    def purge(self, now: datetime, actor: Actor = SYSTEM) -> int:
        """Remove payloads and notes of cases finished more than `days()` ago; return how many cases."""
        cutoff = now - timedelta(days=self.days())
        purged = 0
        while True:
            with self._db.write() as session:
                ids = list(
                    session.scalars(
                        select(Case.id)
                        .where(Case.status.in_([s.value for s in FINAL_STATUSES]))
                        .where(Case.closed_at < cutoff, Case.purged_at.is_(None))
                        .limit(PURGE_CHUNK)
                    )
                )
                if not ids:
                    break
                session.execute(
                    update(Case).where(Case.id.in_(ids)).values(payload_ciphertext=None, purged_at=now)
                    .execution_options(synchronize_session=False)
                )
                session.execute(
                    update(CaseNote).where(CaseNote.case_id.in_(ids)).values(ciphertext=None)
                    .execution_options(synchronize_session=False)
                )
                for case_id in ids:
                    record(session, actor, AuditAction.CASE_PURGED, case_id=case_id, at=now)
                purged += len(ids)
        if purged and self._db.is_sqlite:
            # secure_delete zeroed the old pages; move them out of the WAL into the main file now.
            with self._db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return purged

