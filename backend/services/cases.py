"""SqlCaseStore: cases stored once per kiosk UUID, the officers' queue, claims, status moves, notes.

Personal data (payload, notes) is encrypted with the storage key before it reaches the database.
Every read of a case's personal data writes an audit row in the same transaction.
The rules live here; the SQL is in backend/storage/cases.py. The identity check and the document photo have their
own service (services/identity_checks.py); a case read here shows them through it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.services.errors import Broken, Conflict, NotAllowed, Unavailable, not_found
from backend.services.identity_checks import IdentityChecks
from backend.services.intake import OpenedCase
from backend.services.keys import NaclKeyring
from backend.services.kiosks import KioskIdentity
from backend.services.references import new_reference
from backend.services.schemas import CaseDetail, CaseSummary, NoteView, SignatureView
from backend.storage import cases as rows
from backend.storage import mail as mails
from backend.storage.audit import Actor, AuditAction, record
from backend.storage.cases import QueueFilter
from backend.storage.db import Database
from backend.storage.models import Case
from domain.forms import SIGNATURE_CASE_TYPE
from domain.identity import conversion_refusal
from domain.payload import CasePayload
from domain.statement import digest_of
from domain.status import FINAL_STATUSES, OPEN_STATUSES, CaseStatus, allowed_targets, can_transition, moves_for
from domain.translation_check import translation_flag
from domain.wire import CaseDelivery, CaseReceipt

REFERENCE_ATTEMPTS = 8
MAILER = Actor(None, "confirmation mail")
# A kiosk's clock may be a little ahead; a case may wait in an offline kiosk's outbox for weeks. A case time outside
# this window is a wrong clock: the queue orders by the nearest time inside it and the officer sees the flag.
CLOCK_AHEAD = timedelta(minutes=5)
CLOCK_BEHIND = timedelta(days=30)
__all__ = ["QueueFilter", "SqlCaseStore", "clock_flag", "ordering_time"]


@dataclass(frozen=True)
class MailSource:
    payload: CasePayload
    case_type: str
    reference: str
    filled_in: datetime  # the kiosk's case time


def _summary(case: Case, claimer: str | None) -> CaseSummary:
    status = CaseStatus(case.status)
    return CaseSummary(
        id=case.id,
        reference=case.reference,
        case_type=case.case_type,
        language=case.language,
        schema_version=case.schema_version,
        kiosk_id=case.kiosk_id,
        location=case.location,
        created_at=case.created_at,
        kiosk_created_at=case.kiosk_created_at,
        clock_flag=case.clock_flag,
        translation_flag=case.translation_flag,
        received_at=case.received_at,
        status=status,
        claimed_by=claimer,
        claimed_at=case.claimed_at,
        closed_at=case.closed_at,
        purged=case.purged_at is not None,
        next_statuses=sorted(allowed_targets(status, moves=moves_for(case.case_type))),
    )


def ordering_time(created_at: datetime, received_at: datetime) -> datetime:
    """The kiosk's case time clamped to [received - CLOCK_BEHIND, received + CLOCK_AHEAD]: what the queue orders by."""
    return min(max(created_at, received_at - CLOCK_BEHIND), received_at + CLOCK_AHEAD)


def clock_flag(created_at: datetime, received_at: datetime) -> str | None:
    if created_at > received_at + CLOCK_AHEAD:
        return "ahead"
    if created_at < received_at - CLOCK_BEHIND:
        return "behind"
    return None


class SqlCaseStore:
    def __init__(self, db: Database, keys: NaclKeyring, identities: IdentityChecks | None = None) -> None:
        self._db = db
        self._keys = keys
        self._identities = identities or IdentityChecks(db, keys)

    # --- delivery -------------------------------------------------------------------------------------

    def receipt_for_repeat(self, case_id: UUID, digest: str, kiosk: KioskIdentity) -> CaseReceipt | None:
        """For a case already stored: its receipt if the same kiosk sends the same content again, else 409.

        A case id belongs to the kiosk that first delivered it: another kiosk's replay learns nothing (not even
        whether the content matched) and is written to the audit log.
        """
        with self._db.read() as session:
            stored = rows.find(session, case_id)
            if stored is None:
                return None
            owner, same = stored.kiosk_id, stored.payload_digest == digest
            reference = stored.reference
        if owner != kiosk.id:
            with self._db.write() as session:
                record(session, Actor(kiosk.id, f"kiosk {kiosk.name}"), AuditAction.CASE_REPLAYED, case_id=case_id)
            raise Conflict("case_id_conflict", "a different case with this id was delivered before")
        if not same:
            raise Conflict("case_id_conflict", "a different case with this id was delivered before")
        return CaseReceipt(case_id=case_id, reference=reference, duplicate=True)

    def store(
        self, delivery: CaseDelivery, opened: OpenedCase, kiosk: KioskIdentity, now: datetime, mail: bool = False
    ) -> CaseReceipt:
        """A new case; with `mail`, its confirmation mail is queued in the same transaction (none is lost to a
        worker that stops right after); a signature is linked to the case it signs in that transaction too."""
        ciphertext = self._keys.encrypt(opened.canonical)
        for _ in range(REFERENCE_ATTEMPTS):
            reference = new_reference()
            try:
                # The row itself says which kiosk delivered it and when: no separate audit entry needed.
                row = self._new_case(delivery, kiosk, now, reference, ciphertext, opened)
                with self._db.write() as session:
                    rows.insert_case(session, row)
                    if mail:
                        mails.queue(session, delivery.case_id, now)
                    link = signature_link(opened.payload, delivery.case_id, now)
                    if link is not None:
                        rows.add_signature(session, link)
                return CaseReceipt(
                    case_id=delivery.case_id, reference=reference, duplicate=False, confirmation_mail=mail
                )
            except IntegrityError:
                # Either the same case arrived at the same moment (unique id), or the reference was taken.
                repeat = self.receipt_for_repeat(delivery.case_id, opened.digest, kiosk)
                if repeat is not None:
                    return repeat
        raise Unavailable("no_reference", "no free case reference was found; try again")

    @staticmethod
    def _new_case(
        delivery: CaseDelivery, kiosk: KioskIdentity, now: datetime, reference: str, blob: bytes, opened: OpenedCase
    ) -> dict[str, Any]:
        return dict(
            id=delivery.case_id,
            reference=reference,
            case_type=delivery.case_type,
            language=delivery.language,
            schema_version=delivery.schema_version,
            kiosk_id=kiosk.id,
            location=kiosk.location,
            created_at=ordering_time(delivery.created_at, now),
            kiosk_created_at=delivery.created_at,
            clock_flag=clock_flag(delivery.created_at, now),
            translation_flag=translation_flag(opened.payload.translations),
            received_at=now,
            status=CaseStatus.NEW.value,
            payload_digest=opened.digest,
            payload_ciphertext=blob,
        )

    # --- queue ----------------------------------------------------------------------------------------

    def queue(self, wanted: QueueFilter) -> tuple[list[CaseSummary], int]:
        with self._db.read() as session:
            page, total = rows.queue_page(session, wanted)
            return [_summary(case, name) for case, name in page], total

    # --- reading personal data ------------------------------------------------------------------------

    def read(self, case_id: UUID, actor: Actor, now: datetime, purpose: str | None = None) -> CaseDetail:
        """The case with its personal data, audited in the same transaction; `purpose` (e.g. "export:pdf") is
        written as the audit entry's subject."""
        with self._db.write() as session:
            case = self._case(session, case_id)
            record(session, actor, AuditAction.CASE_READ, case_id=case_id, subject=purpose, at=now)
            notes = self._notes(session, case_id)
            summary = _summary(case, rows.claimer_name(session, case))
            payload = self._payload(case)
            identity = self._identities.view(session, case_id)
            photo = self._identities.photo_view(session, case_id)
            signatures = self._signatures(session, case_id)
        return CaseDetail(
            **summary.model_dump(),
            answers=payload.answers if payload else None,
            translations=dict(payload.translations) if payload else None,
            notes=notes,
            identity=identity,
            document_photo=photo,
            signatures=signatures,
        )

    def _signatures(self, session: Session, case_id: UUID) -> list[SignatureView]:
        views = []
        for signature, holder in rows.signatures(session, case_id):
            payload = self._payload(holder)
            text = strokes = None
            check = "purged"
            if payload is not None:
                text = str(payload.answers.get("statement_text", ""))
                same = digest_of(text) == signature.digest == payload.answers.get("statement_digest")
                check = "ok" if same else "changed"
                raw = payload.answers.get("signature_strokes")
                strokes = json.loads(raw) if isinstance(raw, str) and raw else None
            views.append(SignatureView(signed=signature.signed, received_at=signature.received_at,
                                       digest=signature.digest, check=check, statement_text=text, strokes=strokes))
        return views

    # --- pilot figures --------------------------------------------------------------------------------

    def conversions(self, start: datetime, end: datetime) -> dict[str, Any]:
        """The week's conversions into aangiftes and signatures, anonymised (services/conversions.py)."""
        with self._db.read() as session:
            converted = rows.conversions_between(session, start, end)
            signed, refused = rows.signature_answers_between(session, start, end)
        from backend.services.conversions import Conversion, conversion_figures  # numpy: loaded by the dashboard

        return conversion_figures([Conversion(*row) for row in converted], signed, refused)

    def for_mail(self, case_id: UUID, now: datetime) -> MailSource | None:
        """What a confirmation mail is made of, read (and audited) by the mail sender; None once the case's
        personal data is purged."""
        with self._db.write() as session:
            case = rows.find(session, case_id)
            if case is None or case.payload_ciphertext is None:
                return None
            record(session, MAILER, AuditAction.CASE_READ, case_id=case_id, subject="confirmation mail", at=now)
            payload = self._payload(case)
            assert payload is not None
            return MailSource(payload, case.case_type, case.reference, case.kiosk_created_at or case.created_at)

    def _payload(self, case: Case) -> CasePayload | None:
        if case.payload_ciphertext is None:
            return None
        payload = CasePayload.from_json(self._keys.decrypt(case.payload_ciphertext))
        if payload.case_id.lower() != str(case.id):
            # A ciphertext moved between rows: refuse to show someone else's data under this case.
            raise Broken("payload_mismatch", "the stored payload does not belong to this case")
        return payload

    @staticmethod
    def _case(session: Session, case_id: UUID) -> Case:
        case = rows.find(session, case_id)
        if case is None:
            raise not_found()
        return case

    def _notes(self, session: Session, case_id: UUID) -> list[NoteView]:
        return [
            NoteView(
                id=note.id,
                author=author,
                created_at=note.created_at,
                text=json.loads(self._keys.decrypt(note.ciphertext))["text"] if note.ciphertext else None,
            )
            for note, author in rows.notes(session, case_id)
        ]


    # --- officer moves --------------------------------------------------------------------------------

    def move(
        self, case_id: UUID, target: CaseStatus, actor: Actor, now: datetime, reason: str | None = None
    ) -> CaseSummary:
        """Claim (new -> claimed), release (claimed -> new) or finish a case, per domain.status.

        The UPDATE is conditional on the status and claimer just read, so of two officers acting at once
        exactly one succeeds and the other gets a 409. Converting into an aangifte needs a verified identity and a
        signature, or the officer's reason why not (domain/identity.py), which is kept as a note.
        """
        with self._db.write() as session:
            case = self._case(session, case_id)
            current = CaseStatus(case.status)
            self._check_move(case, current, target, actor)
            if target is CaseStatus.CONVERTED:
                self._check_conversion(session, case_id, reason, actor, now)
            changes: dict[str, Any] = {"status": target.value}
            if target is CaseStatus.CLAIMED:
                changes.update(claimed_by=actor.id, claimed_at=now)
            elif target in OPEN_STATUSES:  # released, or a call-back nobody answered: anyone may take it next
                changes.update(claimed_by=None, claimed_at=None)
            elif target in FINAL_STATUSES:
                changes.update(closed_at=now)
            if not rows.update_if_unchanged(session, case, changes):
                raise Conflict("changed_meanwhile", "someone else changed this case just now")
            record(session, actor, AuditAction.CASE_STATUS, case_id=case_id, subject=f"{current}->{target}", at=now)
            return _summary(case, rows.claimer_name(session, case))

    def _check_conversion(
        self, session: Session, case_id: UUID, reason: str | None, actor: Actor, now: datetime
    ) -> None:
        identity = self._identities.view(session, case_id)
        verified = identity is not None and identity.face_matches is True
        signed = any(s.signed and s.check == "ok" for s in self._signatures(session, case_id))
        if conversion_refusal(verified, signed, reason) is not None:
            raise Conflict("identity_and_signature_needed", "an aangifte needs the resident's checked identity and "
                           "signature; without them, give the reason")  # fmt: skip
        if reason and not (verified and signed):
            missing = " en ".join(part for part, there in (("gecontroleerde identiteit", verified),
                                                          ("handtekening", signed)) if not there)  # fmt: skip
            text = f"Omgezet in aangifte zonder {missing}: {reason.strip()}"
            blob = self._keys.encrypt(json.dumps({"text": text}, ensure_ascii=False).encode())
            rows.add_note(session, case_id, actor.id, now, blob)
            record(session, actor, AuditAction.NOTE_ADDED, case_id=case_id, at=now)

    @staticmethod
    def _check_move(case: Case, current: CaseStatus, target: CaseStatus, actor: Actor) -> None:
        if current is CaseStatus.CLAIMED and target is CaseStatus.CLAIMED:
            raise Conflict("already_claimed", "another officer claimed this case first")
        if not can_transition(current, target, moves=moves_for(case.case_type)):
            raise Conflict("invalid_transition", f"a case that is {current} cannot become {target}")
        if current not in OPEN_STATUSES and case.claimed_by != actor.id:
            raise NotAllowed("not_your_case", "only the officer who claimed this case can change it")

    def add_note(self, case_id: UUID, text: str, actor: Actor, now: datetime) -> NoteView:
        blob = self._keys.encrypt(json.dumps({"text": text}, ensure_ascii=False).encode())
        with self._db.write() as session:
            case = self._case(session, case_id)
            if case.claimed_by != actor.id or case.status in OPEN_STATUSES:
                raise NotAllowed("not_your_case", "claim the case before adding notes")
            if case.purged_at is not None:
                raise Conflict("purged", "this case's personal data has been removed")
            note = rows.add_note(session, case_id, actor.id, now, blob)
            record(session, actor, AuditAction.NOTE_ADDED, case_id=case_id, at=now)
            return NoteView(id=note.id, author=actor.name, created_at=now, text=text)


def signature_link(payload: CasePayload, signature_case_id: UUID, now: datetime) -> dict[str, Any] | None:
    """For a signed_statement case: the row linking it to the case it signs; None for any other case, or one whose
    case id is not a UUID (it is kept as a case all the same)."""
    if payload.case_type != SIGNATURE_CASE_TYPE:
        return None
    answers = payload.answers
    try:
        signed_case = UUID(str(answers.get("statement_case")))
    except ValueError:
        return None
    return dict(case_id=signed_case, signature_case_id=signature_case_id, statement_id=str(answers["statement_id"]),
                digest=str(answers["statement_digest"]), signed=bool(answers["statement_signed"]), received_at=now)
