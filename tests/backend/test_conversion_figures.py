"""The pilot figures on aangiftes made official at the kiosk: counted over cases for the whole region, small counts
hidden so that no published number gives one back (an attacker's test), the median only over enough cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backend.services.anonymity import K_MIN
from backend.services.conversions import Conversion, conversion_figures
from backend.services.schemas import Role
from tests.backend.support import Backend

START = datetime(2026, 11, 30, tzinfo=UTC)


def conversions(signed: int, with_reason: int, hours: float = 30.0) -> list[Conversion]:
    made = [Conversion(START, START + timedelta(hours=hours), True) for _ in range(signed)]
    return made + [Conversion(START, START + timedelta(hours=hours), False) for _ in range(with_reason)]


@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30))
def test_no_published_figure_gives_a_small_count_back(signed: int, reason: int, given_: int, refused: int) -> None:
    shown = conversion_figures(conversions(signed, reason), given_, refused)
    for total_key, parts in (("converted", ("with_signature", "with_reason")), ("signatures", ("signed", "refused"))):
        true = {"with_signature": signed, "with_reason": reason, "signed": given_, "refused": refused}
        for part in parts:
            if 0 < true[part] < K_MIN:
                assert shown[part] is None, (part, shown)
                other = next(p for p in parts if p != part)
                # total minus the other part would give it back: at least one of them is hidden
                assert shown[total_key] is None or shown[other] is None, shown
    assert shown["converted"] in (None, signed + reason)


def test_the_median_time_needs_enough_cases() -> None:
    assert conversion_figures(conversions(3, 1), 3, 0)["median_hours_to_conversion"] is None
    figures = conversion_figures(conversions(4, 2, hours=30.0), 6, 2)
    assert figures["median_hours_to_conversion"] == 30.0 and figures["converted"] == 6


def test_the_dashboard_shows_the_regions_conversions_hidden_while_few(backend: Backend) -> None:
    case_id, _ = backend.new_case()
    officer = backend.sign_in(Role.OFFICER)
    officer.post(f"/api/cases/{case_id}/claim")
    converted = officer.post(f"/api/cases/{case_id}/status", json={"status": "converted", "reason": "op papier"})
    assert converted.status_code == 200
    pilot = backend.sign_in(Role.PILOT)
    figures = pilot.get("/api/dashboard").json()["conversions"]
    assert figures["converted"] is None and figures["with_reason"] is None  # one case: hidden, not 1
    assert figures["median_hours_to_conversion"] is None
