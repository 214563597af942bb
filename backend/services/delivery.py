"""Receiving a sealed case exactly once: open it, check it against its form, store it under the kiosk's case id.

The one place that decides what a repeat is. The same case again (a retry after a lost answer, a crash, a
restarted kiosk) gets the receipt stored the first time, even if the forms changed since; the same id with other
content, or from another kiosk, is a Conflict.
"""

from __future__ import annotations

from datetime import datetime

from backend.services.cases import SqlCaseStore
from backend.services.confirmations import Confirmations
from backend.services.intake import IntakeRefused, Unsealer, check_answers, check_metadata, open_delivery
from backend.services.kiosks import KioskIdentity
from domain.forms import FormCatalog
from domain.wire import CaseDelivery, CaseReceipt


def receive_case(
    delivery: CaseDelivery,
    kiosk: KioskIdentity,
    now: datetime,
    *,
    keys: Unsealer,
    catalog: FormCatalog,
    cases: SqlCaseStore,
    confirmations: Confirmations | None = None,
) -> CaseReceipt:
    """The receipt for `delivery`: new (`duplicate=False`) or the one stored before; IntakeRefused if the case
    cannot be opened or does not fit its form. A new case whose resident gave an e-mail address gets its
    confirmation queued with it (the receipt says so); a repeat never mails again."""
    opened = open_delivery(delivery, keys)
    try:
        schema = check_metadata(delivery, catalog)
        opened = check_answers(schema, opened, delivery.created_at, now)
    except IntakeRefused:
        receipt = cases.receipt_for_repeat(delivery.case_id, opened.digest, kiosk)
        if receipt is None:
            raise
        return receipt
    mail = confirmations is not None and confirmations.wanted(opened.payload, schema)
    receipt = cases.store(delivery, opened, kiosk, now, mail=mail)  # a racing retry is recognised by the unique id
    if receipt.confirmation_mail and confirmations is not None:
        confirmations.wake()
    return receipt
