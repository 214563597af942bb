"""The translator as `open_services` wires it into a provisioned kiosk, against a real backend process: the
heartbeat tells the admin page whether translation is ready, and the end of a session empties the cache that
held the resident's texts. No hand-made wiring: what runs here is what `python -m kiosk` runs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.settings import Settings
from kiosk.wiring import open_services
from tests.kiosk.backend_process import BackendProcess, provisioned_settings
from tests.kiosk.translation.phrase_books import STOLEN

pytestmark = pytest.mark.timeout(300)
HEARTBEAT_SECONDS = 0.1


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendProcess]:
    process = BackendProcess(tmp_path_factory.mktemp("backend"))
    process.start()
    yield process
    process.stop()


def eventually(condition: Callable[[], bool], timeout: float = 120.0) -> bool:
    """Whether `condition` comes true within `timeout` (which only bounds a failure)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_heartbeat_says_translation_is_ready_and_a_session_end_empties_the_cache(
    backend: BackendProcess, installed_settings: Settings, tmp_path: Path
) -> None:
    name = "Kiosk met vertaling"
    settings = provisioned_settings(
        backend, tmp_path / "kiosk", name, models_dir=installed_settings.models_dir,
        translation_warm_languages=("ar",), send_heartbeat_interval=HEARTBEAT_SECONDS,
    )  # fmt: skip
    services = open_services(settings)
    translator = services.translator
    assert translator is not None, services.notes
    services.start()
    try:
        assert eventually(lambda: backend.translation_ready(name) is True), "no heartbeat said translation is ready"
        assert translator.ready()
        assert translator.translate(STOLEN["ar"], "ar", "nl").text == STOLEN["nl"]
        assert translator.cached_entries() > 0
        services.session_ended()  # what the app calls when a resident's session ends
        assert translator.cached_entries() == 0
    finally:
        services.stop()


def test_without_models_the_heartbeat_says_translation_is_not_ready(backend: BackendProcess, tmp_path: Path) -> None:
    name = "Kiosk zonder vertaling"
    settings = provisioned_settings(backend, tmp_path / "kiosk", name, send_heartbeat_interval=HEARTBEAT_SECONDS)
    services = open_services(settings)
    assert services.translator is None
    services.start()
    try:
        assert eventually(lambda: backend.translation_ready(name) is not None), "no heartbeat arrived"
        assert backend.translation_ready(name) is False
    finally:
        services.stop()
