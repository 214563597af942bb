"""The on-screen keyboard per script and per field: the language's own letters for text, a number pad for
amounts and phone numbers, Latin letters for codes; the switch key between alphabets."""

from __future__ import annotations

import pytest

from tests.kiosk.gui.conftest import ARTIFACTS, languages
from tests.kiosk.gui.driver import Driver, run_app
from tests.kiosk.gui.support import make_kit

pytestmark = [pytest.mark.gui, pytest.mark.timeout(600)]

# language -> keys the text keyboard must show on its first page, and characters its other pages offer
OWN_LETTERS = {
    "nl": (["key.q", "key.a", "key.shift"], "éëï"),
    "tr": (["key.q", "key.a"], "şğıİç"),
    "pl": (["key.q", "key.a"], "ąćęłńóśźż"),
    "de": (["key.q", "key.a"], "äöüß"),
    "fr": (["key.q", "key.a"], "àçéèêëîïôûœ"),
    "es": (["key.q", "key.a"], "ñáéíóú¿¡"),
    "ar": (["key.ض", "key.ش", "key.switch"], "٠١٢"),
    "fa": (["key.zwnj", "key.switch"], "پچژگک"),
    "uk": (["key.switch"], "їєґі"),
}


@pytest.mark.parametrize("language", list(OWN_LETTERS))
def test_text_fields_get_the_languages_own_letters(make_app, kiosk_settings, language: str) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)
    keys, elsewhere = OWN_LETTERS[language]

    def steps(d: Driver) -> None:
        for call in (("start",), ("choose_language", language), ("choose_triage", "tip"),
                     ("choose_service", "nuisance_tip")):
            d.call(lambda call=call: getattr(app.touches, call[0])(*call[1:]))
        d.frames(3)  # let the form lay itself out before touching it
        d.tap("input.where_details")
        for tag in keys:
            assert d.appears(tag), tag
        model = d.call(lambda: app.current_screen().ids.keyboard.model)
        assert set(elsewhere) <= model.layout.characters() | {c.upper() for c in model.layout.characters()}
        if language in ("nl", "ar", "fa", "uk"):
            d.screenshot(f"{language}_40_keyboard_text")

    run_app(app, steps, ARTIFACTS)


def test_amounts_and_phone_numbers_get_a_number_pad(make_app, kiosk_settings) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        for call in (("start",), ("choose_language", "ar"), ("choose_triage", "report"),
                     ("choose_service", "vandalism")):
            d.call(lambda call=call: getattr(app.touches, call[0])(*call[1:]))
        d.tap("input.damage_estimate")
        assert all(d.has(f"key.{digit}") for digit in "0123456789") and d.has("key.,")
        assert not d.has("key.a") and not d.has("key.ض")
        d.screenshot("ar_41_keyboard_number_pad")
        d.type_text("1250,50")
        assert d.call(lambda: app.flow.answer_of("damage_estimate")) == "1250,50"
        d.tap("key.backspace")
        assert d.call(lambda: app.flow.answer_of("damage_estimate")) == "1250,5"

    run_app(app, steps, ARTIFACTS)


def test_arabic_text_is_typed_in_logical_order_and_latin_through_the_switch(make_app, kiosk_settings) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)

    def steps(d: Driver) -> None:
        for call in (("start",), ("choose_language", "ar"), ("choose_triage", "tip"),
                     ("choose_service", "nuisance_tip")):
            d.call(lambda call=call: getattr(app.touches, call[0])(*call[1:]))
        d.tap("input.where_details")
        d.type_text("قرب Jumbo")
        assert d.call(lambda: app.flow.answer_of("where_details")) == "قرب Jumbo"
        box = d.find("input.where_details")
        shown = d.call(lambda: box.text)
        assert "Jumbo" in shown and "\ufe8e" not in "قرب"  # display is shaped; the answer above is not
        assert any(0xFE70 <= ord(ch) <= 0xFEFF for ch in shown)
        d.screenshot("ar_42_keyboard_latin_switch")

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", [code for code in languages("fa", "uk") if code != "nl"])  # nl has no switch
def test_a_name_opens_the_latin_keys_with_the_own_script_one_switch_away(make_app, kiosk_settings, language) -> None:
    """The officer must match the name to an ID document: Latin letters first, the hint says so, and a resident
    who can only write their own script still can."""
    from tools.samples import ANSWERS

    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)
    answers = ANSWERS["nuisance_tip"]

    def steps(d: Driver) -> None:
        def to_contact_step() -> None:
            touches, flow = app.touches, app.flow
            for call in (("start",), ("choose_language", language), ("choose_triage", "tip"),
                         ("choose_service", "nuisance_tip")):
                getattr(touches, call[0])(*call[1:])
            while flow.state.step_id != "contact_optional":
                for spec in flow.current_step().fields:
                    if spec.id in answers:
                        touches.answer(spec.id, answers[spec.id])
                touches.next()

        d.call(to_contact_step)
        d.frames(3)
        assert d.has("as_on_id.tip_name")
        d.tap("input.tip_name")
        assert d.call(lambda: app.current_screen().ids.keyboard.model.layout.name) == "latin"
        assert d.appears("key.q") and d.has("key.switch")
        d.screenshot(f"{language}_49_name_on_latin_keys")
        d.tap("key.switch")
        assert d.call(lambda: app.current_screen().ids.keyboard.model.layout.name) != "latin"

    run_app(app, steps, ARTIFACTS)
