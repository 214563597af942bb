"""Who is asking: kiosks by bearer token, people by session cookie (plus CSRF header on changes), and roles.

Every route states who it admits through these dependencies; nothing is allowed by default.
(No `from __future__ import annotations` here: FastAPI must see the Annotated dependencies at run time.)
"""

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from backend.http.errors import ApiError
from backend.http.state import running
from backend.services.accounts import SessionUser
from backend.services.kiosks import KioskIdentity
from backend.services.schemas import Role
from backend.wiring import Services

SESSION_COOKIE = "politieloket_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

kiosk_bearer = HTTPBearer(auto_error=False, scheme_name="kioskToken", description="the kiosk's token")
session_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, scheme_name="session", description="set by POST /api/auth/login"
)
csrf_header = APIKeyHeader(
    name=CSRF_HEADER, auto_error=False, scheme_name="csrf", description="csrf_token from login or /api/auth/me"
)


async def services(request: Request) -> Services:
    # async: FastAPI would otherwise hand this one-liner to a worker thread on every request
    return running(request.app).services


Backend = Annotated[Services, Depends(services)]


async def current_kiosk(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(kiosk_bearer)], backend: Backend
) -> KioskIdentity:
    if credentials is None:
        raise ApiError(401, "token_required", "a kiosk token is required", {"WWW-Authenticate": "Bearer"})
    token = credentials.credentials
    kiosk = backend.kiosks.recently_seen(token) or await run_in_threadpool(backend.kiosks.authenticate, token)
    if kiosk is None:
        raise ApiError(401, "invalid_token", "the kiosk token is unknown or revoked", {"WWW-Authenticate": "Bearer"})
    return kiosk


def _session_user(
    request: Request, token: Annotated[str | None, Security(session_cookie)], backend: Backend
) -> SessionUser:
    """Any valid session, also one that may only enrol TOTP (signed_in decides about that)."""
    if not token:
        raise ApiError(401, "login_required", "log in first")
    user = backend.accounts.session_user(token, backend.clock())
    if user is None:
        raise ApiError(401, "session_expired", "the session has ended; log in again")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), user.csrf_token.encode()):
            raise ApiError(403, "csrf_failed", f"the {CSRF_HEADER} header is missing or wrong")
    return user


def _session_user_changing(
    user: Annotated[SessionUser, Depends(_session_user)],
    _csrf: Annotated[str | None, Security(csrf_header)],  # checked in _session_user; declared for OpenAPI
) -> SessionUser:
    return user


def signed_in(*roles: Role, changes: bool = False, enrolling: bool = False) -> Callable[..., SessionUser]:
    """A dependency admitting a logged-in user with one of `roles`; `changes` documents the CSRF header.

    A session that must enrol TOTP first (mandatory TOTP, none set up) is refused unless `enrolling`.
    """
    base = _session_user_changing if changes else _session_user

    def admitted(user: Annotated[SessionUser, Depends(base)]) -> SessionUser:
        return admit(user, roles, enrolling)

    return admitted


def admit(user: SessionUser, roles: tuple[Role, ...], enrolling: bool) -> SessionUser:
    """`user` if their role is one of `roles` and, unless `enrolling`, they need not set up TOTP first."""
    if user.role not in roles:
        raise ApiError(403, "forbidden", "your role may not do this")
    if user.enrol_only and not enrolling:
        raise ApiError(403, "totp_enrolment_required", "set up TOTP first (/console/totp)")
    return user


Kiosk = Annotated[KioskIdentity, Depends(current_kiosk)]
Anyone = Annotated[SessionUser, Depends(signed_in(*Role))]
AnyoneChanging = Annotated[SessionUser, Depends(signed_in(*Role, changes=True))]
# also admitted while the session may only enrol TOTP: who am I, log out, and the enrolment itself
Enrolling = Annotated[SessionUser, Depends(signed_in(*Role, enrolling=True))]
EnrollingChanging = Annotated[SessionUser, Depends(signed_in(*Role, changes=True, enrolling=True))]
Officer = Annotated[SessionUser, Depends(signed_in(Role.OFFICER))]
OfficerChanging = Annotated[SessionUser, Depends(signed_in(Role.OFFICER, changes=True))]
UsageReader = Annotated[SessionUser, Depends(signed_in(Role.PILOT, Role.ADMIN))]
Admin = Annotated[SessionUser, Depends(signed_in(Role.ADMIN))]
AdminChanging = Annotated[SessionUser, Depends(signed_in(Role.ADMIN, changes=True))]
