"""The review screen over the real ArgosTranslator: tiny real Argos packages (phrase books built from numpy
weights by the translation tests' builder) installed with `python -m kiosk models install`; Arabic goes to Dutch
through English, the translation arrives on the worker thread and is shown marked as machine translated; text the
models cannot handle is flagged, not hidden."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from domain.forms import default_assets_dir
from tests.kiosk.gui.conftest import ARTIFACTS, FakeClock
from tests.kiosk.gui.driver import Driver, run_app, scroll_into_view
from tests.kiosk.gui.support import make_kit
from tools.argos_models import build_phrase_book
from tools.backend_process import REPO
from tools.phrase_books import BOOKS, PINS, STOLEN

pytestmark = [pytest.mark.gui, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("argos")
    for book in BOOKS:
        build_phrase_book(book, root / "stick")
    # the shipped assets, with pins for the phrase books instead of the published Argos versions
    assets = root / "assets"
    (assets / "translation").mkdir(parents=True)
    for part in ("forms", "locale", "fonts", "keyboards"):
        (assets / part).symlink_to(default_assets_dir() / part)
    (assets / "translation" / "pins.json").write_text(json.dumps(PINS), encoding="utf-8")
    environment = {**os.environ, "POLITIELOKET_KIOSK_LANGUAGES": "nl,en,ar",  # the languages the books cover
                   "POLITIELOKET_KIOSK_ASSETS_DIR": str(assets),
                   "POLITIELOKET_KIOSK_CAPTIONS_MODEL": ""}  # no speech model: calls without captions
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(root / "kiosk"), "--models-dir", str(root / "models"),
         "models", "install", str(root / "stick")],
        cwd=REPO, capture_output=True, text=True, timeout=300, env=environment,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return root / "models"


def test_arabic_answer_is_machine_translated_through_english(make_app, kiosk_settings, models_dir: Path) -> None:
    from kiosk.translation.argos_translator import ArgosTranslator

    settings = replace(kiosk_settings, models_dir=models_dir, translation_warm_languages=("ar",))
    translator = ArgosTranslator(settings)
    kit = make_kit(settings, translator=translator)
    kit.services.start = lambda: translator.start() and None
    kit.services.session_ended = translator.forget
    app = make_app(settings, kit.services, clock=FakeClock())  # warm-up may outlast the idle timeout here

    def steps(d: Driver) -> None:
        when = {"start": "2026-11-20T22:00:00+01:00"}
        for call in (("start",), ("choose_language", "ar"), ("choose_triage", "tip"),
                     ("choose_service", "nuisance_tip"), ("answer", "nuisance_kind", "noise"),
                     ("answer", "when", when), ("answer", "where", {"city": "Emmen"})):
            d.call(lambda call=call: getattr(app.touches, call[0])(*call[1:]))
        d.tap("input.where_details")
        d.type_text("قرب المحطة")  # not in the phrase book: the model gives nothing
        d.tap("keyboard.hide")
        d.tap("nav.next")
        d.tap("input.description")
        d.enter_text(STOLEN["ar"])
        d.tap("keyboard.hide")
        d.tap("nav.next")
        d.tap("nav.next")  # the optional contact step
        assert d.screen() == "review"
        # the worker thread answers; the app redraws the review when it does
        tags = ("review.dutch.description", "review.unavailable.where_details")
        assert d.wait_for(lambda: all(d.shown_now(tag) for tag in tags), 120)
        assert d.text_of("review.dutch.description") == STOLEN["nl"]
        assert d.text_of("review.machine.description") == app.ui.text("review.pivot", "ar")
        assert not d.has("review.low_confidence.description")
        assert d.has("review.unavailable.where_details")
        widget = d.find("review.machine.description")
        d.call(lambda: scroll_into_view(widget))
        d.screenshot("ar_06c_review_argos_translation")
        d.tap("review.confirm")
        d.tap("consent.consent_truthful")
        d.tap("submit")
        assert d.screen() == "receipt"

    try:
        run_app(app, steps, ARTIFACTS)
    finally:
        translator.close()
    [case] = kit.cases()
    translation = case.translations["description"]
    assert translation.dutch == STOLEN["nl"] and translation.pivot == "en" and not translation.low_confidence
    assert [(hop.source, hop.target) for hop in translation.hops] == [("ar", "en"), ("en", "nl")]
    assert case.translations["where_details"].low_confidence


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_a_language_without_a_model_is_told_at_the_first_free_text_field(
    make_app, kiosk_settings, models_dir: Path, language: str
) -> None:
    """Over the real ArgosTranslator: the phrase books cover Arabic (through English) but not Persian, so a
    Persian resident learns it before writing, with what to do instead; an Arabic one is not told so."""
    from kiosk.translation.argos_translator import ArgosTranslator

    settings = replace(kiosk_settings, models_dir=models_dir, translation_warm_languages=())
    translator = ArgosTranslator(settings)
    kit = make_kit(settings, translator=translator)
    app = make_app(settings, kit.services, clock=FakeClock())

    def steps(d: Driver) -> None:
        translator.start().result(timeout=120)  # the installed packages are known
        assert translator.covers("ar") is True and translator.covers("fa") is False
        for call in (("start",), ("choose_language", language), ("choose_triage", "tip"),
                     ("choose_service", "nuisance_tip")):
            d.call(lambda call=call: getattr(app.touches, call[0])(*call[1:]))
        d.frames(3)
        assert d.has("form.no_translation") == (language == "fa")
        if language == "fa":
            assert d.text_of("form.no_translation") == app.ui.text("translation.no_model_field", "fa")
            warning = d.find("form.no_translation")
            d.call(lambda: scroll_into_view(warning))
            d.screenshot("fa_53_no_model_at_the_first_free_text")

    try:
        run_app(app, steps, ARTIFACTS)
    finally:
        translator.close()
