"""CallService against a real backend process and an aiortc officer on 127.0.0.1 (no STUN): a call still
going when the kiosk shuts down is hung up properly, so the officer hears why."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.chat import IntakeSummary
from kiosk.call.chat import NoTranslator
from kiosk.call.service import CallService
from kiosk.call.view import CallPhase
from kiosk.settings import Settings
from tests.call.aiortc_officer import AiortcOfficer
from tools.backend_process import REPO, BackendProcess

OFFICER, PASSWORD = "agent.bakker", "correct horse battery staple"


def until(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.02)
    return value


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[tuple[BackendProcess, str]]:
    process = BackendProcess(tmp_path / "backend")
    token = process.add_kiosk()
    subprocess.run(process._command("add-user", OFFICER, "--role", "officer"), input=PASSWORD + "\n", text=True,
                   cwd=REPO, check=True, capture_output=True)  # fmt: skip
    process.start()
    yield process, token
    process.stop()


def test_closing_the_service_hangs_up_a_live_call(backend: tuple[BackendProcess, str], tmp_path: Path) -> None:
    process, token = backend
    settings = Settings(data_dir=tmp_path / "kiosk", backend_url=process.url, kiosk_token=token,
                        call_host_addresses=("127.0.0.1",), call_test_media=True)  # fmt: skip
    calls = CallService(settings, NoTranslator())
    officer = AiortcOfficer(process.url, OFFICER, PASSWORD)
    try:
        until(officer.online.is_set, "the officer's console")
        handle = calls.start("nl", None, uuid.uuid4(), IntakeSummary("nl"), lambda _view: None)
        until(lambda: handle.view.phase is CallPhase.CONNECTED and handle.frames.count > 5, "a connected call")
        calls.close()
        assert handle.finished is not None and handle.finished.done()
        until(lambda: officer.ended, "the officer to hear the hang-up")
        assert officer.ended == "kiosk_hangup"
    finally:
        officer.close()
        calls.close()
