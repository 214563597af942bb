"""The officer's check of a resident's identity document, held to the kiosk camera in a call (or shown at a desk).

What is kept is the least that says who made the report: the kind of document, the country that issued it, the last
four characters of its number, whether the face matches, and who checked. Never the whole number, never a BSN: four
characters of a passport or ID-card number cannot be turned back into either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from domain.validation import Invalid

_LAST4 = re.compile(r"^[A-Z0-9]{4}$")
# ISO 3166 alpha-2 codes of the countries and territories with a numbering plan: every state that issues documents
COUNTRIES = frozenset(code for code in phonenumbers.SUPPORTED_REGIONS if re.fullmatch(r"[A-Z]{2}", code))


class DocumentType(StrEnum):
    PASSPORT = "passport"
    ID_CARD = "id_card"
    RESIDENCE_DOCUMENT = "residence_document"
    DRIVING_LICENCE = "driving_licence"


@dataclass(frozen=True)
class IdentityCheck:
    document_type: DocumentType
    issuing_country: str  # ISO 3166 alpha-2
    number_last4: str  # upper-case letters and digits
    face_matches: bool


def check_identity(document_type: str, issuing_country: str, number_last4: str, face_matches: bool) -> IdentityCheck:
    """The record in its normal form, or Invalid naming the field (never echoing what was typed)."""
    try:
        kind = DocumentType(document_type)
    except ValueError:
        raise Invalid("document_type") from None
    country = issuing_country.strip().upper()
    if country not in COUNTRIES:
        raise Invalid("issuing_country")
    last4 = re.sub(r"[\s-]", "", number_last4).upper()
    if not _LAST4.fullmatch(last4):
        raise Invalid("number_last4")
    return IdentityCheck(kind, country, last4, face_matches)


def conversion_refusal(identity_verified: bool, signed: bool, reason: str | None) -> str | None:
    """Why a case may not become an official aangifte yet; None when it may.

    An aangifte says who made it and carries their signature: both, or a reason the officer writes down why not
    (a melding that needs no signature, a statement signed on paper at the desk)."""
    if identity_verified and signed:
        return None
    if reason is not None and reason.strip():
        return None
    return "identity_and_signature_needed"
