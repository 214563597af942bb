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
