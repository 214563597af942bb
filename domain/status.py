"""Case status model: which moves an officer may make on a case."""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    CLOSED = "closed"
    CONVERTED = "converted"  # turned into an official aangifte
    REFERRED = "referred"  # handed to another service (gemeente, Slachtofferhulp, ...)


FINAL_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.CONVERTED, CaseStatus.REFERRED})

_ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset({CaseStatus.CLAIMED}),
    CaseStatus.CLAIMED: frozenset({CaseStatus.NEW, *FINAL_STATUSES}),
    CaseStatus.CLOSED: frozenset(),
    CaseStatus.CONVERTED: frozenset(),
    CaseStatus.REFERRED: frozenset(),
}


class InvalidTransition(ValueError):
    def __init__(self, current: CaseStatus, target: CaseStatus) -> None:
        super().__init__(f"a case that is {current.value} cannot become {target.value}")
        self.current = current
        self.target = target


def allowed_targets(current: CaseStatus) -> frozenset[CaseStatus]:
    return _ALLOWED[current]


def can_transition(current: CaseStatus, target: CaseStatus) -> bool:
    return target in _ALLOWED[current]


def transition(current: CaseStatus, target: CaseStatus) -> CaseStatus:
    if not can_transition(current, target):
        raise InvalidTransition(current, target)
    return target
