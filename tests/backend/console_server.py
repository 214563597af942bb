"""A real backend process for the console's browser tests, seeded the way kiosks and technicians do it.

Users come from `python -m backend add-user`, the kiosk token from `add-kiosk`; cases are sealed to the key
from GET /api/kiosk/provisioning and delivered through the kiosk API; usage events and heartbeats likewise.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from domain.forms import FormCatalog, default_assets_dir
from domain.payload import CasePayload, Translation, TranslationHop
from domain.validation import validate
from domain.wire import CASES_PATH, EVENTS_PATH, HEARTBEAT_PATH, PROVISIONING_PATH
from kiosk.delivery.sealing import seal
from tools.health import wait_until_healthy
from tools.samples import ANSWERS

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
ARABIC_STORY = "سرق شخص ما دراجتي من أمام المحطة في المساء."
FORMS = FormCatalog.load(default_assets_dir() / "forms")
# Cheap password hashes for test accounts; verifying reads the cost from the stored hash.
FAST_HASHES = {"POLITIELOKET_BACKEND_ARGON2_TIME_COST": "1", "POLITIELOKET_BACKEND_ARGON2_MEMORY_KIB": "8192"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


class ConsoleBackend:
    def __init__(self, workdir: Path, settings: dict[str, str] | None = None) -> None:
        """`settings`: extra POLITIELOKET_BACKEND_* variables for the server, e.g. a short idle timeout."""
        workdir.mkdir(parents=True, exist_ok=True)
        self.settings = settings or {}
        self.database = f"sqlite:///{workdir / 'backend.sqlite'}"
        self.keys_dir = workdir / "keys"
        self.port = free_port()
        self.log = workdir / "backend.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.kiosk_token = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, stdin: str | None = None) -> str:
        command = [sys.executable, "-m", "backend", "--db", self.database, "--keys-dir", str(self.keys_dir), *args]
        done = subprocess.run(command, cwd=REPO, input=stdin, capture_output=True, text=True, timeout=60, check=True,
                              env={**os.environ, **FAST_HASHES})
        return done.stdout

    def add_user(self, name: str, role: str) -> None:
        self.cli("add-user", name, "--role", role, stdin=PASSWORD + "\n")

    def add_kiosk(self, name: str, location: str) -> str:
        return self.cli("add-kiosk", name, "--location", location).strip().splitlines()[-1].strip()

    def start(self, timeout: float = 30.0) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **FAST_HASHES, **self.settings}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "backend", "--db", self.database, "--keys-dir", str(self.keys_dir),
                 "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env,
            )
        wait_until_healthy(self.process, self.url, self.log, timeout)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    # --- acting as a kiosk ------------------------------------------------------------------------------

    def _kiosk(self, method: str, path: str, body: Any = None, token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token or self.kiosk_token}"}
        response = httpx.request(method, self.url + path, json=body, headers=headers, timeout=30)
        response.raise_for_status()
        return response

    def deliver(self, payload: CasePayload, token: str | None = None) -> str:
        """Seal and deliver like a kiosk; return the reference the backend gave."""
        public_key = self._kiosk("GET", PROVISIONING_PATH, token=token).json()["public_key"]
        body = {
            "case_id": payload.case_id, "case_type": payload.case_type, "schema_version": payload.schema_version,
            "language": payload.language, "created_at": payload.created_at,
            "sealed": seal(payload.to_json(), public_key),
        }
        return str(self._kiosk("POST", CASES_PATH, body, token=token).json()["reference"])

    def send_events(self, events: list[dict[str, Any]], token: str | None = None) -> None:
        for start in range(0, len(events), 400):
            batch = {"batch_id": str(uuid.uuid4()), "events": events[start:start + 400]}
            self._kiosk("POST", EVENTS_PATH, batch, token=token)

    def heartbeat(self, token: str | None = None, pending: int = 0) -> None:
        beat = {"outbox_pending": pending, "oldest_pending_seconds": 60 * pending, "app_version": "0.1.0",
                "translation_ready": True}
        self._kiosk("POST", HEARTBEAT_PATH, beat, token=token)


def payload(case_type: str, language: str = "nl", created_at: datetime | None = None,
            story: str | None = None, translation: Translation | None = None) -> CasePayload:
    moment = created_at or datetime.now(UTC)
    result = validate(FORMS.get(case_type), ANSWERS[case_type], now=moment)
    assert result.ok, result.errors
    answers = dict(result.values)
    if story is not None:
        answers["description"] = story
    translations = {"description": translation} if translation else {}
    return CasePayload(
        case_id=str(uuid.uuid4()), case_type=case_type, schema_version=FORMS.get(case_type).version,
        language=language, created_at=moment.isoformat(), answers=answers, translations=translations,
    )


def arabic_bike_theft(created_at: datetime | None = None) -> CasePayload:
    translation = Translation(
        original=ARABIC_STORY, source_language="ar",
        dutch="Iemand heeft 's avonds mijn fiets voor het station gestolen.",
        hops=(
            TranslationHop("translate-ar_en", "1.0", "ar", "en"), TranslationHop("translate-en_nl", "1.9", "en", "nl")
        ),
        pivot="en", low_confidence=True, reason="repetition_loop",
    )
    return payload("bike_theft", "ar", created_at, story=ARABIC_STORY, translation=translation)


def session_events(at: datetime, language: str, service: str, complete: bool, rating: int | None,
                   call: bool = False) -> list[dict[str, Any]]:
    """One anonymous kiosk session as the kiosk flow reports it."""
    sid = str(uuid.uuid4())
    steps = [step.id for step in FORMS.get(service).steps]

    def event(kind: str, offset: int, **values: Any) -> dict[str, Any]:
        return {"event_id": str(uuid.uuid4()), "session": sid, "kind": kind,
                "at": (at + timedelta(seconds=offset)).isoformat(), **values}

    events = [event("session_start", 0), event("language", 5, language=language),
              event("service", 10, language=language, service=service)]
    reached = steps if complete else steps[:2]
    for index, step in enumerate(reached):
        events.append(event("step_enter", 20 + 30 * index, language=language, service=service, step=step))
    if complete:
        events.append(event("submit", 400, language=language, service=service))
    else:
        events.append(event("abandon", 400, language=language, service=service, step=reached[-1], reason="timeout"))
    if call:
        events += [event("call_requested", 410), event("call_connected", 440, duration_ms=30_000),
                   event("call_ended", 700, duration_ms=260_000)]
    if rating:
        events.append(event("rating", 800, language=language, service=service, rating=rating))
    events.append(event("session_end", 810, duration_ms=810_000))
    return events
