from __future__ import annotations

import pytest

from domain.status import CaseStatus, InvalidTransition, Moves, can_transition, moves_for, transition


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
    assert transition(CaseStatus(current), CaseStatus(target), moves=Moves.CALLBACK) is CaseStatus(target)


@pytest.mark.parametrize("current, target, callback", [
    ("claimed", "converted", True), ("claimed", "referred", True), ("no_answer", "closed", True),
    ("claimed", "no_answer", False), ("no_answer", "claimed", False), ("new", "no_answer", True),
])
def test_a_call_back_is_never_converted_and_a_report_never_unanswered(
    current: str, target: str, callback: bool
) -> None:
    moves = Moves.CALLBACK if callback else Moves.REPORT
    assert not can_transition(CaseStatus(current), CaseStatus(target), moves=moves)


@pytest.mark.parametrize("current, target, allowed", [
    ("new", "claimed", True), ("claimed", "closed", True), ("claimed", "new", True),
    ("claimed", "converted", False), ("claimed", "referred", False), ("claimed", "no_answer", False),
])
def test_a_transcript_is_read_and_filed_never_converted(current: str, target: str, allowed: bool) -> None:
    assert can_transition(CaseStatus(current), CaseStatus(target), moves=Moves.RECORD) is allowed


def test_the_moves_follow_the_case_type() -> None:
    assert [moves_for(t) for t in ("callback", "call_transcript", "bike_theft")] == [
        Moves.CALLBACK, Moves.RECORD, Moves.REPORT
    ]
