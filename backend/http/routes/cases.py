"""The officers' case API, used by the console pages and by any other client: the queue (routing metadata only),
a case (audited), exports (audited as exports), claim, release, status, notes, the identity check and the still of
the identity document (the raw image as the body, the one request allowed more than max_body_bytes).

Only the officer role is admitted; pilots and admins get 403. A GET with `X-Console-Poll: 1` checks the session
without extending its idle timeout (the queue page polls every few seconds).
(No `from __future__ import annotations`: FastAPI must see the Annotated dependencies at run time.)
"""

import re
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from backend.http.auth import Backend, OfficerChanging
from backend.http.console_auth import OfficerViewer
from backend.http.errors import ApiError, describe
from backend.http.limits import Allowance
from backend.services.case_views import View
from backend.services.cases import QueueFilter
from backend.services.photos import MAX_PHOTO_BYTES, MAX_SIDE, MIN_SIDE
from backend.services.references import normalise_reference
from backend.services.schemas import (
    CaseQueue,
    CaseSummary,
    CaseView,
    DocumentPhotoView,
    IdentityRequest,
    IdentityView,
    NoteRequest,
    NoteView,
    StatementRequest,
    StatusChange,
)
from domain.status import CaseStatus

router = APIRouter(prefix="/api/cases", tags=["cases"])

MAX_AGE_MINUTES = 10 * 366 * 24 * 60
Age = Annotated[int | None, Query(ge=0, le=MAX_AGE_MINUTES, description="counted from the case time")]
Filter = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]
PHOTO_TYPES = ("image/jpeg", "image/png")
PHOTO_UPLOAD = Allowance("PUT", re.compile(r"/api/cases/[^/]+/identity/photo"), MAX_PHOTO_BYTES)
_BINARY = {"schema": {"type": "string", "format": "binary"}}
PHOTO_BODY: dict[str, Any] = {"requestBody": {
    "required": True,
    "description": f"the cropped still as a JPEG or PNG file, at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB, each "
                   f"side {MIN_SIDE} to {MAX_SIDE} pixels",
    "content": {media_type: _BINARY for media_type in PHOTO_TYPES},
}}  # fmt: skip


@router.get("", response_model=CaseQueue, responses=describe(401, 403, 422))
def queue(
    officer: OfficerViewer,
    backend: Backend,
    view: Annotated[View, Query(description="a console tab: new, claimed, mine (my claims), done, or all")] = View.ALL,
    case_type: Filter = None,
    language: Filter = None,
    location: Filter = None,
    reference: Filter = None,
    min_age_minutes: Age = None,
    max_age_minutes: Age = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CaseQueue:
    """Cases oldest first, routing metadata only (no personal data), with the number of cases in each tab."""
    wanted = QueueFilter(
        case_type=case_type,
        language=language,
        location=location,
        reference=(normalise_reference(reference) or "-") if reference else None,  # "-" matches nothing
        min_age_minutes=min_age_minutes,
        max_age_minutes=max_age_minutes,
        limit=limit,
        offset=offset,
        now=backend.clock(),
    )
    return backend.case_views.queue(wanted, view, officer)


@router.get("/{case_id}", response_model=CaseView, responses=describe(401, 403, 404, 422))
def read_case(case_id: UUID, officer: OfficerViewer, backend: Backend) -> CaseView:
    """The case with its stored answers, translations and notes, and the answers in Dutch. Audited."""
    return backend.case_views.case(case_id, officer, backend.clock())


def _download(content: bytes, media_type: str, name: str) -> Response:
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get(
    "/{case_id}/export.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **describe(401, 403, 404, 422)},
)
def export_pdf(case_id: UUID, officer: OfficerViewer, backend: Backend) -> Response:
    """The case as a PDF to file with the proces-verbaal (Noto fonts, Arabic shaped). Audited as an export."""
    pdf, name = backend.case_views.export_pdf(case_id, officer, backend.clock())
    return _download(pdf, "application/pdf", name)


@router.get(
    "/{case_id}/export.json",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}, **describe(401, 403, 404, 422)},
)
def export_json(case_id: UUID, officer: OfficerViewer, backend: Backend) -> Response:
    """The case as JSON: metadata, raw answers and translations, and the Dutch view. Audited as an export."""
    body, name = backend.case_views.export_json(case_id, officer, backend.clock())
    return _download(body, "application/json", name)


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
    return backend.cases.move(case_id, change.status, officer.actor, backend.clock(), reason=change.reason)


@router.put("/{case_id}/identity", response_model=IdentityView, responses=describe(401, 403, 404, 409, 422))
def record_identity(case_id: UUID, check: IdentityRequest, officer: OfficerChanging, backend: Backend) -> IdentityView:
    """The identity document the officer checked (through the kiosk camera or at a desk): kind, issuing country,
    the last four characters of its number, whether the face matches. Never a whole number or a BSN."""
    return backend.identities.record(case_id, check, officer.actor, backend.clock())


async def photo_body(request: Request) -> bytes:
    """The raw body of a photo upload; 415 unless it says it is a JPEG or PNG (what it is, Pillow decides)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in PHOTO_TYPES:
        raise ApiError(415, "unsupported_media_type", "send the photo as image/jpeg or image/png")
    return await request.body()  # BodySizeLimit has counted it already: at most MAX_PHOTO_BYTES


@router.put(
    "/{case_id}/identity/photo",
    response_model=DocumentPhotoView,
    openapi_extra=PHOTO_BODY,
    responses=describe(401, 403, 404, 409, 413, 415, 422),
)
def save_document_photo(
    case_id: UUID, officer: OfficerChanging, backend: Backend, photo: Annotated[bytes, Depends(photo_body)]
) -> DocumentPhotoView:
    """Keep a still of the identity document the resident held to the camera, cropped by the officer (never a BSN
    on it). It is decoded, checked and stored re-encoded as a JPEG without metadata, encrypted; a new one replaces
    the last. For the officer holding the case; audited. Errors: photo_unreadable, photo_size (422), too_large (413)."""
    return backend.identities.save_photo(case_id, photo, officer.actor, backend.clock())


@router.get(
    "/{case_id}/identity/photo",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": _BINARY}, "description": "the photo as a JPEG"},
               **describe(401, 403, 404, 422)},
)  # fmt: skip
def document_photo(case_id: UUID, officer: OfficerViewer, backend: Backend) -> Response:
    """The still of the identity document, for the officer holding the case only; audited as a read. 404 when
    there is none (never kept, deleted, or removed after the retention period)."""
    jpeg = backend.identities.photo(case_id, officer.actor, backend.clock())
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.delete(
    "/{case_id}/identity/photo",
    status_code=204,
    response_class=Response,
    responses=describe(401, 403, 404, 409, 422),
)
def delete_document_photo(case_id: UUID, officer: OfficerChanging, backend: Backend) -> Response:
    """Remove the still of the identity document; for the officer holding the case, audited. 404 when there is none."""
    backend.identities.delete_photo(case_id, officer.actor, backend.clock())
    return Response(status_code=204)


@router.post("/{case_id}/statement", responses=describe(401, 403, 404, 409, 422))
def make_statement(
    case_id: UUID, officer: OfficerChanging, backend: Backend, body: Annotated[StatementRequest | None, Body()] = None
) -> Response:
    """The statement for the resident to read and sign on the kiosk during the call: the data-channel message the
    console sends as it is (domain/chat.py `StatementToSign`: the lines in Dutch and the resident's language, the
    officer's additions, with the SHA-256 of the exact text signed). The body is optional: `{"additions": [...]}`,
    Dutch, one line each; error `additions` (422) for too many, an empty or too long one, or unstorable characters.
    For the officer who claimed the case; audited as a read, with the number of additions."""
    additions = body.additions if body is not None else []
    statement = backend.case_views.statement(case_id, officer, backend.clock(), additions)
    return Response(statement, media_type="application/json")


@router.post(
    "/{case_id}/notes", response_model=NoteView, status_code=201, responses=describe(401, 403, 404, 409, 422)
)
def add_note(case_id: UUID, note: NoteRequest, officer: OfficerChanging, backend: Backend) -> NoteView:
    """Add a note (stored encrypted) to a case you claimed."""
    return backend.cases.add_note(case_id, note.text, officer.actor, backend.clock())
