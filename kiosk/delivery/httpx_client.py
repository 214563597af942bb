"""HttpxBackendClient: the kiosk API over HTTP(S) with httpx, authenticated with the kiosk's bearer token."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import httpx

from domain.wire import (
    CASES_PATH,
    EVENTS_PATH,
    HEARTBEAT_PATH,
    PROVISIONING_PATH,
    CaseDelivery,
    CaseReceipt,
    Heartbeat,
    ProvisioningInfo,
    UsageBatch,
    UsageBatchReceipt,
)
from domain.wire_codec import WireFormatError, from_jsonable, to_jsonable
from kiosk.delivery.backend_client import (
    BadAnswer,
    Conflict,
    DeliveryError,
    NoKioskApi,
    Rejected,
    ServerError,
    TimedOut,
    TokenRefused,
    Unreachable,
)
from kiosk.tls import backend_ssl_context

T = TypeVar("T")
_CODE = re.compile(r"[a-z][a-z0-9_]{0,47}")


def error_for_status(status: int) -> DeliveryError | None:
    if status < 300:
        return None
    if status in (401, 403):
        return TokenRefused()
    if status == 409:
        return Conflict()
    if status in (404, 405):  # the entry is not at fault: keep it and retry later
        return NoKioskApi(status)
    if status in (408, 425, 429) or status >= 500:
        return ServerError(status)
    if 400 <= status < 500:
        return Rejected(status)
    return BadAnswer()


def refusal_code(response: httpx.Response) -> str | None:
    """The backend's error code ("amount_too_large"), for the technician; never the detail or anything else."""
    try:
        code = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) and _CODE.fullmatch(code) else None


class HttpxBackendClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: float,
        transport: httpx.BaseTransport | None = None,
        ca_file: str = "",
    ):
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            verify=backend_ssl_context(ca_file) or True,
        )

    def provisioning(self) -> ProvisioningInfo:
        return self._request("GET", PROVISIONING_PATH, None, ProvisioningInfo)

    def send_case(self, delivery: CaseDelivery) -> CaseReceipt:
        receipt = self._request("POST", CASES_PATH, delivery, CaseReceipt)
        if receipt.case_id != delivery.case_id:
            raise BadAnswer()
        return receipt

    def send_events(self, batch: UsageBatch) -> UsageBatchReceipt:
        receipt = self._request("POST", EVENTS_PATH, batch, UsageBatchReceipt)
        if receipt.batch_id != batch.batch_id:
            raise BadAnswer()
        return receipt

    def send_heartbeat(self, heartbeat: Heartbeat) -> None:
        self._request("POST", HEARTBEAT_PATH, heartbeat, None)

    def close(self) -> None:
        self._http.close()

    def _request(self, method: str, path: str, body: Any, answer: type[T] | None) -> T:
        try:
            response = self._http.request(method, path, json=None if body is None else to_jsonable(body))
        except httpx.TimeoutException as error:
            raise TimedOut() from error
        except httpx.TransportError as error:  # refused, reset, DNS, TLS, connection dropped mid-answer
            raise Unreachable() from error
        failure = error_for_status(response.status_code)
        if isinstance(failure, Rejected):
            failure = Rejected(response.status_code, refusal_code(response))
        if failure is not None:
            raise failure
        if answer is None:
            return None  # type: ignore[return-value]
        try:
            return from_jsonable(answer, response.json())
        except (ValueError, WireFormatError) as error:
            raise BadAnswer() from error
