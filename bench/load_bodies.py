"""What the simulated kiosks send, made by the kiosk's own code before the clock: cases and usage batches.

KioskMade: the form validated, the flow's build_payload, sealed by the outbox (SqlOutbox seals before it stores),
read back as the sender reads them, encoded with the kiosk client's codec. Pool: the bodies made before a run, and
more made during it when it runs dry.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from domain.forms import FormCatalog, default_assets_dir
from domain.payload import Translation
from domain.usage import EventKind
from domain.validation import validate
from domain.wire import UsageEvent
from domain.wire_codec import to_jsonable
from kiosk.delivery.outbox import SqlOutbox
from kiosk.session.payloads import build_payload
from tools.samples import ANSWERS

FORMS = FormCatalog.load(default_assets_dir() / "forms")
CASE_TYPES = sorted(ANSWERS)


class KioskMade:
    """Cases and usage batches as the kiosk makes them: validated answers, the flow's payload builder, the outbox
    (which seals before it stores, and batches usage events), read back as the sender reads them, encoded by the
    codec the kiosk's HTTP client sends with (to_jsonable). Made before the clock: that work is the kiosk's."""

    def __init__(self, public_key: str, directory: Path) -> None:
        self.outbox = SqlOutbox(directory / "outbox.sqlite", public_key)
        self.made = 0

    def case(self) -> bytes:
        index, self.made = self.made, self.made + 1
        case_type = CASE_TYPES[index % len(CASE_TYPES)]
        now = datetime.now(UTC)
        answers = dict(ANSWERS[case_type])
        if "description" in answers:
            answers["description"] = f"{answers['description']} (bench case {index})"
        result = validate(FORMS.get(case_type), answers, now=now)
        if not result.ok:
            raise RuntimeError(f"the sample {case_type} answers no longer validate: {result.errors}")
        translations = {}
        if "description" in result.values:
            translations["description"] = Translation(
                original=result.values["description"], source_language="en", dutch="Mijn fiets is gestolen."
            )
        self.outbox.put_case(build_payload(FORMS.get(case_type), "en", result.values, translations, now))
        pending = self.outbox.next_case(time.time() + 1)
        assert pending is not None
        self.outbox.acknowledge_case(pending.delivery.case_id)
        return json.dumps(to_jsonable(pending.delivery)).encode()

    def usage_batch(self, index: int) -> bytes:
        """One resident's session (language, service, every step in and out, submit, rating) as one batch."""
        case_type = CASE_TYPES[index % len(CASE_TYPES)]
        session, started = uuid.uuid4(), datetime.now(UTC) - timedelta(minutes=6)

        def event(kind: EventKind, seconds: int, **values: Any) -> None:
            self.outbox.record(UsageEvent(event_id=uuid.uuid4(), session=session, kind=kind.value,
                                          at=started + timedelta(seconds=seconds), language="en",
                                          service=case_type, **values))  # fmt: skip

        event(EventKind.SESSION_START, 0)
        event(EventKind.LANGUAGE, 5)
        event(EventKind.SERVICE, 20)
        for number, step in enumerate(FORMS.get(case_type).steps):
            event(EventKind.STEP_ENTER, 30 + 40 * number, step=step.id)
            event(EventKind.STEP_LEAVE, 65 + 40 * number, step=step.id, duration_ms=35_000)
        event(EventKind.SUBMIT, 330)
        event(EventKind.RATING, 340, rating=4)
        event(EventKind.SESSION_END, 345, duration_ms=345_000)
        self.outbox.flush_events()
        pending = self.outbox.next_batch(time.time() + 1)
        assert pending is not None
        self.outbox.acknowledge_batch(pending.batch.batch_id)
        return json.dumps(to_jsonable(pending.batch)).encode()


class Pool:
    """Bodies made before the run; when it runs dry, more are made during it (on the load generator's CPU)."""

    def __init__(self, make: Callable[[], bytes], count: int) -> None:
        self.make = make
        self.bodies = [make() for _ in range(count)]
        self.made_late = 0

    def reset(self, bodies: list[bytes]) -> None:
        self.bodies, self.made_late = list(bodies), 0

    def take(self) -> bytes:
        if self.bodies:
            return self.bodies.pop()
        self.made_late += 1
        return self.make()
