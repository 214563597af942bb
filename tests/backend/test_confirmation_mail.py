"""The confirmation e-mail, through a real SMTP server on loopback (aiosmtpd): a resident who gave an address gets
the reference, the kind and the date, in their language and in Dutch, and nothing else; a repeat does not mail
again; a mail server that is down never costs a case, and the log names no address."""

from __future__ import annotations

import dataclasses
import email
import logging
import threading
import uuid
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from backend.services.schemas import Role
from backend.settings import Settings
from tests.backend.conftest import make_settings, running_backend
from tests.backend.support import Backend, payload_for
from tools.backend_process import free_port
from tools.samples import ANSWERS

ADDRESS = "fatima@example.nl"


class Inbox:
    """aiosmtpd's handler: every message it accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        with self.arrived:
            self.messages.append(email.message_from_bytes(envelope.content))  # type: ignore[attr-defined]
            self.arrived.notify_all()
        return "250 OK"

    def wait(self, count: int) -> list[Message]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=30), self.messages
        return list(self.messages)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def mailing_backend(database_url: str, tmp_path: Path, port: int, retry: str = "30") -> Iterator[Backend]:
    settings: Settings = dataclasses.replace(make_settings(database_url, tmp_path), smtp_host="127.0.0.1",
                                             smtp_port=port, smtp_retry_seconds=retry)  # fmt: skip
    yield from running_backend(settings)


@pytest.fixture
def mailing(database_url: str, tmp_path: Path, inbox: tuple[Inbox, int]) -> Iterator[Backend]:
    yield from mailing_backend(database_url, tmp_path, inbox[1])


def text_of(message: Message) -> str:
    return "\n".join(part.get_payload(decode=True).decode() for part in message.walk()  # type: ignore[union-attr]
                     if part.get_content_type() == "text/plain")  # fmt: skip


def test_a_resident_with_an_address_gets_the_reference_kind_and_date_only(
    mailing: Backend, inbox: tuple[Inbox, int]
) -> None:
    kiosk, case_id = mailing.kiosk(), uuid.uuid4()
    answer = mailing.deliver(kiosk, payload_for(case_id, "bike_theft", language="ar"))
    assert answer.status_code == 201 and answer.json()["confirmation_mail"] is True
    reference = answer.json()["reference"]
    [message] = inbox[0].wait(1)
    assert message["To"] == ADDRESS and reference in message["Subject"]
    body = text_of(message)
    assert reference in body and "21-11-2026" in body and "0900-8844" in body
    assert "الشرطة" in body and "De politie heeft uw Aangifte van 21-11-2026 ontvangen" in body  # theirs, then Dutch
    for secret in ("Fatima", "Zwanenburg", "Kerkstraat", ANSWERS["bike_theft"]["description"], "Gazelle"):
        assert secret not in body and secret not in message["Subject"]
    again = mailing.deliver(kiosk, payload_for(case_id, "bike_theft", language="ar"))  # a retry: same case
    assert again.status_code == 200 and again.json()["confirmation_mail"] is False
    mailing.deliver(kiosk, payload_for(uuid.uuid4(), "nuisance_tip", language="nl"))  # a tip without an address
    mailing.services.confirmations.close()  # every queued mail is out
    assert len(inbox[0].messages) == 1


def test_without_a_mail_server_nothing_is_promised(backend: Backend) -> None:
    answer = backend.deliver(backend.kiosk(), payload_for(uuid.uuid4(), "bike_theft"))
    assert answer.status_code == 201 and answer.json()["confirmation_mail"] is False


def test_a_mail_server_that_is_down_costs_no_case_and_logs_no_address(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for backend in mailing_backend(database_url, tmp_path, free_port()):  # nothing listens there
        case_id = uuid.uuid4()
        answer = backend.deliver(backend.kiosk(), payload_for(case_id, "bike_theft"))
        assert answer.status_code == 201
        backend.services.confirmations.close()
        officer = backend.sign_in(Role.OFFICER)
        assert officer.get(f"/api/cases/{case_id}").status_code == 200  # the case is there
    assert "not sent (attempt 1): ConnectionRefusedError; trying again in 30 s" in caplog.text
    assert "1 confirmation mail(s) wait for a later attempt: sent after the next start" in caplog.text
    assert ADDRESS not in caplog.text and "fatima" not in caplog.text.lower()


def test_a_mail_server_that_comes_back_gets_the_mail_on_a_later_attempt(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, mail_log: LogWaiter
) -> None:
    caplog.set_level(logging.INFO)
    handler, port = Inbox(), free_port()
    for backend in mailing_backend(database_url, tmp_path, port, retry="0.2,0.2,0.2,0.2,0.2"):
        answer = backend.deliver(backend.kiosk(), payload_for(uuid.uuid4(), "bike_theft"))
        assert answer.status_code == 201 and answer.json()["confirmation_mail"] is True
        first = mail_log.wait("not sent (attempt 1)")
        controller = Controller(handler, hostname="127.0.0.1", port=port)  # the mail server is back
        controller.start()
        try:
            [message] = handler.wait(1)
        finally:
            controller.stop()
        assert message["To"] == ADDRESS and answer.json()["reference"] in message["Subject"]
        assert first  # it failed first: this mail came from a retry
    assert "sent" in caplog.text and "not sent after" not in caplog.text


def test_a_mail_the_server_never_takes_is_given_up_and_said_so(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, mail_log: LogWaiter
) -> None:
    caplog.set_level(logging.INFO)
    for backend in mailing_backend(database_url, tmp_path, free_port(), retry="0.05,0.05"):
        assert backend.deliver(backend.kiosk(), payload_for(uuid.uuid4(), "bike_theft")).status_code == 201
        mail_log.wait("not sent after 3 attempts: ConnectionRefusedError")
    assert ADDRESS not in caplog.text and "still waiting" not in caplog.text


@pytest.mark.both_databases
def test_a_mail_still_waiting_when_the_backend_stops_is_sent_after_the_next_start(
    database_url: str, tmp_path: Path, mail_log: LogWaiter
) -> None:
    handler, port = Inbox(), free_port()
    for backend in mailing_backend(database_url, tmp_path, port, retry="2"):  # the mail server is down
        answer = backend.deliver(backend.kiosk(), payload_for(uuid.uuid4(), "bike_theft", language="tr"))
        assert answer.json()["confirmation_mail"] is True
        mail_log.wait("not sent (attempt 1)")
    controller = Controller(handler, hostname="127.0.0.1", port=port)  # back, while the backend is stopped
    controller.start()
    try:
        for _backend in mailing_backend(database_url, tmp_path, port):  # started again on the same database
            [message] = handler.wait(1)
    finally:
        controller.stop()
    assert message["To"] == ADDRESS and answer.json()["reference"] in message["Subject"]


class LogWaiter(logging.Handler):
    """Wakes the test when the mail worker logs: waits on the log itself, never on a clock."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self.changed:
            self.lines.append(record.getMessage())
            self.changed.notify_all()

    def wait(self, text: str, timeout: float = 30.0) -> str:
        with self.changed:
            assert self.changed.wait_for(lambda: any(text in line for line in self.lines), timeout), text
        return text


@pytest.fixture
def mail_log() -> Iterator[LogWaiter]:
    waiter, logger = LogWaiter(), logging.getLogger("backend.services.confirmations")
    logger.addHandler(waiter)
    try:
        yield waiter
    finally:
        logger.removeHandler(waiter)


@pytest.mark.both_databases
def test_a_queued_mail_is_claimed_by_one_sender_at_a_time_until_its_claim_runs_out(backend: Backend) -> None:
    from datetime import UTC, datetime, timedelta

    from backend.storage import mail as mails

    case_id = uuid.uuid4()
    assert backend.deliver(backend.kiosk(), payload_for(case_id, "bike_theft")).status_code == 201
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    with backend.services.db.write() as session:
        mails.queue(session, case_id, now)
    claim_until = now + timedelta(minutes=5)
    with backend.services.db.write() as session:
        assert mails.claim(session, now, claim_until) == (case_id, 1)
    with backend.services.db.write() as session:  # another worker, at the same moment
        assert mails.claim(session, now + timedelta(seconds=1), claim_until) is None
    with backend.services.db.write() as session:  # the first one died while sending: after its claim, again
        assert mails.claim(session, claim_until + timedelta(seconds=1), claim_until + timedelta(minutes=5)) == (
            case_id, 1)
