"""A case the backend refuses is held on the kiosk, and that is loud: the heartbeat carries the count and the reason,
the admin page shows it, `python -m kiosk status` explains it, and once the backend accepts the case the technician
releases it and it arrives once.

The refusal is a real one: a backend whose forms lack the vandalism form (an older deployment) refuses a vandalism
case with 422 unknown_case_type; the updated backend, on the same database and keys, accepts it.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path

from backend.http.app import create_app
from backend.services.schemas import Role
from backend.wiring import Services
from domain.forms import FormCatalog, default_assets_dir
from kiosk.commands.status import outbox_lines
from kiosk.delivery.wiring import open_delivery
from kiosk.session.flow import Screen, SessionFlow, Triage
from kiosk.settings import load_settings
from tests.backend.conftest import make_settings
from tests.backend.support import Backend, LiveServer
from tools.backend_process import free_port
from tools.samples import ANSWERS


def old_assets(tmp_path: Path) -> Path:
    assets = tmp_path / "old-assets"
    shutil.copytree(default_assets_dir(), assets, ignore=shutil.ignore_patterns("*.ttf"))
    (assets / "forms" / "vandalism.json").unlink()
    return assets


def file_vandalism(flow: SessionFlow) -> None:
    answers = ANSWERS["vandalism"]
    flow.start()
    flow.choose_language("nl")
    flow.choose_triage(Triage.REPORT)
    flow.choose_service("vandalism")
    while flow.state.screen is Screen.FORM:
        for spec in flow.current_step().fields:
            if spec.id in answers:
                flow.answer(spec.id, answers[spec.id])
        assert not flow.next().errors
    flow.confirm_review()
    for spec in flow.current_step().fields:
        if spec.id in answers:
            flow.answer(spec.id, answers[spec.id])
    assert flow.submit().screen is Screen.RECEIPT


def test_a_held_case_is_reported_explained_and_released_once_the_backend_accepts_it(
    database_url: str, tmp_path: Path
) -> None:
    new_settings = make_settings(database_url, tmp_path)
    old_settings = replace(new_settings, assets_dir=old_assets(tmp_path))
    old = Services.start(old_settings)
    old_backend = Backend(old, create_app(old_settings, old))
    kiosk = old_backend.kiosk(name="Kiosk Emmen")
    admin = old_backend.sign_in(Role.ADMIN)
    kiosk_dir = tmp_path / "kiosk"
    try:
        with LiveServer(old_backend.app, free_port()) as server:
            settings = load_settings({"data_dir": kiosk_dir, "backend_url": server.url, "kiosk_token": kiosk.token,
                                      "backend_public_key": old.keys.public_key}, environ={})
            delivery = open_delivery(settings)
            flow = SessionFlow(FormCatalog.load(default_assets_dir() / "forms"), delivery.outbox, delivery.outbox,
                               time.monotonic)
            file_vandalism(flow)
            delivery.sender.run_once()
            counts = delivery.outbox.counts()
            assert (counts.pending_cases, counts.held_cases) == (1, 1)  # refused for good: kept, not dropped
            [row] = [k for k in admin.get("/api/admin/kiosks").json() if k["name"] == "Kiosk Emmen"]
            assert row["outbox_held"] == 1 and "unknown_case_type" in row["held_reason"]
            explained = "\n".join(outbox_lines(delivery.outbox, time.time()))
            assert "unknown_case_type" in explained and "--retry-held" in explained
            delivery.outbox.close()
    finally:
        old_backend.close()
        old.close()

    new = Services.start(new_settings)  # the backend updated: same database, same keys
    new_backend = Backend(new, create_app(new_settings, new))
    try:
        with LiveServer(new_backend.app, free_port()) as server:
            settings = load_settings({"data_dir": kiosk_dir, "backend_url": server.url, "kiosk_token": kiosk.token,
                                      "backend_public_key": new.keys.public_key}, environ={})
            delivery = open_delivery(settings)
            assert delivery.outbox.release_held() == 1  # what `python -m kiosk status --retry-held` does
            delivery.sender.run_once()
            assert delivery.outbox.counts().pending_cases == 0
            admin = new_backend.sign_in(Role.ADMIN)
            [row] = [k for k in admin.get("/api/admin/kiosks").json() if k["name"] == "Kiosk Emmen"]
            assert row["outbox_held"] == 0 and row["held_reason"] is None
            officer = new_backend.sign_in(Role.OFFICER)
            cases = officer.get("/api/cases?view=new").json()["cases"]
            assert [c["case_type"] for c in cases] == ["vandalism"]
            delivery.outbox.close()
    finally:
        new_backend.close()
        new.close()
