"""Console sign-in: login sets an HttpOnly, SameSite=Strict session cookie; /me returns the CSRF token."""

from typing import Annotated

from fastapi import APIRouter, Response, Security

from backend.auth import SESSION_COOKIE, Anyone, AnyoneChanging, Backend, session_cookie
from backend.errors import ApiError, describe
from backend.schemas import LoginRequest, Me, UserView

router = APIRouter(prefix="/api/auth", tags=["sign-in"])


@router.post("/login", response_model=Me, responses=describe(401, 422))
def login(
    credentials: LoginRequest,
    backend: Backend,
    response: Response,
    previous: Annotated[str | None, Security(session_cookie)] = None,
) -> Me:
    """Check name and password; start a new session (a new token at every login) and set its cookie."""
    if previous:
        backend.accounts.end_session(previous)  # a browser gets one session: the old one ends here
    started = backend.accounts.login(credentials.name, credentials.password, backend.clock())
    if started is None:
        raise ApiError(401, "login_failed", "wrong name or password, or the account is disabled")
    settings = backend.settings
    response.set_cookie(
        SESSION_COOKIE,
        started.token,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )
    return Me(user=UserView.model_validate(started.user), csrf_token=started.csrf_token,
              session_idle_minutes=settings.session_idle_minutes)


@router.post("/logout", status_code=204, responses=describe(401, 403))
def logout(user: AnyoneChanging, backend: Backend) -> Response:
    """End the session and clear its cookie."""
    backend.accounts.logout(user)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=backend.settings.secure_cookies)
    return response


@router.get("/me", response_model=Me, responses=describe(401))
def me(user: Anyone, backend: Backend) -> Me:
    """The signed-in user and the CSRF token to send as X-CSRF-Token with every change."""
    row = backend.accounts.user(user.id)
    if row is None:
        raise ApiError(401, "session_expired", "the session has ended; log in again")
    return Me(user=UserView.model_validate(row), csrf_token=user.csrf_token,
              session_idle_minutes=backend.settings.session_idle_minutes)
