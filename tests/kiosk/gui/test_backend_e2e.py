"""The whole path on real parts: intakes by touch in Dutch and Arabic on the real app, the real sealed outbox
and sender, a real backend process on 127.0.0.1; the receipt shows the reference the backend gave. No
translation models are installed, so the Arabic review says translation is unavailable instead of faking it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.kiosk.gui.conftest import ARTIFACTS
from tests.kiosk.gui.driver import Driver, run_app
from tests.kiosk.gui.test_intake import WHEN, walk_intake
from tools.backend_process import BackendProcess, provisioned_settings

pytestmark = [pytest.mark.gui, pytest.mark.timeout(900)]

TIPS: dict[str, dict[str, Any]] = {
    "nl": {"nuisance_kind": "noise", "when": WHEN, "where": {"street": "Markt", "city": "Emmen"},
           "description": "Harde muziek na middernacht"},
    "ar": {"nuisance_kind": "noise", "when": WHEN, "where": {"street": "Markt", "city": "Emmen"},
           "description": "موسيقى عالية بعد منتصف الليل"},
}


@pytest.fixture
def backend(backend_process: BackendProcess) -> BackendProcess:
    return backend_process


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_tip_by_touch_reaches_the_backend_and_the_receipt_shows_its_reference(
    make_app, backend: BackendProcess, tmp_path: Path, language: str
) -> None:
    from kiosk.wiring import open_services

    name = f"Kiosk e2e {language}"
    settings = provisioned_settings(backend, tmp_path / "kiosk", name)
    services = open_services(settings)
    assert services.problem is None and services.translator is None  # no models on this machine
    app = make_app(settings, services)
    seen: dict[str, str] = {}

    def steps(d: Driver) -> None:
        walk_intake(d, language, "tip", "nuisance_tip", TIPS[language], prefix=f"{language}_e2e")
        case_id = d.call(lambda: app.flow.state.receipt.case_id)
        # the app's own clock tick picks the reference up from the sender
        assert d.wait_for(lambda: any(w.source for w in d.shown_now("receipt.reference")), 120)
        reference = d.call(lambda: app.flow.state.receipt.reference)
        assert reference and reference in d.text_of("receipt.reference")
        seen["case_id"], seen["reference"] = case_id, reference
        d.screenshot(f"{language}_e2e_09_receipt_from_backend")
        d.tap("nav.done")
        d.tap("rating.skip")

    run_app(app, steps, ARTIFACTS)
    assert backend.case_ids(name) == {uuid.UUID(seen["case_id"]): 1}
