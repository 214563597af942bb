"""The adapter's mapping from HTTP to messages and plain-word errors, through httpx's own mock transport."""

import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from domain.wire import CASES_PATH, EVENTS_PATH, PROVISIONING_PATH, CaseDelivery, UsageBatch, UsageEvent
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
from kiosk.delivery.httpx_client import HttpxBackendClient

DELIVERY = CaseDelivery(uuid.uuid4(), "theft", 1, "ar", datetime(2026, 11, 20, 17, 0, tzinfo=UTC), "c2VhbGVk")


def client_answering(handler: httpx.MockTransport) -> HttpxBackendClient:
    return HttpxBackendClient("http://backend.test/", "tok-123", timeout=1.0, transport=handler)


def test_a_case_is_posted_as_json_with_the_bearer_token() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"case_id": str(DELIVERY.case_id), "reference": "PL-7", "duplicate": False})

    receipt = client_answering(httpx.MockTransport(handler)).send_case(DELIVERY)
    assert (receipt.reference, receipt.duplicate) == ("PL-7", False)
    request = seen[0]
    assert (request.method, request.url.path) == ("POST", CASES_PATH)
    assert request.headers["authorization"] == "Bearer tok-123"
    body = json.loads(request.content)
    assert datetime.fromisoformat(body.pop("created_at")) == DELIVERY.created_at  # ISO 8601 with its offset
    assert body == {
        "case_id": str(DELIVERY.case_id),
        "case_type": "theft",
        "schema_version": 1,
        "language": "ar",
        "sealed": "c2VhbGVk",
    }


def test_an_event_batch_round_trips() -> None:
    batch = UsageBatch(uuid.uuid4(), [UsageEvent(uuid.uuid4(), uuid.uuid4(), "rating", datetime.now(UTC), rating=4)])

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == EVENTS_PATH
        assert json.loads(request.content)["events"][0]["rating"] == 4
        return httpx.Response(200, json={"batch_id": str(batch.batch_id), "accepted": 1, "duplicates": 0})

    assert client_answering(httpx.MockTransport(handler)).send_events(batch).accepted == 1


@pytest.mark.parametrize(
    ("status", "error", "permanent"),
    [
        (401, TokenRefused, False),
        (403, TokenRefused, False),
        (404, NoKioskApi, False),
        (409, Conflict, True),
        (413, Rejected, True),
        (422, Rejected, True),
        (429, ServerError, False),
        (500, ServerError, False),
        (503, ServerError, False),
    ],
)
def test_http_statuses_become_plain_errors(status: int, error: type[DeliveryError], permanent: bool) -> None:
    client = client_answering(httpx.MockTransport(lambda request: httpx.Response(status, text="<html>")))
    with pytest.raises(error) as raised:
        client.send_case(DELIVERY)
    assert raised.value.permanent is permanent
    assert "<html>" not in str(raised.value)


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (httpx.ConnectError("refused"), Unreachable),
        (httpx.RemoteProtocolError("closed"), Unreachable),
        (httpx.ReadTimeout("slow"), TimedOut),
        (httpx.ConnectTimeout("slow"), TimedOut),
    ],
)
def test_transport_failures_become_plain_errors(failure: Exception, error: type[DeliveryError]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise failure

    with pytest.raises(error):
        client_answering(httpx.MockTransport(handler)).provisioning()


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>captive portal</html>"),
        httpx.Response(200, json={"reference": "PL-1"}),
        httpx.Response(200, json={"case_id": str(uuid.uuid4()), "reference": "PL-1", "duplicate": False}),
    ],
)
def test_an_answer_that_is_not_a_receipt_for_this_case_is_not_an_acknowledgement(answer: httpx.Response) -> None:
    with pytest.raises(BadAnswer):
        client_answering(httpx.MockTransport(lambda request: answer)).send_case(DELIVERY)


def test_provisioning_reads_the_kiosk_identity() -> None:
    kiosk_id = uuid.uuid4()

    def handler(request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("GET", PROVISIONING_PATH)
        return httpx.Response(
            200, json={"kiosk_id": str(kiosk_id), "name": "K1", "location": "Emmen", "public_key": "a2V5"}
        )

    info = client_answering(httpx.MockTransport(handler)).provisioning()
    assert (info.kiosk_id, info.name, info.public_key) == (kiosk_id, "K1", "a2V5")
