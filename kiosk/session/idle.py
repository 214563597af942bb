"""Inactivity at the kiosk: after a quiet spell the resident is warned, with a countdown they can extend by a touch;
when it runs out, the session is wiped (the flow does that). Pure: the flow hands it the state on every touch and
every tick of the app's clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from kiosk.session.states import FlowState


class IdleTimer:
    def __init__(self, clock: Callable[[], float], warning_seconds: float, extend_seconds: float) -> None:
        self._clock = clock
        self._warning = warning_seconds  # quiet this long: warn
        self._extend = extend_seconds  # the warning's countdown
        self.last_activity = clock()

    def touch(self, state: FlowState) -> FlowState:
        """The resident did something: the quiet spell starts again and a warning goes."""
        self.last_activity = self._clock()
        return replace(state, idle_warning=False, idle_deadline=None) if state.idle_warning else state

    def tick(self, state: FlowState) -> FlowState | None:
        """`state` with the warning shown once the spell is over; None when the warning's countdown ran out."""
        now = self._clock()
        if state.idle_warning:
            return None if state.idle_deadline is not None and now >= state.idle_deadline else state
        if now - self.last_activity >= self._warning:
            return replace(state, idle_warning=True, idle_deadline=now + self._extend)
        return state

    def seconds_left(self, state: FlowState) -> float:
        deadline = state.idle_deadline
        return max(0.0, deadline - self._clock()) if deadline is not None else 0.0
