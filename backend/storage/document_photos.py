"""The SQL of the document photo: one row per case at most, its bytes encrypted by the caller.

Plain functions over a Session opened by the caller (backend/services/identity_checks.py), which owns the
transaction, the image checks, the encryption, the rules and the audit entries; these only read and write rows.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.storage.models import CaseDocumentPhoto, User


def find(session: Session, case_id: UUID) -> tuple[CaseDocumentPhoto, str | None] | None:
    """The case's photo row and the name of the officer who took it."""
    row = session.execute(
        select(CaseDocumentPhoto, User.name).outerjoin(User, User.id == CaseDocumentPhoto.taken_by)
        .where(CaseDocumentPhoto.case_id == case_id)
    ).first()
    return (row[0], row[1]) if row is not None else None


def put(
    session: Session, case_id: UUID, ciphertext: bytes, size: tuple[int, int], taken_by: UUID | None, at: datetime
) -> bool:
    """One photo per case: a new one replaces the last. True when it did replace one."""
    width, height = size
    found = session.get(CaseDocumentPhoto, case_id)
    if found is None:
        session.add(CaseDocumentPhoto(case_id=case_id, ciphertext=ciphertext, width=width, height=height,
                                      taken_by=taken_by, taken_at=at))  # fmt: skip
        return False
    found.ciphertext, found.width, found.height = ciphertext, width, height
    found.taken_by, found.taken_at = taken_by, at
    return True


def remove(session: Session, case_id: UUID) -> bool:
    """Delete the case's photo row; False when there was none."""
    result = session.execute(delete(CaseDocumentPhoto).where(CaseDocumentPhoto.case_id == case_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]
