"""Signing the statement during a call, on the real app under Xvfb: the officer's statement takes the chat's place,
the resident reads it (and has it read aloud), signs on the pad with a finger, or refuses with one more touch.

The call is a stand-in handle (the call itself, the data channel and the sealing are tested in
tests/kiosk/call/test_signature.py): the screen is shown the CallViews a session makes, and what the resident
answered is recorded as `CallHandle.sign_statement` would receive it."""

from __future__ import annotations

import concurrent.futures
import uuid
from dataclasses import replace
from typing import Any

import pytest
from PIL import Image

from domain.statement import Addition, Statement, StatementLine, Stroke, check_strokes
from kiosk.call.view import CallPhase, CallView
from tests.kiosk.gui.conftest import ARTIFACTS, languages
from tests.kiosk.gui.driver import Driver, run_app
from tests.kiosk.gui.support import RecordingSpeaker, make_kit
from tests.kiosk.gui.test_screens import go

pytestmark = pytest.mark.gui

DUTCH = (
    ("Wat is er gebeurd?", "Mijn fiets is gestolen bij het station. Het slot was doorgeknipt.", True),
    ("Soort fiets", "Stadsfiets", False),
    ("Merk", "Gazelle", False),
    ("Wanneer was het?", "28 november 2026, 18:00 – 19:30", False),
    ("Waar was het?", "Stationsplein 1, 3511 CE Utrecht", False),
    ("Wat is de waarde?", "€ 450", False),
)
DECLARATION_NL = ("Ik verklaar dat ik dit naar waarheid heb verteld. Ik weet dat een valse aangifte strafbaar is. "
                  "Ik heb deze verklaring gelezen (of laten voorlezen) en onderteken haar.")  # fmt: skip
# The same statement in the resident's language, as the backend composes it: their own words, the questions and
# choices from the catalog; a brand, an address and an amount stay as they are.
RESIDENT = {
    "ar": ((("ماذا حدث؟", "سرقت دراجتي عند المحطة. القفل كان مقطوعا."), ("نوع الدراجة", "دراجة للمدينة"),
            ("الماركة", "Gazelle"), ("متى حدث ذلك؟", "28 نوفمبر 2026، 18:00 – 19:30"),
            ("أين حدث ذلك؟", "Stationsplein 1, 3511 CE Utrecht"), ("ما قيمتها؟", "€ 450")),
           "أقر بأنني قلت الحقيقة. أعرف أن البلاغ الكاذب يعاقب عليه القانون. "
           "قرأت هذه الإفادة (أو قرئت لي) وأوقع عليها."),
    "fa": ((("چه اتفاقی افتاد؟", "دوچرخه‌ام را کنار ایستگاه دزدیدند. قفل را بریده بودند."),
            ("نوع دوچرخه", "دوچرخه شهری"), ("مارک", "Gazelle"), ("کی اتفاق افتاد؟", "28 نوامبر 2026، 18:00 – 19:30"),
            ("کجا اتفاق افتاد؟", "Stationsplein 1, 3511 CE Utrecht"), ("ارزش آن چقدر است؟", "€ 450")),
           "اعلام می‌کنم که حقیقت را گفته‌ام. می‌دانم که گزارش دروغ جرم است. "
           "این اظهارات را خوانده‌ام (یا برایم خوانده شده) و آن را امضا می‌کنم."),
    "uk": ((("Що сталося?", "Мій велосипед вкрали біля вокзалу. Замок був перерізаний."),
            ("Тип велосипеда", "Міський велосипед"), ("Марка", "Gazelle"),
            ("Коли це сталося?", "28 листопада 2026, 18:00 – 19:30"),
            ("Де це сталося?", "Stationsplein 1, 3511 CE Utrecht"), ("Яка вартість?", "€ 450")),
           "Я заявляю, що сказав правду. Я знаю, що неправдива заява карається законом. Я прочитав цю заяву "
           "(або мені її прочитали) і підписую її."),
}  # fmt: skip


def statement_in(language: str) -> Statement:
    own, declaration = RESIDENT.get(language, ([(label, value) for label, value, _ in DUTCH], DECLARATION_NL))
    lines = tuple(StatementLine(label_nl, value_nl, label, value, machine and language != "nl")
                  for (label_nl, value_nl, machine), (label, value) in zip(DUTCH, own, strict=True))  # fmt: skip
    return Statement(str(uuid.uuid4()), str(uuid.uuid4()), "K7M-4QP", language, lines, DECLARATION_NL, declaration)


# What the officer added in the call, in Dutch; the first as the call translated it into the resident's language
# (kiosk/call/records.py), the second one the translator had nothing for.
ADDED_NL = ("Het slot was niet doorgeknipt maar opengebroken.", "Er stond een getuige bij de fietsenstalling.")
ADDED = {"ar": "لم يُقطع القفل، بل كُسر.", "fa": "قفل بریده نشده بود، بلکه شکسته شده بود.",
         "uk": "Замок не перерізали, а зламали."}  # fmt: skip


def with_additions(language: str) -> Statement:
    """The statement as the session shows it: a Dutch resident reads the officer's Dutch as it is."""
    first = Addition(ADDED_NL[0], ADDED[language], True) if language in ADDED else Addition(ADDED_NL[0])
    return replace(statement_in(language), additions=(first, Addition(ADDED_NL[1])))


class SigningHandle:
    """The screen's grip on a call that stays where the test puts it. `sign_statement` records what it is given
    and answers with the next of `sealed`; once sealed, the screen is shown the view the session then makes."""

    def __init__(self, screen: Any, sealed: list[bool]) -> None:
        self.call_id = "c1"
        self.screen = screen
        self.sealed = sealed
        self.asked: list[tuple[Stroke, ...] | None] = []
        self.view = CallView("c1", CallPhase.CONNECTED)

    def sign_statement(self, strokes: tuple[Stroke, ...] | None) -> concurrent.futures.Future[bool]:
        self.asked.append(strokes)
        future: concurrent.futures.Future[bool] = concurrent.futures.Future()
        ok = self.sealed.pop(0)
        if ok:  # as CallSession does: the view says what became of it, then the call answers True
            self.view = replace(self.view, statement_answer="signed" if strokes is not None else "refused")
            self.screen._view_arrived(self.view)
        future.set_result(ok)
        return future

    def hang_up(self) -> None:
        pass

    def show(self, d: Driver, **changes: Any) -> None:
        self.view = replace(self.view, **changes)
        d.call(lambda: self.screen._show(self.view))
        d.frames(3)


def start(d: Driver, app: Any, language: str, sealed: list[bool]) -> tuple[Any, SigningHandle, Statement]:
    """On the call screen with an officer on the line, who sends the statement."""
    go(d, ("start",), ("choose_language", language), ("choose_triage", "call"))
    screen = d.call(lambda: app.screen("call"))
    handle = SigningHandle(screen, sealed)
    d.call(lambda: setattr(screen, "handle", handle))
    handle.show(d)
    assert d.has("call.chat") and not d.has("sign.panel")
    statement = statement_in(language)
    handle.show(d, statement=statement)
    assert d.has("sign.panel") and not d.has("call.chat")
    assert d.has("call.end")  # the resident can still end the call
    return screen, handle, statement


def on_pad(d: Driver, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points given in 0..1 of the pad (y from the top) as window coordinates."""
    pad = d.find("sign.pad")
    (x, y), (width, height) = d.call(lambda: (pad.to_window(pad.x, pad.y), tuple(pad.size)))
    return [(x + fx * width, y + (1 - fy) * height) for fx, fy in points]


WAVE = [(0.12 + 0.05 * i, 0.55 - 0.15 * (-1) ** i) for i in range(10)]  # a scribble, left to right
UNDERLINE = [(0.2, 0.8), (0.4, 0.78), (0.6, 0.8), (0.8, 0.79)]


@pytest.mark.parametrize("language", languages("ar"))  # nl, fa and uk too when pictures are wanted
def test_the_resident_reads_the_statement_and_signs_it_by_touch(make_app, kiosk_settings, language: str) -> None:
    speaker = RecordingSpeaker()
    kit = make_kit(kiosk_settings, speaker=speaker)
    app = make_app(kiosk_settings, kit.services)
    texts = lambda key: app.ui.text(key, language)  # noqa: E731

    def steps(d: Driver) -> None:
        screen, handle, statement = start(d, app, language, sealed=[False, True])
        assert d.text_of("call.title") == texts("sign.title")
        for number, line in enumerate(statement.lines):
            assert d.text_of(f"sign.value.{number}") == line.value
        assert d.text_of("sign.declaration") == statement.declaration
        if language == "nl":  # the Dutch is what they read: not twice
            assert not d.has("sign.dutch.0") and not d.has("sign.machine.0")
        else:  # under their words the Dutch the police files, the machine translation marked
            assert d.text_of("sign.dutch.0") == f"{DUTCH[0][0]} {DUTCH[0][1]}"  # a question: no colon after it
            assert d.has("sign.machine.0") and not d.has("sign.machine.1")
        assert not d.has("sign.sign") and not d.has("sign.clear")  # nothing drawn: nothing to sign or wipe
        d.screenshot(f"sign_01_statement_{language}")
        d.tap("tool.large_text")  # larger text: the declaration grows, the pad keeps room to sign on
        pad = d.find("sign.pad")
        d.screenshot(f"sign_01b_large_text_{language}")
        assert d.call(lambda: pad.height) >= 90, d.call(lambda: pad.height)  # 800 px high: the declaration scrolls
        d.tap("tool.large_text")

        d.tap("tool.read_aloud")
        said, spoken_in = speaker.said[-1]
        assert spoken_in == language and said.startswith(texts("sign.title"))
        assert statement.lines[0].value in said and statement.declaration in said
        assert texts("sign.pad_hint") in said
        if language != "nl":
            assert DUTCH[0][1] not in said  # the Dutch is for the police, not read in the resident's voice

        d.stroke(on_pad(d, [(0.5, 0.2), (0.6, 0.3), (0.7, 0.2)]))  # a slip of the finger, wiped
        assert d.has("sign.sign")
        d.tap("sign.clear")
        assert not d.has("sign.sign") and not d.has("sign.clear")

        d.stroke(on_pad(d, WAVE))
        d.stroke(on_pad(d, UNDERLINE))
        shot = d.screenshot(f"sign_02_signed_{language}")
        if shot is not None:  # the ink is on the pad where the finger went
            (x, y), = on_pad(d, [WAVE[3]])
            with Image.open(shot) as image:
                rgb = image.convert("RGB")
                assert sum(rgb.getpixel((round(x), rgb.height - 1 - round(y)))) < 200, "no ink under the finger"

        d.tap("sign.sign")  # the first time sealing fails: the panel says so and keeps the signature
        assert d.wait_for(lambda: screen._panel.message_key == "sign.failed")
        assert d.text_of("sign.message") == texts("sign.failed") and d.has("sign.sign")
        d.screenshot(f"sign_03_failed_{language}")
        d.tap("sign.sign")
        assert d.wait_for(lambda: not d.shown_now("sign.panel")), "the panel stays after signing"
        assert d.text_of("call.sign_note") == texts("sign.sent") and d.has("call.chat")
        assert d.text_of("call.title") == texts("call.title")
        d.screenshot(f"sign_04_sent_{language}")

        first, second = handle.asked
        assert first == second, "signing again sends the same signature"
        assert second is not None and check_strokes(second) == second
        wave, underline = second
        assert len(wave) >= len(WAVE) - 1 and len(underline) >= 3  # the finger's points, in drawing order
        for (fx, fy), (gx, gy) in ((wave[0], WAVE[0]), (wave[-1], WAVE[-1]), (underline[-1], UNDERLINE[-1])):
            assert abs(fx - gx) < 0.02 and abs(fy - gy) < 0.02, ((fx, fy), (gx, gy))  # y from the top

        handle.show(d, statement_answer="")  # a late view of the same statement does not bring it back
        assert not d.has("sign.panel")

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", languages("fa"))
def test_refusing_to_sign_takes_one_more_touch(make_app, kiosk_settings, language: str) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)
    texts = lambda key: app.ui.text(key, language)  # noqa: E731

    def steps(d: Driver) -> None:
        _screen, handle, _statement = start(d, app, language, sealed=[True])
        d.tap("sign.refuse")
        assert handle.asked == []  # not yet: asked whether they are sure
        assert d.text_of("sign.message") == texts("sign.refuse_confirm")
        assert d.has("sign.refuse_yes") and d.has("sign.refuse_no") and not d.has("sign.refuse")
        d.screenshot(f"sign_05_refuse_confirm_{language}")
        d.tap("sign.refuse_no")
        assert handle.asked == [] and d.has("sign.refuse") and not d.has("sign.refuse_yes")
        d.tap("sign.refuse")
        d.tap("sign.refuse_yes")
        assert handle.asked == [None]
        assert d.wait_for(lambda: not d.shown_now("sign.panel")), "the panel stays after refusing"
        assert d.text_of("call.sign_note") == texts("sign.refused")
        d.screenshot(f"sign_06_refused_{language}")

        handle.show(d, statement=statement_in(language), statement_answer="")  # the officer sends a new one
        assert d.has("sign.panel") and not d.has("call.sign_note")
        handle.show(d, phase=CallPhase.ENDED)  # the call ends before it is signed: the statement goes
        assert not d.has("sign.panel")

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", languages("ar"))  # nl, fa and uk too when pictures are wanted
def test_the_resident_is_told_when_the_officer_photographs_the_id_and_whether_it_is_kept(
    make_app, kiosk_settings, language: str
) -> None:
    kit = make_kit(kiosk_settings)
    app = make_app(kiosk_settings, kit.services)
    texts = lambda key: app.ui.text(key, language)  # noqa: E731

    def steps(d: Driver) -> None:
        go(d, ("start",), ("choose_language", language), ("choose_triage", "call"))
        screen = d.call(lambda: app.screen("call"))
        handle = SigningHandle(screen, [])
        d.call(lambda: setattr(screen, "handle", handle))
        handle.show(d)
        assert not d.has("call.photo")
        for state, key in (("taken", "call.photo_taken"), ("discarded", "call.photo_discarded"),
                           ("taken", "call.photo_taken"), ("saved", "call.photo_saved")):  # fmt: skip
            handle.show(d, document_photo=state)
            assert d.text_of("call.photo") == texts(key) and d.has("call.chat")
            d.screenshot(f"call_photo_{state}_{language}")
        handle.show(d, statement=statement_in(language))  # the statement takes the chat's place, notes and all
        assert d.has("sign.panel") and not d.has("call.photo")

    run_app(app, steps, ARTIFACTS)


@pytest.mark.parametrize("language", languages("ar", "nl"))
def test_the_officers_additions_are_in_the_residents_language_with_the_dutch_under_them(
    make_app, kiosk_settings, language: str
) -> None:
    speaker = RecordingSpeaker()
    kit = make_kit(kiosk_settings, speaker=speaker)
    app = make_app(kiosk_settings, kit.services)
    texts = lambda key: app.ui.text(key, language)  # noqa: E731

    def steps(d: Driver) -> None:
        screen, handle, _plain = start(d, app, language, sealed=[])
        statement = with_additions(language)
        handle.show(d, statement=statement)  # the officer added two things: the session sends it again
        assert d.text_of("sign.additions") == texts("sign.additions")
        if language == "nl":  # their own language: once, no notes
            assert [d.text_of(f"sign.addition.{n}") for n in (0, 1)] == list(ADDED_NL)
            assert not any(d.has(f"sign.addition_{part}.{n}") for part in ("machine", "dutch", "untranslated")
                           for n in (0, 1))  # fmt: skip
        else:  # translated and marked so, the Dutch under it; the other in Dutch, saying there is no translation
            assert d.text_of("sign.addition.0") == ADDED[language] and d.has("sign.addition_machine.0")
            assert d.text_of("sign.addition_dutch.0") == ADDED_NL[0] and not d.has("sign.addition_untranslated.0")
            assert d.text_of("sign.addition.1") == ADDED_NL[1] and not d.has("sign.addition_dutch.1")
            assert d.text_of("sign.addition_untranslated.1") == texts("call.caption_untranslated")
            assert not d.has("sign.addition_machine.1")
            shown, dutch = d.find("sign.addition.0"), d.find("sign.addition.1")
            assert d.call(lambda: (shown.text_lang, dutch.text_lang)) == (language, "nl")  # font and direction
        additions = d.find("sign.additions")
        assert d.call(lambda: additions.halign) == ("right" if language in ("ar", "fa") else "left")
        scroll = d.call(lambda: screen._panel.ids.statement_scroll)
        d.call(lambda: setattr(scroll, "scroll_y", 0))  # down to the last: what the officer added
        d.screenshot(f"sign_07_additions_{language}")

        d.tap("tool.read_aloud")  # in their language: for the untranslated one the note, never the officer's Dutch
        said, _spoken_in = speaker.said[-1]
        assert texts("sign.additions") in said
        assert said.index(statement.lines[0].value) < said.index(texts("sign.additions")) < said.index(
            statement.declaration)
        if language == "nl":
            assert all(text in said for text in ADDED_NL)
        else:
            assert ADDED[language] in said and texts("call.caption_untranslated") in said
            assert not any(text in said for text in ADDED_NL)
        d.tap("tool.large_text")  # larger text: the pad keeps room to sign on
        pad = d.find("sign.pad")
        assert d.call(lambda: pad.height) >= 90, d.call(lambda: pad.height)
        d.call(lambda: setattr(scroll, "scroll_y", 0))
        d.screenshot(f"sign_07b_additions_large_text_{language}")

    run_app(app, steps, ARTIFACTS)
