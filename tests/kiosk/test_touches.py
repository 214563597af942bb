"""Touches, the typed way screens call the flow: every touch shows the state it leads to, the three special ones do
their extra first, and every touch the .kv rules name exists with the arguments they pass."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import kiosk
from domain.forms import FormCatalog, default_assets_dir
from kiosk.session.flow import FlowError, FlowState, Screen, SessionFlow
from kiosk.session.touches import Touches
from tests.kiosk.test_flow import NOW, FakeClock, RecordingEvents, RecordingOutbox, fill_step, walk_to_review
from tools.samples import ANSWERS


class RecordingStage:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def render(self, state: FlowState) -> None:
        self.calls.append(("render", state.screen))

    def language_chosen(self, language: str) -> None:
        self.calls.append(("language_chosen", language))

    def show_end(self) -> None:
        self.calls.append(("show_end", None))

    def submit_failed(self) -> None:
        self.calls.append(("submit_failed", None))


class BrokenOutbox(RecordingOutbox):
    def put_case(self, payload) -> None:
        raise OSError("disk full")


def make(forms: FormCatalog, outbox: RecordingOutbox | None = None) -> tuple[SessionFlow, Touches, RecordingStage]:
    flow = SessionFlow(forms, outbox or RecordingOutbox(), RecordingEvents(), FakeClock(), wall_clock=lambda: NOW)
    stage = RecordingStage()
    return flow, Touches(flow, stage), stage


@pytest.fixture(scope="module")
def forms() -> FormCatalog:
    return FormCatalog.load(default_assets_dir() / "forms")


def test_each_touch_shows_the_state_it_leads_to(forms: FormCatalog) -> None:
    flow, touches, stage = make(forms)
    assert touches.start().screen is Screen.LANGUAGE
    assert touches.choose_language("ar").screen is Screen.TRIAGE
    assert touches.choose_triage("tip").screen is Screen.SERVICE
    assert touches.choose_service("nuisance_tip").screen is Screen.FORM
    touches.answer("nuisance_kind", "noise")
    touches.back()
    assert stage.calls == [("render", Screen.LANGUAGE), ("language_chosen", "ar"), ("render", Screen.TRIAGE),
                           ("render", Screen.SERVICE), ("render", Screen.FORM), ("render", Screen.FORM),
                           ("render", Screen.SERVICE)]
    assert flow.state.screen is Screen.SERVICE


@pytest.mark.parametrize("ending", ["rate", "finish"])
def test_rating_and_finishing_start_the_thank_you_screen_before_showing(forms: FormCatalog, ending: str) -> None:
    _, touches, stage = make(forms)
    touches.start()
    touches.choose_language("nl")
    touches.choose_triage("non_urgent")
    touches.to_rating()
    stage.calls.clear()
    state = touches.rate(4) if ending == "rate" else touches.finish()
    assert state.screen is Screen.ATTRACT
    assert stage.calls == [("show_end", None), ("render", Screen.ATTRACT)]


def test_a_submit_the_outbox_cannot_store_keeps_the_answers(forms: FormCatalog, caplog) -> None:
    flow, touches, stage = make(forms, BrokenOutbox())
    walk_to_review(flow, "nuisance_tip", "nl")
    touches.confirm_review()
    fill_step(flow, ANSWERS["nuisance_tip"])
    stage.calls.clear()
    state = touches.submit()
    assert state.screen is Screen.CONSENT and flow.answers()
    assert stage.calls == [("submit_failed", None)]
    assert "submit failed: OSError" in caplog.text and "disk full" not in caplog.text


def test_other_refusals_reach_the_caller_and_show_nothing(forms: FormCatalog) -> None:
    _, touches, stage = make(forms)
    with pytest.raises(FlowError):
        touches.next()
    assert stage.calls == []


def test_each_touch_has_its_flow_methods_name_and_parameters() -> None:
    for name, method in inspect.getmembers(Touches, inspect.isfunction):
        if not name.startswith("_"):
            assert inspect.signature(method) == inspect.signature(getattr(SessionFlow, name)), name


def test_every_touch_a_kv_rule_names_exists_with_the_arguments_it_passes() -> None:
    """mypy does not read .kv files: this is their check."""
    seen = set()
    for path in sorted((Path(kiosk.__file__).parent / "screens").glob("*.kv")):
        text = path.read_text(encoding="utf-8")
        assert "app.act(" not in text, path.name
        for name, args in re.findall(r"\btouches\.(\w+)\(([^()]*)\)", text):
            method = getattr(Touches, name, None)
            assert method is not None and not name.startswith("_"), f"{path.name}: touches.{name}"
            passed = [a for a in args.split(",") if a.strip()]
            inspect.signature(method).bind(None, *passed)  # TypeError when the count is wrong
            seen.add(name)
    assert {"back", "submit", "choose_triage", "extend"} <= seen
