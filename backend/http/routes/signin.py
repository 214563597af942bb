"""Console sign-in: login sets an HttpOnly, SameSite=Strict session cookie; /me returns the CSRF token.

Failed logins are throttled per account name and per client address (429 with Retry-After, then a temporary
lockout; backend/services/throttle.py). Accounts with TOTP send the code as a second field; /api/auth/totp sets it up.
"""

from typing import Annotated

from fastapi import APIRouter, Request, Response, Security

from backend.http.auth import SESSION_COOKIE, Backend, Enrolling, EnrollingChanging, session_cookie
from backend.http.errors import ApiError, describe
from backend.services.schemas import LoginRequest, Me, TotpConfirmation, TotpEnrolment, TotpStatus, UserView
from backend.services.totp import REQUIRED_ROLES

router = APIRouter(prefix="/api/auth", tags=["sign-in"])


@router.post("/login", response_model=Me, responses=describe(401, 422, 429))
def login(
    credentials: LoginRequest,
    request: Request,
    backend: Backend,
    response: Response,
    previous: Annotated[str | None, Security(session_cookie)] = None,
) -> Me:
    """Check name, password and (when set up) TOTP code; start a new session and set its cookie.

    401 `login_failed` for a wrong name or password alike; 401 `code_required` / `code_invalid` for the TOTP
    step; 429 `too_many_attempts` or `account_locked` with Retry-After after repeated failures.
    """
    if previous:
        backend.accounts.end_session(previous)  # a browser gets one session: the old one ends here
    address = request.client.host if request.client else None
    started = backend.accounts.login(credentials.name, credentials.password, backend.clock(),
                                     code=credentials.code, address=address)
    settings = backend.settings
    response.set_cookie(
        SESSION_COOKIE,
        started.token,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies or request.url.scheme == "https",  # Secure whenever served over TLS
        path="/",
    )
    return Me(user=UserView.model_validate(started.user), csrf_token=started.csrf_token,
              session_idle_minutes=settings.session_idle_minutes, totp_enrolment_required=started.enrol_only)


@router.post("/logout", status_code=204, responses=describe(401, 403))
def logout(user: EnrollingChanging, backend: Backend, request: Request) -> Response:
    """End the session and clear its cookie."""
    backend.accounts.logout(user)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=backend.settings.secure_cookies or request.url.scheme == "https")
    return response


@router.get("/me", response_model=Me, responses=describe(401))
def me(user: Enrolling, backend: Backend) -> Me:
    """The signed-in user and the CSRF token to send as X-CSRF-Token with every change."""
    row = backend.accounts.user(user.id)
    if row is None:
        raise ApiError(401, "session_expired", "the session has ended; log in again")
    return Me(user=UserView.model_validate(row), csrf_token=user.csrf_token,
              session_idle_minutes=backend.settings.session_idle_minutes, totp_enrolment_required=user.enrol_only)


@router.get("/totp", response_model=TotpStatus, responses=describe(401))
def totp_status(user: Enrolling, backend: Backend) -> TotpStatus:
    """Whether this account has TOTP, and whether the admin made it mandatory for its role."""
    required = user.role in REQUIRED_ROLES and backend.totp.required()
    return TotpStatus(enrolled=backend.totp.enrolled(user.id), required=required)


@router.post("/totp/enrolment", response_model=TotpEnrolment, responses=describe(401, 403, 409))
def begin_totp(user: EnrollingChanging, backend: Backend) -> TotpEnrolment:
    """A new secret to scan (QR code as SVG) or type in; it counts once POST /totp/confirm accepted a code."""
    made = backend.totp.begin(user.id, user.name, backend.clock())
    return TotpEnrolment(secret=made.secret, uri=made.uri, qr_svg=made.qr_svg)


@router.post("/totp/confirm", response_model=TotpStatus, responses=describe(400, 401, 403, 409, 422))
def confirm_totp(code: TotpConfirmation, user: EnrollingChanging, backend: Backend) -> TotpStatus:
    """The first code from the app confirms the set-up; from then on login asks for a code."""
    if not backend.totp.confirm(user.id, code.code, backend.clock(), user.actor):
        raise ApiError(400, "code_invalid", "the code is wrong or expired; try the next one")
    return TotpStatus(enrolled=True, required=user.role in REQUIRED_ROLES and backend.totp.required())
