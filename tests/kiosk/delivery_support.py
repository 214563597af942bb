"""Helpers for the outbox and sender tests: a keypair, case payloads with recognisable answers, a fake backend."""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nacl.public import PrivateKey, SealedBox

from domain.wire import CaseDelivery, CaseReceipt, Heartbeat, ProvisioningInfo, UsageBatch, UsageBatchReceipt
from kiosk.delivery.backend_client import Conflict, DeliveryError
from kiosk.settings import Settings


@dataclass
class Keypair:
    private: PrivateKey = field(default_factory=PrivateKey.generate)

    @property
    def public_b64(self) -> str:
        return base64.b64encode(bytes(self.private.public_key)).decode()

    def open(self, sealed: str) -> bytes:
        return SealedBox(self.private).decrypt(base64.b64decode(sealed))


def fast_settings(data_dir: Path, **overrides: Any) -> Settings:
    base = Settings(
        data_dir=data_dir,
        send_initial_backoff=0.05,
        send_max_backoff=0.4,
        request_timeout=2.0,
        send_heartbeat_interval=3600.0,
        send_idle_interval=0.5,
    )
    return replace(base, **overrides)


def wait_until(condition: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
    """Poll until `condition` holds; fail after `timeout` (a deadline for a hung test, not a measurement)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


class FakeBackend:
    """Behaves like the kiosk API: opens sealed cases, same id + same content is a duplicate, other content 409.

    `failure` (an exception instance) makes every request fail with it until cleared; `failing` does the same
    for one kind of call ("case", "events", "heartbeat", "provisioning").
    """

    def __init__(self, keys: Keypair) -> None:
        self.keys = keys
        self.cases: dict[uuid.UUID, bytes] = {}
        self.references: dict[uuid.UUID, str] = {}
        self.batches: dict[uuid.UUID, UsageBatch] = {}
        self.heartbeats: list[Heartbeat] = []
        self.calls: list[str] = []
        self.failure: DeliveryError | Exception | None = None
        self.failing: dict[str, Exception] = {}
        self.lock = threading.Lock()

    def _enter(self, call: str) -> None:
        with self.lock:
            self.calls.append(call)
            failure = self.failure or self.failing.get(call)
        if failure is not None:
            raise failure

    def provisioning(self) -> ProvisioningInfo:
        self._enter("provisioning")
        return ProvisioningInfo(uuid.uuid4(), "Kiosk Bibliotheek", "Emmen, bibliotheek", self.keys.public_b64)

    def send_case(self, delivery: CaseDelivery) -> CaseReceipt:
        self._enter("case")
        content = self.keys.open(delivery.sealed)
        with self.lock:
            known = self.cases.get(delivery.case_id)
            if known is not None and known != content:
                raise Conflict()
            if known is None:
                self.cases[delivery.case_id] = content
                self.references[delivery.case_id] = f"PL-{len(self.cases):05d}"
            return CaseReceipt(delivery.case_id, self.references[delivery.case_id], known is not None)

    def send_events(self, batch: UsageBatch) -> UsageBatchReceipt:
        self._enter("events")
        with self.lock:
            duplicate = batch.batch_id in self.batches
            self.batches[batch.batch_id] = batch
        return UsageBatchReceipt(batch.batch_id, 0 if duplicate else len(batch.events), len(batch.events) * duplicate)

    def send_heartbeat(self, heartbeat: Heartbeat) -> None:
        self._enter("heartbeat")
        with self.lock:
            self.heartbeats.append(heartbeat)

    def close(self) -> None:
        pass
