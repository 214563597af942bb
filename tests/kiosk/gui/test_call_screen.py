"""The call screen on the real app under Xvfb: the resident taps "talk to an officer", the officer (an aiortc
peer signed in to a real backend process) answers, and the officer's picture and words appear on the screen.
Loopback only: ICE host candidates on 127.0.0.1, no STUN."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from domain.chat import Caption, CaptionsSwitch
from kiosk.call.chat import NoTranslator
from kiosk.call.service import CallService
from kiosk.captions.engines import CaptionEnginesLoader
from kiosk.captions.speech_models import SpeechModels, write_archive
from kiosk.settings import Settings
from tests.call.aiortc_officer import AiortcOfficer
from tests.kiosk.gui.conftest import ARTIFACTS, languages
from tests.kiosk.gui.driver import Driver, run_app
from tests.kiosk.gui.support import make_kit
from tools.backend_process import REPO, BackendProcess
from tools.call_translator import OFFICER_SAYS, OFFICER_SAYS_IN_ARABIC, RESIDENT_SAYS, phrase_book_translator
from tools.speech_audio import silence, speech, write_wav
from tools.whisper_models import build_phrase_whisper

pytestmark = [pytest.mark.gui, pytest.mark.timeout(600)]

OFFICER, PASSWORD = "agent.de.vries", "correct horse battery staple"
GREETING = "Goedemiddag, waar kan ik u mee helpen?"


def until(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


@pytest.fixture
def backend(tmp_path: Path) -> Any:
    process = BackendProcess(tmp_path / "backend")
    token = process.add_kiosk()
    subprocess.run(process._command("add-user", OFFICER, "--role", "officer"), input=PASSWORD + "\n", text=True,
                   cwd=REPO, check=True, capture_output=True)  # fmt: skip
    process.start()
    yield process, token
    process.stop()


def run_call(app: Any, steps: Callable[[Driver], None], officers: list[AiortcOfficer], calls: CallService) -> None:
    """The app through `steps`; then the officers sign off and the kiosk's calls stop, whatever happened."""
    try:
        run_app(app, steps, ARTIFACTS)
    finally:
        for officer in officers:
            officer.close()
        calls.close()


def colour_at(picture: Path, x: float, y: float) -> tuple[int, int, int]:
    """The screenshot's pixel at Kivy window coordinates (origin bottom left)."""
    with Image.open(picture) as image:
        rgb = image.convert("RGB")
        red, green, blue = rgb.getpixel((round(x), rgb.height - 1 - round(y)))
        return red, green, blue


def test_the_officer_appears_on_the_kiosk_screen(
    make_app: Callable[..., Any], kiosk_settings: Settings, backend: Any
) -> None:
    process, token = backend
    settings = replace(kiosk_settings, backend_url=process.url, kiosk_token=token,
                       call_host_addresses=("127.0.0.1",), call_test_media=True)  # fmt: skip
    kit = make_kit(settings)
    kit.services.calls = CallService(settings, NoTranslator())
    app = make_app(settings, kit.services)
    officers: list[AiortcOfficer] = []

    def steps(d: Driver) -> None:
        d.tap("attract.start")
        d.tap("language.nl")
        d.tap("triage.call")
        assert d.screen() == "call"
        d.screenshot("call_01_intro")
        d.tap("call.start")
        screen = d.call(lambda: app.screen("call"))
        # nobody online yet: that nobody can answer now, and the call-back and 0900-8844 right away (no queue place,
        # no wait: nobody is there to answer)
        until(lambda: d.call(lambda: (screen.phase, screen.status_key, screen.alternatives))
              == ("waiting", "call.no_answer", True), "nobody can answer, and the alternatives")  # fmt: skip
        assert d.has("call.callback_button") and d.has("call.call_number")
        assert not d.has("call.expected_wait") and not d.has("call.queue_position")
        own = screen.ids.own_picture  # the kiosk's camera (here its test pattern): the resident sees themselves
        until(lambda: d.call(lambda: own.drawn) > 2, "the resident's own picture while waiting")
        assert d.call(lambda: own.opacity) == 1
        d.screenshot("call_02_waiting_nobody_online")
        officers.append(officer := AiortcOfficer(process.url, OFFICER, PASSWORD))
        video = screen.ids.video
        until(lambda: d.call(lambda: video.drawn) > 20, "the officer's video on the screen")
        officer.say(GREETING)
        until(lambda: GREETING in d.call(lambda: screen.spoken()), "the officer's words on the screen")
        assert not d.call(lambda: screen.alternatives)
        shot = d.picture("call_03_connected")
        (x, y), (width, height) = d.call(lambda: (tuple(video._picture.pos), tuple(video._picture.size)))
        left = colour_at(shot, x + width * 0.25, y + height / 2)
        right = colour_at(shot, x + width * 0.75, y + height / 2)
        assert left[0] > 150 and left[2] < 100, f"left half should be the officer's red, is {left}"
        assert right[2] > 150 and right[0] < 100, f"right half should be the officer's blue, is {right}"
        assert d.call(lambda: (screen.status_key, video.texture is not None)) == ("call.connected", True)
        d.tap("call.chat")  # the resident types on the on-screen keyboard; Enter sends
        d.type_text("fiets weg\n")
        said = lambda: [m for m in officer.chat() if m.sender == "resident"]  # noqa: E731
        until(said, "the resident's line at the officer")
        (line,) = said()
        assert (line.sender, line.original, line.source_language) == ("resident", "fiets weg", "nl")
        assert "fiets weg" not in d.call(lambda: screen.spoken())  # never read aloud in the hall
        texture = d.call(lambda: video.texture)
        drawn = d.call(lambda: video.drawn)
        until(lambda: d.call(lambda: video.drawn) > drawn + 10, "more frames")
        assert d.call(lambda: video.texture) is texture  # one texture, reused for every frame
        d.tap("call.end")
        until(lambda: officer.ended, "the officer to hear the hang-up")
        assert officer.ended == "kiosk_hangup"
        until(lambda: d.call(lambda: screen.phase) == "ended", "the ended call on screen")
        assert d.call(lambda: screen.status_key) == "call.ended"
        d.screenshot("call_04_ended")

    run_call(app, steps, officers, kit.services.calls)


CAPTIONED = {"ar": RESIDENT_SAYS, "nl": OFFICER_SAYS, "fa": "دوچرخه‌ام را دزدیدند.", "uk": "У мене вкрали велосипед."}
SPOKEN = {"ar": "سرقت دراجتي أمام المحطة", "fa": "دوچرخه من را دزدیدند", "uk": "У мене вкрали велосипед"}


@pytest.fixture(scope="module")
def captions_kit(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A speech model on a USB stick, the officer's Dutch voice, and the phrase-book translator."""
    work = tmp_path_factory.mktemp("captions")
    model = build_phrase_whisper(CAPTIONED, work / "whisper")
    archive = write_archive(model, "whisper-phrase", "1.0", work / "whisper-phrase.whispermodel")
    rate = 48_000
    dutch = speech("nl", "Dank u wel. We gaan het bekijken.", rate)
    voice = np.concatenate([silence(2.0, rate), dutch, silence(5.0, rate)])
    translator = phrase_book_translator(work)
    yield archive, write_wav(work / "officer.wav", voice, rate), translator, work
    translator.close()


@pytest.mark.parametrize("lang", languages("ar"))  # nl, fa and uk too when pictures are wanted
def test_the_officers_speech_appears_as_large_captions_in_the_residents_language(
    lang: str, make_app: Callable[..., Any], kiosk_settings: Settings, backend: Any, captions_kit: Any
) -> None:
    archive, voice, translator, work = captions_kit
    process, token = backend
    said = SPOKEN.get(lang, "Mijn fiets is gestolen bij het station")
    microphone = write_wav(work / f"resident-{lang}.wav", np.concatenate(
        [silence(1.0, 48_000), speech(lang, said, 48_000), silence(2.5, 48_000)]), 48_000)  # fmt: skip
    settings = replace(kiosk_settings, backend_url=process.url, kiosk_token=token, call_test_media=True,
                       call_host_addresses=("127.0.0.1",), call_microphone=str(microphone),
                       captions_model="whisper-phrase")  # fmt: skip
    SpeechModels(settings.models_dir, settings.translation_pins_file).install(archive)
    kit = make_kit(settings)
    engines = CaptionEnginesLoader(settings, translator)
    kit.services.calls = CallService(settings, translator, captions=engines, put_case=kit.outbox.put_case)
    app = make_app(settings, kit.services)
    officers: list[AiortcOfficer] = []

    def steps(d: Driver) -> None:
        d.tap("attract.start")
        d.tap(f"language.{lang}")
        d.tap("triage.call")
        d.tap("call.start")
        screen = d.call(lambda: app.screen("call"))
        officers.append(officer := AiortcOfficer(process.url, OFFICER, PASSWORD, voice=voice))
        until(lambda: d.call(lambda: screen.caption_text), "the officer's words as a caption", timeout=90)
        caption = d.call(lambda: (screen.caption_text, screen.caption_lang, screen.captions_key))
        expected = {"ar": OFFICER_SAYS_IN_ARABIC, "nl": OFFICER_SAYS}.get(lang, OFFICER_SAYS)  # no nl -> fa/uk books
        assert caption == (expected, "ar" if lang == "ar" else "nl", "call.listening")
        assert d.has("call.listening") and d.has("call.captions")
        note = {"ar": "call.caption_note", "nl": ""}.get(lang, "call.caption_untranslated")  # true for each language
        assert d.call(lambda: screen.caption_note) == note
        heard = lambda: [m for m in list(officer.received) if isinstance(m, Caption) and m.speaker == "resident"]  # noqa: E731
        until(heard, "the resident's words at the officer", timeout=90)
        assert heard()[0].original == CAPTIONED[lang] and heard()[0].source_language == lang
        d.screenshot(f"call_05_captions_{lang}")
        officer.keep_transcript()  # the resident is told before anything is kept
        until(lambda: d.call(lambda: screen.transcript_kept), "the resident told the transcript is kept")
        assert d.has("call.transcript_kept") and kit.cases() == []  # sealed only when the call ends
        d.screenshot(f"call_07_transcript_kept_{lang}")
        d.tap("call.captions")  # the resident switches them off: the officer is told, the kiosk stops listening
        until(lambda: any(isinstance(m, CaptionsSwitch) and not m.on for m in list(officer.received)), "the switch")
        until(lambda: not d.call(lambda: screen.caption_text), "no caption on the screen")
        assert d.call(lambda: screen.captions_key) == "" and not d.has("call.listening")
        officer.switch_captions(True)  # the officer may switch them on again
        until(lambda: d.call(lambda: screen.captions_key) == "call.listening", "listening again")
        officer.switch_captions(False)
        until(lambda: d.call(lambda: screen.captions_key) == "call.captions_stopped", "stopped by the officer")
        d.screenshot(f"call_06_captions_stopped_by_officer_{lang}")
        d.tap("call.end")
        until(lambda: kit.cases(), "the transcript sealed in the outbox")
        [transcript] = kit.cases()
        turns = transcript.answers["transcript_turns"]
        assert transcript.case_type == "call_transcript" and transcript.language == lang
        assert {t["turn_speaker"] for t in turns} == {"resident", "officer"}
        assert transcript.answers["transcript_kept_by"] == "agent.de.vries"

    run_call(app, steps, officers, kit.services.calls)
