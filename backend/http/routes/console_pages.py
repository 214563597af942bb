"""The web console: pages for officers, pilots and admins, served with their local assets under /console.

Pages are static HTML filled in by local scripts from the JSON API; every asset is served from here (no CDN).
Each page checks the session and role before it is sent, so a pilot asking for a case URL gets 403.
(No `from __future__ import annotations`: FastAPI must see the Annotated dependencies at run time.)
"""

import functools
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, FastAPI, Request, Security
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from backend.http.auth import Backend, session_cookie
from backend.http.routes import console_api, dashboard
from backend.services.accounts import SessionUser
from backend.services.schemas import Role
from backend.wiring import Services

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
PAGES_DIR = Path(__file__).resolve().parents[1] / "templates" / "console"
HOME = {Role.OFFICER: "/console/queue", Role.PILOT: "/console/dashboard", Role.ADMIN: "/console/admin"}
ENROLMENT = "/console/totp"  # the only page of a session that must set up TOTP first
PAGE_HEADERS = {
    "Content-Security-Policy": (
        # blob: the still of an identity document, fetched with the session and shown from memory (case.js)
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

router = APIRouter(include_in_schema=False)
Token = Annotated[str | None, Security(session_cookie)]


_INCLUDE = re.compile(r"^ *<!--#include (_[a-z]+\.html)-->\n", re.MULTILINE)


@functools.cache
def _page_html(name: str) -> str:
    """A page with its shared parts (the header bar) filled in; pages are read once per process."""
    page = (PAGES_DIR / name).read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda part: (PAGES_DIR / part.group(1)).read_text(encoding="utf-8"), page)


def _page(name: str, status: int = 200) -> Response:
    return HTMLResponse(_page_html(name), status_code=status, headers=PAGE_HEADERS)


def _user(token: str | None, backend: Services) -> SessionUser | None:
    return backend.accounts.session_user(token, backend.clock()) if token else None


def _guarded(request: Request, token: str | None, backend: Services, page: str, *roles: Role) -> Response:
    user = _user(token, backend)
    if user is None:
        return RedirectResponse(f"/console/?next={quote(request.url.path)}", status_code=303)
    if user.role not in roles:
        return _page("forbidden.html", status=403)
    if user.enrol_only and request.url.path != ENROLMENT:
        return RedirectResponse(ENROLMENT, status_code=303)
    return _page(page)


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/console/", status_code=303)


@router.get("/console")
def console_root() -> RedirectResponse:
    return RedirectResponse("/console/", status_code=303)


@router.get("/console/")
def login_page(token: Token, backend: Backend) -> Response:
    """The login page; someone still signed in goes straight to the home page of their role."""
    user = _user(token, backend)
    if user is not None:
        return RedirectResponse(ENROLMENT if user.enrol_only else HOME[user.role], status_code=303)
    return _page("login.html")


@router.get("/console/queue")
def queue_page(request: Request, token: Token, backend: Backend) -> Response:
    return _guarded(request, token, backend, "queue.html", Role.OFFICER)


@router.get("/console/cases/{case_id}")
def case_page(case_id: UUID, request: Request, token: Token, backend: Backend) -> Response:
    return _guarded(request, token, backend, "case.html", Role.OFFICER)


@router.get("/console/dashboard")
def dashboard_page(request: Request, token: Token, backend: Backend) -> Response:
    return _guarded(request, token, backend, "dashboard.html", Role.PILOT, Role.ADMIN)


@router.get("/console/admin")
def admin_page(request: Request, token: Token, backend: Backend) -> Response:
    return _guarded(request, token, backend, "admin.html", Role.ADMIN)


@router.get(ENROLMENT)
def totp_page(request: Request, token: Token, backend: Backend) -> Response:
    """Set up TOTP: a QR code and the secret as text, confirmed with a first code. Every role may."""
    return _guarded(request, token, backend, "totp.html", *Role)


@router.get("/console/fonts/{name}")
def font(name: str, backend: Backend) -> Response:
    """The Noto fonts from assets/fonts, so Arabic and Persian originals show on any officer's PC."""
    fonts = backend.settings.assets_dir / "fonts"
    if name not in {path.name for path in fonts.glob("*.ttf")}:
        return Response(status_code=404)
    return FileResponse(fonts / name, media_type="font/ttf", headers={"Cache-Control": "max-age=86400"})


def install_console(app: FastAPI) -> None:
    """Add the console's pages, assets and APIs."""
    app.include_router(router)
    app.include_router(console_api.router)
    app.include_router(dashboard.router)
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
