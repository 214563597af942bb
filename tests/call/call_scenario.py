"""The end-to-end call, run inside a private network namespace (see tests/call/netns.py):

    python -m tests.call.call_scenario WORKDIR [happy|captions|relay|worker_killed]

happy: a resident at the (headless) kiosk asks for a call, the officer's console rings in Chromium, the officer
accepts, video flows both ways, chat is translated both ways by the real ArgosTranslator on the kiosk, the
media path breaks for a few seconds and the call recovers, the resident hangs up; the backend's records. Then a
second call whose media path breaks for good: both sides end it with a clear message.
captions: the resident speaks Arabic into the kiosk's microphone and the officer Dutch into Chromium's (both
espeak-ng recordings, looped); the kiosk's captions (Silero VAD, faster-whisper on a small real Whisper model,
the Argos phrase books) reach the console and the kiosk's screen; the officer switches them off.
relay: a coturn in the namespace and the backend's call_relay_only: both peers gather relayed candidates only and
the call (video, chat) goes through the relay; what getStats, the kiosk's log and coturn's log say of the path.
worker_killed: the region of deploy/ (PostgreSQL, two backend workers, nginx with TLS, coturn); the call goes
through nginx; the worker holding the kiosk's signalling is killed mid-call; the kiosk and, if it was there too, the
console rejoin through the other worker; video and chat go on; the officer hangs up.
(The official aangifte, with the kiosk app itself under Xvfb, is tests/call/kiosk_app_scenario.py.)
Findings go to WORKDIR/result.json; the outer test asserts on them.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.call.view import CallPhase
from tools.call_rig import INTAKE, CallRig, block_udp, loopback_only, unblock_udp, wait_for, write_result
from tools.call_translator import OFFICER_SAYS, RESIDENT_SAYS, phrase_book_translator

DROP_SECONDS = 6.0  # longer than call_silence_seconds: the kiosk notices and reconnects


def connect(rig: CallRig, intake: Any = INTAKE) -> tuple[Any, dict[str, Any]]:
    """Ask for a call and let the officer answer it; returns the handle and what was seen on the way."""
    seen: dict[str, Any] = {}
    handle = rig.start_call("ar", "bike_theft", intake)
    ringing = rig.officer.locator("#ringing li[data-call]").first
    ringing.wait_for(timeout=30_000)
    seen["ringing_text"] = ringing.inner_text()
    seen["queue_position"] = wait_for(lambda: handle.view.position, "the queue position")
    seen["expected_wait_s"] = handle.view.expected_wait_s
    rig.officer.click("#ringing li[data-call] .call-accept")
    wait_for(lambda: handle.view.phase is CallPhase.CONNECTED, "the kiosk to connect")
    wait_for(lambda: handle.frames.count >= 30, "30 video frames at the kiosk")
    wait_for(lambda: rig.browser_frames() >= 30, "30 video frames in the browser")
    return handle, seen


def picture_stats(handle: Any) -> dict[str, Any]:
    frame = handle.frames.newer_than(0)
    pixels = np.frombuffer(frame.pixels, np.uint8)
    return {"width": frame.width, "height": frame.height, "std": float(pixels.std())}


def chat(rig: CallRig, handle: Any) -> dict[str, Any]:
    handle.say(RESIDENT_SAYS)
    rig.officer.wait_for_selector(".call-line.resident .call-note", timeout=30_000)
    resident = rig.officer.inner_text(".call-line.resident")
    rig.officer.fill("#call-input", OFFICER_SAYS)
    rig.officer.press("#call-input", "Enter")
    rig.officer.wait_for_selector(".call-line.officer .call-shown", timeout=30_000)
    wait_for(lambda: any(c.sender == "officer" and not c.pending for c in handle.view.chat), "the officer's line")
    officer_line = next(c for c in handle.view.chat if c.sender == "officer")
    return {
        "officer_sees_resident": resident,
        "officer_sees_own": rig.officer.inner_text(".call-line.officer"),
        "kiosk_shows_officer": {"text": officer_line.text, "original": officer_line.original,
                                "translated": officer_line.translated},
        "intake_on_console": rig.officer.inner_text("#call-intake"),
        "case_link": rig.officer.get_attribute("#call-case-link", "href"),
        "captions_note": rig.officer.inner_text("#call-captions-note"),  # this kiosk has no speech model
    }  # fmt: skip


def network_drop(rig: CallRig, handle: Any) -> dict[str, Any]:
    phases: list[str] = []
    before_kiosk, before_browser = handle.frames.count, rig.browser_frames()
    block_udp()
    started = time.monotonic()
    wait_for(lambda: handle.view.phase is CallPhase.RECONNECTING, "the kiosk to notice the dead link")
    phases.append(handle.view.phase.value)
    time.sleep(max(0.0, DROP_SECONDS - (time.monotonic() - started)))
    unblock_udp()
    wait_for(lambda: handle.view.phase is CallPhase.CONNECTED, "the call to come back", timeout=30)
    phases.append(handle.view.phase.value)
    after_kiosk = handle.frames.count
    wait_for(lambda: handle.frames.count >= after_kiosk + 30, "video at the kiosk after the drop")
    after_browser = rig.browser_frames()
    wait_for(lambda: rig.browser_frames() >= after_browser + 30, "video in the browser after the drop")
    return {"phases": phases, "frames_before": [before_kiosk, before_browser],
            "console_status": rig.call_status(), "attempts_logged": [
                line for line in rig.log.lines if "reconnect attempt" in line]}  # fmt: skip


def happy(workdir: Path) -> dict[str, Any]:
    translator = phrase_book_translator(workdir)
    try:
        with CallRig(workdir, translator, call_silence_seconds=3.0, call_reconnect_seconds=25.0) as rig:
            handle, seen = connect(rig)
            result: dict[str, Any] = {"interfaces": loopback_only(), **seen}
            result["kiosk_picture"] = picture_stats(handle)
            result["browser_video_width"] = rig.officer.eval_on_selector("#call-remote", "v => v.videoWidth")
            result["chat"] = chat(rig, handle)
            result["drop"] = network_drop(rig, handle)
            handle.hang_up()
            final = handle.finished.result(timeout=30)
            rig.officer.wait_for_selector("#call-panel[data-ended]", timeout=30_000)
            result["end_reason"] = final.end_reason.value
            result["console_after_hangup"] = rig.call_status()
            result["events"] = wait_for(lambda: _ended(rig.call_events()), "the call_ended event")
            result["offer_candidates"] = [line for line in rig.log.lines if "candidates" in line]
            result["lost"] = lost(rig)
            return result
    finally:
        translator.close()


def lost(rig: CallRig) -> dict[str, Any]:
    """A second call from the same kiosk whose media path breaks for good: with a short reconnect deadline, both
    sides end it with a clear message."""
    from kiosk.call.service import CallService

    settings = replace(rig.settings, call_silence_seconds=2.0, call_reconnect_seconds=6.0)
    calls = CallService(settings, rig.translator)
    try:
        handle = calls.start("ar", "bike_theft", uuid.uuid4(), INTAKE, lambda _view: None)
        rig.officer.locator("#ringing li[data-call]").first.wait_for(timeout=30_000)
        rig.officer.click("#ringing li[data-call] .call-accept")
        wait_for(lambda: handle.view.phase is CallPhase.CONNECTED, "the second call to connect")
        block_udp()
        final = handle.finished.result(timeout=60)
        rig.officer.wait_for_selector("#call-panel[data-ended]", timeout=30_000)
        unblock_udp()
        return {"end_reason": final.end_reason.value, "console_status": rig.call_status(),
                "last_event": wait_for(lambda: _ended(rig.call_events()[3:]), "the call_ended event")[-1]}  # fmt: skip
    finally:
        calls.close()


def captions(workdir: Path) -> dict[str, Any]:
    from domain.chat import Sender
    from kiosk.captions.speech_models import SpeechModels, write_archive
    from tests.kiosk.captions.conftest import SAYS
    from tools.speech_audio import silence, speech, write_wav
    from tools.whisper_models import build_phrase_whisper

    models_dir = workdir / "kiosk" / "models"
    archive = write_archive(build_phrase_whisper(SAYS, workdir / "whisper"), "whisper-phrase", "1.0",
                            workdir / "whisper-phrase.whispermodel")  # fmt: skip
    SpeechModels(models_dir, workdir / "no-pins.json").install(archive)
    rate = 48_000
    said = np.concatenate([speech("ar", "سرقت دراجتي أمام المحطة", rate), silence(2.5, rate)])
    resident = write_wav(workdir / "resident.wav", said, rate)
    dutch = speech("nl", "Dank u wel. We gaan het bekijken.", rate)
    said = np.concatenate([silence(3.0, rate), dutch, silence(4.0, rate)])
    officer = write_wav(workdir / "officer.wav", said, rate)
    translator = phrase_book_translator(workdir)
    try:
        with CallRig(workdir, translator, chromium_args=(f"--use-file-for-fake-audio-capture={officer}",),
                     captions=True, deliver=True, call_microphone=str(resident), captions_model="whisper-phrase",
                     models_dir=models_dir) as rig:  # fmt: skip
            handle, _seen = connect(rig)
            result: dict[str, Any] = {"console_note": rig.officer.inner_text("#call-captions-note")}
            line = rig.officer.locator(".call-line.caption.resident").first
            line.wait_for(timeout=60_000)
            result["console_resident_caption"] = line.inner_text()
            rig.officer.locator(".call-line.caption.officer").first.wait_for(timeout=60_000)
            result["console_officer_caption"] = rig.officer.inner_text(".call-line.caption.officer")
            view = wait_for(lambda: _with_officer_caption(handle.view), "the officer's caption at the kiosk", 60)
            spoken = [c for c in view.captions if c.speaker == Sender.OFFICER][-1]
            result["kiosk_officer_caption"] = {
                "original": spoken.original,
                "translated": spoken.translated,
                "target": spoken.target_language,
                "listening": view.listening,
            }
            rig.officer.click("#call-transcript")  # keep what was said: the resident is told at once
            wait_for(lambda: handle.view.transcript_kept, "the kiosk telling the resident the transcript is kept")
            rig.officer.wait_for_selector("#call-transcript[aria-pressed=true]", timeout=30_000)
            result["transcript_note"] = rig.officer.inner_text("#call-transcript-note")
            rig.officer.click("#call-captions")
            off = wait_for(lambda: handle.view if not handle.view.captions_on else None, "captions off at the kiosk")
            result["after_officer_off"] = {"listening": off.listening, "by": str(off.captions_switched_by),
                                           "button": rig.officer.inner_text("#call-captions")}  # fmt: skip
            handle.hang_up()
            handle.finished.result(timeout=30)
            kept = lambda: [list(row) for row in rig.case_types() if row[0] == "call_transcript"] or None  # noqa: E731
            result["cases"] = wait_for(kept, "the transcript at the backend")
            result["transcript_case"] = transcript_case(rig, workdir)
            return result
    finally:
        translator.close()


def transcript_case(rig: CallRig, workdir: Path) -> str:
    """The kept transcript as an officer opens it in the console, pictured for people to look at."""
    import sqlite3

    with sqlite3.connect(rig.backend.db_file, timeout=30) as connection:
        (case_id,) = connection.execute("SELECT id FROM cases WHERE case_type = 'call_transcript'").fetchone()
    page = rig.officer  # the call is over: the same tab opens the case
    page.goto(f"{rig.backend.url}/console/cases/{case_id}")
    page.wait_for_selector("#sections", timeout=30_000)
    page.wait_for_selector("button:has-text('Oppakken')", timeout=30_000)
    if page.locator("button:has-text('Oppakken')").count():
        page.click("button:has-text('Oppakken')")
        page.wait_for_selector("text=Gezegd (zoals herkend)", timeout=30_000)
    page.screenshot(path=str(workdir / "transcript_case.png"), full_page=True)
    return page.inner_text("main")


def relay(workdir: Path) -> dict[str, Any]:
    from tools.coturn import Coturn

    translator = phrase_book_translator(workdir)
    try:
        with Coturn(workdir / "turn") as turn:
            backend = {"POLITIELOKET_BACKEND_CALL_TURN_URLS": turn.url,
                       "POLITIELOKET_BACKEND_CALL_TURN_SECRET": turn.secret,
                       "POLITIELOKET_BACKEND_CALL_RELAY_ONLY": "true"}  # fmt: skip
            with CallRig(workdir, translator, backend_env=backend) as rig:
                handle, _seen = connect(rig)
                result: dict[str, Any] = {"interfaces": loopback_only(), "call_label": handle.call_id[:8]}
                result["chat"] = chat(rig, handle)  # both ways over the data channel, through the relay
                officer = rig.officer_ice_path()
                result["officer"] = {key: value for key, value in officer.items() if key not in ("offer", "answer")}
                result["kiosk_offer_types"] = candidate_types(officer["offer"])
                result["officer_answer_types"] = candidate_types(officer["answer"])
                result["kiosk_log"] = [line for line in rig.log.lines if "candidate types" in line or "path" in line]
                handle.hang_up()
                result["end_reason"] = handle.finished.result(timeout=30).end_reason.value
            result["relay"] = {"url": turn.url, "allocations": turn.allocations()}
            return result
    finally:
        translator.close()


def worker_killed(workdir: Path) -> dict[str, Any]:
    """A region (PostgreSQL, two workers, nginx with TLS, coturn) from deploy/; a call through nginx; the worker
    holding the kiosk's signalling connection is killed (SIGKILL) mid-call."""
    from tests.setup.deployment import RegionBackend

    translator = phrase_book_translator(workdir)
    backend = RegionBackend(workdir / "region")
    try:
        with CallRig(workdir, translator, backend=backend) as rig:
            assert backend.region is not None
            handle, _seen = connect(rig)
            result: dict[str, Any] = {"interfaces": loopback_only()}
            before = call_workers(backend.region.database_url)
            result["workers_before"] = before
            seen_before_kill = len(rig.views)
            frames_kiosk, frames_browser = handle.frames.count, rig.browser_frames()
            killed = int(before["kiosk"].split("-", 1)[0])
            os.kill(killed, signal.SIGKILL)
            result["killed_officers_worker_too"] = before["kiosk"] == before["officer"]
            wait_for(lambda: any("rejoined the call" in line for line in rig.log.lines), "the kiosk to rejoin",
                     timeout=20)  # fmt: skip
            after = wait_for(lambda: rejoined(backend.region.database_url, before), "both sides on live workers",
                             timeout=20)  # fmt: skip
            result["workers_after"] = after
            result["phases_after_kill"] = sorted({view.phase.value for view in rig.views[seen_before_kill:]})
            wait_for(lambda: handle.frames.count >= frames_kiosk + 60, "video at the kiosk after the kill")
            wait_for(lambda: rig.browser_frames() >= frames_browser + 60, "video in the browser after the kill")
            result["chat_after_kill"] = chat(rig, handle)["officer_sees_resident"]
            result["console_service"] = rig.officer.inner_text("#call-service")
            result["phase_before_hangup"] = handle.view.phase.value
            rig.officer.click("#call-hangup")
            result["end_reason"] = handle.finished.result(timeout=30).end_reason.value
            result["events"] = wait_for(lambda: ended(call_event_rows(backend.region.database_url)), "the call_ended")
        return result
    finally:
        translator.close()


def call_workers(database_url: str) -> dict[str, str]:
    """Which worker holds the kiosk's and which the officer's signalling connection of the one call."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        (state,) = connection.execute("SELECT state FROM call_state").fetchone() or ("{}",)
    (call,) = json.loads(state)["calls"]
    return {"kiosk": (call["kiosk_peer"] or "").split("/")[0], "officer": (call["officer_peer"] or "").split("/")[0]}


def rejoined(database_url: str, before: dict[str, str]) -> dict[str, str] | None:
    now = call_workers(database_url)
    killed = before["kiosk"]
    return now if now["kiosk"] and now["officer"] and killed not in now.values() else None


def ended(rows: list[list[Any]]) -> list[list[Any]] | None:
    return rows if any(kind == "call_ended" for kind, _reason in rows) else None


def call_event_rows(database_url: str) -> list[list[Any]]:
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute("SELECT kind, reason FROM usage_events WHERE kind LIKE 'call_%' ORDER BY id")
        return [list(row) for row in rows.fetchall()]


def candidate_types(sdp: str) -> list[str]:
    """The type of every a=candidate line of an SDP ("host", "srflx", "relay"...), in order."""
    return [line.split()[7] for line in sdp.splitlines() if line.startswith("a=candidate:")]


def _with_officer_caption(view: Any) -> Any:
    return view if any(c.speaker == "officer" for c in view.captions) else None


def _ended(events: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    return events if any(e["kind"] == "call_ended" for e in events) else None


def main() -> None:
    workdir = Path(sys.argv[1])
    scenario = sys.argv[2] if len(sys.argv) > 2 else "happy"
    scenarios = {"happy": happy, "captions": captions, "relay": relay, "worker_killed": worker_killed}
    result = scenarios[scenario](workdir)
    write_result(workdir, result)


if __name__ == "__main__":
    main()
