"""Officers' case API: the queue (routing metadata only), reading a case (audited), claim, release, status, notes.

Only the officer role is admitted; pilots and admins get 403.
"""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from backend.http.auth import Backend, Officer, OfficerChanging
from backend.http.errors import describe
from backend.services.cases import QueueFilter
from backend.services.references import normalise_reference
from backend.services.schemas import CaseDetail, CaseList, CaseSummary, NoteRequest, NoteView, StatusChange
from domain.status import CaseStatus

router = APIRouter(prefix="/api/cases", tags=["cases"])

MAX_AGE_MINUTES = 10 * 366 * 24 * 60
Age = Annotated[int | None, Query(ge=0, le=MAX_AGE_MINUTES)]
Filter = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]


@router.get("", response_model=CaseList, responses=describe(401, 403, 422))
def queue(
    officer: Officer,
    backend: Backend,
    status: Annotated[list[CaseStatus] | None, Query(description="repeat to ask for several")] = None,
    case_type: Filter = None,
    language: Filter = None,
    location: Filter = None,
    reference: Filter = None,
    min_age_minutes: Age = None,
    max_age_minutes: Age = None,
    mine: Annotated[bool, Query(description="only cases I claimed")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CaseList:
    """Cases oldest first, routing metadata only (no personal data); age is counted from creation on the kiosk."""
    wanted = QueueFilter(
        statuses=tuple(status or ()),
        case_type=case_type,
        language=language,
        location=location,
        reference=(normalise_reference(reference) or "-") if reference else None,  # "-" matches nothing
        min_age_minutes=min_age_minutes,
        max_age_minutes=max_age_minutes,
        claimed_by=officer.id if mine else None,
        limit=limit,
        offset=offset,
        now=backend.clock(),
    )
    cases, total = backend.cases.queue(wanted)
    return CaseList(cases=cases, total=total)


@router.get("/{case_id}", response_model=CaseDetail, responses=describe(401, 403, 404, 422))
def read_case(case_id: UUID, officer: Officer, backend: Backend) -> CaseDetail:
    """The case with its decrypted answers, translations and notes. Written to the audit log."""
    return backend.cases.read(case_id, officer.actor, backend.clock())


@router.post("/{case_id}/claim", response_model=CaseSummary, responses=describe(401, 403, 404, 409, 422))
def claim(case_id: UUID, officer: OfficerChanging, backend: Backend) -> CaseSummary:
    """Take a new case. Of two officers claiming at once exactly one wins; the other gets 409."""
    return backend.cases.move(case_id, CaseStatus.CLAIMED, officer.actor, backend.clock())


@router.post("/{case_id}/release", response_model=CaseSummary, responses=describe(401, 403, 404, 409, 422))
def release(case_id: UUID, officer: OfficerChanging, backend: Backend) -> CaseSummary:
    """Put a case you claimed back in the queue."""
    return backend.cases.move(case_id, CaseStatus.NEW, officer.actor, backend.clock())


@router.post("/{case_id}/status", response_model=CaseSummary, responses=describe(401, 403, 404, 409, 422))
def change_status(case_id: UUID, change: StatusChange, officer: OfficerChanging, backend: Backend) -> CaseSummary:
    """Move a case along domain.status: new -> claimed -> closed / converted / referred (or back to new)."""
    return backend.cases.move(case_id, change.status, officer.actor, backend.clock())


@router.post(
    "/{case_id}/notes", response_model=NoteView, status_code=201, responses=describe(401, 403, 404, 409, 422)
)
def add_note(case_id: UUID, note: NoteRequest, officer: OfficerChanging, backend: Backend) -> NoteView:
    """Add a note (stored encrypted) to a case you claimed."""
    return backend.cases.add_note(case_id, note.text, officer.actor, backend.clock())
