"""The SQL of run-time settings an admin changes (ConfigValue rows, one per key): read a value, write one.

Plain functions over a Session opened by the caller (backend/services/retention.py for the retention days,
backend/services/totp.py for the mandatory-TOTP policy), which owns the transaction, the audit row and what a
value means; these only read and write the row.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.storage.models import ConfigValue


def get(session: Session, key: str) -> str | None:
    """The stored value, None when the key was never set."""
    stored = session.get(ConfigValue, key)
    return None if stored is None else stored.value


def put(session: Session, key: str, value: str) -> None:
    """Insert the key or replace its value."""
    stored = session.get(ConfigValue, key)
    if stored is None:
        session.add(ConfigValue(key=key, value=value))
    else:
        stored.value = value
