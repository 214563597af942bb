"""Console sessions as the pages see them: when the idle timeout falls, and polling that is not activity.

The queue page refreshes itself every few seconds. Those requests carry `X-Console-Poll: 1` and are checked
here without moving the session's last_seen_at, so an unattended screen still logs out after the idle timeout.
(No `from __future__ import annotations`: FastAPI must see the Annotated dependencies at run time.)
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request, Security
from sqlalchemy import select

from backend.http.auth import Backend, session_cookie
from backend.http.errors import ApiError
from backend.services.accounts import SessionUser
from backend.services.kiosks import hash_token
from backend.services.schemas import Role
from backend.storage.models import User, UserSession
from backend.wiring import Services

POLL_HEADER = "X-Console-Poll"


@dataclass(frozen=True)
class Viewer:
    user: SessionUser
    idle_expires_at: datetime  # the session ends then unless the officer does something


def peek(services: Services, token: str, now: datetime) -> Viewer | None:
    """The session behind `token` if it is still valid, without touching it."""
    settings = services.settings
    with services.db.read() as session:
        row = session.execute(
            select(UserSession, User)
            .join(User, UserSession.user_id == User.id)
            .where(UserSession.token_hash == hash_token(token))
        ).first()
    if row is None:
        return None
    stored, user = row
    idle_end = stored.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    hard_end = stored.created_at + timedelta(hours=settings.session_max_hours)
    if user.disabled or now > idle_end or now > hard_end:
        return None
    viewer = SessionUser(user.id, user.name, Role(user.role), stored.csrf_token, stored.token_hash, stored.enrol_only)
    return Viewer(viewer, min(idle_end, hard_end))


def viewer_of(request: Request, token: str | None, backend: Services) -> Viewer | None:
    """Who asks: a poll only peeks; anything else counts as activity (through the accounts store)."""
    if not token:
        return None
    now = backend.clock()
    if request.headers.get(POLL_HEADER) != "1" and backend.accounts.session_user(token, now) is None:
        return None
    return peek(backend, token, now)


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
