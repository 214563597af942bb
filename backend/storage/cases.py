"""The SQL of cases and their notes: the queue query, the conditional claim UPDATE, note rows.

Plain functions over a Session opened by the caller (backend/services/cases.py), which owns the transaction,
the encryption and the rules; these only read and write rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from backend.storage.models import Case, CaseIdentity, CaseNote, CaseSignature, User
from domain.status import CaseStatus

AnySelect = TypeVar("AnySelect", bound=Select)


@dataclass(frozen=True)
class QueueFilter:
    statuses: tuple[CaseStatus, ...] = ()
    case_type: str | None = None
    language: str | None = None
    location: str | None = None
    reference: str | None = None
    min_age_minutes: int | None = None
    max_age_minutes: int | None = None
    claimed_by: UUID | None = None  # "mine"
    limit: int = 100
    offset: int = 0
    now: datetime | None = field(default=None, compare=False)


def find(session: Session, case_id: UUID) -> Case | None:
    return session.get(Case, case_id)


def insert_case(session: Session, row: dict[str, Any]) -> None:
    """Raises IntegrityError when the id or the reference is taken."""
    session.execute(insert(Case), row)


def claimer_name(session: Session, case: Case) -> str | None:
    claimer = session.get(User, case.claimed_by) if case.claimed_by else None
    return claimer.name if claimer else None


def queue_page(session: Session, wanted: QueueFilter) -> tuple[list[tuple[Case, str | None]], int]:
    """One page of the queue oldest first, each case with its claimer's name, and how many match in all."""
    claimer = aliased(User)
    query = select(Case, claimer.name).outerjoin(claimer, Case.claimed_by == claimer.id)
    query = _filtered(query, wanted).order_by(Case.created_at, Case.id).limit(wanted.limit).offset(wanted.offset)
    counted = _filtered(select(func.count()).select_from(Case), wanted)
    rows: list[tuple[Case, str | None]] = [(case, name) for case, name in session.execute(query).all()]
    return rows, session.scalar(counted) or 0


def _filtered(query: AnySelect, wanted: QueueFilter) -> AnySelect:
    if wanted.statuses:
        query = query.where(Case.status.in_([s.value for s in wanted.statuses]))
    for column, value in (
        (Case.case_type, wanted.case_type),
        (Case.language, wanted.language),
        (Case.location, wanted.location),
        (Case.reference, wanted.reference),
        (Case.claimed_by, wanted.claimed_by),
    ):
        if value is not None:
            query = query.where(column == value)
    if wanted.now is not None and wanted.min_age_minutes is not None:
        query = query.where(Case.created_at <= wanted.now - timedelta(minutes=wanted.min_age_minutes))
    if wanted.now is not None and wanted.max_age_minutes is not None:
        query = query.where(Case.created_at >= wanted.now - timedelta(minutes=wanted.max_age_minutes))
    return query


def update_if_unchanged(session: Session, case: Case, changes: dict[str, Any]) -> bool:
    """Apply `changes` only if the case's status and claimer are still what `case` was read with.

    Of two officers moving the same case at once exactly one UPDATE matches; False tells the other.
    """
    result = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status == case.status)
        .where(Case.claimed_by.is_(None) if case.claimed_by is None else Case.claimed_by == case.claimed_by)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.expire(case)
    return True


def notes(session: Session, case_id: UUID) -> list[tuple[CaseNote, str]]:
    """A case's notes oldest first, each with its author's name."""
    rows = session.execute(
        select(CaseNote, User.name)
        .join(User, CaseNote.author_id == User.id)
        .where(CaseNote.case_id == case_id)
        .order_by(CaseNote.created_at, CaseNote.id)
    ).all()
    return [(note, author) for note, author in rows]


def add_note(session: Session, case_id: UUID, author_id: UUID | None, at: datetime, ciphertext: bytes) -> CaseNote:
    note = CaseNote(case_id=case_id, author_id=author_id, created_at=at, ciphertext=ciphertext)
    session.add(note)
    session.flush()
    return note


def identity(session: Session, case_id: UUID) -> tuple[CaseIdentity, str | None] | None:
    """The case's identity check and the name of the officer who made it."""
    row = session.execute(
        select(CaseIdentity, User.name).outerjoin(User, User.id == CaseIdentity.verified_by)
        .where(CaseIdentity.case_id == case_id)
    ).first()
    return (row[0], row[1]) if row is not None else None


def set_identity(session: Session, case_id: UUID, ciphertext: bytes, verified_by: UUID | None, at: datetime) -> None:
    """One check per case: a new one replaces the last (the officer corrects a typing error)."""
    found = session.get(CaseIdentity, case_id)
    if found is None:
        session.add(CaseIdentity(case_id=case_id, ciphertext=ciphertext, verified_by=verified_by, verified_at=at))
    else:
        found.ciphertext, found.verified_by, found.verified_at = ciphertext, verified_by, at


def add_signature(session: Session, row: dict[str, Any]) -> None:
    session.add(CaseSignature(**row))


def signatures(session: Session, case_id: UUID) -> list[tuple[CaseSignature, Case]]:
    """The signatures of a case with the signed_statement case holding each, oldest first."""
    return [
        (signature, case)
        for signature, case in session.execute(
            select(CaseSignature, Case).join(Case, Case.id == CaseSignature.signature_case_id)
            .where(CaseSignature.case_id == case_id).order_by(CaseSignature.id)
        ).all()
    ]


def conversions_between(session: Session, start: datetime, end: datetime) -> list[tuple[datetime, datetime, bool]]:
    """(received, converted, signed on the kiosk) of every case converted in [start, end)."""
    signed = select(CaseSignature.id).where(CaseSignature.case_id == Case.id, CaseSignature.signed.is_(True)).exists()
    rows = session.execute(
        select(Case.received_at, Case.closed_at, signed)
        .where(Case.status == CaseStatus.CONVERTED.value, Case.closed_at >= start, Case.closed_at < end)
    ).all()
    return [(received, closed, bool(was_signed)) for received, closed, was_signed in rows if closed is not None]


def signature_answers_between(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    """(signed, refused) statements that arrived in [start, end)."""
    rows = session.execute(
        select(CaseSignature.signed, func.count()).where(CaseSignature.received_at >= start,
                                                        CaseSignature.received_at < end).group_by(CaseSignature.signed)
    ).all()
    counts = {bool(flag): int(count) for flag, count in rows}
    return counts.get(True, 0), counts.get(False, 0)
