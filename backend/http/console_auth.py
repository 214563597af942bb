"""Console sessions as the pages see them: when the idle timeout falls, and polling that is not activity.

The queue page refreshes itself every few seconds. Those requests carry `X-Console-Poll: 1` and are checked
here without moving the session's last_seen_at, so an unattended screen still logs out after the idle timeout.
(No `from __future__ import annotations`: FastAPI must see the Annotated dependencies at run time.)
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Security

from backend.http.auth import Backend, session_cookie
from backend.http.errors import ApiError
from backend.services.accounts import SessionUser
from backend.services.schemas import Role
from backend.wiring import Services

POLL_HEADER = "X-Console-Poll"


@dataclass(frozen=True)
class Viewer:
    user: SessionUser
    idle_expires_at: datetime  # the session ends then unless the officer does something


def viewer_of(request: Request, token: str | None, backend: Services) -> Viewer | None:
    """Who asks, in one session check: a poll does not count as activity, anything else does."""
    if not token:
        return None
    polling = request.headers.get(POLL_HEADER) == "1"
    user = backend.accounts.session_user(token, backend.clock(), activity=not polling)
    if user is None or user.ends_at is None:
        return None
    return Viewer(user, user.ends_at)


def signed_in_viewer(*roles: Role, enrolling: bool = False) -> Callable[..., Viewer]:
    """Like auth.signed_in: a session that must enrol TOTP first is refused unless `enrolling`."""

    def admitted(
        request: Request, token: Annotated[str | None, Security(session_cookie)], backend: Backend
    ) -> Viewer:
        viewer = viewer_of(request, token, backend)
        if viewer is None:
            raise ApiError(401, "login_required" if not token else "session_expired", "log in first")
        if viewer.user.role not in roles:
            raise ApiError(403, "forbidden", "your role may not do this")
        if viewer.user.enrol_only and not enrolling:
            raise ApiError(403, "totp_enrolment_required", "set up TOTP first (/console/totp)")
        return viewer

    return admitted


AnyViewer = Annotated[Viewer, Depends(signed_in_viewer(*Role))]
EnrollingViewer = Annotated[Viewer, Depends(signed_in_viewer(*Role, enrolling=True))]
OfficerViewer = Annotated[Viewer, Depends(signed_in_viewer(Role.OFFICER))]
