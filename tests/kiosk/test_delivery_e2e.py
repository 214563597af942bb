"""Store-and-forward against a real backend process: delivery, backend down, restarted, slow, and a 409.

One backend serves the whole module (starting one costs seconds); each test provisions its own kiosk and
counts only that kiosk's cases.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.payload import CasePayload
from domain.wire import UsageEvent
from kiosk.delivery.wiring import Delivery, open_delivery
from kiosk.ports import SenderState
from kiosk.settings import Settings, load_settings
from tests.kiosk.delivery_support import wait_until
from tests.kiosk.tcp_proxy import Mode, TcpProxy
from tools.backend_process import REPO, BackendProcess
from tools.samples import ANSWERS, SECRETS, make_payload

pytestmark = pytest.mark.timeout(180)


@dataclass(frozen=True)
class KioskAccount:
    name: str
    token: str


def kiosk_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)


def provision(data_dir: Path, url: str, token: str, **sender: float) -> Settings:
    done = kiosk_cli(data_dir, "provision", "--backend", url, "--token", token)
    assert done.returncode == 0, done.stderr
    fast = {"send_initial_backoff": 0.05, "send_max_backoff": 0.5, "send_idle_interval": 0.2, "request_timeout": 3.0}
    return load_settings({"data_dir": data_dir, **fast, **sender}, environ={})


def plaintext_on_disk(settings: Settings) -> list[str]:
    files = b"".join(path.read_bytes() for path in settings.data_dir.glob("outbox.sqlite*"))
    return [secret for secret in SECRETS if secret.encode() in files]


def drained(delivery: Delivery) -> bool:
    status = delivery.sender.status()
    return status.pending_cases == 0 and status.pending_batches == 0


def ids(cases: list[CasePayload]) -> dict[uuid.UUID, int]:
    """What the backend must hold: each case once."""
    return {uuid.UUID(payload.case_id): 1 for payload in cases}


@pytest.fixture
def backend(backend_process: BackendProcess) -> BackendProcess:
    if backend_process.process is None:  # a test that stopped it failed before starting it again
        backend_process.start()
    return backend_process


@pytest.fixture
def kiosk(backend: BackendProcess, request: pytest.FixtureRequest) -> KioskAccount:
    name = f"Kiosk {request.node.name}"[:100]
    return KioskAccount(name, backend.add_kiosk(name, "Emmen, bibliotheek"))


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> str:
    return str(request.node.name)


def every_case(namespace: str, languages: tuple[str, ...] = ("ar",)) -> list[CasePayload]:
    return [
        make_payload(case_type, index, language=language, namespace=namespace)
        for case_type in ANSWERS
        for index, language in enumerate(languages)
    ]


def started(settings: Settings) -> Delivery:
    delivery = open_delivery(settings)
    delivery.start()
    return delivery


def test_provisioning_refuses_a_wrong_token_and_accepts_the_right_one(
    tmp_path: Path, backend: BackendProcess, kiosk: KioskAccount
) -> None:
    data_dir = tmp_path / "kiosk"
    wrong = kiosk_cli(data_dir, "provision", "--backend", backend.url, "--token", kiosk.token[:-2] + "xx")
    assert wrong.returncode == 3 and "refused this token" in wrong.stderr
    assert not (data_dir / "config.json").exists()
    settings = provision(data_dir, backend.url, kiosk.token)
    assert settings.provisioned and settings.kiosk_name == kiosk.name
    status = kiosk_cli(data_dir, "status")
    assert f"Provisioning: {kiosk.name} (Emmen, bibliotheek)" in status.stdout
    assert kiosk.token not in status.stdout


def test_every_case_type_in_two_languages_arrives_once_with_its_events(
    tmp_path: Path, backend: BackendProcess, kiosk: KioskAccount, namespace: str
) -> None:
    settings = provision(tmp_path / "kiosk", backend.url, kiosk.token)
    delivery = started(settings)
    cases = every_case(namespace, languages=("ar", "uk"))
    events = [UsageEvent(uuid.uuid4(), uuid.uuid4(), "submit", datetime.now(UTC)) for _ in cases]
    try:
        for payload, event in zip(cases, events, strict=True):
            delivery.outbox.put_case(payload)
            delivery.outbox.record(event)
        assert not plaintext_on_disk(settings)
        wait_until(lambda: drained(delivery) and delivery.outbox.buffered_events() == 0, what="drain")
        wait_until(lambda: {e.event_id for e in events} <= set(backend.usage_event_ids()), what="events stored")
        assert backend.case_ids(kiosk.name) == ids(cases)
        references = dict(delivery.sender.status().references)
        assert len(set(references.values())) == len(cases)
        # the same case sealed again (as after a crash between receipt and delete): a duplicate, same reference
        first = uuid.UUID(cases[0].case_id)
        delivery.outbox.put_case(cases[0])
        wait_until(lambda: drained(delivery), what="re-delivery")
        assert dict(delivery.sender.status().references)[first] == references[first]
        assert backend.case_ids(kiosk.name) == ids(cases)
        heartbeat_at, _, last_error = backend.heartbeat(kiosk.name)
        assert heartbeat_at is not None and last_error is None
    finally:
        delivery.stop()
    assert not plaintext_on_disk(settings)


def test_sending_resumes_by_itself_when_the_backend_comes_back(
    tmp_path: Path, backend: BackendProcess, kiosk: KioskAccount, namespace: str
) -> None:
    settings = provision(tmp_path / "kiosk", backend.url, kiosk.token)
    backend.stop()
    delivery = started(settings)
    cases = every_case(namespace)
    try:
        for payload in cases:
            delivery.outbox.put_case(payload)
        wait_until(lambda: delivery.sender.status().state == SenderState.OFFLINE, what="offline")
        status = delivery.sender.status()
        assert status.last_error == "backend not reachable" and status.pending_cases == len(cases)
        backend.start()  # nobody wakes the sender: it must find out by itself
        wait_until(lambda: drained(delivery), what="drain after the backend returned")
        assert backend.case_ids(kiosk.name) == ids(cases)
        wait_until(lambda: delivery.sender.status().state == SenderState.IDLE, what="idle after the round")
    finally:
        delivery.stop()


def test_a_backend_killed_and_restarted_mid_drain_loses_and_duplicates_nothing(
    tmp_path: Path, backend: BackendProcess, kiosk: KioskAccount, namespace: str
) -> None:
    settings = provision(tmp_path / "kiosk", backend.url, kiosk.token)
    delivery = open_delivery(settings)
    cases = [make_payload("theft", index, namespace=namespace) for index in range(120)]
    for payload in cases:
        delivery.outbox.put_case(payload)
    delivery.start()
    try:
        wait_until(lambda: delivery.sender.status().pending_cases < 100, what="drain to start")
        backend.stop(kill=True)
        assert delivery.sender.status().pending_cases > 0  # the kill did fall mid-drain
        backend.start()
        wait_until(lambda: drained(delivery), what="drain after the restart")
        assert backend.case_ids(kiosk.name) == ids(cases)
    finally:
        delivery.stop()


def test_a_slow_or_silent_network_delays_but_never_loses_or_duplicates(
    tmp_path: Path, backend: BackendProcess, kiosk: KioskAccount, namespace: str
) -> None:
    proxy = TcpProxy(backend.port)
    settings = provision(tmp_path / "kiosk", proxy.url, kiosk.token, request_timeout=1.0)
    delivery = started(settings)
    cases = every_case(namespace)
    try:
        proxy.mode = Mode.BLACKHOLE
        proxy.cut()
        for payload in cases[:2]:
            delivery.outbox.put_case(payload)
        wait_until(lambda: delivery.sender.status().last_error == "backend did not answer in time", what="timeout")
        assert backend.case_ids(kiosk.name) == {}
        # answers slower than the kiosk waits: the backend stores the case but the kiosk never hears it
        proxy.mode, proxy.delay = Mode.DELAY, 1.5
        proxy.cut()
        wait_until(lambda: len(backend.case_ids(kiosk.name)) >= 1, what="a case stored behind the kiosk's back")
        assert delivery.sender.status().pending_cases == 2
        for payload in cases[2:]:
            delivery.outbox.put_case(payload)
        proxy.mode = Mode.PASS
        wait_until(lambda: drained(delivery), what="drain once the network is fast again")
        assert backend.case_ids(kiosk.name) == ids(cases)
    finally:
        delivery.stop()
        proxy.close()


def test_same_id_with_other_content_is_held_aside_and_reported(
    tmp_path: Path, backend: BackendProcess, kiosk: KioskAccount, namespace: str
) -> None:
    settings = provision(tmp_path / "kiosk", backend.url, kiosk.token)
    delivery = started(settings)
    original = make_payload("vandalism", 1, namespace=namespace)
    try:
        delivery.outbox.put_case(original)
        wait_until(lambda: drained(delivery), what="first delivery")
        delivery.outbox.put_case(make_payload("vandalism", 1, namespace=namespace, object_details="another mirror"))
        delivery.outbox.put_case(make_payload("vandalism", 2, namespace=namespace))
        wait_until(lambda: delivery.sender.status().pending_cases == 1, what="the conflicting case held")
        status = delivery.sender.status()
        assert status.last_error == "1 case(s) set aside: backend already has a different case with this id"
        assert len(backend.case_ids(kiosk.name)) == 2
        held = kiosk_cli(settings.data_dir, "status")
        assert f"set aside: case {original.case_id}" in held.stdout
    finally:
        delivery.stop()
