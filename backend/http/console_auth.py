"""Console sessions as the pages see them: when the idle timeout falls, and polling that is not activity.

The queue page refreshes itself every few seconds. Those requests carry `X-Console-Poll: 1` and are checked
here without moving the session's last_seen_at, so an unattended screen still logs out after the idle timeout.
(No `from __future__ import annotations`: FastAPI must see the Annotated dependencies at run time.)
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Security

from backend.http.auth import Backend, admit, session_cookie
from backend.http.errors import ApiError
from backend.services.accounts import SessionUser
from backend.services.schemas import Role
from backend.wiring import Services

POLL_HEADER = "X-Console-Poll"


def viewer_of(request: Request, token: str | None, backend: Services) -> SessionUser | None:
    """Who asks, in one session check: a poll does not count as activity, anything else does."""
    if not token:
        return None
    polling = request.headers.get(POLL_HEADER) == "1"
    return backend.accounts.session_user(token, backend.clock(), activity=not polling)


def signed_in_viewer(*roles: Role, enrolling: bool = False) -> Callable[..., SessionUser]:
    """Like auth.signed_in, but a poll (X-Console-Poll: 1) does not keep the session alive."""

    def admitted(
        request: Request, token: Annotated[str | None, Security(session_cookie)], backend: Backend
    ) -> SessionUser:
        viewer = viewer_of(request, token, backend)
        if viewer is None:
            raise ApiError(401, "login_required" if not token else "session_expired", "log in first")
        return admit(viewer, roles, enrolling)

    return admitted


AnyViewer = Annotated[SessionUser, Depends(signed_in_viewer(*Role))]
EnrollingViewer = Annotated[SessionUser, Depends(signed_in_viewer(*Role, enrolling=True))]
OfficerViewer = Annotated[SessionUser, Depends(signed_in_viewer(Role.OFFICER))]
