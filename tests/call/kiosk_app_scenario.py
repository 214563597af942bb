"""The whole official aangifte on real parts, run inside a private network namespace (tests/call/netns.py):

    python -m tests.call.kiosk_app_scenario WORKDIR

The kiosk is the app itself under Xvfb, driven by touches on its window, with its sealed outbox and sender, its
aiortc call and the real ArgosTranslator (the phrase-book packages); the backend is its own process; the officer is
Debian's Chromium with a fake camera. The resident files a bike theft in Arabic by touch and calls from the receipt.
The officer opens the filed case beside the call, records the identity document, takes a still of it from the video
and crops it (the kiosk tells the resident each time), and sends the statement with a correction in Dutch, which
the kiosk shows in Arabic. The resident signs it on the screen
with a finger. The officer converts the case and files the PDF; then someone with the database and the key changes
the signed text, and the check fails. Findings and pictures of both sides go to WORKDIR; the outer test
(test_call_end_to_end.py) asserts on them.
"""

from __future__ import annotations

import faulthandler
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tools.argos_models import build_phrase_book
from tools.backend_process import BackendProcess, provisioned_settings
from tools.call_rig import OFFICER, PASSWORD, LogCapture, OfficerBrowser, loopback_only, wait_for, write_result
from tools.call_translator import RESIDENT_SAYS
from tools.phrase_books import BOOKS, CUT_LOCK
from tools.xvfb import SCREEN_SIZE, start_xvfb

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # the kiosk's wall clock, as in the GUI tests
WHEN = {"start": "2026-11-20T08:00:00+01:00", "end": "2026-11-20T17:30:00+01:00"}
BIKE_AR: dict[str, Any] = {
    "bike_brand": "Gazelle", "bike_type": "city", "bike_colour": "blue", "frame_number": "GZ1234567",
    "bike_lock": "frame_lock", "when": WHEN, "where": {"street": "Stationsplein", "city": "Emmen"},
    "value": "450", "description": RESIDENT_SAYS,  # a sentence of the phrase book: its Dutch is known
    "first_name": "Anna", "last_name": "Oukili", "birth_date": "1987-03-14",
    "home_address": {"street": "Kerkstraat", "number": "12", "city": "Emmen"}, "phone": "0612345678",
}  # fmt: skip
PASSPORT = {"document_type": "Paspoort", "issuing_country": "Syrië", "number_last4": "ab12"}
WAVE = [(0.12 + 0.05 * i, 0.55 - 0.15 * (-1) ** i) for i in range(10)]  # a scribble on the pad, left to right
UNDERLINE = [(0.2, 0.8), (0.4, 0.78), (0.6, 0.8), (0.8, 0.79)]


def main() -> None:
    workdir = Path(sys.argv[1])
    server, display = start_xvfb()
    os.environ["DISPLAY"], os.environ["KIVY_CLOCK"] = display, "interrupt"
    from kiosk.kivy_setup import configure_kivy  # Kivy reads the display and clock when it is imported
    from kiosk.settings import Settings

    configure_kivy(Settings(data_dir=workdir / "kivy"), SCREEN_SIZE)
    backend = BackendProcess(workdir / "backend")
    backend.add_officer(OFFICER, PASSWORD)
    backend.start()
    try:
        result = run(workdir, backend)
        result["interfaces"] = loopback_only()
        write_result(workdir, result)
    finally:
        backend.stop()
        server.terminate()
        server.wait(10)


def run(workdir: Path, backend: BackendProcess) -> dict[str, Any]:
    from kiosk.app import KioskApp
    from kiosk.translation.argos_runtime import argos_package
    from kiosk.wiring import open_services
    from tests.kiosk.gui.driver import run_app

    settings = provisioned_settings(
        backend, workdir / "kiosk", "Kiosk Gemeentehuis Emmen", models_dir=workdir / "models",
        call_host_addresses=("127.0.0.1",), call_test_media=True,  # loopback only; a test pattern as the camera
        translation_warm_languages=("ar",), translation_threads=1,
    )  # fmt: skip
    package = argos_package(settings)
    for book in BOOKS:
        package.install_from_path(build_phrase_book(book, workdir / "argosmodels"))
    services = open_services(settings)
    assert services.problem is None and services.translator is not None and services.calls is not None
    app = KioskApp(settings, services, wall_clock=lambda: NOW)
    result: dict[str, Any] = {}
    officer = OfficerBrowser(backend, LogCapture())
    run_app(app, lambda d: traced(officer, workdir, steps, d, officer, backend, workdir, result), workdir / "screens",
            timeout=240)  # fmt: skip
    return result


def traced(officer: OfficerBrowser, workdir: Path, body: Any, *args: Any) -> None:
    """The steps on their own thread (the officer's Playwright belongs to it); on failure every thread's stack goes
    to stderr (body.log) while the app is still in the state that failed, and the officer's screen to evidence/."""
    try:
        body(*args)
    except BaseException:
        faulthandler.dump_traceback(file=sys.__stderr__, all_threads=True)
        evidence = workdir / "evidence"
        evidence.mkdir(exist_ok=True)
        officer.keep_evidence(evidence)
        (evidence / "officer.log").write_text("\n".join(officer.log.lines))
        raise
    finally:
        officer.close()


def steps(d: Any, officer: OfficerBrowser, backend: BackendProcess, workdir: Path, result: dict[str, Any]) -> None:
    from tests.kiosk.gui.test_intake import walk_intake

    app = d.app
    console = officer.open()  # signed in, on the queue where calls ring
    # ----- the resident files the report by touch, in Arabic, and calls from its receipt -------------------------
    walk_intake(d, "ar", "report", "bike_theft", BIKE_AR, prefix="e2e_ar")
    assert d.wait_for(lambda: any(w.source for w in d.shown_now("receipt.reference")), 60), "no reference"
    result["reference"] = d.call(lambda: app.flow.state.receipt.reference)
    d.tap("nav.talk_to_officer")
    d.tap("call.start")
    console.locator("#ringing li[data-call]").first.wait_for(timeout=30_000)
    console.click("#ringing li[data-call] .call-accept")
    screen = d.call(lambda: app.screen("call"))
    assert d.wait_for(lambda: screen.phase == "connected", 30), "the call did not connect"
    wait_for(lambda: int(console.get_attribute("#call-remote", "data-frames") or 0) >= 30, "video in the browser")

    # ----- the officer opens the filed case beside the call and records the identity document --------------------
    case_page = officer.case_page(console.get_attribute("#call-case-link", "href") or "")
    case_page.click("button:has-text('Oppakken')")
    case_page.select_option("#document-type", label=PASSPORT["document_type"])
    case_page.select_option("#issuing-country", label=PASSPORT["issuing_country"])
    case_page.fill("#number-last4", PASSPORT["number_last4"])
    case_page.check("#face-matches")
    case_page.click("button:has-text('Identiteit vastleggen')")
    case_page.wait_for_selector("#identity-record", timeout=30_000)

    # ----- a still of the document: taken (the resident is told), cropped, kept ----------------------------------
    console.bring_to_front()
    console.click("#call-photo")
    assert d.wait_for(lambda: screen.photo_key == "call.photo_taken", 30), "not told of the photo"
    result["kiosk_photo_taken"] = d.text_of("call.photo")
    d.picture("e2e_ar_20_photo_taken")
    box = console.locator("#photo-canvas").bounding_box()
    assert box is not None
    console.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.25)
    console.mouse.down()
    console.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.75, steps=5)
    console.mouse.up()
    result["photo_selection"] = console.inner_text("#photo-size")
    console.check("#photo-no-bsn")
    console.screenshot(path=str(workdir / "console_photo.png"), full_page=True)
    console.click("#photo-save")
    console.wait_for_selector("#call-photo-note:has-text('Foto bewaard')", timeout=30_000)
    assert d.wait_for(lambda: screen.photo_key == "call.photo_saved", 30), "not told it was kept"
    result["kiosk_photo_note"] = d.text_of("call.photo")

    # ----- the statement: sent by the officer, read and signed on the kiosk's screen by touch ---------------------
    console.fill("#call-additions", CUT_LOCK["nl"])  # a correction made with the resident, in Dutch
    console.click("#call-statement")
    assert d.wait_for(lambda: bool(d.shown_now("sign.panel")), 30), "the statement did not reach the kiosk"
    result["statement_values"] = [d.text_of(f"sign.value.{n}") for n in range(len(screen._panel.statement.lines))]
    result["addition_shown"] = d.text_of("sign.addition.0")  # translated on the kiosk, marked as such
    d.picture("e2e_ar_21_statement")
    d.stroke(on_pad(d, WAVE))
    d.stroke(on_pad(d, UNDERLINE))
    d.picture("e2e_ar_22_signed")
    d.tap("sign.sign")
    assert d.wait_for(lambda: not d.shown_now("sign.panel"), 30), "the panel stayed after signing"
    result["kiosk_sign_note"] = d.text_of("call.sign_note")
    console.wait_for_selector("#call-statement-note:has-text('heeft ondertekend')", timeout=30_000)
    result["console_statement_note"] = console.inner_text("#call-statement-note")
    console.screenshot(path=str(workdir / "console_call.png"), full_page=True)

    # ----- the signature arrives through the kiosk's outbox; the officer converts and files the PDF ---------------
    case_page.bring_to_front()
    wait_for(lambda: ("signed_statement", "ar") in case_types(backend), "the signature at the backend", timeout=60)
    case_page.reload()
    case_page.wait_for_selector("[data-signature=ok]", timeout=30_000)
    result["case_signature"] = case_page.inner_text("#signatures")
    result["case_photo_width"] = case_page.eval_on_selector("#document-photo", "img => img.naturalWidth")
    case_page.click("button:has-text('Omgezet in aangifte')")  # identity and signature: no reason asked
    case_page.wait_for_selector("#status:has-text('Omgezet in aangifte')", timeout=30_000)
    case_page.screenshot(path=str(workdir / "console_case.png"), full_page=True)
    result["pdf"], result["pdf_images"] = pdf_of(case_page, workdir / "case.pdf")
    # someone with the database and the key changes the signed text afterwards: the check fails, loudly
    case_id = (case_page.url.rstrip("/").rsplit("/", 1)[-1])
    alter_signed_text(backend, "Gazelle", "Batavus")
    case_page.reload()
    case_page.wait_for_selector("[data-signature=changed]", timeout=30_000)
    result["altered_signature"] = case_page.inner_text("#signatures")
    result["altered_pdf"], _ = pdf_of(case_page, workdir / "case_altered.pdf")
    result["case_id"] = case_id

    d.tap("call.end")
    assert d.wait_for(lambda: screen.phase == "ended", 30), "the call did not end"
    result["cases"] = [list(row) for row in case_types(backend)]


def on_pad(d: Any, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points given in 0..1 of the signature pad (y from the top) as window coordinates."""
    pad = d.find("sign.pad")
    (x, y), (width, height) = d.call(lambda: (pad.to_window(pad.x, pad.y), tuple(pad.size)))
    return [(x + fx * width, y + (1 - fy) * height) for fx, fy in points]


def pdf_of(page: Any, path: Path) -> tuple[str, list[str]]:
    """The case file as the officer downloads it: its text, and its images as pdfimages lists them."""
    with page.expect_download() as download:
        page.click("a:has-text('Exporteer PDF')")
    download.value.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    images: list[str] = []
    if shutil.which("pdfimages"):
        listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
        images = listed.stdout.splitlines()[2:]
    return text, images


def alter_signed_text(backend: BackendProcess, old: str, new: str) -> None:
    """What an insider with the database and the storage key could do: rewrite the stored signed statement."""
    from sqlalchemy import select

    from backend.services.keys import NaclKeyring
    from backend.storage.db import Database
    from backend.storage.models import Case
    from domain.forms import SIGNATURE_CASE_TYPE

    db, keys = Database(backend.database_url), NaclKeyring.load(backend.keys_dir)
    try:
        with db.write() as session:
            holder = session.scalars(select(Case).where(Case.case_type == SIGNATURE_CASE_TYPE)).one()
            assert holder.payload_ciphertext is not None
            stored = json.loads(keys.decrypt(holder.payload_ciphertext))
            assert old in stored["answers"]["statement_text"]
            stored["answers"]["statement_text"] = stored["answers"]["statement_text"].replace(old, new)
            holder.payload_ciphertext = keys.encrypt(json.dumps(stored, ensure_ascii=False).encode())
    finally:
        db.dispose()


def case_types(backend: BackendProcess) -> list[tuple[str, str]]:
    import sqlite3

    with sqlite3.connect(backend.db_file, timeout=30) as connection:
        return connection.execute("SELECT case_type, language FROM cases ORDER BY received_at").fetchall()


if __name__ == "__main__":
    main()
