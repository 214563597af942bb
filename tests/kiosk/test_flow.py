"""The resident's session flow, without a window: every case type, two languages, errors, idle wipe."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from domain.forms import FormCatalog, default_assets_dir
from domain.languages import UnknownLanguage
from domain.payload import CasePayload, Translation
from domain.usage import check_event
from domain.wire import UsageEvent
from kiosk.session.flow import FlowError, Screen, SessionFlow, Triage
from tools.samples import ANSWERS, CALLBACK_ANSWERS, SECRETS

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


class RecordingOutbox:
    def __init__(self) -> None:
        self.cases: list[CasePayload] = []

    def put_case(self, payload: CasePayload) -> None:
        self.cases.append(payload)


class RecordingEvents:
    def __init__(self) -> None:
        self.events: list[UsageEvent] = []

    def record(self, event: UsageEvent) -> None:
        self.events.append(check_event(event))

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def forms() -> FormCatalog:
    return FormCatalog.load(default_assets_dir() / "forms")


@pytest.fixture
def kit(forms: FormCatalog) -> tuple[SessionFlow, RecordingOutbox, RecordingEvents, FakeClock]:
    outbox, events, clock = RecordingOutbox(), RecordingEvents(), FakeClock()
    flow = SessionFlow(forms, outbox, events, clock, idle_warning_seconds=60, idle_extend_seconds=30,
                       wall_clock=lambda: NOW)
    return flow, outbox, events, clock


def fill_step(flow: SessionFlow, answers: dict[str, Any]) -> None:
    for spec in flow.current_step().fields:
        if spec.id in answers:
            flow.answer(spec.id, answers[spec.id])


def walk_to_review(flow: SessionFlow, case_type: str, language: str) -> None:
    flow.start()
    flow.choose_language(language)
    kind = flow._forms.get(case_type).kind.value
    flow.choose_triage(Triage.REPORT if kind == "aangifte" else Triage.TIP)
    flow.choose_service(case_type)
    while flow.state.screen is Screen.FORM:
        fill_step(flow, ANSWERS[case_type])
        state = flow.next()
        assert not state.errors, state.errors


@pytest.mark.parametrize("language", ["nl", "ar"])
@pytest.mark.parametrize("case_type", list(ANSWERS))
def test_every_case_type_reaches_the_outbox(kit, case_type: str, language: str) -> None:
    flow, outbox, events, _ = kit
    walk_to_review(flow, case_type, language)
    assert flow.state.screen is Screen.REVIEW
    wanted = flow.texts_to_translate()
    if language == "nl":
        assert wanted == {}
    else:
        assert "description" in wanted
        for field_id, text in wanted.items():
            flow.set_translation(field_id, Translation(original=text, source_language=language, dutch="NL:" + text))
        assert flow.texts_to_translate() == {}
    flow.confirm_review()
    assert flow.state.screen is Screen.CONSENT
    fill_step(flow, ANSWERS[case_type])
    flow.submit()
    assert flow.state.screen is Screen.RECEIPT
    [payload] = outbox.cases
    assert payload.case_type == case_type and payload.language == language
    assert payload.answers["description"] == ANSWERS[case_type]["description"]
    assert bool(payload.translations) == (language != "nl")
    flow.delivered(payload.case_id, "K7M-4QP")
    assert flow.state.receipt is not None and flow.state.receipt.reference == "K7M-4QP"
    flow.to_rating()
    flow.rate(4)
    assert flow.state.screen is Screen.ATTRACT
    kinds = events.kinds()
    assert kinds[0] == "session_start" and kinds[-1] == "session_end"
    assert "submit" in kinds and "rating" in kinds and "abandon" not in kinds


def test_validation_errors_stop_the_step_and_are_reported_as_codes(kit) -> None:
    flow, _, events, _ = kit
    flow.start()
    flow.choose_language("ar")
    flow.choose_triage("report")
    flow.choose_service("online_fraud")
    flow.next()  # platform step, nothing answered
    assert flow.state.step_id == "platform"
    assert flow.state.errors["fraud_platform"].code == "required"
    flow.answer("fraud_platform", "marktplaats")
    assert "fraud_platform" not in flow.state.errors
    flow.next()
    flow.answer("counterparty_iban", "NL91ABNA0417164301")
    flow.next()
    assert flow.state.errors["counterparty_iban"].code == "invalid_iban"
    codes = [e.code for e in events.events if e.kind == "validation_error"]
    assert codes == ["required", "invalid_iban"]


def test_edit_from_review_returns_to_review(kit) -> None:
    flow, *_ = kit
    walk_to_review(flow, "bike_theft", "nl")
    flow.edit("bike")
    assert flow.state.screen is Screen.FORM and flow.state.step_id == "bike"
    flow.answer("bike_colour", "red")
    flow.next()
    assert flow.state.screen is Screen.REVIEW
    assert flow.answer_of("bike_colour") == "red"


def test_back_walks_the_steps_and_leaves_the_form(kit) -> None:
    flow, *_ = kit
    walk_to_review(flow, "vandalism", "nl")
    flow.back()
    assert flow.state.step_id == "contact"
    flow.back()
    assert flow.state.step_id == "story"
    flow.back()
    flow.back()
    assert flow.state.step_id == "damage"
    flow.back()
    assert flow.state.screen is Screen.SERVICE


def test_services_follow_triage(kit) -> None:
    flow, *_ = kit
    flow.start()
    flow.choose_language("en")
    flow.choose_triage("tip")
    assert [s.case_type for s in flow.services()] == [
        "nuisance_tip", "suspicious_tip", "drugs_tip", "stolen_bike_seen_tip",
    ]
    with pytest.raises(FlowError):
        flow.choose_service("bike_theft")
    flow.back()
    flow.choose_triage("emergency")
    assert flow.state.screen is Screen.EMERGENCY


def test_idle_warns_then_wipes_everything(kit) -> None:
    flow, outbox, events, clock = kit
    walk_to_review(flow, "theft", "tr")
    clock.now += 59
    assert not flow.tick().idle_warning
    clock.now += 1
    assert flow.tick().idle_warning
    assert flow.seconds_left() == pytest.approx(30)
    clock.now += 25
    flow.extend()
    assert not flow.state.idle_warning
    clock.now += 60
    flow.tick()
    clock.now += 29.5
    assert flow.tick().screen is Screen.REVIEW
    clock.now += 0.5
    assert flow.tick().screen is Screen.ATTRACT
    assert outbox.cases == []
    with pytest.raises(FlowError):
        flow.answers()
    abandon = [e for e in events.events if e.kind == "abandon"]
    assert [(e.reason, e.step) for e in abandon] == [("timeout", "review")]


def test_cancel_wipes_and_usage_events_carry_no_answers(kit) -> None:
    flow, outbox, events, _ = kit
    walk_to_review(flow, "online_fraud", "pl")
    flow.cancel()
    assert flow.state.screen is Screen.ATTRACT and outbox.cases == []
    dump = repr(events.events)
    assert not any(secret in dump for secret in SECRETS)
    assert events.events[-2].kind == "abandon" and events.events[-2].reason == "cancel"


def test_a_changed_answer_drops_its_stale_translation(kit) -> None:
    flow, *_ = kit
    walk_to_review(flow, "nuisance_tip", "ar")
    text = flow.texts_to_translate()["description"]
    flow.edit("story")
    flow.answer("description", "something else")
    flow.set_translation("description", Translation(original=text, source_language="ar", dutch="oud"))
    flow.next()
    assert flow.texts_to_translate()["description"] == "something else"


def test_missing_translation_is_flagged_not_silent(kit) -> None:
    flow, outbox, *_ = kit
    walk_to_review(flow, "vandalism", "uk")
    flow.confirm_review()
    fill_step(flow, ANSWERS["vandalism"])
    flow.submit()
    translation = outbox.cases[0].translations["description"]
    assert translation.dutch is None and translation.reason == "not_translated"


def test_consent_must_be_given(kit) -> None:
    flow, outbox, *_ = kit
    walk_to_review(flow, "bike_theft", "en")
    flow.confirm_review()
    flow.answer("consent_truthful", False)
    flow.submit()
    assert flow.state.screen is Screen.CONSENT
    assert flow.state.errors["consent_truthful"].code == "not_accepted"
    assert outbox.cases == []


def test_a_call_from_the_middle_of_the_form_returns_to_that_step(kit) -> None:
    flow, *_ = kit
    flow.start()
    flow.choose_language("ar")
    flow.choose_triage("report")
    flow.choose_service("bike_theft")
    fill_step(flow, ANSWERS["bike_theft"])
    flow.next()
    assert flow.state.step_id == "when_where"
    flow.talk_to_officer()
    assert flow.state.screen is Screen.CALL
    assert flow.answers()["bike_brand"] == "Gazelle"  # the officer can see the intake so far
    flow.back()
    assert (flow.state.screen, flow.state.step_id) == (Screen.FORM, "when_where")
    flow.back()
    assert flow.state.step_id == "bike"


def test_a_call_chosen_at_triage_goes_back_to_triage(kit) -> None:
    flow, *_ = kit
    flow.start()
    flow.choose_language("nl")
    flow.choose_triage("call")
    assert flow.state.screen is Screen.CALL
    flow.back()
    assert flow.state.screen is Screen.TRIAGE
    flow.choose_triage("report")
    flow.choose_service("theft")
    flow.talk_to_officer()
    flow.finish()
    assert flow.state.screen is Screen.ATTRACT
    flow.start()
    flow.choose_language("nl")
    flow.choose_triage("call")
    flow.back()
    assert flow.state.screen is Screen.TRIAGE  # not the earlier session's form: nothing of it is remembered


def test_the_112_screen_asks_no_rating(kit) -> None:
    flow, _, events, _ = kit
    flow.start()
    flow.choose_language("ar")
    flow.choose_triage("emergency")
    with pytest.raises(FlowError):
        flow.to_rating()
    assert flow.finish().screen is Screen.ATTRACT
    assert "rating" not in events.kinds() and "abandon" not in events.kinds()


def test_the_112_card_on_the_attract_screen_opens_the_112_screen_in_the_language_it_showed(kit) -> None:
    flow, _, events, _ = kit
    state = flow.emergency("uk")
    assert (state.screen, state.language) == (Screen.EMERGENCY, "uk")
    assert events.kinds() == ["session_start"]
    assert flow.back().screen is Screen.LANGUAGE  # not a triage the resident never saw
    flow.choose_language("fa")
    flow.choose_triage("emergency")
    assert flow.back().screen is Screen.TRIAGE
    flow.cancel()
    with pytest.raises(UnknownLanguage):
        flow.emergency("xx")
    assert flow.state.screen is Screen.ATTRACT and events.kinds().count("session_start") == 1


def test_a_video_call_from_the_0900_screen_returns_there(kit) -> None:
    flow, *_ = kit
    flow.start()
    flow.choose_language("nl")
    flow.choose_triage("non_urgent")
    assert flow.talk_to_officer().screen is Screen.CALL
    assert flow.back().screen is Screen.NON_URGENT


def test_stopping_after_the_case_is_saved_is_no_abandon(kit) -> None:
    flow, outbox, events, _ = kit
    walk_to_review(flow, "nuisance_tip", "nl")
    assert not flow.case_saved
    flow.confirm_review()
    fill_step(flow, ANSWERS["nuisance_tip"])
    flow.submit()
    assert flow.case_saved and len(outbox.cases) == 1
    flow.cancel()
    assert flow.state.screen is Screen.ATTRACT and not flow.case_saved
    assert "abandon" not in events.kinds() and len(outbox.cases) == 1


def test_a_call_back_asks_a_number_and_is_sealed_like_a_case(kit) -> None:
    flow, outbox, events, _ = kit
    flow.start()
    flow.choose_language("uk")
    flow.choose_triage("call")
    assert "callback" not in [s.case_type for s in flow.services()]  # asked for on the call screen, not chosen
    state = flow.request_callback()
    assert (state.screen, state.case_type, state.step_id) == (Screen.FORM, "callback", "callback")
    assert flow.back().screen is Screen.CALL  # changed their mind: back to the call screen
    flow.request_callback()
    flow.answer("callback_phone", "067 123")
    assert flow.next().errors["callback_phone"].code == "invalid_phone"
    fill_step(flow, CALLBACK_ANSWERS)
    assert flow.next().screen is Screen.REVIEW
    flow.confirm_review()
    fill_step(flow, CALLBACK_ANSWERS)
    state = flow.submit()
    assert state.screen is Screen.RECEIPT and state.receipt is not None and state.receipt.kind.value == "callback"
    [payload] = outbox.cases
    assert (payload.case_type, payload.language) == ("callback", "uk")
    assert payload.answers["callback_phone"] == "+380671234567" and payload.answers["callback_time"] == "evening"
    assert "callback_topic" in payload.translations  # the officer reads what it is about in Dutch too
    assert [e.service for e in events.events if e.kind == "submit"] == ["callback"]  # counted, anonymously


def test_a_call_back_during_a_report_returns_to_the_report_with_nothing_lost(kit) -> None:
    flow, *_ = kit
    walk_to_review(flow, "theft", "ar")
    flow.talk_to_officer()
    state = flow.request_callback()
    assert (state.screen, state.case_type) == (Screen.REVIEW, "theft")
    assert flow.answer_of("description") == ANSWERS["theft"]["description"]


def test_a_call_from_the_receipt_carries_the_filed_report_and_returns_to_the_receipt(kit) -> None:
    from kiosk.call.intake import intake_summary
    from kiosk.text import default_fonts
    from kiosk.ui.strings import UiText

    flow, outbox, *_ = kit
    walk_to_review(flow, "theft", "ar")
    flow.confirm_review()
    fill_step(flow, ANSWERS["theft"])
    receipt = flow.submit().receipt
    assert receipt is not None
    flow.delivered(receipt.case_id, "K7M-4QP")
    assert flow.talk_to_officer().screen is Screen.CALL  # "talk to an officer now": identity checked in the call
    texts = UiText(default_assets_dir() / "locale", default_fonts())
    summary = intake_summary("ar", flow.schema, flow.answers(), flow.translations(), texts, filed=flow.state.receipt)
    assert (summary.case_id, summary.reference, summary.case_type) == (receipt.case_id, "K7M-4QP", "theft")
    assert summary.items  # the officer sees what was filed beside the video
    back = flow.back()
    assert back.screen is Screen.RECEIPT and back.receipt is not None and back.receipt.reference == "K7M-4QP"
    flow.talk_to_officer()
    state = flow.request_callback()  # nobody answered: a call-back is its own short form, the report stays filed
    assert (state.screen, state.case_type) == (Screen.FORM, "callback") and len(outbox.cases) == 1
