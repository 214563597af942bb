"""Case status model: which moves an officer may make on a case, per kind of case."""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    CLOSED = "closed"  # for a call-back: the resident was called back
    CONVERTED = "converted"  # turned into an official aangifte
    REFERRED = "referred"  # handed to another service (gemeente, Slachtofferhulp, ...)
    NO_ANSWER = "no_answer"  # a call-back nobody answered: back in the list for anyone to try again


FINAL_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.CONVERTED, CaseStatus.REFERRED})
OPEN_STATUSES = frozenset({CaseStatus.NEW, CaseStatus.NO_ANSWER})  # in the list to be picked up, claimed by nobody

_ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset({CaseStatus.CLAIMED}),
    CaseStatus.CLAIMED: frozenset({CaseStatus.NEW, *FINAL_STATUSES}),
    CaseStatus.CLOSED: frozenset(),
    CaseStatus.CONVERTED: frozenset(),
    CaseStatus.REFERRED: frozenset(),
    CaseStatus.NO_ANSWER: frozenset(),
}
# A call-back is called back (closed) or not answered, never converted or referred: there is no report to convert.
_ALLOWED_CALLBACK: dict[CaseStatus, frozenset[CaseStatus]] = {
    **_ALLOWED,
    CaseStatus.CLAIMED: frozenset({CaseStatus.NEW, CaseStatus.CLOSED, CaseStatus.NO_ANSWER}),
    CaseStatus.NO_ANSWER: frozenset({CaseStatus.CLAIMED}),
}


class InvalidTransition(ValueError):
    def __init__(self, current: CaseStatus, target: CaseStatus) -> None:
        super().__init__(f"a case that is {current.value} cannot become {target.value}")
        self.current = current
        self.target = target


def _moves(callback: bool) -> dict[CaseStatus, frozenset[CaseStatus]]:
    return _ALLOWED_CALLBACK if callback else _ALLOWED


def allowed_targets(current: CaseStatus, *, callback: bool = False) -> frozenset[CaseStatus]:
    return _moves(callback)[current]


def can_transition(current: CaseStatus, target: CaseStatus, *, callback: bool = False) -> bool:
    return target in _moves(callback)[current]


def transition(current: CaseStatus, target: CaseStatus, *, callback: bool = False) -> CaseStatus:
    if not can_transition(current, target, callback=callback):
        raise InvalidTransition(current, target)
    return target
