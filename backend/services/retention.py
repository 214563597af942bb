"""Retention: the personal data of finished cases is removed after a configurable number of days.

The case row stays (id, reference, times, status, digest) so retries are still recognised and counts add
up; the audit log records each purge without content. The SQL is in backend/storage/retention.py and
backend/storage/config.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.storage import config
from backend.storage import retention as rows
from backend.storage.audit import SYSTEM, Actor, AuditAction, record
from backend.storage.db import Database
from domain.status import FINAL_STATUSES

RETENTION_KEY = "retention_days"
PURGE_CHUNK = 500


class SqlRetention:
    def __init__(self, db: Database, default_days: int) -> None:
        self._db = db
        self._default_days = default_days

    def days(self) -> int:
        with self._db.read() as session:
            stored = config.get(session, RETENTION_KEY)
        return int(stored) if stored is not None else self._default_days

    def set_days(self, days: int, actor: Actor) -> int:
        with self._db.write() as session:
            config.put(session, RETENTION_KEY, str(days))
            record(session, actor, AuditAction.RETENTION_CHANGED, subject=f"{days} days")
        return days

    def purge(self, now: datetime, actor: Actor = SYSTEM) -> int:
        """Remove payloads and notes of cases finished more than `days()` ago; return how many cases."""
        cutoff = now - timedelta(days=self.days())
        purged = 0
        while True:
            with self._db.write() as session:
                ids = rows.due(session, FINAL_STATUSES, cutoff, PURGE_CHUNK)
                if not ids:
                    break
                rows.clear(session, ids, now)
                for case_id in ids:
                    record(session, actor, AuditAction.CASE_PURGED, case_id=case_id, at=now)
                purged += len(ids)
        if purged and self._db.is_sqlite:
            # secure_delete zeroed the old pages; move them out of the WAL into the main file now.
            rows.checkpoint_wal(self._db)
        return purged

