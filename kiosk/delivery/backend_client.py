"""What the kiosk asks of the backend, and the ways that can fail, in words a technician understands.

The sender and the provisioning command talk to this Protocol; HttpxBackendClient implements it and a
test can swap in a fake. Error messages never contain payload data.
"""

from __future__ import annotations

from typing import Protocol

from domain.wire import CaseDelivery, CaseReceipt, Heartbeat, ProvisioningInfo, UsageBatch, UsageBatchReceipt


class DeliveryError(Exception):
    """A request did not get an acknowledgement. `str(error)` is plain words for the status line."""

    permanent = False  # True: retrying the same entry cannot succeed; set it aside

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unreachable(DeliveryError):
    def __init__(self) -> None:
        super().__init__("backend not reachable")


class TimedOut(DeliveryError):
    def __init__(self) -> None:
        super().__init__("backend did not answer in time")


class TokenRefused(DeliveryError):
    def __init__(self) -> None:
        super().__init__("backend refused the kiosk token")


class ServerError(DeliveryError):
    def __init__(self, status: int) -> None:
        super().__init__(f"backend had an error (HTTP {status})")
        self.status = status


class NoKioskApi(DeliveryError):
    """404/405: the address answers, but not as the kiosk API (wrong URL, a proxy or portal in the way)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"no kiosk API at the backend address (HTTP {status})")
        self.status = status


class Conflict(DeliveryError):
    """Same case id, different content: ODK's 409. Sending it again will never be accepted."""

    permanent = True

    def __init__(self) -> None:
        super().__init__("backend already has a different case with this id")


class Rejected(DeliveryError):
    """The backend refused this entry itself (malformed, too large, cannot be opened)."""

    permanent = True

    def __init__(self, status: int, code: str | None = None) -> None:
        super().__init__(f"backend rejected the entry (HTTP {status}: {code})" if code else
                         f"backend rejected the entry (HTTP {status})")
        self.status = status
        self.code = code


class BadAnswer(DeliveryError):
    """The backend answered, but not with the message the kiosk expected (wrong URL, proxy page...)."""

    def __init__(self) -> None:
        super().__init__("backend gave an answer the kiosk does not understand")


class BackendClient(Protocol):
    def provisioning(self) -> ProvisioningInfo: ...

    def send_case(self, delivery: CaseDelivery) -> CaseReceipt: ...

    def send_events(self, batch: UsageBatch) -> UsageBatchReceipt: ...

    def send_heartbeat(self, heartbeat: Heartbeat) -> None: ...

    def close(self) -> None: ...
