"""Exports of one case an officer can file: what is printed about it (a CaseSheet, already in Dutch), and the JSON
export of it.

The PDF laid out like a proces-verbaal is made in services/case_pdf.py (fpdf2 and fontTools, imported only when a
PDF is made). The PDF (the case file) is the one export that may hold the still of the resident's identity document;
the JSON export never does.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from backend.services.presenter import Section, format_moment


@dataclass(frozen=True)
class Note:
    author: str
    created_at: str
    text: str | None


@dataclass(frozen=True)
class SignedStatement:
    """A signature (or refusal) of the case's statement, as printed: the check says whether the stored text still
    has the digest it arrived with."""

    signed: bool
    received_at: str
    digest: str
    check: str  # "ok", "changed" or "purged"
    text: str | None
    strokes: list[list[list[float]]] | None


@dataclass(frozen=True)
class PhotoPrint:
    """The still of the identity document as the case file prints it: a JPEG without metadata, and its caption."""

    jpeg: bytes
    width: int
    height: int
    caption: str


@dataclass(frozen=True)
class CaseSheet:
    """Everything printed about one case, already in Dutch."""

    case_id: str
    reference: str
    service: str
    kind: str
    language: str
    location: str
    created_at: str
    received_at: str
    status: str
    handled_by: str | None
    sections: list[Section]
    notes: list[Note]
    identity: list[tuple[str, str]]  # the officer's identity check, (label, value); empty when none was made
    signatures: list[SignedStatement]
    printed_by: str
    printed_at: str
    document_photo: PhotoPrint | None = None  # the case file PDF only; never in the JSON export


def case_json(sheet: CaseSheet, answers: dict[str, Any], translations: dict[str, Any]) -> bytes:
    """The machine-readable export: the metadata, the raw answers and translations, and the Dutch view."""
    document = {
        "format": "politieloket.case-export/1",
        **{key: value for key, value in asdict(sheet).items() if key not in ("sections", "document_photo")},
        "answers": answers,
        "translations": translations,
        "dutch_view": [asdict(section) for section in sheet.sections],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def printed_now(moment: datetime) -> str:
    return format_moment(moment.isoformat())
