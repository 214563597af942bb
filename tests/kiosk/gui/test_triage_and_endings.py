"""What the triage promises and how a session ends, seen on the real screens: the 112 card and the 112 screen (no
rating after it), a video call offered where the kiosk tells the resident to talk to an officer, "Stoppen" after
the case was saved, and scrolling that counts as the resident's activity."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.session.states import Screen
from tests.kiosk.gui.conftest import ARTIFACTS, FakeClock, languages
from tests.kiosk.gui.driver import Driver, run_app
from tests.kiosk.gui.support import make_kit
from tests.kiosk.gui.test_screens import go
from tools.samples import ANSWERS, CALLBACK_ANSWERS

pytestmark = [pytest.mark.gui, pytest.mark.timeout(600)]


def test_the_112_card_opens_in_the_language_it_showed_when_pressed(make_app, kiosk_settings) -> None:
    """The card's greeting turns to the next language every 3 s; one that turns while the finger is down must not
    open the 112 screen in a language the resident did not see when pressing."""
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        from kivy.clock import Clock
        from kivy.tests.common import UnitTestTouch

        attract = d.call(lambda: app.screen("attract"))
        d.call(lambda: (Clock.unschedule(attract.next_language), setattr(attract, "cycle_lang", "fa")))
        card = d.find("attract.emergency")
        x, y = d.call(lambda: card.to_window(*card.center))
        finger = d.call(lambda: UnitTestTouch(x, y))
        d.call(finger.touch_down)
        d.call(attract.next_language)  # the greeting turns while the finger is down
        assert d.call(lambda: attract.cycle_lang) != "fa"
        d.call(finger.touch_up)
        d.frames(2)
        assert d.screen() == "emergency" and d.call(lambda: app.flow.state.language) == "fa"

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", languages("nl", "fa"))
def test_the_112_card_opens_the_112_screen_and_done_asks_no_rating(make_app, kiosk_settings, language) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        from kivy.clock import Clock

        attract = d.call(lambda: app.screen("attract"))
        # the card shows that language now and stays on it: its 3 s cycle runs on the wall clock, and a turn between
        # this step and the tap would show (and open) the next language
        d.call(lambda: (Clock.unschedule(attract.next_language), setattr(attract, "cycle_lang", language)))
        d.tap("attract.emergency")
        assert d.screen() == "emergency"
        assert d.call(lambda: app.flow.state.language) == language
        d.screenshot(f"{language}_40_emergency_from_attract")
        d.tap("nav.back")
        assert d.screen() == "language"  # the resident never saw a triage: they choose their language
        d.tap(f"language.{language}")
        assert d.has("triage.emergency.text")  # what counts as an emergency is said on the triage itself
        d.screenshot(f"{language}_41_triage")
        d.tap("triage.emergency")
        d.tap("nav.done")
        assert d.screen() == "end" and not d.has("rating.5")
        assert d.call(lambda: app.flow.state.screen) is Screen.ATTRACT

    run_app(app, steps, ARTIFACTS)
    kinds = [event.kind for event in kit.events()]
    assert "rating" not in kinds and "abandon" not in kinds


@pytest.mark.parametrize("language", languages("ar", "uk"))
def test_a_video_call_is_offered_on_the_0900_and_service_screens(make_app, kiosk_settings, language) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "non_urgent"))
        d.screenshot(f"{language}_42_non_urgent")
        d.tap("non_urgent.call")
        assert d.screen() == "call"
        go(d, ("back",))
        assert d.screen() == "non_urgent"
        go(d, ("back",), ("choose_triage", "tip"))
        d.screenshot(f"{language}_43_tips")
        for case_type in ("nuisance_tip", "suspicious_tip", "drugs_tip", "stolen_bike_seen_tip"):
            assert d.has(f"service.{case_type}")
        d.tap("service.call")
        assert d.screen() == "call"
        go(d, ("back",))
        assert d.screen() == "service"

    run_app(app, steps, ARTIFACTS)


def submit_a_tip(d: Driver, language: str) -> None:
    """Through the app's touches, as test_screens.go does: getting there by touch is the intake tests' job."""
    answers = ANSWERS["nuisance_tip"]
    touches, flow = d.app.touches, d.app.flow

    def fill_and_submit() -> None:
        touches.start()
        touches.choose_language(language)
        touches.choose_triage("tip")
        touches.choose_service("nuisance_tip")
        while flow.state.screen is Screen.FORM:
            for spec in flow.current_step().fields:
                if spec.id in answers:
                    touches.answer(spec.id, answers[spec.id])
            touches.next()
        touches.confirm_review()
        for spec in flow.current_step().fields:
            touches.answer(spec.id, answers[spec.id])
        touches.submit()

    d.call(fill_and_submit)
    d.frames(3)
    assert d.screen() == "receipt"


@pytest.mark.parametrize("language", languages("nl", "ar"))
def test_stopping_after_the_case_is_saved_does_not_say_nothing_is_sent(make_app, kiosk_settings, language) -> None:
    clock = FakeClock()
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services, clock=clock)

    def steps(d: Driver) -> None:
        submit_a_tip(d, language)
        ui = app.ui  # what, when (the kiosk's clock: 29-11-2026 12:00 UTC) and where, as the resident reported it
        assert d.text_of("receipt.what") == ui.text("receipt.what", language, kind=ui.text("kind.melding", language),
                                                    service=ui.text("service.nuisance_tip", language))
        assert d.text_of("receipt.when") == ui.text("receipt.when", language, date="29-11-2026", time="13:00")
        assert d.text_of("receipt.where") == ui.text("receipt.where", language, place="Emmen")
        assert not d.has("receipt.mail")  # nothing said about e-mail before the backend has said it mails
        case_id = d.call(lambda: app.flow.state.receipt.case_id)
        kit.sender.references[case_id] = "K7M-4QP"
        kit.sender.mailed.add(case_id)
        d.call(app.tick)
        assert d.text_of("receipt.mail") == ui.text("receipt.mail", language)
        d.screenshot(f"{language}_44a_receipt")
        clock.now += kiosk_settings.idle_warning_seconds
        d.call(app.tick)
        assert d.text_of("idle.seconds") == app.ui.text(
            "idle.text_sent", language, seconds=int(kiosk_settings.idle_extend_seconds))
        d.screenshot(f"{language}_44_idle_after_sending")
        d.tap("idle.extend")
        d.tap("tool.stop")
        assert not d.has("stop.confirm")  # no "everything is wiped, nothing goes to the police"
        assert d.screen() == "end"

    run_app(app, steps, ARTIFACTS)
    assert [case.case_type for case in kit.cases()] == ["nuisance_tip"]
    assert "abandon" not in [event.kind for event in kit.events()]


def test_scrolling_the_review_counts_as_activity(make_app, kiosk_settings) -> None:
    clock = FakeClock()
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services, clock=clock)
    warn = kiosk_settings.idle_warning_seconds

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", "ar"), ("choose_triage", "report"), ("choose_service", "theft"))
        answers = ANSWERS["theft"]

        def to_review() -> None:
            flow = app.flow
            while flow.state.screen is Screen.FORM:
                for spec in flow.current_step().fields:
                    if spec.id in answers:
                        app.touches.answer(spec.id, answers[spec.id])
                app.touches.next()

        d.call(to_review)
        d.frames(3)
        assert d.screen() == "review"
        screen: Any = d.call(lambda: app.screen("review"))
        x, y = d.call(lambda: screen.to_window(*screen.center))
        for _ in range(3):  # reading for longer than the warning takes, scrolling now and then
            clock.now += warn - 10
            d.call(app.tick)
            assert d.screen() == "review" and not d.has("idle.extend")
            d.drag(x, y, -120)
        clock.now += warn
        d.call(app.tick)
        assert d.screen() == "review" and d.has("idle.extend")  # with no touch at all the warning does come

    run_app(app, steps, ARTIFACTS)


class StillHandle:
    """A call handle that stays where the test puts it: the screen is shown CallViews one by one."""

    def __init__(self, call_id: str) -> None:
        self.call_id = call_id

    def hang_up(self) -> None:
        pass


@pytest.mark.parametrize("language", languages("nl", "ar"))
def test_waiting_for_an_officer_says_only_what_is_true(make_app, kiosk_settings, language: str) -> None:
    from kiosk.call.view import CallPhase, CallView

    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "call"))
        screen: Any = d.call(lambda: app.screen("call"))
        assert d.has("call.video_hint")  # the dark box says the officer will appear there
        d.screenshot(f"{language}_45_call_before")
        d.call(lambda: setattr(screen, "handle", StillHandle("c1")))

        def show(**view: Any) -> None:
            d.call(lambda: screen._show(CallView("c1", CallPhase.WAITING, **view)))
            d.frames(3)

        show(position=1, expected_wait_s=None, officers_online=0)
        assert d.call(lambda: screen.status_key) == "call.no_answer"  # not "an officer will answer soon"
        assert d.has("call.callback_button") and d.has("call.call_number")
        assert not d.has("call.queue_position") and not d.has("call.expected_wait")
        d.screenshot(f"{language}_46_call_nobody_online")

        show(position=2, expected_wait_s=None, officers_online=1)
        assert d.call(lambda: screen.status_key) == "call.waiting"
        assert d.text_of("call.queue_position") == app.ui.text("call.queue_position", language, position=2)
        assert not d.has("call.expected_wait")  # no call answered lately: no wait is made up
        assert not d.has("call.callback_button")

        show(position=2, expected_wait_s=150, officers_online=1)
        assert d.text_of("call.expected_wait") == app.ui.text("call.expected_wait", language, minutes=3)

        show(position=2, expected_wait_s=150, officers_online=1, no_answer=True)
        assert d.call(lambda: screen.status_key) == "call.no_answer"
        assert d.has("call.callback_button") and not d.has("call.expected_wait")

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", languages("uk", "fa"))
def test_call_me_back_by_touch(make_app, kiosk_settings, language: str) -> None:
    """Nobody can take the call: "Bel mij terug" asks the number (a foreign one too) and the time of day, and the
    receipt says an officer calls back; the request is sealed in the outbox like a case."""
    from tests.kiosk.gui.touches import fill_step

    kit = make_kit(kiosk_settings)  # no call service: nobody can answer
    clock = FakeClock()
    app = make_app(kiosk_settings, kit.services, clock=clock)

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "call"))
        d.tap("call.start")
        d.tap("call.callback_button")
        assert d.screen() == "form" and d.call(lambda: app.flow.state.case_type) == "callback"
        step = d.call(lambda: app.flow.current_step())
        fill_step(d, step.fields, {**CALLBACK_ANSWERS, "callback_phone": "+380 67 12"})
        d.tap("nav.next")
        assert d.text_of("error.callback_phone") == app.ui.text("error.invalid_phone", language)
        d.screenshot(f"{language}_47_callback_form_error")
        fill_step(d, step.fields, {"callback_phone": "34567"})  # the rest of the number, typed on
        d.tap("nav.next")
        assert d.screen() == "review", d.call(lambda: app.flow.state.errors)
        d.tap("review.confirm")
        step = d.call(lambda: app.flow.current_step())
        fill_step(d, step.fields, CALLBACK_ANSWERS)
        d.tap("submit")
        assert d.screen() == "receipt"
        assert d.has("receipt.next")
        assert d.text_of("receipt.next") == app.ui.text("receipt.next.callback", language)
        assert d.text_of("receipt.what") == app.ui.text("receipt.what", language,
                                                        kind=app.ui.text("kind.callback", language),
                                                        service=app.ui.text("service.callback", language))
        assert not d.has("receipt.where")  # a call-back has no place
        d.screenshot(f"{language}_48_callback_receipt")
        clock.now += kiosk_settings.idle_warning_seconds  # the idle warning says what was saved: a call-back request
        d.call(app.tick)
        assert d.text_of("idle.seconds") == app.ui.text(
            "idle.text_sent_callback", language, seconds=int(kiosk_settings.idle_extend_seconds))
        d.screenshot(f"{language}_49_idle_after_callback")
        assert not app.ui.missing, sorted(app.ui.missing)

    run_app(app, steps, ARTIFACTS)
    [case] = kit.cases()
    assert (case.case_type, case.language, case.answers["callback_phone"]) == ("callback", language, "+380671234567")


def test_the_top_bar_says_everything_on_one_line_in_every_language(make_app, kiosk_settings) -> None:
    """112, read aloud, text size, contrast and stop: a wrapped label in Persian and Ukrainian was cut off."""
    from kivy.core.text import Label as CoreLabel

    from kiosk.ui.widgets import KLabel

    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def line(label: Any) -> float:
        """The height of one line in the label's font: a word of its own text, alone."""
        one = CoreLabel(text=label.text.split()[0], font_name=label.font_name, font_size=label.font_size,
                        markup=label.markup)  # fmt: skip
        one.refresh()
        return float(one.texture.size[1])

    def steps(d: Driver) -> None:
        for code in kiosk_settings.languages:
            for contrast in (False, True):  # both texts of the contrast button
                go(d, ("start",), ("choose_language", code))
                if contrast:
                    d.call(app.toggle_contrast)
                    d.frames(2)

                def wrapped() -> list[str]:
                    bar = app.root.ids.top_bar.walk(restrict=True)
                    labels = [w for w in bar if isinstance(w, KLabel) and w.text]
                    assert len(labels) == 6, labels  # 112, its words, and the four buttons
                    return [w.text for w in labels if w.texture_size[1] - w.padding[1] - w.padding[3] > 1.5 * line(w)]

                assert d.call(wrapped) == [], (code, contrast)
                go(d, ("cancel",))

    run_app(app, steps, ARTIFACTS)
