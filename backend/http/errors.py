"""JSON errors everywhere: {"error": code, "detail": plain message}. Messages never echo what was sent."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.services.errors import (
    Broken,
    Conflict,
    Invalid,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    ServiceError,
    Throttled,
    Unavailable,
)
from domain.wire import ErrorBody

log = logging.getLogger("politieloket.backend")

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    503: "unavailable",
}


class ApiError(Exception):
    """An answer other than success, with a stable code for programs and a plain message for people."""

    def __init__(self, status: int, error: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = headers


# The status code of each kind of refusal the services raise (backend/services/errors.py).
SERVICE_STATUS: dict[type[ServiceError], int] = {
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    NotAllowed: 403,
    NotAuthenticated: 401,
    Throttled: 429,
    Unavailable: 503,
    Broken: 500,
}


def error_response(status: int, error: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(asdict(ErrorBody(error=error, detail=detail)), status_code=status, headers=headers)


def describe(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error statuses a route can give, all with the ErrorBody shape."""
    return {status: {"model": ErrorBody, "description": _STATUS_CODES.get(status, "error")} for status in statuses}


def _validation_detail(errors: Sequence[Any]) -> str:
    """Where and what is wrong, from pydantic's location and message only: never the input itself."""
    parts = []
    for error in list(errors)[:5]:
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"
        parts.append(f"{location}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is not valid"


async def _api_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return error_response(error.status, error.error, error.detail, error.headers)


async def _service_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError)
    status = next(code for kind, code in SERVICE_STATUS.items() if isinstance(error, kind))
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Throttled) else None
    return error_response(status, error.code, error.detail, headers)


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = _STATUS_CODES.get(error.status_code, "error")
    detail = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
    return error_response(error.status_code, code, detail, getattr(error, "headers", None))


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return error_response(422, "invalid_request", _validation_detail(error.errors()))


async def _database_error(_request: Request, error: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", type(error).__name__)
    return error_response(503, "database_unavailable", "the database is not reachable; try again shortly")


async def _data_error(_request: Request, error: Exception) -> JSONResponse:
    # Input the checks let through but the database cannot hold (NUL in text, numbers out of range).
    log.warning("database refused a value: %s", type(getattr(error, "orig", error)).__name__)
    return error_response(422, "invalid_request", "a value in the request cannot be stored")


def log_unexpected(error: BaseException) -> None:
    """One log entry per unexpected error: where it happened, never its message (it may quote what was sent)."""
    where = "".join(traceback.format_tb(error.__traceback__)[-8:]).rstrip()
    log.error("unexpected %s (message withheld)\n%s", type(error).__name__, where)


class UnexpectedErrors:
    """A 500 for anything no handler knows, logged once. Starlette's own catch-all would answer and then re-raise,
    so the server logged every traceback a second time, message included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as error:
            log_unexpected(error)
            if not started:
                response = error_response(500, "internal_error", "something went wrong on the server")
                await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(PoolTimeout, _database_error)
    app.add_middleware(UnexpectedErrors)  # the first added: innermost, right outside the route handlers
