"""The resident's session as a pure state machine: screens map touches to these methods and render `state`.

No Kivy, no network: the flow only talks to the ports (translator, outbox, event sink) it is given.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from domain.forms import CALLBACK_CASE_TYPE, CaseKind, FormCatalog, FormSchema, Step
from domain.languages import DUTCH, language
from domain.payload import Translation
from domain.usage import AbandonReason, EventKind
from domain.validation import FieldError, validate
from domain.wire import UsageEvent
from kiosk.ports import CaseOutbox, EventSink
from kiosk.session.answers import ResidentSession
from kiosk.session.idle import IdleTimer
from kiosk.session.payloads import build_payload
from kiosk.session.receipts import receipt_for
from kiosk.session.states import FlowError, FlowState, Screen, Triage

CONSENT_STEP_PREFIX = "consent"
_TRIAGE_KIND = {Triage.REPORT: CaseKind.AANGIFTE, Triage.TIP: CaseKind.MELDING}
# Where "back" leads from each screen outside the form.
_BACK = {
    Screen.LANGUAGE: Screen.ATTRACT,
    Screen.TRIAGE: Screen.LANGUAGE,
    Screen.EMERGENCY: Screen.TRIAGE,
    Screen.NON_URGENT: Screen.TRIAGE,
    Screen.SERVICE: Screen.TRIAGE,
    Screen.CALL: Screen.TRIAGE,
}


class SessionFlow:
    def __init__(
        self,
        forms: FormCatalog,
        outbox: CaseOutbox,
        events: EventSink,
        clock: Callable[[], float],
        *,
        idle_warning_seconds: float = 90.0,
        idle_extend_seconds: float = 30.0,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._forms = forms
        self._outbox = outbox
        self._events = events
        self._clock = clock
        self._wall_clock = wall_clock
        self._idle = IdleTimer(clock, idle_warning_seconds, idle_extend_seconds)
        self._session: ResidentSession | None = None
        self._before_call: FlowState | None = None
        self.state = FlowState(Screen.ATTRACT)

    # ----- reading -------------------------------------------------------------------------------------------
    @property
    def schema(self) -> FormSchema:
        if self.state.case_type is None:
            raise FlowError("no service chosen")
        return self._forms.get(self.state.case_type)

    def form_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.schema.steps if not s.id.startswith(CONSENT_STEP_PREFIX))

    def consent_step(self) -> Step | None:
        return next((s for s in self.schema.steps if s.id.startswith(CONSENT_STEP_PREFIX)), None)

    def current_step(self) -> Step:
        if self.state.screen is Screen.CONSENT:
            step = self.consent_step()
        elif self.state.screen is Screen.FORM:
            step = self.form_steps()[self.state.step_index]
        else:
            step = None
        if step is None:
            raise FlowError(f"no form step on screen {self.state.screen}")
        return step

    def services(self) -> tuple[FormSchema, ...]:
        """The reports and tips to choose from (a call-back is asked for on the call screen, not chosen here)."""
        kind = _TRIAGE_KIND.get(self.state.triage) if self.state.triage else None
        offered = (s for s in self._forms if s.kind in _TRIAGE_KIND.values())
        return tuple(s for s in offered if kind is None or s.kind is kind)

    @property
    def session_id(self) -> uuid.UUID:
        """The session's random id (a video call's usage events join the session's; never linked to a case)."""
        return self._require_session().session_id

    def answer_of(self, field_id: str) -> Any:
        return self._require_session().answers.get(field_id)

    def answers(self) -> dict[str, Any]:
        return dict(self._require_session().answers)

    def translations(self) -> dict[str, Translation]:
        return dict(self._require_session().translations)

    def texts_to_translate(self) -> dict[str, str]:
        """Free-text answers the officer should also read in Dutch, keyed by field id, not yet translated."""
        return self._require_session().to_translate(self.schema, self.state.language or DUTCH)

    # ----- navigation ----------------------------------------------------------------------------------------
    def start(self) -> FlowState:
        self._expect(Screen.ATTRACT, Screen.END)
        now = self._touch()
        self._session = ResidentSession(session_id=uuid.uuid4(), started_at=now)
        self._emit(EventKind.SESSION_START)
        return self._go(FlowState(Screen.LANGUAGE))

    def emergency(self, code: str) -> FlowState:
        """The 112 card on the attract screen: a session that opens on the 112 screen, in the language the card
        was showing when it was touched; back leads to the choice of language."""
        self._expect(Screen.ATTRACT, Screen.END)
        language(code)  # refuses unknown codes
        self.start()
        return self._go(replace(self.state, screen=Screen.EMERGENCY, language=code))

    def choose_language(self, code: str) -> FlowState:
        self._expect(Screen.LANGUAGE)
        language(code)  # refuses unknown codes
        self._touch()
        self.state = replace(self.state, language=code)
        self._emit(EventKind.LANGUAGE)
        return self._go(replace(self.state, screen=Screen.TRIAGE))

    def choose_triage(self, choice: Triage | str) -> FlowState:
        self._expect(Screen.TRIAGE)
        choice = Triage(choice)
        self._touch()
        screen = {
            Triage.EMERGENCY: Screen.EMERGENCY,
            Triage.NON_URGENT: Screen.NON_URGENT,
            Triage.CALL: Screen.CALL,
        }.get(choice, Screen.SERVICE)
        return self._go(replace(self.state, screen=screen, triage=choice))

    def choose_service(self, case_type: str) -> FlowState:
        self._expect(Screen.SERVICE)
        if case_type not in {s.case_type for s in self.services()}:
            raise FlowError(f"service {case_type!r} is not offered here")
        self._touch()
        self.state = replace(self.state, case_type=case_type)
        self._emit(EventKind.SERVICE)
        return self._enter_step(0)

    def talk_to_officer(self) -> FlowState:
        """Open a video call from anywhere in the intake, or from the receipt of a report just filed (the officer
        checks the resident's identity on it); back() from the call returns to where the resident was."""
        self._expect(Screen.TRIAGE, Screen.NON_URGENT, Screen.SERVICE, Screen.FORM, Screen.REVIEW, Screen.CONSENT,
                     Screen.RECEIPT)  # fmt: skip
        self._touch()
        self._before_call = self.state
        return self._go(replace(self.state, screen=Screen.CALL))

    def request_callback(self) -> FlowState:
        """Nobody could take the video call: the call-back form (phone number, time of day). A resident who was
        filling in a report goes back to it instead, with nothing lost: its contact step asks the phone number."""
        self._expect(Screen.CALL)
        self._touch()
        before, self._before_call = self._before_call, None
        if before is not None and before.case_type is not None and before.screen is not Screen.RECEIPT:
            return self._go(replace(before, errors={}))
        self.state = replace(self.state, case_type=CALLBACK_CASE_TYPE)
        self._emit(EventKind.SERVICE)
        return self._enter_step(0)

    def answer(self, field_id: str, value: Any) -> FlowState:
        """Keep the raw answer; it is checked when the resident moves on."""
        self._expect(Screen.FORM, Screen.CONSENT)
        self._touch()
        if field_id not in {f.id for f in self.current_step().fields}:
            raise FlowError(f"field {field_id!r} is not on this step")
        session = self._require_session()
        session.answers[field_id] = value
        errors = {k: v for k, v in self.state.errors.items() if k.split(".")[0] != field_id}
        self.state = replace(self.state, errors=errors)
        return self.state

    def next(self) -> FlowState:
        self._expect(Screen.FORM)
        self._touch()
        if not self._check_current_step():
            return self.state
        self._leave_step()
        if self.state.returning_to_review or self.state.step_index + 1 >= len(self.form_steps()):
            return self._go(replace(self.state, screen=Screen.REVIEW, step_id=None, returning_to_review=False))
        return self._enter_step(self.state.step_index + 1)

    def back(self) -> FlowState:
        self._touch()
        screen = self.state.screen
        if screen is Screen.FORM:
            self._leave_step()
            if self.state.returning_to_review:
                return self._go(replace(self.state, screen=Screen.REVIEW, step_id=None, returning_to_review=False))
            if self.state.step_index == 0 and self.state.case_type == CALLBACK_CASE_TYPE:
                return self._go(replace(self.state, screen=Screen.CALL, step_id=None, case_type=None))
            if self.state.step_index == 0:
                return self._go(replace(self.state, screen=Screen.SERVICE, step_id=None, case_type=None))
            return self._enter_step(self.state.step_index - 1)
        if screen is Screen.REVIEW:
            return self._enter_step(len(self.form_steps()) - 1)
        if screen is Screen.CONSENT:
            return self._go(replace(self.state, screen=Screen.REVIEW, step_id=None, errors={}))
        if screen is Screen.EMERGENCY and self.state.triage is None:  # came straight from the attract screen
            return self._go(replace(self.state, screen=Screen.LANGUAGE))
        if screen is Screen.CALL and self._before_call is not None:
            before, self._before_call = self._before_call, None
            return self._go(replace(before, errors={}))
        if screen in _BACK:
            target = _BACK[screen]
            if target is Screen.ATTRACT:
                return self.cancel()
            return self._go(replace(self.state, screen=target))
        raise FlowError(f"no way back from {screen}")

    def edit(self, step_id: str) -> FlowState:
        self._expect(Screen.REVIEW)
        self._touch()
        index = [s.id for s in self.form_steps()].index(step_id)
        return self._enter_step(index, returning_to_review=True)

    def confirm_review(self) -> FlowState:
        self._expect(Screen.REVIEW)
        self._touch()
        for index, step in enumerate(self.form_steps()):
            problems = validate(self.schema, self.answers(), now=self._wall_clock(), step_id=step.id).errors
            if problems:
                self._enter_step(index, returning_to_review=True)
                self.state = replace(self.state, errors=dict(problems), refusals=self.state.refusals + 1)
                return self.state
        consent = self.consent_step()
        return self._go(replace(self.state, screen=Screen.CONSENT, step_id=consent.id if consent else None, errors={}))

    def set_translation(self, field_id: str, translation: Translation) -> FlowState:
        """A translation finished (called on the UI thread); ignored when the answer changed since."""
        if self._session is not None:
            self._session.keep_translation(field_id, translation)
        return self.state

    def submit(self) -> FlowState:
        self._expect(Screen.CONSENT)
        self._touch()
        result = validate(self.schema, self.answers(), now=self._wall_clock())
        if not result.ok:
            consent_ids = {f.id for f in self.current_step().fields}
            if any(key.split(".")[0] not in consent_ids for key in result.errors):  # an answer changed since
                self.state = replace(self.state, screen=Screen.REVIEW, step_id=None)
                return self.confirm_review()
            self._record_errors(result.errors)
            self.state = replace(self.state, errors=dict(result.errors), refusals=self.state.refusals + 1)
            return self.state
        payload = build_payload(self.schema, self.state.language or DUTCH, result.values,
                                self._require_session().translations, self._wall_clock())
        self._outbox.put_case(payload)
        self._emit(EventKind.SUBMIT)
        receipt = receipt_for(self.schema, payload, result.values, self._wall_clock())
        return self._go(replace(self.state, screen=Screen.RECEIPT, receipt=receipt, errors={}, step_id=None))

    def delivered(self, case_id: str, reference: str, mailed: bool = False) -> FlowState:
        """The backend acknowledged the case (and whether it mails a confirmation) while the receipt shows."""
        receipt = self.state.receipt
        if receipt is not None and receipt.case_id == case_id:
            self.state = replace(self.state, receipt=replace(receipt, reference=reference, mailed=mailed))
        return self.state

    def to_rating(self) -> FlowState:
        """Asked only of a resident who used a service: never after the 112 screen."""
        self._expect(Screen.RECEIPT, Screen.NON_URGENT, Screen.CALL)
        self._touch()
        return self._go(replace(self.state, screen=Screen.RATING))

    def rate(self, faces: int) -> FlowState:
        self._expect(Screen.RATING)
        if not 1 <= faces <= 5:
            raise FlowError("rating is one to five faces")
        self._emit(EventKind.RATING, rating=faces)
        return self.finish()

    def finish(self) -> FlowState:
        """The resident is done: end the session and wipe it."""
        self._expect(Screen.RECEIPT, Screen.RATING, Screen.EMERGENCY, Screen.NON_URGENT, Screen.CALL, Screen.END)
        return self._end(abandon=None)

    @property
    def case_saved(self) -> bool:
        """The resident's case is in the outbox: stopping now wipes the screen, not the case."""
        return self.state.receipt is not None

    def cancel(self) -> FlowState:
        """The resident stops: before a case was saved nothing is sent and everything typed is wiped; after, the
        session ends as finishing it does."""
        if self.state.screen is Screen.ATTRACT:
            return self.state
        return self._end(abandon=None if self.case_saved else AbandonReason.CANCEL)

    # ----- inactivity ----------------------------------------------------------------------------------------
    def tick(self) -> FlowState:
        """Called every second by the app: warn after a quiet spell, wipe when the warning runs out (idle.py)."""
        if self.state.screen is Screen.ATTRACT:
            return self.state
        ticked = self._idle.tick(self.state)
        if ticked is None:
            return self._end(abandon=None if self.case_saved else AbandonReason.TIMEOUT)
        self.state = ticked
        return self.state

    def extend(self) -> FlowState:
        self._touch()
        return self.state

    def seconds_left(self) -> float:
        return self._idle.seconds_left(self.state)

    # ----- internals -----------------------------------------------------------------------------------------
    def _require_session(self) -> ResidentSession:
        if self._session is None:
            raise FlowError("no session")
        return self._session

    def _expect(self, *screens: Screen) -> None:
        if self.state.screen not in screens:
            raise FlowError(f"not allowed on screen {self.state.screen}")

    def _touch(self) -> float:
        self.state = self._idle.touch(self.state)
        return self._idle.last_activity

    def _go(self, state: FlowState) -> FlowState:
        self.state = replace(state, idle_warning=False, idle_deadline=None)
        return self.state

    def _enter_step(self, index: int, returning_to_review: bool = False) -> FlowState:
        steps = self.form_steps()
        step = steps[index]
        self._require_session().step_entered_at = self._clock()
        self._go(replace(
            self.state, screen=Screen.FORM, step_id=step.id, step_index=index, step_count=len(steps),
            errors={}, returning_to_review=returning_to_review or self.state.returning_to_review,
        ))
        self._emit(EventKind.STEP_ENTER, step=step.id)
        return self.state

    def _leave_step(self) -> None:
        session = self._require_session()
        elapsed = int((self._clock() - session.step_entered_at) * 1000)
        self._emit(EventKind.STEP_LEAVE, step=self.state.step_id, duration_ms=max(0, elapsed))

    def _check_current_step(self) -> bool:
        step = self.current_step()
        result = validate(self.schema, self.answers(), now=self._wall_clock(), step_id=step.id)
        if result.ok:
            return True
        self._record_errors(result.errors)
        self.state = replace(self.state, errors=dict(result.errors), refusals=self.state.refusals + 1)
        return False

    def _record_errors(self, errors: dict[str, FieldError]) -> None:
        for error in errors.values():
            self._emit(EventKind.VALIDATION_ERROR, step=self.state.step_id, code=error.code)

    def _end(self, abandon: AbandonReason | None) -> FlowState:
        if self._session is not None:
            if abandon is not None:
                self._emit(EventKind.ABANDON, step=self.state.step_id or self.state.screen.value, reason=abandon)
            elapsed = int((self._clock() - self._session.started_at) * 1000)
            self._emit(EventKind.SESSION_END, duration_ms=max(0, elapsed))
            self._session.wipe()
        self._session = None
        self._before_call = None
        self.state = FlowState(Screen.ATTRACT)
        return self.state

    def _emit(self, kind: EventKind, **values: Any) -> None:
        session = self._session
        if session is None:
            return
        self._events.record(UsageEvent(
            event_id=uuid.uuid4(),
            session=session.session_id,
            kind=kind.value,
            at=self._wall_clock(),
            language=self.state.language,
            service=self.state.case_type,
            **values,
        ))

