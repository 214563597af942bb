"""Kiosk API: provisioning info, sealed case delivery, usage-event batches, heartbeat. Bearer token only.

Bodies are exactly the domain.wire dataclasses the kiosk sends.
"""

import re
from datetime import UTC, datetime

from fastapi import APIRouter, Response

from backend.http.auth import Backend, Kiosk
from backend.http.errors import ApiError, describe
from backend.services.delivery import receive_case
from domain.usage import EventKind, InvalidEvent, check_event
from domain.wire import (
    CASES_PATH,
    EVENTS_PATH,
    HEARTBEAT_PATH,
    MAX_EVENTS_PER_BATCH,
    MAX_SEALED_BYTES,
    PROVISIONING_PATH,
    CaseDelivery,
    CaseReceipt,
    Heartbeat,
    ProvisioningInfo,
    UsageBatch,
    UsageBatchReceipt,
)

MAX_SEALED_BASE64 = 4 * -(-MAX_SEALED_BYTES // 3)
MAX_COUNTER = 2_000_000_000  # fits a 32-bit column
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

router = APIRouter(tags=["kiosk"])


def utc(moment: datetime, name: str) -> datetime:
    """A kiosk time as aware UTC; a time without offset is taken as UTC."""
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ApiError(422, "invalid_request", f"{name}: not a usable time") from None
    if not 1970 <= moment.year <= 9000:
        raise ApiError(422, "invalid_request", f"{name}: not a usable time")
    return moment


def _one_line(text: str | None, limit: int) -> str | None:
    return _CONTROL.sub(" ", text)[:limit] if text else None


@router.get(PROVISIONING_PATH, response_model=ProvisioningInfo, responses=describe(401))
def provisioning(kiosk: Kiosk, backend: Backend) -> ProvisioningInfo:
    """The kiosk's own identity and the public key it seals cases to."""
    return ProvisioningInfo(
        kiosk_id=kiosk.id, name=kiosk.name, location=kiosk.location, public_key=backend.keys.public_key
    )


@router.post(
    CASES_PATH,
    response_model=CaseReceipt,
    status_code=201,
    responses={
        200: {"model": CaseReceipt, "description": "stored before: same reference, nothing new stored"},
        **describe(401, 409, 413, 422),
    },
)
def deliver_case(delivery: CaseDelivery, kiosk: Kiosk, backend: Backend, response: Response) -> CaseReceipt:
    """Store a sealed case once. The same case id with the same content again gives the same reference
    (200, duplicate=true); the same id with other content is a 409. Refusals never reveal content."""
    if len(delivery.sealed) > MAX_SEALED_BASE64:
        raise ApiError(413, "too_large", f"the sealed payload is larger than {MAX_SEALED_BYTES} bytes")
    delivery.created_at = utc(delivery.created_at, "created_at")
    receipt = receive_case(
        delivery, kiosk, backend.clock(), keys=backend.keys, catalog=backend.catalog, cases=backend.cases,
        confirmations=backend.confirmations,
    )
    if receipt.duplicate:
        response.status_code = 200
    return receipt


@router.post(EVENTS_PATH, response_model=UsageBatchReceipt, responses=describe(401, 413, 422))
def deliver_events(batch: UsageBatch, kiosk: Kiosk, backend: Backend) -> UsageBatchReceipt:
    """Store anonymous usage events; idempotent on the batch id and on each event id."""
    if len(batch.events) > MAX_EVENTS_PER_BATCH:
        raise ApiError(422, "too_many_events", f"a batch holds at most {MAX_EVENTS_PER_BATCH} events")
    for index, event in enumerate(batch.events):
        try:
            check_event(event)
        except InvalidEvent as invalid:
            # The kind is echoed by check_event's message; whatever a kiosk sent is not repeated back.
            reason = str(invalid) if event.kind in set(EventKind) else "unknown event kind"
            raise ApiError(422, "invalid_event", f"events.{index}: {reason}") from None
        event.at = utc(event.at, f"events.{index}.at")
    return backend.usage.store_batch(batch, kiosk, backend.clock())


@router.post(HEARTBEAT_PATH, status_code=204, responses=describe(401, 422))
def heartbeat(beat: Heartbeat, kiosk: Kiosk, backend: Backend) -> Response:
    """The kiosk's outbox backlog, last error and version, for the admin's kiosk overview."""
    for name in ("outbox_pending", "oldest_pending_seconds", "outbox_held"):
        if not 0 <= getattr(beat, name) <= MAX_COUNTER:
            raise ApiError(422, "invalid_request", f"{name}: out of range")
    beat.last_error = _one_line(beat.last_error, 500)
    beat.app_version = _one_line(beat.app_version, 64) or ""
    beat.held_reason = _one_line(beat.held_reason, 64)
    now = backend.clock()
    backend.kiosks.record_heartbeat(kiosk.id, beat, now)
    backend.heartbeats.record(kiosk.id, now)  # the slot for uptime on the pilot dashboard
    return Response(status_code=204)
