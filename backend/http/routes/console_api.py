"""What the console pages need besides the officers' case API: who is signed in, and the Dutch labels.

Pages poll /session with X-Console-Poll: 1, which does not extend the idle timeout.
(No `from __future__ import annotations`: FastAPI must see the Annotated dependencies at run time.)
"""

from typing import Any

from fastapi import APIRouter

from backend.http.auth import Backend
from backend.http.console_auth import AnyViewer, EnrollingViewer
from backend.http.errors import describe
from backend.services.case_views import DOCUMENT_NL, STATUS_NL, country_names
from domain.languages import LANGUAGES

router = APIRouter(prefix="/api/console", tags=["console"])


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
    """Dutch names for case types, languages, statuses, identity documents and countries, and the kiosk locations,
    for filters, headings and the identity check."""
    locations = sorted({kiosk.location for kiosk in backend.kiosks.all()})
    views = backend.case_views
    return {
        "services": {case_type: views.service_name(case_type) for case_type in backend.catalog.case_types()},
        "languages": {language.code: language.dutch_name for language in LANGUAGES},
        "statuses": {status.value: name for status, name in STATUS_NL.items()},
        "locations": locations,
        "documents": {kind.value: name for kind, name in DOCUMENT_NL.items()},
        "countries": country_names(),
    }
