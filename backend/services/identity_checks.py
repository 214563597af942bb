"""IdentityChecks: the officer's check of the resident's identity document, and the one still of it they may keep.

The check (domain/identity.py) and the photo (services/photos.py: decoded, checked, re-encoded as a JPEG without
metadata) are encrypted with the storage key like the payload and purged with it (storage/retention.py). Only the
officer holding the case (status claimed, claimed by them) records a check, or saves, sees or deletes the photo;
every one of these is audited, without content. Any officer reading the case learns only that there is a photo,
who took it and when (CaseDetail.document_photo), never its bytes; the case file PDF of the officer who handled the
case is the one export that holds it (`for_case_file`). No BSN is ever stored: a still that shows one is the
officer's to crop before saving.
The SQL is in backend/storage/cases.py (the check) and backend/storage/document_photos.py (the photo).
"""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from backend.services.errors import Conflict, Invalid, NotAllowed, NotFound, not_found
from backend.services.keys import NaclKeyring
from backend.services.photos import clean_photo
from backend.services.schemas import DocumentPhotoView, IdentityRequest, IdentityView
from backend.storage import cases as case_rows
from backend.storage import document_photos as photo_rows
from backend.storage.audit import Actor, AuditAction, record
from backend.storage.db import Database
from backend.storage.models import Case
from domain.identity import check_identity
from domain.status import CaseStatus
from domain.validation import Invalid as FieldInvalid

PHOTO_READ = "document photo"  # the audit subject of a read of the photo


def no_photo() -> NotFound:
    return NotFound("no_photo", "this case has no photo of an identity document")


class IdentityChecks:
    def __init__(self, db: Database, keys: NaclKeyring) -> None:
        self._db = db
        self._keys = keys

    # --- views, read inside the caller's transaction (SqlCaseStore.read, the conversion rule) ------------------

    def view(self, session: Session, case_id: UUID) -> IdentityView | None:
        """The case's identity check, decrypted; None when none was made (its fields None once purged)."""
        found = case_rows.identity(session, case_id)
        if found is None:
            return None
        row, officer = found
        data = json.loads(self._keys.decrypt(row.ciphertext)) if row.ciphertext else {}
        return IdentityView(
            document_type=data.get("document_type"), issuing_country=data.get("issuing_country"),
            number_last4=data.get("number_last4"), face_matches=data.get("face_matches"),
            verified_by=officer, verified_at=row.verified_at,
        )  # fmt: skip

    @staticmethod
    def photo_view(session: Session, case_id: UUID) -> DocumentPhotoView | None:
        """That there is a photo, who took it, when and how large: never its bytes. None when there is none, or
        once it was purged."""
        found = photo_rows.find(session, case_id)
        if found is None or found[0].ciphertext is None:
            return None
        row, officer = found
        return DocumentPhotoView(taken_at=row.taken_at, taken_by=officer, width=row.width, height=row.height)

    # --- the check ---------------------------------------------------------------------------------------------

    def record(self, case_id: UUID, request: IdentityRequest, actor: Actor, now: datetime) -> IdentityView:
        """The officer who claimed the case writes down the identity document they checked; audited. A new check
        replaces the last one (a typing error corrected)."""
        try:
            check = check_identity(
                request.document_type, request.issuing_country, request.number_last4, request.face_matches
            )
        except FieldInvalid as error:
            raise Invalid(error.error.code, f"{error.error.code.replace('_', ' ')} is not valid") from None
        blob = self._keys.encrypt(json.dumps({
            "document_type": check.document_type.value, "issuing_country": check.issuing_country,
            "number_last4": check.number_last4, "face_matches": check.face_matches,
        }).encode())  # fmt: skip
        with self._db.write() as session:
            self._holding(session, case_id, actor, "claim the case before checking the resident's identity")
            case_rows.set_identity(session, case_id, blob, actor.id, now)
            subject = "face matches" if check.face_matches else "face does not match"
            record(session, actor, AuditAction.IDENTITY_CHECKED, case_id=case_id, subject=subject, at=now)
            view = self.view(session, case_id)
        assert view is not None
        return view

    # --- the photo ---------------------------------------------------------------------------------------------

    def save_photo(self, case_id: UUID, data: bytes, actor: Actor, now: datetime) -> DocumentPhotoView:
        """Keep a JPEG or PNG still of the document (services/photos.py checks and re-encodes it); a new one
        replaces the last. For the officer holding the case; audited without content."""
        with self._db.read() as session:  # refuse a stranger before decoding a byte of what they sent
            self._holding(session, case_id, actor, "claim the case before keeping a photo of the document")
        photo = clean_photo(data)
        blob = self._keys.encrypt(photo.jpeg)
        with self._db.write() as session:
            self._holding(session, case_id, actor, "claim the case before keeping a photo of the document")
            replaced = photo_rows.put(session, case_id, blob, (photo.width, photo.height), actor.id, now)
            record(session, actor, AuditAction.DOCUMENT_PHOTO_SAVED, case_id=case_id,
                   subject="replaced" if replaced else "new", at=now)  # fmt: skip
            view = self.photo_view(session, case_id)
        assert view is not None
        return view

    def photo(self, case_id: UUID, actor: Actor, now: datetime) -> bytes:
        """The photo as a JPEG, for the officer holding the case; audited as a read. NotFound ("no_photo") when
        there is none (never saved, deleted, or purged with the case's personal data)."""
        with self._db.write() as session:
            self._holding(session, case_id, actor, "only the officer holding the case sees the document photo")
            found = photo_rows.find(session, case_id)
            if found is None or found[0].ciphertext is None:
                raise no_photo()
            record(session, actor, AuditAction.CASE_READ, case_id=case_id, subject=PHOTO_READ, at=now)
            return self._keys.decrypt(found[0].ciphertext)

    def delete_photo(self, case_id: UUID, actor: Actor, now: datetime) -> None:
        """Remove the photo (the row goes); for the officer holding the case, audited. NotFound when there is none."""
        with self._db.write() as session:
            self._holding(session, case_id, actor, "only the officer holding the case deletes the document photo")
            if not photo_rows.remove(session, case_id):
                raise no_photo()
            record(session, actor, AuditAction.DOCUMENT_PHOTO_DELETED, case_id=case_id, at=now)

    def for_case_file(
        self, case_id: UUID, actor: Actor, now: datetime
    ) -> tuple[bytes, DocumentPhotoView] | None:
        """The photo and its details for the case file PDF, when `actor` handles or handled the case (claimed it;
        the file is often printed after converting it) and there is one; audited as a read. None otherwise."""
        with self._db.write() as session:
            case = self._case(session, case_id)
            found = photo_rows.find(session, case_id)
            if case.claimed_by is None or case.claimed_by != actor.id or found is None or found[0].ciphertext is None:
                return None
            record(session, actor, AuditAction.CASE_READ, case_id=case_id, subject=f"export:pdf {PHOTO_READ}", at=now)
            view = self.photo_view(session, case_id)
            assert view is not None
            return self._keys.decrypt(found[0].ciphertext), view

    # --- rules -------------------------------------------------------------------------------------------------

    def _holding(self, session: Session, case_id: UUID, actor: Actor, refusal: str) -> Case:
        """The case, if `actor` holds it (claimed it, and it is still claimed) and its personal data is there."""
        case = self._case(session, case_id)
        if case.claimed_by != actor.id or CaseStatus(case.status) is not CaseStatus.CLAIMED:
            raise NotAllowed("not_your_case", refusal)
        if case.purged_at is not None:
            raise Conflict("purged", "this case's personal data has been removed")
        return case

    @staticmethod
    def _case(session: Session, case_id: UUID) -> Case:
        case = case_rows.find(session, case_id)
        if case is None:
            raise not_found()
        return case

