"""What the GUI tests plug into the real app: a real sealed SqlOutbox, and scripted stand-ins for the parts a
test must steer (the sender's status, a translator with known output, a speaker that records)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.forms import FormCatalog
from domain.payload import CasePayload, Translation
from domain.wire import UsageEvent
from domain.wire_codec import from_jsonable
from kiosk.delivery.outbox import SqlOutbox
from kiosk.ports import SenderState, SenderStatus
from kiosk.settings import Settings
from kiosk.wiring import KioskServices
from tests.kiosk.delivery_support import Keypair


class ScriptedSender:
    """The sender's status as the test sets it (offline, references of delivered cases)."""

    def __init__(self, outbox: SqlOutbox) -> None:
        self.outbox = outbox
        self.state = SenderState.IDLE
        self.references: dict[str, str] = {}
        self.mailed: set[str] = set()  # case ids whose confirmation the backend e-mails

    def status(self) -> SenderStatus:
        counts = self.outbox.counts()
        return SenderStatus(
            state=self.state, pending_cases=counts.pending_cases, pending_batches=counts.pending_batches,
            last_error="connection refused" if self.state is SenderState.OFFLINE else None,
            references=tuple((_uuid(case_id), ref) for case_id, ref in self.references.items()),
            mailed=frozenset(_uuid(case_id) for case_id in self.mailed),
        )


def _uuid(text: str) -> Any:
    from uuid import UUID

    return UUID(text)


class KnownTranslator:
    """Answers on a worker thread, like ArgosTranslator, with Dutch the test chose; `low` marks doubt."""

    def __init__(self, dutch: Callable[[str], str], low_confidence: bool = False, delay: float = 0.0,
                 languages: frozenset[str] | None = None) -> None:
        self.dutch = dutch
        self.low_confidence = low_confidence
        self.delay = delay
        self.languages = languages  # the languages it has models for; None: all
        self.asked: list[tuple[str, str, str]] = []

    def covers(self, language: str) -> bool | None:
        return self.languages is None or language in self.languages or language == "nl"

    def translate_async(self, text: str, source: str, target: str, done: Callable[[Translation], None]) -> None:
        self.asked.append((text, source, target))

        def work() -> None:
            time.sleep(self.delay)
            done(Translation(original=text, source_language=source, dutch=self.dutch(text), pivot="en",
                             low_confidence=self.low_confidence, reason="suspicious" if self.low_confidence else None))

        threading.Thread(target=work, daemon=True).start()


@dataclass
class RecordingSpeaker:
    said: list[tuple[str, str]] = field(default_factory=list)

    def speak(self, text: str, language: str) -> None:
        self.said.append((text, language))

    def stop(self) -> None:
        pass

    def is_speaking(self) -> bool:
        return False


@dataclass
class Kit:
    services: KioskServices
    outbox: SqlOutbox
    keys: Keypair
    sender: ScriptedSender
    outbox_file: Path

    def cases(self) -> list[CasePayload]:
        """Every case in the outbox file, opened with the backend's private key."""
        with sqlite3.connect(self.outbox_file) as connection:
            rows = connection.execute("SELECT sealed FROM cases ORDER BY id").fetchall()
        return [CasePayload.from_json(self.keys.open(row[0])) for row in rows]

    def events(self) -> list[UsageEvent]:
        """Every usage event the kiosk recorded, in order: those written as batches (the app flushes at its
        stop) and those still buffered."""
        with sqlite3.connect(self.outbox_file) as connection:
            rows = connection.execute("SELECT events FROM event_batches ORDER BY id").fetchall()
        written = [from_jsonable(UsageEvent, raw) for row in rows for raw in json.loads(row[0])]
        return written + list(self.outbox._events)


def make_kit(settings: Settings, translator: Any = None, speaker: Any = None, printer: Any = None) -> Kit:
    keys = Keypair()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    outbox = SqlOutbox(Path(settings.outbox_file), keys.public_b64)
    sender = ScriptedSender(outbox)
    services = KioskServices(
        forms=FormCatalog.load(settings.forms_dir), outbox=outbox, events=outbox, sender_status=sender.status,
        translator=translator, speaker=speaker, printer=printer, stop=outbox.close,
    )
    return Kit(services, outbox, keys, sender, Path(settings.outbox_file))
