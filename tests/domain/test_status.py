from __future__ import annotations

import pytest

from domain.status import CaseStatus, InvalidTransition, can_transition, transition


@pytest.mark.parametrize("current, target", [
    ("new", "claimed"), ("claimed", "new"), ("claimed", "closed"), ("claimed", "converted"), ("claimed", "referred"),
])
def test_allowed_moves(current: str, target: str) -> None:
    assert transition(CaseStatus(current), CaseStatus(target)) is CaseStatus(target)


@pytest.mark.parametrize("current, target", [
    ("new", "closed"), ("new", "converted"), ("closed", "claimed"), ("converted", "new"), ("referred", "closed"),
    ("claimed", "claimed"),
])
def test_forbidden_moves(current: str, target: str) -> None:
    assert not can_transition(CaseStatus(current), CaseStatus(target))
    with pytest.raises(InvalidTransition, match="cannot become"):
        transition(CaseStatus(current), CaseStatus(target))


@pytest.mark.parametrize("current, target", [
    ("new", "claimed"), ("claimed", "new"), ("claimed", "closed"), ("claimed", "no_answer"), ("no_answer", "claimed"),
])
def test_a_call_back_is_called_back_or_not_answered_and_tried_again(current: str, target: str) -> None:
    assert transition(CaseStatus(current), CaseStatus(target), callback=True) is CaseStatus(target)


@pytest.mark.parametrize("current, target, callback", [
    ("claimed", "converted", True), ("claimed", "referred", True), ("no_answer", "closed", True),
    ("claimed", "no_answer", False), ("no_answer", "claimed", False), ("new", "no_answer", True),
])
def test_a_call_back_is_never_converted_and_a_report_never_unanswered(
    current: str, target: str, callback: bool
) -> None:
    assert not can_transition(CaseStatus(current), CaseStatus(target), callback=callback)
