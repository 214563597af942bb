"""Benchmark the kiosk's store-and-forward on loopback against a real backend process.

    .venv/bin/python -m bench.outbox [--samples 200] [--backlog 1000]

Measures (1) submit-to-acknowledged: put_case (seal + durable write) until the sender has the backend's
receipt, and (2) how fast a backlog drains. The baseline, measured in the same run against the same
server, is a bare keep-alive httpx POST of an already sealed case: what the backend alone costs.
The ratios are the kiosk's overhead on top of that.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import httpx

from domain.payload import CasePayload
from domain.wire import CASES_PATH, CaseDelivery, CaseReceipt
from domain.wire_codec import to_jsonable
from kiosk.commands.provision import provision
from kiosk.delivery.sealing import seal
from kiosk.delivery.wiring import Delivery, open_delivery
from kiosk.settings import Settings
from tools.backend_process import BackendProcess
from tools.samples import make_payload


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def payloads(tag: str, count: int) -> list[CasePayload]:
    return [
        replace(make_payload("theft", index), case_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-{tag}-{index}")))
        for index in range(count)
    ]


def sealed_deliveries(settings: Settings, tag: str, count: int) -> list[CaseDelivery]:
    return [
        CaseDelivery(
            uuid.UUID(p.case_id), p.case_type, p.schema_version, p.language, datetime.fromisoformat(p.created_at),
            seal(p.to_json(), settings.backend_public_key),
        )
        for p in payloads(tag, count)
    ]  # fmt: skip


class RawPoster:
    """Baseline: POST already sealed cases with a keep-alive httpx client, nothing stored on the kiosk."""

    def __init__(self, settings: Settings) -> None:
        headers = {"Authorization": f"Bearer {settings.kiosk_token}"}
        self._client = httpx.Client(base_url=settings.backend_url, headers=headers, timeout=30)

    def post(self, delivery: CaseDelivery) -> float:
        start = time.perf_counter()
        self._client.post(CASES_PATH, json=to_jsonable(delivery)).raise_for_status()
        return time.perf_counter() - start

    def close(self) -> None:
        self._client.close()


class Receipts:
    """Lets the bench wait for the receipt of one case id (called on the sender's thread)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._seen: set[uuid.UUID] = set()

    def __call__(self, receipt: CaseReceipt) -> None:
        with self._condition:
            self._seen.add(receipt.case_id)
            self._condition.notify_all()

    def wait_for(self, case_id: uuid.UUID, timeout: float = 60.0) -> None:
        with self._condition:
            if not self._condition.wait_for(lambda: case_id in self._seen, timeout):
                raise TimeoutError("no receipt")


def latencies(settings: Settings, count: int) -> tuple[list[float], list[float], list[float]]:
    """Per case, alternating with the baseline so both see the same load on the machine: seconds for a raw
    POST, for put_case to return, and from put_case until the receipt arrived."""
    raw, baseline = sealed_deliveries(settings, "raw-latency", count), RawPoster(settings)
    receipts = Receipts()
    delivery = open_delivery(settings, on_receipt=receipts)
    delivery.start()
    raw_times, puts, totals = [], [], []
    try:
        for payload, sealed in zip(payloads("latency", count), raw, strict=True):
            raw_times.append(baseline.post(sealed))
            start = time.perf_counter()
            delivery.outbox.put_case(payload)
            puts.append(time.perf_counter() - start)
            receipts.wait_for(uuid.UUID(payload.case_id))
            totals.append(time.perf_counter() - start)
    finally:
        delivery.stop()
        baseline.close()
    return raw_times, puts, totals


def raw_rate(settings: Settings, tag: str, count: int) -> float:
    deliveries, baseline = sealed_deliveries(settings, tag, count), RawPoster(settings)
    try:
        return count / sum(baseline.post(delivery) for delivery in deliveries)
    finally:
        baseline.close()


def drain(settings: Settings, count: int) -> tuple[float, float]:
    """Seconds to fill the outbox with `count` cases, and to drain it with the sender."""
    cases = payloads("backlog", count)
    receipts = Receipts()
    delivery: Delivery = open_delivery(settings, on_receipt=receipts)
    start = time.perf_counter()
    for payload in cases:
        delivery.outbox.put_case(payload)
    filled = time.perf_counter() - start
    start = time.perf_counter()
    delivery.start()
    for payload in cases:
        receipts.wait_for(uuid.UUID(payload.case_id))
    drained = time.perf_counter() - start
    delivery.stop()
    return filled, drained


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1].strip())
    parser.add_argument("--samples", type=int, default=200, help="cases for the latency measurement")
    parser.add_argument("--backlog", type=int, default=1000, help="cases in the backlog to drain")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        backend = BackendProcess(work / "backend")
        backend.start()
        try:
            token = backend.add_kiosk()
            settings = provision(Settings(data_dir=work / "kiosk"), backend.url, token)
            raw_latency, puts, totals = latencies(settings, args.samples)
            raw_before = raw_rate(settings, "raw-backlog-1", args.backlog // 2)
            filled, drained = drain(settings, args.backlog)
            raw_after = raw_rate(settings, "raw-backlog-2", args.backlog // 2)
        finally:
            backend.stop()
    raw_per_second, kiosk_rate = (raw_before + raw_after) / 2, args.backlog / drained
    print(f"submit-to-acknowledged over loopback, {args.samples} cases, one at a time")
    print(f"  baseline raw POST      p50 {ms(percentile(raw_latency, 0.5))}  p95 {ms(percentile(raw_latency, 0.95))}")
    print(f"  put_case (seal+fsync)  p50 {ms(percentile(puts, 0.5))}  p95 {ms(percentile(puts, 0.95))}")
    print(f"  put until receipt      p50 {ms(percentile(totals, 0.5))}  p95 {ms(percentile(totals, 0.95))}")
    print(
        f"  ratio to baseline      p50 {percentile(totals, 0.5) / percentile(raw_latency, 0.5):5.2f}x"
        f"  p95 {percentile(totals, 0.95) / percentile(raw_latency, 0.95):5.2f}x"
    )
    print(f"backlog of {args.backlog} cases")
    print(f"  filling the outbox     {args.backlog / filled:7.1f} cases/s")
    print(f"  baseline raw POSTs     {raw_per_second:7.1f} cases/s  (before {raw_before:.1f}, after {raw_after:.1f})")
    print(f"  sender drain           {kiosk_rate:7.1f} cases/s  ({kiosk_rate / raw_per_second:.2f}x baseline)")


if __name__ == "__main__":
    main()
