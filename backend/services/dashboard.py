"""Pilot dashboard figures for one week of anonymous usage events, decided by services.anonymity before anything leaves.

Every count is a number of distinct kiosk sessions that started in the week. Every view of that week (all
kiosks, one location, one kiosk) is built and decided together, most general view first, so no filtered view
can be subtracted from another one to give a hidden count back. A hidden number is published as None.

The figures are partitions, so that "total minus the visible parts" is always protected:
- the funnel: how far each session got (started, language chosen, service chosen, submitted);
- languages among the sessions that chose one, services among those that chose one;
- per service, where its sessions stopped: at a step (an abandon there), submitted, or otherwise;
- abandon reasons, call outcomes and ratings among all sessions;
- locations among all sessions, kiosks within each location.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from backend.services.anonymity import K_MIN, is_small
from backend.services.disclosure import Disclosure, columns
from backend.services.session_fold import UNKNOWN, UsageRecord, fold, percentile, started_between
from domain.usage import EventKind

__all__ = ["STAGES", "Aggregates", "UsageRecord", "Week", "aggregate", "percentile", "started_between"]

# The funnel: how far a session got. Each stage includes the ones after it.
STAGES: tuple[str, ...] = ("started", "language", "service", "submitted")
SUBMITTED = "submitted"

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Aggregates:
    """Everything the dashboard shows about one view of a week, already suppressed."""

    sessions: int | None
    submitted: int | None
    funnel: list[dict[str, Any]]
    steps: dict[str, list[dict[str, Any]]]
    abandon_reasons: list[dict[str, Any]]
    languages: list[dict[str, Any]]
    services: list[dict[str, Any]]
    calls: dict[str, Any]
    satisfaction: dict[str, Any]
    by_location: list[dict[str, Any]]
    by_kiosk: list[dict[str, Any]]


class _Sheet:
    """Every number of every view of a week as a row over its sessions, and which of them may be published."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.rows: list[npt.NDArray[np.int64]] = []
        self.values: list[int] = []
        self.partitions: list[list[int]] = []
        self.order: list[int] = []  # numbers to offer, most important first
        self.published: dict[int, bool] = {}
        self.weighted: set[int] = set()  # sums of ratings, not counts of sessions
        self._disclosure: Disclosure | None = None
        self._matrix = np.zeros((0, 0), dtype=np.int64)
        self._offered = 0

    def number(self, row: Mask | npt.NDArray[np.int64], value: int | None = None) -> int:
        self.rows.append(np.asarray(row, dtype=np.int64))
        self.values.append(int(np.count_nonzero(row)) if value is None else value)
        return len(self.rows) - 1

    def partition(self, masks: Mapping[str, Mask], offer: Iterable[str] | None = None) -> dict[str, int]:
        """Cells that add up to a parent; only the keys in `offer` (default all) are ever published."""
        cells = {key: self.number(mask) for key, mask in masks.items()}
        self.partitions.append(list(cells.values()))
        offered = set(masks if offer is None else offer)
        self.order.extend(sorted((cells[k] for k in offered), key=lambda n: (-self.values[n], n)))
        return cells

    def offer(self, number: int) -> int:
        self.order.append(number)
        return number

    def decide(self, until: int | None = None) -> None:
        """Hide every small count (and every small sum of a partition's small cells), then offer in order.

        `until` stops after that many offers; a later call goes on from there, so the answers never change.
        """
        if self._disclosure is None:
            matrix = self._matrix = columns(self.rows)
            self._disclosure = Disclosure(matrix.shape[1])
            for n in range(len(self.rows)):
                if self._is_count(n) and is_small(self.values[n]):
                    self._disclosure.hide(matrix[n])
            for cells in self.partitions:
                small = [n for n in cells if is_small(self.values[n])]
                if len(small) > 1 and is_small(sum(self.values[n] for n in small)):
                    self._disclosure.hide(matrix[small].sum(axis=0))
        stop = len(self.order) if until is None else until
        for n in self.order[self._offered:stop]:
            if n not in self.published:
                tiny = self._is_count(n) and is_small(self.values[n])
                self.published[n] = not tiny and self._disclosure.offer(self._matrix[n])
        self._offered = max(self._offered, stop)

    def _is_count(self, n: int) -> bool:
        return n not in self.weighted

    def shown(self, number: int | None) -> int | None:
        if number is None:
            return None
        return self.values[number] if self.published.get(number) else None


@dataclass
class _View:
    """The numbers of one view: their ids in the sheet."""

    sessions: int
    funnel_left: dict[str, int]
    reached: list[int]
    languages: dict[str, int]
    services: dict[str, int]
    steps: dict[str, tuple[dict[str, int], list[int], int]]
    reasons: dict[str, int]
    requested: int
    connected: int
    waits: tuple[int, list[int]]
    durations: tuple[int, list[int]]
    responses: int
    ratings: dict[str, int]
    rating_sum: int


class Week:
    """All views of one week; `view()` gives the figures for all kiosks, one location or one kiosk."""

    def __init__(self, events: Iterable[UsageRecord], service_steps: Mapping[str, Sequence[str]]) -> None:
        self._sessions = fold(events)
        self._steps = service_steps
        size = len(self._sessions)
        self._sheet = sheet = _Sheet(size)
        self._attributes()
        everyone = np.ones(size, dtype=bool)
        self._total = sheet.offer(sheet.number(everyone))
        locations = sorted(set(self._location))
        self._locations = sheet.partition({place: self._location == place for place in locations})
        self._kiosks: dict[str, int] = {}
        for place in locations:
            here = self._location == place
            kiosks = sorted(set(self._kiosk[here]))
            self._kiosks |= sheet.partition({kiosk: here & (self._kiosk == kiosk) for kiosk in kiosks})
        self._places_end = len(sheet.order)
        self._views: dict[tuple[str | None, str | None], _View] = {(None, None): self._view(everyone)}
        for place in locations:
            self._views[(place, None)] = self._view(self._location == place)
        for kiosk in sorted(self._kiosks):
            self._views[(None, kiosk)] = self._view(self._kiosk == kiosk)

    def _attributes(self) -> None:
        s = self._sessions

        def column(values: list[Any]) -> npt.NDArray[Any]:
            array = np.empty(len(values), dtype=object)
            array[:] = values
            return array

        self._location = column([x.location for x in s])
        self._kiosk = column([x.kiosk for x in s])
        self._language = column([x.language or UNKNOWN for x in s])
        self._service = column([x.service or UNKNOWN for x in s])
        self._stage = np.array([x.stage for x in s], dtype=np.int64)
        self._abandoned = np.array([EventKind.ABANDON in x.kinds for x in s], dtype=bool)
        self._abandon_step = column([x.abandon_step if EventKind.ABANDON in x.kinds else None for x in s])
        self._reason = column([x.abandon_reason for x in s])
        self._requested = np.array([x.call_requested is not None or EventKind.CALL_REQUESTED in x.kinds for x in s],
                                   dtype=bool)
        self._connected = np.array([EventKind.CALL_CONNECTED in x.kinds for x in s], dtype=bool)
        self._wait = column([x.call_wait_ms if EventKind.CALL_CONNECTED in x.kinds else None for x in s])
        self._duration = column([x.call_duration_ms if EventKind.CALL_CONNECTED in x.kinds else None for x in s])
        self._rating = np.array([x.rating or 0 for x in s], dtype=np.int64)

    def _view(self, scope: Mask) -> _View:
        sheet = self._sheet
        sessions = sheet.offer(sheet.number(scope))
        funnel_left = sheet.partition({stage: scope & (self._stage == i) for i, stage in enumerate(STAGES)})
        reached = [sheet.offer(sheet.number(scope & (self._stage >= i))) for i in range(len(STAGES))]
        chose_language, chose_service = scope & (self._stage >= 1), scope & (self._stage >= 2)
        languages = sheet.partition({key: chose_language & (self._language == key)
                                     for key in sorted(set(self._language[chose_language]))})
        services = sheet.partition({key: chose_service & (self._service == key)
                                    for key in sorted(set(self._service[chose_service]))})
        steps = {case_type: self._step_funnel(chose_service & (self._service == case_type), form)
                 for case_type, form in self._steps.items()}
        abandoned = scope & self._abandoned
        reasons = sheet.partition({**{key: abandoned & (self._reason == key)
                                      for key in sorted(set(self._reason[abandoned]))},
                                   "": scope & ~self._abandoned}, offer=sorted(set(self._reason[abandoned])))
        calls = sheet.partition({"none": scope & ~self._requested, "asked": scope & self._requested & ~self._connected,
                                 "connected": scope & self._connected}, offer=["connected"])
        requested = sheet.offer(sheet.number(scope & self._requested))
        rated = scope & (self._rating > 0)
        responses = sheet.offer(sheet.number(rated))
        ratings = sheet.partition({"": scope & ~rated, **{str(r): scope & (self._rating == r) for r in range(1, 6)}},
                                  offer=[str(r) for r in range(1, 6)])
        rating_sum = sheet.offer(sheet.number(np.where(rated, self._rating, 0), int(self._rating[rated].sum())))
        sheet.weighted.add(rating_sum)
        return _View(
            sessions=sessions, funnel_left=funnel_left, reached=reached, languages=languages, services=services,
            steps=steps, reasons=reasons, requested=requested, connected=calls["connected"],
            waits=self._spread(scope, self._wait), durations=self._spread(scope, self._duration),
            responses=responses, ratings={k: v for k, v in ratings.items() if k}, rating_sum=rating_sum,
        )

    def _step_funnel(self, chose: Mask, form: Sequence[str]) -> tuple[dict[str, int], list[int], int]:
        """Where the sessions of one service stopped; `reached` of a step is everyone who had not stopped before."""
        sheet = self._sheet
        left = {step: chose & self._abandoned & (self._abandon_step == step) for step in form}
        submitted = chose & (self._stage == 3)
        stopped_at_a_step = np.zeros_like(chose)
        for mask in left.values():
            stopped_at_a_step |= mask
        cells = sheet.partition({**left, SUBMITTED: submitted, "": chose & ~stopped_at_a_step & ~submitted},
                                offer=[*left, SUBMITTED])
        reached, before = [], np.zeros_like(chose)
        for step in form:
            reached.append(sheet.offer(sheet.number(chose & ~before)))
            before |= left[step]
        return {step: cells[step] for step in form}, reached, cells[SUBMITTED]

    def _spread(self, scope: Mask, values: npt.NDArray[Any]) -> tuple[int, list[int]]:
        measured = scope & np.array([value is not None for value in values], dtype=bool)
        return self._sheet.offer(self._sheet.number(measured)), [int(v) for v in values[measured]]

    # --- the published figures -------------------------------------------------------------------------

    def sessions(self, location: str | None = None, kiosk: str | None = None) -> int | None:
        """The session count of a view, decided exactly as `view()` decides it, but cheaply (for the trend)."""
        self._sheet.decide(until=self._places_end)
        scope = self._scope(location, kiosk)
        if scope is None:
            return 0
        return self._sheet.shown(scope)

    def _scope(self, location: str | None, kiosk: str | None) -> int | None:
        """The number that counts a view's sessions among the places (None: that view has no sessions)."""
        if kiosk is not None:
            if kiosk not in self._kiosks or (location is not None and self._owner(kiosk) != location):
                return None
            return self._kiosks[kiosk]
        if location is not None:
            return self._locations.get(location)
        return self._total

    def _owner(self, kiosk: str) -> str:
        return str(self._location[self._kiosk == kiosk][0])

    def view(self, location: str | None = None, kiosk: str | None = None) -> Aggregates:
        self._sheet.decide()
        if self._scope(location, kiosk) is None:
            return _empty(self._steps)
        view = self._views[(None, kiosk) if kiosk is not None else (location, None)]
        show = self._sheet.shown
        if show(view.sessions) is None:
            return _empty(self._steps, hidden=True)
        place = self._owner(kiosk) if kiosk is not None else location
        places = [key for key in self._locations if place is None or key == place]
        kiosks = [key for key in self._kiosks if (kiosk is None or key == kiosk)
                  and (location is None or self._owner(key) == location)]
        return Aggregates(
            sessions=show(view.sessions),
            submitted=show(view.reached[-1]),
            funnel=[{"stage": stage, "reached": show(view.reached[i]), "left": show(view.funnel_left[stage])}
                    for i, stage in enumerate(STAGES)],
            steps={case_type: self._steps_out(view.steps[case_type], form) for case_type, form in self._steps.items()},
            abandon_reasons=_rows("reason", view.reasons, self._sheet, skip=("",)),
            languages=_rows("language", view.languages, self._sheet),
            services=_rows("service", view.services, self._sheet),
            calls={"requested": show(view.requested), "connected": show(view.connected),
                   "wait_ms": self._spread_out(view.waits), "duration_ms": self._spread_out(view.durations)},
            satisfaction=self._satisfaction(view),
            by_location=[{"location": key, "sessions": show(self._locations[key])} for key in places],
            by_kiosk=[{"kiosk": key, "sessions": show(self._kiosks[key])} for key in kiosks],
        )

    def _steps_out(self, funnel: tuple[dict[str, int], list[int], int], form: Sequence[str]) -> list[dict[str, Any]]:
        left, reached, submitted = funnel
        show, rows = self._sheet.shown, []
        for step, reached_number in zip(form, reached, strict=True):
            got, dropped = show(reached_number), show(left[step])
            rate = round(dropped / got, 3) if got and dropped and got >= K_MIN and dropped >= K_MIN else None
            rows.append({"step": step, "reached": got, "dropped": dropped, "drop_rate": rate})
        rows.append({"step": SUBMITTED, "reached": show(submitted), "dropped": 0, "drop_rate": None})
        return rows

    def _spread_out(self, spread: tuple[int, list[int]]) -> dict[str, float] | None:
        number, values = spread
        count = self._sheet.shown(number)
        if not count or count < K_MIN:
            return None
        return {"n": count, "p50": percentile(values, 0.5), "p90": percentile(values, 0.9)}

    def _satisfaction(self, view: _View) -> dict[str, Any]:
        show = self._sheet.shown
        responses, total = show(view.responses), show(view.rating_sum)
        mean = round(total / responses, 2) if responses and total is not None and responses >= K_MIN else None
        return {"responses": responses, "mean": mean, "ratings": _rows("rating", view.ratings, self._sheet,
                                                                        by_key=True)}


def _rows(name: str, cells: Mapping[str, int], sheet: _Sheet, by_key: bool = False,
          skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows of a partition, largest first (or in key order); the order never depends on a hidden count."""
    shown = {key: sheet.shown(number) for key, number in cells.items() if key not in skip}
    order = sorted(shown) if by_key else sorted(shown, key=lambda k: (-(shown[k] or 0), k))
    return [{name: key, "sessions": shown[key]} for key in order]


def _empty(service_steps: Mapping[str, Sequence[str]], hidden: bool = False) -> Aggregates:
    """A view with no sessions (all zero) or with too few to say anything (all None)."""
    zero: int | None = None if hidden else 0
    return Aggregates(
        sessions=zero, submitted=zero,
        funnel=[{"stage": stage, "reached": zero, "left": zero} for stage in STAGES],
        steps={case_type: [{"step": step, "reached": zero, "dropped": zero, "drop_rate": None}
                           for step in (*form, SUBMITTED)] for case_type, form in service_steps.items()},
        abandon_reasons=[], languages=[], services=[],
        calls={"requested": zero, "connected": zero, "wait_ms": None, "duration_ms": None},
        satisfaction={"responses": zero, "mean": None,
                      "ratings": [{"rating": str(r), "sessions": zero} for r in range(1, 6)]},
        by_location=[], by_kiosk=[],
    )


def aggregate(events: Iterable[UsageRecord], service_steps: Mapping[str, Sequence[str]],
              location: str | None = None, kiosk: str | None = None) -> Aggregates:
    """The figures of one view of the sessions in `events` (one week's), decided together with all other views."""
    return Week(events, service_steps).view(location, kiosk)
