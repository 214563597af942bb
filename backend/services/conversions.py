"""Pilot figures on aangiftes made official at the kiosk, for one week, over the whole region, decided by
services.anonymity before anything leaves: cases converted (with the resident's signature on the kiosk, or with the
officer's reason instead), signatures given and refused, and the median time from receipt to conversion.

Counted over cases, not sessions, and never split by location or kiosk: a pilot with few conversions would
otherwise point at one resident. Each partition's small cells are hidden so that no total minus the visible parts
gives one back; the median is published only over at least K_MIN cases.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.services.anonymity import K_MIN, safe_count
from backend.services.disclosure import suppress_group


@dataclass(frozen=True)
class Conversion:
    received_at: datetime
    converted_at: datetime
    signed: bool  # the resident signed its statement on the kiosk


def conversion_figures(conversions: Sequence[Conversion], signed: int, refused: int) -> dict[str, Any]:
    """`signed`/`refused`: signatures of statements given and refused on the kiosks in the week."""
    how = suppress_group({
        "with_signature": sum(1 for c in conversions if c.signed),
        "with_reason": sum(1 for c in conversions if not c.signed),
    })  # fmt: skip
    answers = suppress_group({"signed": signed, "refused": refused})
    hours = [(c.converted_at - c.received_at).total_seconds() / 3600 for c in conversions]
    return {
        "converted": safe_count(len(conversions)),
        **how,
        "signatures": safe_count(signed + refused),
        **answers,
        "median_hours_to_conversion": round(statistics.median(hours), 1) if len(hours) >= K_MIN else None,
    }
