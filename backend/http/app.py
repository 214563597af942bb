"""create_app(settings): the FastAPI application with the kiosk, officer, pilot and admin APIs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI

from backend.http.errors import install_error_handlers
from backend.http.headers import SecurityHeaders
from backend.http.limits import BodySizeLimit
from backend.http.routes import admin, cases, health, kiosk, signin
from backend.http.routes.console_pages import install_console
from backend.http.routes.signalling import close_calls, install_calls
from backend.http.state import Running
from backend.settings import Settings, load_settings
from backend.wiring import Services

log = logging.getLogger("politieloket.backend")

DESCRIPTION = """Kiosks deliver sealed cases and anonymous usage events (bearer token).
Officers, pilots and admins use the JSON API with a session cookie from POST /api/auth/login;
every POST, PUT and DELETE also needs the X-CSRF-Token header. Errors are {"error": code, "detail": message}."""


def _version() -> str:
    try:
        return version("politieloket")
    except PackageNotFoundError:
        return "0"


async def _purge_regularly(backend: Services, interval_minutes: int) -> None:
    """Retention is automatic: purge at start-up and then every interval, in a worker thread."""
    while True:
        try:
            purged = await asyncio.to_thread(backend.retention.purge, backend.clock())
            if purged:
                log.info("retention purge removed the personal data of %d cases", purged)
        except Exception as error:  # the next round tries again; the server keeps serving
            log.warning("retention purge failed: %s", type(error).__name__)
        await asyncio.sleep(interval_minutes * 60)


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    """The application; builds (and migrates) its Services from `settings` unless they are handed in."""
    backend = services or Services.start(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        purging = None
        if settings.purge_interval_minutes > 0:
            purging = asyncio.create_task(_purge_regularly(backend, settings.purge_interval_minutes))
        try:
            yield
        finally:
            await close_calls(_app)  # tells both sides of every call why it ended
            if purging is not None:
                purging.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await purging
            if services is None:
                backend.close()

    app = FastAPI(
        title="Politieloket backend",
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.running = Running(backend)
    install_error_handlers(app)
    for module in (health, kiosk, signin, cases, admin):
        app.include_router(module.router)
    install_console(app)  # web console pages, assets, console and dashboard APIs (routes/console_pages.py)
    install_calls(app, backend)  # video call signalling WebSockets and the call queue (routes/signalling.py)
    app.add_middleware(SecurityHeaders, behind_tls=settings.secure_cookies)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, allowances=(cases.PHOTO_UPLOAD,))
    return app


def app_from_environment() -> FastAPI:
    """The app of one `serve --workers N` worker process: its settings come from POLITIELOKET_BACKEND_*."""
    return create_app(load_settings())
