"""Cases as officers read them: queue pages with Dutch names, a case in Dutch beside its stored answers, exports.

The one officer API (backend/http/routes/cases.py) and the console pages read through here, so the queue, the
case page, the PDF and the JSON export name things the same way. Every read of personal data goes through
SqlCaseStore.read, which writes the audit row; an export names itself in that row ("export:pdf"). The case file
PDF of the officer who handled the case also prints the still of the identity document (audited once more).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID

from babel import Locale

from backend.services.accounts import SessionUser
from backend.services.cases import QueueFilter, SqlCaseStore
from backend.services.errors import Conflict, NotAllowed
from backend.services.exports import CaseSheet, Note, PhotoPrint, SignedStatement, case_json, printed_now
from backend.services.identity_checks import IdentityChecks
from backend.services.presenter import (
    Section,
    case_time,
    dutch_catalog,
    format_moment,
    language_name,
    present,
    sections_json,
)
from backend.services.schemas import (
    CaseDetail,
    CaseQueue,
    CaseSummary,
    CaseView,
    DocumentPhotoView,
    IdentityView,
    QueueCounts,
    QueueRow,
    StatusOption,
)
from backend.services.statements import StatementComposer, additions_of
from domain.chat import StatementToSign, encode
from domain.forms import FormCatalog, SchemaError
from domain.identity import COUNTRIES, DocumentType
from domain.statement import digest_of, text_of
from domain.status import OPEN_STATUSES, CaseStatus

STATUS_NL = {
    CaseStatus.NEW: "Nieuw",
    CaseStatus.CLAIMED: "In behandeling",
    CaseStatus.CLOSED: "Afgesloten",
    CaseStatus.CONVERTED: "Omgezet in aangifte",
    CaseStatus.REFERRED: "Doorverwezen",
    CaseStatus.NO_ANSWER: "Niet opgenomen",
}
KIND_NL = {
    "aangifte": "aangifte",
    "melding": "melding",
    "callback": "terugbelverzoek",
    "transcript": "gespreksverslag",
    "signature": "ondertekening",
}
DONE = (CaseStatus.CLOSED, CaseStatus.CONVERTED, CaseStatus.REFERRED)


class View(StrEnum):
    """The console's tabs; `all` is every status."""

    ALL = "all"
    NEW = "new"
    CLAIMED = "claimed"
    MINE = "mine"
    DONE = "done"


def in_view(wanted: QueueFilter, view: View, officer_id: UUID) -> QueueFilter:
    """The filter narrowed to one tab: its statuses and, for `mine`, the officer's own claims."""
    if view is View.NEW:
        return replace(wanted, statuses=tuple(sorted(OPEN_STATUSES)), claimed_by=None)
    if view is View.CLAIMED:
        return replace(wanted, statuses=(CaseStatus.CLAIMED,), claimed_by=None)
    if view is View.MINE:
        return replace(wanted, statuses=(CaseStatus.CLAIMED,), claimed_by=officer_id)
    if view is View.DONE:
        return replace(wanted, statuses=DONE, claimed_by=None)
    return replace(wanted, statuses=(), claimed_by=None)


class CaseViews:
    def __init__(self, cases: SqlCaseStore, forms: FormCatalog, assets_dir: Path, identities: IdentityChecks) -> None:
        self._cases = cases
        self._identities = identities
        self._forms = forms
        self._assets_dir = assets_dir
        self._statements = StatementComposer(assets_dir)

    def service_name(self, case_type: str) -> str:
        return dutch_catalog(self._assets_dir).text(f"service.{case_type}")

    def kind(self, case_type: str) -> str:
        try:
            return KIND_NL[self._forms.get(case_type).kind.value]
        except SchemaError:
            return "intake"

    def _row(self, case: CaseSummary, now: datetime) -> dict[str, Any]:
        return {
            **case.model_dump(include=set(CaseSummary.model_fields)),
            "age_minutes": max(0, int((now - case.created_at).total_seconds() // 60)),
            "service_name": self.service_name(case.case_type),
            "language_name": language_name(case.language),
            "status_name": STATUS_NL[case.status],
            "created_text": case_time(case.created_at, case.kiosk_created_at, case.clock_flag),
        }

    def queue(self, wanted: QueueFilter, view: View, officer: SessionUser) -> CaseQueue:
        """One page of a tab, oldest first, with the number of cases in each tab under the same filters."""
        now = wanted.now or datetime.min
        cases, total = self._cases.queue(in_view(wanted, view, officer.id))
        counts = {
            tab.value: self._cases.queue(replace(in_view(wanted, tab, officer.id), limit=1, offset=0))[1]
            for tab in (View.NEW, View.CLAIMED, View.MINE)
        }
        return CaseQueue(
            view=view.value,
            cases=[QueueRow(**self._row(case, now)) for case in cases],
            total=total,
            counts=QueueCounts(**counts),
            idle_expires_at=officer.ends_at,
            now=now,
        )

    def _sections(self, detail: CaseDetail) -> list[Section]:
        if detail.answers is None:
            return []
        try:
            schema = self._forms.get(detail.case_type)
        except SchemaError:
            return []
        catalog = dutch_catalog(self._assets_dir)
        return present(schema, detail.answers, detail.translations or {}, detail.language, catalog)

    def case(self, case_id: UUID, officer: SessionUser, now: datetime) -> CaseView:
        """The case with its stored answers and the same in Dutch. Audited as a read."""
        detail = self._cases.read(case_id, officer.actor, now)
        return CaseView(
            **{**detail.model_dump(exclude={"notes"}), **self._row(detail, now)},
            notes=detail.notes,
            kind=self.kind(detail.case_type),
            mine=detail.claimed_by == officer.name,
            next_moves=[StatusOption(status=status, name=STATUS_NL[status]) for status in detail.next_statuses],
            sections=sections_json(self._sections(detail)),
        )

    def _sheet(self, detail: CaseDetail, officer: SessionUser, now: datetime) -> CaseSheet:
        return CaseSheet(
            case_id=str(detail.id),
            reference=detail.reference,
            service=self.service_name(detail.case_type),
            kind=self.kind(detail.case_type),
            language=language_name(detail.language),
            location=detail.location,
            created_at=case_time(detail.created_at, detail.kiosk_created_at, detail.clock_flag),
            received_at=format_moment(detail.received_at.isoformat()),
            status=STATUS_NL[detail.status],
            handled_by=detail.claimed_by,
            sections=self._sections(detail),
            notes=[Note(n.author, format_moment(n.created_at.isoformat()), n.text) for n in detail.notes],
            identity=identity_lines(detail.identity),
            signatures=[SignedStatement(s.signed, format_moment(s.received_at.isoformat()), s.digest, s.check,
                                        s.statement_text, s.strokes) for s in detail.signatures],
            printed_by=officer.name,
            printed_at=printed_now(now),
        )

    def statement(self, case_id: UUID, officer: SessionUser, now: datetime, additions: Sequence[str] = ()) -> str:
        """The case's statement for the resident to sign on the kiosk, as the data-channel message the console sends
        (domain/chat.py StatementToSign, with the text's digest), with the officer's `additions` (Dutch) after the
        answers. Only for the officer who claimed it; audited with the number of additions, never their text."""
        extra = additions_of(additions)  # refused before anything is read
        purpose = f"statement, {len(extra)} addition{'' if len(extra) == 1 else 's'}" if extra else "statement"
        detail = self._cases.read(case_id, officer.actor, now, purpose=purpose)
        if detail.claimed_by != officer.name or detail.status is not CaseStatus.CLAIMED:
            raise NotAllowed("not_your_case", "claim the case before sending its statement")
        if detail.answers is None:
            raise Conflict("purged", "this case's personal data has been removed")
        statement = self._statements.compose(self._forms.get(detail.case_type), detail.answers,
                                             detail.translations or {}, detail.language, detail.id, detail.reference,
                                             extra)
        return encode(StatementToSign(statement, digest_of(text_of(statement))))

    def export_pdf(self, case_id: UUID, officer: SessionUser, now: datetime) -> tuple[bytes, str]:
        """The case as a PDF to file with the proces-verbaal, and its file name. Audited as an export."""
        detail = self._cases.read(case_id, officer.actor, now, purpose="export:pdf")
        sheet = self._sheet(detail, officer, now)
        found = self._identities.for_case_file(case_id, officer.actor, now) if detail.document_photo else None
        if found is not None:
            sheet = replace(sheet, document_photo=photo_print(*found))
        elif detail.document_photo is not None:
            sheet = replace(sheet, identity=[*sheet.identity, PHOTO_WITHHELD])
        from backend.services.case_pdf import case_pdf  # fpdf2 and fontTools: loaded by the first PDF, not at start-up

        pdf = case_pdf(sheet, self._assets_dir / "fonts")
        return pdf, f"intake-{detail.reference}.pdf"

    def export_json(self, case_id: UUID, officer: SessionUser, now: datetime) -> tuple[bytes, str]:
        """The case as JSON: metadata, raw answers and translations, and the Dutch view. Audited as an export."""
        detail = self._cases.read(case_id, officer.actor, now, purpose="export:json")
        translations = {key: asdict(value) for key, value in (detail.translations or {}).items()}
        body = case_json(self._sheet(detail, officer, now), detail.answers or {}, translations)
        return body, f"intake-{detail.reference}.json"


DOCUMENT_NL = {
    DocumentType.PASSPORT: "Paspoort",
    DocumentType.ID_CARD: "Identiteitskaart",
    DocumentType.RESIDENCE_DOCUMENT: "Verblijfsdocument",
    DocumentType.DRIVING_LICENCE: "Rijbewijs",
}


PHOTO_WITHHELD = ("Foto van het document", "Er is een foto; alleen de behandelaar van de zaak kan haar afdrukken.")


def photo_print(jpeg: bytes, view: DocumentPhotoView) -> PhotoPrint:
    moment = format_moment(view.taken_at.isoformat())
    caption = (f"Foto van het identiteitsbewijs (bijgesneden door de agent), vastgelegd door {view.taken_by or '—'} "
               f"op {moment}")
    return PhotoPrint(jpeg, view.width, view.height, caption)


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Every country an identity document can come from (domain/identity.py), by its Dutch name (CLDR), A to Z."""
    territories = Locale("nl").territories
    names = {code: territories.get(code, code) for code in COUNTRIES}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def identity_lines(identity: IdentityView | None) -> list[tuple[str, str]]:
    """The officer's identity check as the PDF prints it; none when no check was made."""
    if identity is None:
        return []
    if identity.document_type is None:
        return [("Identiteit", "(verwijderd na bewaartermijn)")]
    country = identity.issuing_country or ""
    return [
        ("Document", f"{DOCUMENT_NL[identity.document_type]}, uitgegeven door {country_names().get(country, country)}"),
        ("Documentnummer", f"eindigt op {identity.number_last4}"),
        ("Gezicht", "komt overeen met de melder" if identity.face_matches else "komt NIET overeen met de melder"),
        ("Gecontroleerd door", f"{identity.verified_by or '—'}, {format_moment(identity.verified_at.isoformat())}"),
    ]
