"""A short e-mail confirmation for a resident who gave an e-mail address: the reference, the kind of case and the
date it was filled in, in the resident's language with the Dutch below it. Nothing else: no story, no name, no
address, so a mail that reaches the wrong inbox tells little.

Sent through the SMTP server the settings name (off when none is named), on a worker thread: a delivery never
waits on a mail server, and a mail that fails is logged without its address and does not touch the case. A mail
the server did not take is tried again after each of `retry_after` (by default 30 s, 2, 10, 30 and 60 minutes), then
given up and logged. The queue lives in this process: a mail still waiting when the backend stops is not sent, and
the log says how many (without addresses).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import smtplib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from backend.services.weeks import LOCAL
from domain.catalog import Catalog, CatalogError, load_catalog
from domain.forms import FieldType, FormSchema
from domain.languages import DUTCH
from domain.payload import CasePayload
from domain.validation import Invalid, check_email

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 15
RETRY_AFTER_SECONDS = (30.0, 120.0, 600.0, 1800.0, 3600.0)


@dataclass(frozen=True)
class Confirmation:
    to: str
    language: str
    kind: str  # a CaseKind value
    reference: str
    filled_in: datetime


def confirmation_for(
    payload: CasePayload, schema: FormSchema, reference: str, filled_in: datetime
) -> Confirmation | None:
    """The confirmation a case asks for: the first e-mail answer of its form, if the resident gave one.
    `filled_in` is the case time the backend checked (the delivery's), never a text from the sealed payload."""
    for spec in schema.all_fields():
        answer = payload.answers.get(spec.id)
        if spec.type is FieldType.EMAIL and isinstance(answer, str) and answer:
            try:
                address = check_email(answer)
            except Invalid:
                return None
            return Confirmation(address, payload.language, schema.kind.value, reference, filled_in)
    return None


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
    def __init__(
        self,
        server: SmtpServer | None,
        locale_dir: Path,
        retry_after: Sequence[float] = RETRY_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._server = server
        self._locale_dir = locale_dir
        self._retry_after = tuple(retry_after)
        self._clock = clock
        self._catalogs: dict[str, Catalog] = {}
        self._due: list[tuple[float, int, int, Confirmation]] = []  # (when, order, attempt, mail): a heap
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._closing = False
        self._worker: threading.Thread | None = None
        if server is not None:
            self._worker = threading.Thread(target=self._work, name="mail", daemon=True)
            self._worker.start()

    def after_delivery(self, payload: CasePayload, schema: FormSchema, reference: str, filled_in: datetime) -> bool:
        """Queue the confirmation a newly stored case asks for; False when there is none to send (no e-mail
        address given, or no mail server configured)."""
        if self._worker is None:
            return False
        confirmation = confirmation_for(payload, schema, reference, filled_in)
        if confirmation is None:
            return False
        self._schedule(confirmation, attempt=1, when=self._clock())
        return True

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=SMTP_TIMEOUT_SECONDS + 5)
        with self._changed:
            waiting = len(self._due)
        if waiting:
            log.warning("%d confirmation mail(s) still waiting for a retry at shutdown: not sent", waiting)

    # ----- the worker thread --------------------------------------------------------------------------------
    def _schedule(self, confirmation: Confirmation, attempt: int, when: float) -> None:
        with self._changed:
            heapq.heappush(self._due, (when, next(self._order), attempt, confirmation))
            self._changed.notify_all()

    def _work(self) -> None:
        """Sends what is due, oldest first; on close, what is due now still goes out, a retry later does not."""
        while True:
            with self._changed:
                while not self._closing and not self._due_now():
                    wait = None if not self._due else max(0.0, self._due[0][0] - self._clock())
                    self._changed.wait(wait)
                if not self._due_now():
                    return  # closing, and nothing is due now
                _when, _order, attempt, confirmation = heapq.heappop(self._due)
            self._send(confirmation, attempt)

    def _due_now(self) -> bool:
        return bool(self._due) and self._due[0][0] <= self._clock()

    def _send(self, confirmation: Confirmation, attempt: int) -> None:
        assert self._server is not None
        message = compose(confirmation, self._server.sender, {
            code: catalog for code in {confirmation.language, DUTCH} if (catalog := self._catalog(code))
        })  # fmt: skip
        try:
            self._server.send(message)
        except (OSError, smtplib.SMTPException) as error:
            reason, reference = type(error).__name__, confirmation.reference
            if attempt > len(self._retry_after):
                log.error("confirmation mail for case %s not sent after %d attempts: %s", reference, attempt, reason)
                return
            delay = self._retry_after[attempt - 1]
            log.warning("confirmation mail for case %s not sent (attempt %d): %s; trying again in %.0f s",
                        reference, attempt, reason, delay)  # fmt: skip
            self._schedule(confirmation, attempt + 1, self._clock() + delay)
            return
        log.info("confirmation mail for case %s sent", confirmation.reference)

    def _catalog(self, code: str) -> Catalog | None:
        if code not in self._catalogs:
            try:
                self._catalogs[code] = load_catalog(self._locale_dir, code)
            except CatalogError:
                return None
        return self._catalogs[code]
