"""An attacker's tests of the pilot statistics: from every view of a week, recover no count from 1 to 4.

The attacker reads the dashboard of every view (all kiosks, each location, each kiosk) and knows what each
published number means: which sessions it counts. Every number is then a row over the sessions, a published
rating mean times its published count a sum of ratings. A hidden number is recovered when its row is a linear
combination of published rows; so is the total of a partition's hidden cells. Linear algebra is exact here
(modulo a 61-bit prime, not the backend's prime), written apart from backend.services.anonymity on purpose.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.services.anonymity import K_MIN
from backend.services.dashboard import Aggregates, Week
from tests.backend.test_dashboard import STEPS, T0, Event

PRIME = 2**61 - 1
KIOSKS = {"e1": "Emmen", "e2": "Emmen", "a1": "Assen", "v1": "Veendam"}
KIOSK_IDS = {name: uuid.UUID(int=i + 1) for i, name in enumerate(KIOSKS)}
FORM = STEPS["bike_theft"]


@dataclass(frozen=True)
class Visit:
    """What the attacker models of one session."""

    kiosk: str
    stage: int  # 0 started, 1 language, 2 service, 3 submitted
    language: str
    stopped_at: int | None  # the form step it was abandoned on (stage 2 only)
    reason: str
    rating: int  # 0: none
    call: int  # 0 none, 1 asked, 2 connected

    @property
    def location(self) -> str:
        return KIOSKS[self.kiosk]

    def events(self) -> list[Event]:
        sid, at, kiosk, place = uuid.uuid4(), T0, KIOSK_IDS[self.kiosk], self.location
        events = [Event(sid, "session_start", at, kiosk, place)]
        language = self.language if self.stage >= 1 else None
        if language:
            events.append(Event(sid, "language", at, kiosk, place, language=language))
        if self.stage >= 2:
            events.append(Event(sid, "service", at, kiosk, place, language=language, service="bike_theft"))
            last = len(FORM) if self.stopped_at is None else self.stopped_at + 1
            events += [Event(sid, "step_enter", at, kiosk, place, language, "bike_theft", step) for step in FORM[:last]]
        if self.stage == 3:
            events.append(Event(sid, "submit", at, kiosk, place, language, "bike_theft"))
        elif self.stopped_at is not None or self.reason != "none":
            step = FORM[self.stopped_at] if self.stopped_at is not None else None
            events.append(Event(sid, "abandon", at, kiosk, place, language, step=step, reason=self.abandon_reason))
        if self.call:
            events.append(Event(sid, "call_requested", at, kiosk, place))
        if self.call == 2:
            events.append(Event(sid, "call_connected", at + timedelta(seconds=30), kiosk, place))
            events.append(Event(sid, "call_ended", at + timedelta(minutes=3), kiosk, place, duration_ms=150_000))
        if self.rating:
            events.append(Event(sid, "rating", at, kiosk, place, rating=self.rating))
        return events

    @property
    def abandon_reason(self) -> str:
        return "timeout" if self.reason == "none" else self.reason

    @property
    def abandoned(self) -> bool:
        return self.stage < 3 and (self.stopped_at is not None or self.reason != "none")


@st.composite
def visits(draw: Any) -> Visit:
    stage = draw(st.integers(0, 3))
    stopped = draw(st.one_of(st.none(), st.integers(0, len(FORM) - 1))) if stage == 2 else None
    return Visit(
        kiosk=draw(st.sampled_from(sorted(KIOSKS))), stage=stage, language=draw(st.sampled_from(["nl", "ar", "en"])),
        stopped_at=stopped, reason=draw(st.sampled_from(["none", "timeout", "cancel"])) if stage < 3 else "none",
        rating=draw(st.integers(0, 5)), call=draw(st.integers(0, 2)),
    )


# A population made of a few kinds of visitor, repeated: that is where small cells beside large ones come from.
populations = st.lists(st.tuples(visits(), st.integers(1, 9)), min_size=1, max_size=7).map(
    lambda kinds: [visit for visit, times in kinds for _ in range(times)]
)


def meaning(view: Aggregates, scope: list[bool], people: list[Visit]) -> Iterable[tuple[list[int], int | None, str]]:
    """Each published number of one view: (its row over the sessions, its published value, where it was)."""

    def row(test: Any) -> list[int]:
        return [int(inside and test(v)) for inside, v in zip(scope, people, strict=True)]

    yield row(lambda v: True), view.sessions, "sessions"
    yield row(lambda v: v.stage == 3), view.submitted, "submitted"
    for i, stage in enumerate(view.funnel):
        yield row(lambda v, i=i: v.stage >= i), stage["reached"], f"funnel {stage['stage']} reached"
        yield row(lambda v, i=i: v.stage == i), stage["left"], f"left:{stage['stage']}"
    for cell in view.languages:
        key = cell["language"]
        yield row(lambda v, k=key: v.stage >= 1 and v.language == k), cell["sessions"], f"language:{key}"
    for cell in view.services:
        yield row(lambda v: v.stage >= 2), cell["sessions"], "service"
    for k, step in enumerate(view.steps["bike_theft"][:-1]):
        yield (row(lambda v, k=k: v.stage >= 2 and not (v.stopped_at is not None and v.stopped_at < k)),
               step["reached"], f"step {k} reached")
        yield row(lambda v, k=k: v.stage == 2 and v.stopped_at == k), step["dropped"], f"dropped:{k}"
    yield row(lambda v: v.stage == 3), view.steps["bike_theft"][-1]["reached"], "service submitted"
    for cell in view.abandon_reasons:
        key = cell["reason"]
        yield row(lambda v, r=key: v.abandoned and v.abandon_reason == r), cell["sessions"], f"reason:{key}"
    yield row(lambda v: v.call >= 1), view.calls["requested"], "calls requested"
    yield row(lambda v: v.call == 2), view.calls["connected"], "calls connected"
    for measure in ("wait_ms", "duration_ms"):
        spread = view.calls[measure]
        yield row(lambda v: v.call == 2), spread["n"] if spread else None, measure
    satisfaction = view.satisfaction
    yield row(lambda v: v.rating > 0), satisfaction["responses"], "responses"
    for cell in satisfaction["ratings"]:
        yield row(lambda v, r=int(cell["rating"]): v.rating == r), cell["sessions"], f"rating:{cell['rating']}"
    if satisfaction["mean"] is not None:
        total = [int(inside) * v.rating for inside, v in zip(scope, people, strict=True)]
        yield total, round(satisfaction["mean"] * satisfaction["responses"]), "rating sum"
    for cell in view.by_location:  # places are counted over all sessions, whatever the view
        place = cell["location"]
        yield [int(v.location == place) for v in people], cell["sessions"], f"location:{place}"
    for cell in view.by_kiosk:
        kiosk = next(name for name, key in KIOSK_IDS.items() if str(key) == cell["kiosk"])
        yield [int(v.kiosk == kiosk) for v in people], cell["sessions"], "kiosk"


class Span:
    """Rows spanned by what was published, modulo PRIME."""

    def __init__(self) -> None:
        self.basis: dict[int, list[int]] = {}  # pivot column -> row with 1 there

    def reduce(self, row: list[int]) -> list[int]:
        row = [x % PRIME for x in row]
        for pivot, base in self.basis.items():
            if row[pivot]:
                factor = row[pivot]
                row = [(x - factor * b) % PRIME for x, b in zip(row, base, strict=True)]
        return row

    def add(self, row: list[int]) -> None:
        row = self.reduce(row)
        pivot = next((i for i, x in enumerate(row) if x), None)
        if pivot is None:
            return
        inverse = pow(row[pivot], -1, PRIME)
        row = [x * inverse % PRIME for x in row]
        for other, base in self.basis.items():
            if base[pivot]:
                factor = base[pivot]
                self.basis[other] = [(b - factor * x) % PRIME for b, x in zip(base, row, strict=True)]
        self.basis[pivot] = row

    def knows(self, row: list[int]) -> bool:
        return not any(self.reduce(row))


def every_view(people: list[Visit]) -> list[tuple[Aggregates, list[bool]]]:
    week = Week([event for visit in people for event in visit.events()], STEPS)
    views = [(week.view(), [True] * len(people))]
    places = sorted(set(KIOSKS.values()))
    views += [(week.view(location=place), [v.location == place for v in people]) for place in places]
    views += [(week.view(kiosk=str(KIOSK_IDS[k])), [v.kiosk == k for v in people]) for k in sorted(KIOSKS)]
    return views


def attack(people: list[Visit]) -> list[str]:
    """What the attacker recovers: every hidden count from 1 to 4 it can work out."""
    span, hidden = Span(), []
    for view, scope in every_view(people):
        numbers = list(meaning(view, scope, people))
        for row, value, where in numbers:
            if value is None:
                hidden.append((row, where))
            else:
                assert value == sum(row), f"{where} published {value}, the attacker counts {sum(row)}"
                span.add(row)
        for group in ("left", "language", "reason", "rating", "location", "dropped"):
            cells = [row for row, value, where in numbers if value is None and where.startswith(group + ":")]
            if len(cells) > 1:
                hidden.append(([sum(column) for column in zip(*cells, strict=True)], f"the hidden {group} cells"))
    return [f"{where}: {sum(row)}" for row, where in hidden if 0 < sum(row) < K_MIN and span.knows(row)]


@settings(max_examples=150, deadline=None)
@given(populations)
def test_no_hidden_count_can_be_worked_out_from_all_views_of_a_week(people: list[Visit]) -> None:
    assert attack(people) == []


def test_the_attack_finds_what_the_old_dashboard_gave_away() -> None:
    """The attacker is not blind: a dashboard that only hides cells below 5 loses to it at once."""
    span = Span()
    total, emmen, assen = [1] * 14, [1] * 12 + [0, 0], [0] * 12 + [1, 1]
    span.add(total)
    span.add(emmen)  # Emmen = 12 from the filtered view beside the total of 14
    assert span.knows(assen)


def visitors(count: int, **fields: Any) -> list[Visit]:
    base: dict[str, Any] = {"kiosk": "e1", "stage": 3, "language": "nl", "stopped_at": None, "reason": "none",
                            "rating": 0, "call": 0}
    return [Visit(**(base | fields)) for _ in range(count)]


def test_a_location_filter_beside_the_total_does_not_give_the_other_location() -> None:
    people = visitors(12) + visitors(2, kiosk="a1")
    week = Week([event for visit in people for event in visit.events()], STEPS)
    total, emmen = week.view().sessions, week.view(location="Emmen").sessions
    assert total is None or emmen is None
    assert week.view(location="Assen").sessions is None
    assert attack(people) == []


def test_sessions_minus_submitted_does_not_give_the_drop_off() -> None:
    people = visitors(17) + visitors(3, stage=2, stopped_at=1, reason="timeout")
    view = Week([event for visit in people for event in visit.events()], STEPS).view()
    reached = [stage["reached"] for stage in view.funnel]
    assert None in (reached[2], reached[3])  # 20 reached the form and 17 submitted would give the 3 away
    assert view.sessions is None or view.submitted is None
    assert attack(people) == []


def test_a_mean_beside_visible_ratings_does_not_give_the_hidden_ones() -> None:
    people = visitors(10, rating=5) + visitors(3, rating=4) + visitors(2, rating=3)
    satisfaction = Week([event for visit in people for event in visit.events()], STEPS).view().satisfaction
    assert satisfaction["responses"] == 15 and satisfaction["mean"] is None
    assert attack(people) == []
