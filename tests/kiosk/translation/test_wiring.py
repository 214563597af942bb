"""The translator as `open_services` wires it into a provisioned kiosk, against a real backend process: the
heartbeat tells the admin page whether translation is ready, and the end of a session empties the cache that
held the resident's texts. No hand-made wiring: what runs here is what `python -m kiosk` runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.settings import Settings
from kiosk.wiring import open_services
from tests.kiosk.delivery_support import wait_until
from tools.backend_process import BackendProcess, provisioned_settings
from tools.phrase_books import STOLEN

pytestmark = pytest.mark.timeout(300)
HEARTBEAT_SECONDS = 0.1


@pytest.fixture
def backend(backend_process: BackendProcess) -> BackendProcess:
    return backend_process


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
        wait_until(lambda: backend.translation_ready(name) is True, 120, "a heartbeat saying translation is ready")
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
        wait_until(lambda: backend.translation_ready(name) is not None, 120, "a heartbeat")
        assert backend.translation_ready(name) is False
    finally:
        services.stop()
