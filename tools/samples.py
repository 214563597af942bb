"""Valid answers for every case type, as a resident would type them: shared by kiosk and backend tests."""

from __future__ import annotations

import uuid
from typing import Any

from domain.payload import CasePayload

CONTACT: dict[str, Any] = {
    "first_name": "Fatima",
    "last_name": "Zwanenburg-Oukili",
    "birth_date": "1987-03-14",
    "home_address": {"street": "Kerkstraat", "number": "12a", "postcode": "7811 AB", "city": "Emmen"},
    "phone": "06 12345678",
    "email": "fatima@example.nl",
}
CONSENT = {"consent_truthful": True, "consent_victim_support": True, "consent_claim_damages": False}
WHEN = {"when": {"start": "2026-11-20T08:00:00+01:00", "end": "2026-11-20T17:30:00+01:00"}}
WHERE = {"where": {"street": "Stationsplein", "city": "Emmen"}, "where_details": "by the bicycle shed"}

ANSWERS: dict[str, dict[str, Any]] = {
    "bike_theft": {
        "bike_brand": "Gazelle", "bike_model": "Orange C7", "bike_type": "city", "bike_colour": "blue",
        "frame_number": "GZ 1234567", "bike_lock": "frame_lock", **WHEN, **WHERE,
        "value": "450", "description": "My bike was locked at the station and gone in the evening.",
        **CONTACT, **CONSENT,
    },
    "theft": {
        "stolen_items": [
            {"item_kind": "phone", "item_brand": "Samsung", "item_serial": "356938035643809", "item_value": "299,00"},
            {"item_kind": "wallet", "item_value": "20"},
        ],
        **WHEN, **WHERE, "description": "Someone took my bag from the table in the library.",
        **CONTACT, **CONSENT,
    },
    "vandalism": {
        "damaged_object": "car", "object_details": "side mirror", "damage_estimate": "1.250,00", **WHEN, **WHERE,
        "description": "The mirror of my car was kicked off during the night.", **CONTACT, **CONSENT,
    },
    "online_fraud": {
        "fraud_platform": "marktplaats", "advert": "m2093481234", "counterparty_profile": "https://example.com/u/123",
        "counterparty_name": "J. de Vries", "counterparty_iban": "NL91ABNA0417164300",
        "counterparty_phone": "+31 6 87654321", "counterparty_email": "seller@example.com",
        "amount_paid": "85,50", "payment_method": "ideal", "payment_date": "2026-11-18",
        "description": "I paid for a phone and never received it.", **CONTACT, **CONSENT,
    },
    "nuisance_tip": {
        "nuisance_kind": "noise", **WHEN, **WHERE, "description": "Loud music every night after midnight.",
        "tip_name": "", "consent_truthful": True,
    },
    "suspicious_tip": {
        "suspicious_kind": "door_handles", **WHEN, **WHERE,
        "people_description": "Two young men in dark jackets, one with a red cap", "licence_plate": "12-ABC-3",
        "description": "They tried the door handles of the cars along the street.",
        "tip_name": "", "consent_truthful": True,
    },
    "drugs_tip": {
        "drugs_kind": "cannabis_farm", **WHEN, **WHERE,
        "description": "A strong smell and a humming sound from the house; the windows are covered.",
        "tip_name": "", "consent_truthful": True,
    },
    "stolen_bike_seen_tip": {
        "bike_seen_kind": "online", "bike_brand": "Batavus", "bike_colour": "black", "seen_frame_number": "BA 7654321",
        "seen_when": WHEN["when"], "seen_where": {"city": "Emmen"}, "where_details": "pick up near the station",
        "advert_link": "https://www.marktplaats.nl/v/fietsen/m2093481234",
        "description": "The same seller offers five nearly new bikes for 50 euros each.",
        "tip_name": "", "consent_truthful": True,
    },
}

# A call-back request (assets/forms/callback.json): not a report, so not among ANSWERS' case types.
CALLBACK_ANSWERS: dict[str, Any] = {
    "callback_phone": "+380 67 123 4567", "callback_time": "evening", "callback_topic": "Мій велосипед вкрали",
    "consent_callback": True,
}

# Strings that must never appear in plaintext in a database file, a log or a usage event.
SECRETS = ("Zwanenburg-Oukili", "Kerkstraat", "locked at the station", "took my bag", "never received it")


def make_payload(
    case_type: str = "theft", index: int = 0, language: str = "en", namespace: str = "test", **extra: Any
) -> CasePayload:
    """A case with the sample answers; `index` (within `namespace`) makes id and content unique and reproducible."""
    answers = {**ANSWERS[case_type], "description": f"{ANSWERS[case_type]['description']} (case {index})", **extra}
    return CasePayload(
        case_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"politieloket-{namespace}-{case_type}-{index}")),
        case_type=case_type,
        schema_version=1,
        language=language,
        created_at="2026-11-20T18:00:00+01:00",
        answers=answers,
    )
