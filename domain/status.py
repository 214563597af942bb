"""Case status model: which moves an officer may make on a case, per kind of case."""

from __future__ import annotations

from enum import StrEnum

from domain.forms import CALLBACK_CASE_TYPE, SIGNATURE_CASE_TYPE, TRANSCRIPT_CASE_TYPE


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
# A record (a call's transcript) is read and filed (closed): it is evidence beside a case, not a report of its own.
_ALLOWED_RECORD: dict[CaseStatus, frozenset[CaseStatus]] = {
    **_ALLOWED,
    CaseStatus.CLAIMED: frozenset({CaseStatus.NEW, CaseStatus.CLOSED}),
}


class Moves(StrEnum):
    """Which moves a case allows, by what it is (see moves_for)."""

    REPORT = "report"  # an aangifte or a melding
    CALLBACK = "callback"
    RECORD = "record"


_RULES = {Moves.REPORT: _ALLOWED, Moves.CALLBACK: _ALLOWED_CALLBACK, Moves.RECORD: _ALLOWED_RECORD}


def moves_for(case_type: str) -> Moves:
    records = {TRANSCRIPT_CASE_TYPE: Moves.RECORD, SIGNATURE_CASE_TYPE: Moves.RECORD}
    return {CALLBACK_CASE_TYPE: Moves.CALLBACK, **records}.get(case_type, Moves.REPORT)


class InvalidTransition(ValueError):
    def __init__(self, current: CaseStatus, target: CaseStatus) -> None:
        super().__init__(f"a case that is {current.value} cannot become {target.value}")
        self.current = current
        self.target = target


def allowed_targets(current: CaseStatus, *, moves: Moves = Moves.REPORT) -> frozenset[CaseStatus]:
    return _RULES[moves][current]


def can_transition(current: CaseStatus, target: CaseStatus, *, moves: Moves = Moves.REPORT) -> bool:
    return target in _RULES[moves][current]


def transition(current: CaseStatus, target: CaseStatus, *, moves: Moves = Moves.REPORT) -> CaseStatus:
    if not can_transition(current, target, moves=moves):
        raise InvalidTransition(current, target)
    return target
