"""Touches: what a touch on a screen may ask of the session flow, one typed method per flow method.

Each method runs the flow method of the same name and hands the FlowState it leads to the stage (the app) to show,
so mypy checks every screen-to-flow call (a screen reaches it as `self.touches`, a .kv rule as `app.touches`; what
a screen shows it reads from the flow itself). The three touches that do more than show a state say so here:
choosing a language tells the services which language was chosen, rating and finishing start the thank-you screen,
and a submit the outbox could not store shows the failure on the consent screen and keeps the answers.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from domain.languages import DUTCH
from kiosk.session.flow import FlowState, SessionFlow
from kiosk.session.states import Triage

log = logging.getLogger(__name__)


class Stage(Protocol):
    """The app, as far as a touch needs it."""

    def render(self, state: FlowState) -> None: ...

    def language_chosen(self, language: str) -> None: ...

    def show_end(self) -> None: ...

    def submit_failed(self) -> None: ...


class Touches:
    def __init__(self, flow: SessionFlow, stage: Stage) -> None:
        self._flow = flow
        self._stage = stage

    def _shown(self, state: FlowState) -> FlowState:
        self._stage.render(state)
        return state

    # ----- the session ---------------------------------------------------------------------------------
    def start(self) -> FlowState:
        return self._shown(self._flow.start())

    def emergency(self, code: str) -> FlowState:
        return self._shown(self._flow.emergency(code))

    def choose_language(self, code: str) -> FlowState:
        state = self._flow.choose_language(code)
        self._stage.language_chosen(state.language or DUTCH)
        return self._shown(state)

    def choose_triage(self, choice: Triage | str) -> FlowState:
        return self._shown(self._flow.choose_triage(choice))

    def choose_service(self, case_type: str) -> FlowState:
        return self._shown(self._flow.choose_service(case_type))

    def request_callback(self) -> FlowState:
        return self._shown(self._flow.request_callback())

    def talk_to_officer(self) -> FlowState:
        return self._shown(self._flow.talk_to_officer())

    def back(self) -> FlowState:
        return self._shown(self._flow.back())

    def cancel(self) -> FlowState:
        return self._shown(self._flow.cancel())

    def extend(self) -> FlowState:
        return self._shown(self._flow.extend())

    # ----- the form ------------------------------------------------------------------------------------
    def answer(self, field_id: str, value: Any) -> FlowState:
        return self._shown(self._flow.answer(field_id, value))

    def next(self) -> FlowState:
        return self._shown(self._flow.next())

    def edit(self, step_id: str) -> FlowState:
        return self._shown(self._flow.edit(step_id))

    def confirm_review(self) -> FlowState:
        return self._shown(self._flow.confirm_review())

    def submit(self) -> FlowState:
        try:
            state = self._flow.submit()
        except Exception as error:
            # The outbox could not store the case (disk, key): say so and keep the answers for another try.
            log.error("submit failed: %s", type(error).__name__)
            self._stage.submit_failed()
            return self._flow.state
        return self._shown(state)

    # ----- the end -------------------------------------------------------------------------------------
    def to_rating(self) -> FlowState:
        return self._shown(self._flow.to_rating())

    def rate(self, faces: int) -> FlowState:
        state = self._flow.rate(faces)
        self._stage.show_end()
        return self._shown(state)

    def finish(self) -> FlowState:
        state = self._flow.finish()
        self._stage.show_end()
        return self._shown(state)
