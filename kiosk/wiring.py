"""The touchscreen's collaborators built from Settings: outbox and sender, translator, speaker, printer.

Anything that cannot start leaves a plain reason for the technician's status line instead of a crash: the
app then shows the out-of-service screen (no outbox) or simply goes without (no speech, no printer, no models).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from domain.forms import FormCatalog
from domain.payload import CasePayload
from domain.wire import UsageEvent
from kiosk.ports import CaseOutbox, EventSink, SenderStatus, Translator
from kiosk.printer import CupsPrinter, PrinterUnavailable, ReceiptPrinter
from kiosk.settings import Settings
from kiosk.speech import EspeakSpeaker, Speaker, SpeechUnavailable

if TYPE_CHECKING:
    from kiosk.call.service import CallService
    from kiosk.translation.argos_translator import ArgosTranslator

log = logging.getLogger(__name__)


class OutOfService(RuntimeError):
    """The kiosk cannot take cases; the message is for the technician and holds no personal data."""


class RefusingOutbox:
    """Stands in for the outbox when there is none: the app never starts a session then, but if it did,
    nothing would be silently lost."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def put_case(self, payload: CasePayload) -> None:
        raise OutOfService(self.reason)

    def record(self, event: UsageEvent) -> None:
        pass


@dataclass
class KioskServices:
    forms: FormCatalog
    outbox: CaseOutbox
    events: EventSink
    sender_status: Callable[[], SenderStatus] | None = None
    translator: Translator | None = None
    speaker: Speaker | None = None
    printer: ReceiptPrinter | None = None
    problem: str | None = None  # why the kiosk is out of service; None when it can take cases
    notes: list[str] = field(default_factory=list)  # what runs without (speech, printer, translation)
    start: Callable[[], None] = lambda: None
    stop: Callable[[], None] = lambda: None
    session_ended: Callable[[], object] = lambda: None  # e.g. the translator drops its cache
    language_chosen: Callable[[str], object] = lambda _language: None  # e.g. the translator loads that pair
    calls: CallService | None = None  # video calls to an officer (kiosk/call/); None on an unprovisioned kiosk


def open_services(settings: Settings) -> KioskServices:
    forms = FormCatalog.load(settings.forms_dir)
    notes: list[str] = []
    translator = _translator(settings, notes)
    # The heartbeat tells the admin page whether this kiosk translates yet (its models warmed up).
    translation_ready = translator.ready if translator is not None else lambda: False
    services = _delivery_services(settings, forms, translation_ready)
    services.speaker = _speaker(services.notes)
    services.printer = _printer(settings, services.notes)
    services.notes.extend(notes)
    if translator is not None:
        services.translator = translator
        services.start = _both(services.start, translator.start)
        services.stop = _both(translator.close, services.stop)
        services.session_ended = translator.forget  # the cache holds residents' texts: one session only
        services.language_chosen = translator.prepare
    _add_calls(services, settings, translator)
    return services


def _add_calls(services: KioskServices, settings: Settings, translator: ArgosTranslator | None) -> None:
    """Video calls need the backend; chat is translated when models are there and says so when not."""
    if services.problem is not None:
        return
    from kiosk.call.chat import NoTranslator  # light: aiortc and PyAV load with the first call
    from kiosk.call.service import CallService
    from kiosk.captions.engines import CaptionEnginesLoader

    text = translator if translator is not None else NoTranslator()
    captions = CaptionEnginesLoader(settings, text)  # the speech model loads in the background at start
    services.calls = CallService(settings, text, captions=captions, put_case=services.outbox.put_case)
    services.start = _both(services.start, captions.preload)
    services.stop = _both(services.calls.close, services.stop)


def _both(first: Callable[[], object], second: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        first()
        second()

    return run


def _delivery_services(settings: Settings, forms: FormCatalog, translation_ready: Callable[[], bool]) -> KioskServices:
    if not settings.provisioned:
        reason = "not provisioned: run `python -m kiosk provision --backend URL --token TOKEN`"
        refusing = RefusingOutbox(reason)
        return KioskServices(forms, refusing, refusing, problem=reason)
    from kiosk.delivery.wiring import open_delivery  # SQLAlchemy and httpx load only on a provisioned kiosk

    try:
        delivery = open_delivery(settings, translation_ready=translation_ready)
    except Exception as error:  # a broken outbox file or key: out of service, with a reason, not a crash
        reason = f"outbox cannot open: {type(error).__name__}: {error}"
        log.error("%s", reason)
        refusing = RefusingOutbox(reason)
        return KioskServices(forms, refusing, refusing, problem=reason)
    return KioskServices(forms, delivery.outbox, delivery.outbox, sender_status=delivery.sender.status,
                         start=delivery.start, stop=delivery.stop)


def _speaker(notes: list[str]) -> Speaker | None:
    try:
        return EspeakSpeaker()
    except SpeechUnavailable as error:
        notes.append(f"read-aloud off: {error}")
        return None


def _printer(settings: Settings, notes: list[str]) -> ReceiptPrinter | None:
    if not settings.printer:
        return None
    try:
        return CupsPrinter(settings.printer)
    except PrinterUnavailable as error:
        notes.append(f"printer off: {error}")
        return None


def _translator(settings: Settings, notes: list[str]) -> ArgosTranslator | None:
    """Argos when models are installed; without any, None: the screens then say translation is unavailable
    instead of offering a translation that can never come."""
    from kiosk.translation.argos_runtime import ArgosPaths

    packages = ArgosPaths.of(settings).packages_dir
    if not packages.is_dir() or not any(p.is_dir() for p in packages.iterdir()):
        notes.append(f"translation off: no models in {packages} (install with `python -m kiosk models`)")
        return None
    from kiosk.translation.argos_translator import ArgosTranslator

    return ArgosTranslator(settings)
