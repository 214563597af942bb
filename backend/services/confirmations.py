"""A short e-mail confirmation for a resident who gave an e-mail address: the reference, the kind of case and the
date it was filled in, in the resident's language with the Dutch below it. Nothing else: no story, no name, no
address, so a mail that reaches the wrong inbox tells little.

Sent through the SMTP server the settings name (off when none is named), on a worker thread: a delivery never
waits on a mail server, and a mail that fails is logged without its address and does not touch the case.
"""

from __future__ import annotations

import logging
import smtplib
from concurrent.futures import Future, ThreadPoolExecutor
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
    def __init__(self, server: SmtpServer | None, locale_dir: Path) -> None:
        self._server = server
        self._locale_dir = locale_dir
        self._catalogs: dict[str, Catalog] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail") if server else None

    def after_delivery(
        self, payload: CasePayload, schema: FormSchema, reference: str, filled_in: datetime
    ) -> Future[None] | None:
        """Queue the confirmation a newly stored case asks for; None when there is none to send (no e-mail
        address given, or no mail server configured)."""
        if self._executor is None:
            return None
        confirmation = confirmation_for(payload, schema, reference, filled_in)
        return None if confirmation is None else self._executor.submit(self._send, confirmation)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)

    def _send(self, confirmation: Confirmation) -> None:
        assert self._server is not None
        message = compose(confirmation, self._server.sender, {
            code: catalog for code in {confirmation.language, DUTCH} if (catalog := self._catalog(code))
        })  # fmt: skip
        try:
            self._server.send(message)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("confirmation mail for case %s not sent: %s", confirmation.reference, type(error).__name__)
            return
        log.info("confirmation mail for case %s sent", confirmation.reference)

    def _catalog(self, code: str) -> Catalog | None:
        if code not in self._catalogs:
            try:
                self._catalogs[code] = load_catalog(self._locale_dir, code)
            except CatalogError:
                return None
        return self._catalogs[code]
