"""A short e-mail confirmation for a resident who gave an e-mail address: the reference, the kind of case and the
date it was filled in, in the resident's language with the Dutch below it. Nothing else: no story, no name, no
address, so a mail that reaches the wrong inbox tells little.

Sent through the SMTP server the settings name (off when none is named), on a worker thread: a delivery never
waits on a mail server, and a mail that fails is logged without its address and does not touch the case. A mail
the server did not take is tried again after each of `retry_after` (by default 30 s, 2, 10, 30 and 60 minutes), then
given up and logged. The queue is a table (storage/mail.py) holding only case ids: a mail waiting when the backend
stops, or queued through another worker, is sent by whichever runs; the mail is made from the case when it is sent.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from uuid import UUID

from backend.services.cases import SqlCaseStore
from backend.services.weeks import LOCAL
from backend.storage import mail as mails
from backend.storage.db import Database
from backend.storage.models import utcnow
from domain.catalog import Catalog, CatalogError, load_catalog
from domain.forms import FieldType, FormCatalog, FormSchema
from domain.languages import DUTCH
from domain.payload import CasePayload
from domain.validation import Invalid, check_email

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 15
RETRY_AFTER_SECONDS = (30.0, 120.0, 600.0, 1800.0, 3600.0)
POLL_SECONDS = 5.0  # how often a sender looks for mails queued elsewhere (another worker, before a restart)
CLAIM_SECONDS = 300.0  # a mail being sent is left alone this long by the other workers


@dataclass(frozen=True)
class Confirmation:
    to: str
    language: str
    kind: str  # a CaseKind value
    reference: str
    filled_in: datetime


def address_of(payload: CasePayload, schema: FormSchema) -> str | None:
    """The first e-mail answer of the case's form, if the resident gave a valid one."""
    for spec in schema.all_fields():
        answer = payload.answers.get(spec.id)
        if spec.type is FieldType.EMAIL and isinstance(answer, str) and answer:
            try:
                return check_email(answer)
            except Invalid:
                return None
    return None


def confirmation_for(
    payload: CasePayload, schema: FormSchema, reference: str, filled_in: datetime
) -> Confirmation | None:
    """The confirmation a case asks for, if the resident gave an address. `filled_in` is the case time the backend
    checked (the kiosk's, as stored), never a text from the sealed payload."""
    address = address_of(payload, schema)
    if address is None:
        return None
    return Confirmation(address, payload.language, schema.kind.value, reference, filled_in)


def compose(confirmation: Confirmation, sender: str, catalogs: dict[str, Catalog]) -> EmailMessage:
    """The message: subject and body in the resident's language, then in Dutch when that is another one."""
    date = confirmation.filled_in.astimezone(LOCAL).strftime("%d-%m-%Y")
    texts = []
    for code in dict.fromkeys([confirmation.language, DUTCH]):
        catalog = catalogs.get(code)
        if catalog is None:
            continue
        kind = catalog.text(f"kind.{confirmation.kind}")
        texts.append((catalog.text("mail.subject", reference=confirmation.reference),
                      catalog.text("mail.body", kind=kind, date=date, reference=confirmation.reference)))
    message = EmailMessage()
    message["From"] = sender
    message["To"] = confirmation.to
    message["Subject"] = texts[0][0] if texts else f"Politie: bevestiging {confirmation.reference}"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic replies to it
    message.set_content("\n\n".join(body for _subject, body in texts) + "\n")
    return message


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    sender: str
    starttls: bool = False
    user: str = ""
    password: str = ""

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


class Confirmations:
    """The mail sender of this process: a thread that sends the queued mails that are due, from any worker's cases.

    A mail is queued in the database with its case (SqlCaseStore.store(mail=True)); `wake` tells this process's
    thread at once, and every thread also looks every POLL_SECONDS, so a mail queued through another worker, or
    before a restart, goes out too. A mail is claimed for CLAIM_SECONDS while it is sent: a worker killed during
    the SMTP exchange lets another one send it again later (at least once, so rarely twice; never lost)."""

    def __init__(
        self,
        server: SmtpServer | None,
        locale_dir: Path,
        db: Database,
        cases: SqlCaseStore,
        catalog: FormCatalog,
        retry_after: Sequence[float] = RETRY_AFTER_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._server = server
        self._locale_dir = locale_dir
        self._db = db
        self._cases = cases
        self._forms = catalog
        self._retry_after = tuple(retry_after)
        self._clock = clock
        self._catalogs: dict[str, Catalog] = {}
        self._changed = threading.Condition()
        self._woken = False
        self._closing = False
        self._worker: threading.Thread | None = None
        if server is not None:
            self._worker = threading.Thread(target=self._work, name="mail", daemon=True)
            self._worker.start()

    def wanted(self, payload: CasePayload, schema: FormSchema) -> bool:
        """Whether a new case asks for a confirmation: a mail server is configured and the resident gave an
        address. The caller queues it with the case."""
        return self._server is not None and address_of(payload, schema) is not None

    def wake(self) -> None:
        with self._changed:
            self._woken = True
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=SMTP_TIMEOUT_SECONDS + 5)
            with self._db.read() as session:
                waiting = mails.waiting(session)
            if waiting:
                log.info("%d confirmation mail(s) wait for a later attempt: sent after the next start", waiting)

    # ----- the worker thread --------------------------------------------------------------------------------
    def _work(self) -> None:
        """Sends what is due, oldest first; on close, what is due now still goes out, a retry later does not."""
        while True:
            try:
                claimed = self._claim()
            except Exception as error:  # the database may be away a moment: look again later
                log.warning("the mail queue could not be read: %s", type(error).__name__)
                claimed = None
            if claimed is not None:
                self._send(*claimed)
                continue
            with self._changed:
                if self._closing:
                    return
                if not self._woken:
                    self._changed.wait(self._wait_seconds())
                self._woken = False

    def _claim(self) -> tuple[UUID, int] | None:
        now = self._clock()
        with self._db.write() as session:
            return mails.claim(session, now, now + timedelta(seconds=CLAIM_SECONDS))

    def _wait_seconds(self) -> float:
        with self._db.read() as session:
            due = mails.next_due(session)
        if due is None:
            return POLL_SECONDS
        return min(POLL_SECONDS, max(0.0, (due - self._clock()).total_seconds()))

    def _send(self, case_id: UUID, attempt: int) -> None:
        assert self._server is not None
        source = self._cases.for_mail(case_id, self._clock())
        confirmation = None
        if source is not None:
            schema = self._forms.get(source.case_type)
            confirmation = confirmation_for(source.payload, schema, source.reference, source.filled_in)
        if confirmation is None:  # purged meanwhile, or its address no longer passes: nothing to send
            self._finish(case_id)
            return
        message = compose(confirmation, self._server.sender, {
            code: catalog for code in {confirmation.language, DUTCH} if (catalog := self._catalog(code))
        })  # fmt: skip
        try:
            self._server.send(message)
        except (OSError, smtplib.SMTPException) as error:
            reason, reference = type(error).__name__, confirmation.reference
            if attempt > len(self._retry_after):
                log.error("confirmation mail for case %s not sent after %d attempts: %s", reference, attempt, reason)
                self._finish(case_id)
                return
            delay = self._retry_after[attempt - 1]
            log.warning("confirmation mail for case %s not sent (attempt %d): %s; trying again in %.0f s",
                        reference, attempt, reason, delay)  # fmt: skip
            with self._db.write() as session:
                mails.retry(session, case_id, attempt + 1, self._clock() + timedelta(seconds=delay))
            return
        self._finish(case_id)
        log.info("confirmation mail for case %s sent", confirmation.reference)

    def _finish(self, case_id: UUID) -> None:
        with self._db.write() as session:
            mails.done(session, case_id)

    def _catalog(self, code: str) -> Catalog | None:
        if code not in self._catalogs:
            try:
                self._catalogs[code] = load_catalog(self._locale_dir, code)
            except CatalogError:
                return None
        return self._catalogs[code]
