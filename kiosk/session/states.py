"""What the kiosk's screens render: the session flow's state, its screens and the triage choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.forms import CaseKind
from domain.validation import FieldError


class Screen(StrEnum):
    ATTRACT = "attract"
    LANGUAGE = "language"
    TRIAGE = "triage"
    EMERGENCY = "emergency"
    NON_URGENT = "non_urgent"
    SERVICE = "service"
    FORM = "form"
    REVIEW = "review"
    CONSENT = "consent"
    RECEIPT = "receipt"
    RATING = "rating"
    END = "end"
    CALL = "call"


class Triage(StrEnum):
    EMERGENCY = "emergency"
    NON_URGENT = "non_urgent"
    REPORT = "report"  # aangifte
    TIP = "tip"  # melding
    CALL = "call"


class FlowError(RuntimeError):
    """A screen asked the flow for something its current state does not allow (a programming error)."""


@dataclass(frozen=True)
class Receipt:
    """What the receipt screen tells the resident: what they reported, when, where, and the reference."""

    case_id: str
    kind: CaseKind
    reference: str | None = None  # None while the case waits in the outbox: "saved, will be sent"
    case_type: str = ""
    filled_in_at: datetime | None = None
    place: str | None = None  # the town of the report's first address, when it has one
    mailed: bool = False  # the backend e-mails a confirmation to the address the resident gave


@dataclass(frozen=True)
class FlowState:
    screen: Screen
    language: str | None = None
    triage: Triage | None = None
    case_type: str | None = None
    step_id: str | None = None
    step_index: int = 0
    step_count: int = 0
    errors: dict[str, FieldError] = field(default_factory=dict)
    # How often answers were checked and refused ("Volgende", confirming the review, sending): the form scrolls
    # to the first error when this changes, never while the resident types (typing only clears errors).
    refusals: int = 0
    returning_to_review: bool = False
    receipt: Receipt | None = None
    idle_warning: bool = False
    idle_deadline: float | None = None
