"""JSON the console pages need beyond the officers' API: the live queue, a case in Dutch, exports.

- The queue is polled every few seconds with X-Console-Poll: 1, which does not extend the idle timeout.
- A case is read through SqlCaseStore.read, which writes the audit row; an export adds a second row naming
  the export, so the log shows that personal data left the system as a file.
(No `from __future__ import annotations`: FastAPI must see the Annotated dependencies at run time.)
"""

from dataclasses import asdict, replace
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response

from backend.http.auth import Backend, Officer
from backend.http.console_auth import AnyViewer, EnrollingViewer, OfficerViewer
from backend.http.errors import describe
from backend.services.cases import QueueFilter
from backend.services.exports import CaseSheet, Note, case_json, case_pdf, printed_now
from backend.services.presenter import case_time, dutch_catalog, format_moment, language_name, present, sections_json
from backend.services.schemas import CaseDetail, CaseSummary
from backend.wiring import Services
from domain.forms import SchemaError
from domain.languages import LANGUAGES
from domain.status import CaseStatus

router = APIRouter(prefix="/api/console", tags=["console"])

STATUS_NL = {
    CaseStatus.NEW: "Nieuw",
    CaseStatus.CLAIMED: "In behandeling",
    CaseStatus.CLOSED: "Afgesloten",
    CaseStatus.CONVERTED: "Omgezet in aangifte",
    CaseStatus.REFERRED: "Doorverwezen",
}
KIND_NL = {"aangifte": "aangifte", "melding": "melding"}
VIEWS = ("new", "claimed", "mine", "done")
QUEUE_LIMIT = 200
Filter = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]
Age = Annotated[int | None, Query(ge=0, le=10 * 366 * 24 * 60)]


def service_name(backend: Services, case_type: str) -> str:
    return dutch_catalog(backend.settings.assets_dir).text(f"service.{case_type}")


@router.get("/session", responses=describe(401))
def session(viewer: EnrollingViewer, backend: Backend) -> dict[str, Any]:
    """Who is signed in and when the session ends if nothing happens (send X-Console-Poll: 1 to only look)."""
    return {
        "user": {"name": viewer.name, "role": viewer.role.value},
        "csrf_token": viewer.csrf_token,
        "totp_enrolment_required": viewer.enrol_only,  # the page sends the user to /console/totp
        "idle_minutes": backend.settings.session_idle_minutes,
        "idle_expires_at": viewer.ends_at,
        "now": backend.clock(),
    }


@router.get("/labels", responses=describe(401))
def labels(viewer: AnyViewer, backend: Backend) -> dict[str, Any]:
    """Dutch names for case types, languages and statuses, and the kiosk locations, for filters and headings."""
    locations = sorted({kiosk.location for kiosk in backend.kiosks.all()})
    return {
        "services": {case_type: service_name(backend, case_type) for case_type in backend.catalog.case_types()},
        "languages": {language.code: language.dutch_name for language in LANGUAGES},
        "statuses": {status.value: name for status, name in STATUS_NL.items()},
        "locations": locations,
    }


def _view_filter(base: QueueFilter, view: str, viewer_id: UUID, limit: int) -> QueueFilter:
    if view == "new":
        return replace(base, statuses=(CaseStatus.NEW,), limit=limit)
    if view == "claimed":
        return replace(base, statuses=(CaseStatus.CLAIMED,), limit=limit)
    if view == "mine":
        return replace(base, statuses=(CaseStatus.CLAIMED,), claimed_by=viewer_id, limit=limit)
    return replace(base, statuses=(CaseStatus.CLOSED, CaseStatus.CONVERTED, CaseStatus.REFERRED), limit=limit)


def _queue_row(case: CaseSummary, now: datetime, backend: Services) -> dict[str, Any]:
    return {
        **case.model_dump(mode="json", include=set(CaseSummary.model_fields)),
        "age_minutes": max(0, int((now - case.created_at).total_seconds() // 60)),
        "service_name": service_name(backend, case.case_type),
        "language_name": language_name(case.language),
        "status_name": STATUS_NL[case.status],
        "created_text": case_time(case.created_at, case.kiosk_created_at, case.clock_flag),
    }


@router.get("/queue", responses=describe(401, 403, 422))
def queue(
    viewer: OfficerViewer,
    backend: Backend,
    view: Annotated[str, Query(pattern="^(new|claimed|mine|done)$")] = "new",
    case_type: Filter = None,
    language: Filter = None,
    location: Filter = None,
    min_age_minutes: Age = None,
    max_age_minutes: Age = None,
) -> dict[str, Any]:
    """One tab of the queue with its filters, oldest first, plus how many cases each tab holds."""
    now = backend.clock()
    base = QueueFilter(
        case_type=case_type, language=language, location=location, now=now,
        min_age_minutes=min_age_minutes, max_age_minutes=max_age_minutes,
    )
    cases, total = backend.cases.queue(_view_filter(base, view, viewer.id, QUEUE_LIMIT))
    counts = {
        name: backend.cases.queue(_view_filter(base, name, viewer.id, 1))[1] for name in VIEWS if name != "done"
    }
    return {
        "view": view,
        "cases": [_queue_row(case, now, backend) for case in cases],
        "total": total,
        "counts": counts,
        "idle_expires_at": viewer.ends_at,
        "now": now,
    }


def _sections(detail: CaseDetail, backend: Services) -> list[Any]:
    if detail.answers is None:
        return []
    try:
        schema = backend.catalog.get(detail.case_type)
    except SchemaError:
        return []
    catalog = dutch_catalog(backend.settings.assets_dir)
    return present(schema, detail.answers, detail.translations or {}, detail.language, catalog)


def _kind(backend: Services, case_type: str) -> str:
    try:
        return KIND_NL[backend.catalog.get(case_type).kind.value]
    except SchemaError:
        return "intake"


@router.get("/cases/{case_id}", responses=describe(401, 403, 404, 422))
def case_view(case_id: UUID, officer: Officer, backend: Backend) -> dict[str, Any]:
    """A case as the officer reads it: metadata, the answers in Dutch with originals, notes. Audited."""
    detail = backend.cases.read(case_id, officer.actor, backend.clock())
    return {
        "case": _queue_row(detail, backend.clock(), backend)
        | {"kind": _kind(backend, detail.case_type), "mine": detail.claimed_by == officer.name},
        "next": [{"status": s.value, "name": STATUS_NL[s]} for s in detail.next_statuses],
        "sections": sections_json(_sections(detail, backend)),
        "notes": [note.model_dump(mode="json") for note in detail.notes],
        "purged": detail.purged,
    }


def _sheet(detail: CaseDetail, officer_name: str, backend: Services) -> CaseSheet:
    return CaseSheet(
        case_id=str(detail.id),
        reference=detail.reference,
        service=service_name(backend, detail.case_type),
        kind=_kind(backend, detail.case_type),
        language=language_name(detail.language),
        location=detail.location,
        created_at=case_time(detail.created_at, detail.kiosk_created_at, detail.clock_flag),
        received_at=format_moment(detail.received_at.isoformat()),
        status=STATUS_NL[detail.status],
        handled_by=detail.claimed_by,
        sections=_sections(detail, backend),
        notes=[Note(n.author, format_moment(n.created_at.isoformat()), n.text) for n in detail.notes],
        printed_by=officer_name,
        printed_at=printed_now(backend.clock()),
    )


def _audited_read(case_id: UUID, officer: Any, backend: Services, export: str) -> CaseDetail:
    return backend.cases.read(case_id, officer.actor, backend.clock(), purpose=f"export:{export}")


def _download(content: bytes, media_type: str, name: str) -> Response:
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/cases/{case_id}/export.pdf", responses=describe(401, 403, 404, 422))
def export_pdf(case_id: UUID, officer: Officer, backend: Backend) -> Response:
    """The case as a PDF to file with the proces-verbaal (Noto fonts, Arabic shaped). Audited as an export."""
    detail = _audited_read(case_id, officer, backend, "pdf")
    pdf = case_pdf(_sheet(detail, officer.name, backend), backend.settings.assets_dir / "fonts")
    return _download(pdf, "application/pdf", f"intake-{detail.reference}.pdf")


@router.get("/cases/{case_id}/export.json", responses=describe(401, 403, 404, 422))
def export_json(case_id: UUID, officer: Officer, backend: Backend) -> Response:
    """The case as JSON: metadata, raw answers and translations, and the Dutch view. Audited as an export."""
    detail = _audited_read(case_id, officer, backend, "json")
    translations = {key: asdict(value) for key, value in (detail.translations or {}).items()}
    body = case_json(_sheet(detail, officer.name, backend), detail.answers or {}, translations)
    return _download(body, "application/json", f"intake-{detail.reference}.json")
