"""The console in Debian's Chromium against a real backend process: officer, pilot and admin, as people use it.

Screenshots go to test-artifacts/console/. Seeding is done as in production: users and the kiosk through the
CLI, cases sealed and delivered through the kiosk API, usage events and a heartbeat likewise.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from backend.services.presenter import dutch_catalog
from backend.services.weeks import week_of
from domain.forms import FormCatalog, default_assets_dir
from domain.payload import CasePayload
from domain.validation import validate
from tests.backend.console_server import (
    ARABIC_STORY,
    PASSWORD,
    ConsoleBackend,
    arabic_bike_theft,
    payload,
    session_events,
)
from tools.samples import CALLBACK_ANSWERS

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "console"
CHROMIUM = "/usr/bin/chromium"
NL = dutch_catalog(default_assets_dir())  # what the console shows: officer labels over the Dutch catalog
FORMS = FormCatalog.load(default_assets_dir() / "forms")
EVENTS_AT = datetime.now(UTC) - timedelta(minutes=30)


@dataclass
class Seeded:
    server: ConsoleBackend
    arabic_id: str
    arabic_reference: str
    references: list[str]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    server = ConsoleBackend(tmp_path_factory.mktemp("console"))
    for name, role in (("agent.jansen", "officer"), ("pilot.devries", "pilot"), ("beheer", "admin")):
        server.add_user(name, role)
    server.kiosk_token = server.add_kiosk("Kiosk Emmen Bibliotheek", "Emmen, bibliotheek")
    server.start()
    try:
        now = datetime.now(UTC)
        arabic = arabic_bike_theft(now - timedelta(minutes=42))
        references = [
            server.deliver(arabic),
            server.deliver(payload("theft", "nl", now - timedelta(hours=5))),
            server.deliver(payload("online_fraud", "en", now - timedelta(minutes=3))),
        ]
        events = []
        for index in range(20):  # 10 Arabic, 6 English, 2 Polish, 2 Turkish: the last two must stay hidden
            language = "ar" if index < 10 else "en" if index < 16 else "pl" if index < 18 else "tr"
            events += session_events(EVENTS_AT + timedelta(seconds=index), language, "bike_theft",
                                     complete=index % 4 != 0, rating=5 - index % 3, call=index < 6)
        server.send_events(events)
        server.heartbeat(pending=2)
        yield Seeded(server, arabic.case_id, references[0], references)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser, seeded: Seeded) -> Iterator[BrowserContext]:
    made = browser.new_context(base_url=seeded.server.url, viewport={"width": 1280, "height": 900},
                               accept_downloads=True, locale="nl-NL", timezone_id="Europe/Amsterdam")
    made.set_default_timeout(15_000)
    yield made
    made.close()


def log_in(page: Page, name: str) -> None:
    """With the keyboard only: the name field has focus, Tab to the password, Enter to send."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/console/$"))
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


A11Y_CHECKS = (Path(__file__).parent / "console_a11y.js").read_text(encoding="utf-8")


def accessible(page: Page) -> None:
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.evaluate(A11Y_CHECKS) == {"unlabelled": [], "lowContrast": []}


def answer(page: Page, key: str) -> Locator:
    """The answer row whose Dutch label is exactly the catalog's text for `key`."""
    label = page.locator(":scope > .label", has_text=re.compile(f"^{re.escape(NL.text(key))}$"))
    return page.locator(".answer").filter(has=label)


def audit_subjects(server: ConsoleBackend, case_id: str) -> list[str]:
    path = server.database.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT subject FROM audit_log WHERE case_id = ? AND action = 'case_read'",
                          (uuid.UUID(case_id).hex,)).fetchall()
    return [row[0] for row in rows]


def test_officer_claims_a_case_moves_it_on_and_files_the_pdf(context: BrowserContext, seeded: Seeded) -> None:
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_label("Gebruikersnaam")).to_be_focused()
    accessible(page)
    shot(page, "01-login")
    page.get_by_label("Gebruikersnaam").fill("agent.jansen")
    page.get_by_label("Wachtwoord").fill("wrong password")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("Onjuiste gebruikersnaam of wachtwoord")

    log_in(page, "agent.jansen")
    expect(page).to_have_url(f"{seeded.server.url}/console/queue")
    first_cookie = next(c for c in context.cookies() if c["name"] == "politieloket_session")
    assert first_cookie["httpOnly"] and first_cookie["sameSite"] == "Strict"
    for reference in seeded.references:
        expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.locator("#session-timer")).to_contain_text("na 30 min zonder activiteit")
    expect(page.get_by_role("row").filter(has_text=seeded.references[1])).to_contain_text("5 u")
    accessible(page)
    shot(page, "02-queue")

    # Live: a kiosk delivers a case while the officer looks; it appears without a reload.
    page.evaluate("window.notReloaded = true")
    late = seeded.server.deliver(payload("vandalism", "tr"))
    expect(page.get_by_role("link", name=late)).to_be_visible(timeout=20_000)
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#updated")).to_contain_text("nieuwe zaak")

    page.get_by_label("Taal", exact=True).select_option(label="Arabisch")
    expect(page.locator("#queue tbody tr")).to_have_count(1)
    page.get_by_role("link", name=seeded.arabic_reference).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{seeded.server.url}/console/cases/{seeded.arabic_id}")

    # The case in Dutch, the original beside each machine translation, with its models and flags.
    expect(page.get_by_role("heading", level=1)).to_contain_text(seeded.arabic_reference)
    expect(answer(page, "field.bike_brand")).to_contain_text("Gazelle")
    expect(page.get_by_role("heading", name=NL.text("step.contact"))).to_be_visible()
    story = answer(page, "field.description")
    expect(story).to_contain_text("Iemand heeft 's avonds mijn fiets voor het station gestolen.")
    original = story.locator(".original")
    expect(original).to_have_text(ARABIC_STORY)
    assert original.get_attribute("dir") == "rtl" and original.get_attribute("lang") == "ar"
    expect(story).to_contain_text("translate-ar_en 1.0 (ar > en); translate-en_nl 1.9 (en > nl), via en")
    expect(story.locator(".flag.machine")).to_have_text("Machinevertaling")
    expect(story.locator(".flag.low")).to_have_text("Lage betrouwbaarheid")
    untranslated = answer(page, "field.where_details")
    expect(untranslated.locator(".flag.missing")).to_have_text("Geen vertaling beschikbaar")
    expect(page.get_by_label("Notitie toevoegen")).to_be_disabled()
    accessible(page)
    shot(page, "03-case")

    page.get_by_role("button", name="Oppakken").click()
    expect(page.locator("#status")).to_have_text("In behandeling")
    page.get_by_label("Notitie toevoegen").fill("Melder gebeld; komt morgen langs met aankoopbewijs.")
    page.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator("#notes")).to_contain_text("Melder gebeld; komt morgen langs met aankoopbewijs.")
    # the resident holds a passport to the camera: the officer writes down what the identity check needs
    page.get_by_label("Soort document").select_option(label="Paspoort")
    page.get_by_label("Land van afgifte").select_option(label="Syrië")
    page.get_by_label("Laatste 4 tekens van het documentnummer").fill("ab12")
    page.get_by_label("Het gezicht komt overeen met de foto in het document").check()
    page.get_by_role("button", name="Identiteit vastleggen").click()
    expect(page.locator("#identity-record")).to_contain_text("Paspoort, Syrië")
    expect(page.locator("#identity-record")).to_contain_text("eindigt op AB12")
    accessible(page)
    shot(page, "04-case-identity")
    page.get_by_role("button", name="Omgezet in aangifte").click()
    dialog = page.locator("#convert-dialog")
    expect(dialog).to_contain_text("nog niet ondertekend")  # the identity is there, the signature is not
    page.get_by_label("Reden (komt als notitie bij de zaak en in de PDF)").fill("Verklaring aan de balie ondertekend.")
    shot(page, "04-case-convert-reason")
    dialog.get_by_role("button", name="Omzetten").click()
    expect(page.locator("#status")).to_have_text("Omgezet in aangifte")
    expect(page.locator("#notes")).to_contain_text("Omgezet in aangifte zonder handtekening: Verklaring aan de balie")
    expect(page.get_by_role("button", name="Oppakken")).to_have_count(0)
    shot(page, "04-case-converted")

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Exporteer PDF").click()
    pdf_path = ARTIFACTS / "case.pdf"
    pdf_download.value.save_as(pdf_path)
    check_pdf(pdf_path, seeded.arabic_reference)
    with page.expect_download() as json_download:
        page.get_by_role("link", name="Exporteer JSON").click()
    assert seeded.arabic_reference in Path(json_download.value.path()).read_text(encoding="utf-8")
    subjects = audit_subjects(seeded.server, seeded.arabic_id)
    assert "export:pdf" in subjects and "export:json" in subjects

    # Logout ends the session on the server; the next login gets a new session token.
    page.get_by_role("button", name="Afmelden").click()
    expect(page).to_have_url(re.compile(r"/console/\?logged_out=1$"))
    expect(page.locator("#notice")).to_have_text("U bent afgemeld.")
    stale = httpx.get(f"{seeded.server.url}/api/cases", cookies={"politieloket_session": first_cookie["value"]})
    assert stale.status_code == 401
    log_in(page, "agent.jansen")
    expect(page).to_have_url(f"{seeded.server.url}/console/queue")
    second_cookie = next(c for c in context.cookies() if c["name"] == "politieloket_session")
    assert second_cookie["value"] != first_cookie["value"]


def check_pdf(path: Path, reference: str) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and reference.encode() in data
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) not installed: the PDF's text and look were not checked")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (reference, "Omgezet in aangifte", "Melder gebeld", "translate-en_nl 1.9", "سرق شخص",
                     NL.text("field.bike_brand"), "Paspoort, uitgegeven door Syrië", "eindigt op AB12",
                     "zonder handtekening: Verklaring aan de balie"):
        assert expected in text, expected
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(path), str(ARTIFACTS / "case-pdf")],
                   check=True)
    assert (ARTIFACTS / "case-pdf-1.png").stat().st_size > 10_000


def test_pilot_sees_charts_and_never_a_case(context: BrowserContext, seeded: Seeded) -> None:
    page = context.new_page()
    log_in(page, "pilot.devries")
    expect(page).to_have_url(f"{seeded.server.url}/console/dashboard")
    page.get_by_label("Week", exact=True).select_option(week_of(EVENTS_AT).label)
    page.wait_for_function("Object.keys(window.Chart.instances).length >= 7")
    expect(page.locator(".tile").first).to_contain_text("20")
    languages = page.locator("[data-chart=languages]")
    # Pools and Turks are under 5 and 4 together, so Engels hides too: 20 - 10 - Engels would give them back.
    expect(languages).to_contain_text(
        "Verborgen (te klein, of terug te rekenen tot minder dan 5 sessies): Engels, Pools, Turks.")
    languages.locator("summary").click()
    expect(languages.locator("table")).to_contain_text("verborgen")
    expect(page.locator("#calls")).to_contain_text("30 s")
    expect(page.locator("#uptime")).to_contain_text("Kiosk Emmen Bibliotheek")
    accessible(page)
    shot(page, "05-dashboard")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    exported = Path(csv_download.value.path()).read_text(encoding="utf-8")
    rows = {tuple(row[3:]) for row in csv.reader(io.StringIO(exported))}
    assert ("languages", "pl", "sessies", "verborgen") in rows and ("totaal", "", "sessies", "20") in rows

    case_page = page.goto(f"/console/cases/{seeded.arabic_id}")
    assert case_page is not None and case_page.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang (403)")
    shot(page, "06-pilot-forbidden")
    for path in (f"/api/cases/{seeded.arabic_id}", f"/api/cases/{seeded.arabic_id}/export.pdf", "/api/cases"):
        assert page.request.get(path).status == 403, path


def test_admin_provisions_and_revokes_a_kiosk(context: BrowserContext, seeded: Seeded) -> None:
    page = context.new_page()
    log_in(page, "beheer")
    expect(page).to_have_url(f"{seeded.server.url}/console/admin")
    kiosk_row = page.get_by_role("row").filter(has_text="Kiosk Emmen Bibliotheek")
    expect(kiosk_row).to_contain_text("2 (oudste 2 min)")
    page.get_by_label("Naam kiosk").fill("Kiosk Assen Stadhuis")
    page.get_by_label("Locatie").fill("Assen, stadhuis")
    page.get_by_role("button", name="Kiosk toevoegen").click()
    token = page.locator("#token")
    expect(token).not_to_be_empty()
    provisioning = httpx.get(f"{seeded.server.url}/api/kiosk/provisioning",
                             headers={"Authorization": f"Bearer {token.inner_text()}"})
    assert provisioning.status_code == 200 and provisioning.json()["location"] == "Assen, stadhuis"
    page.get_by_label("Gebruikersnaam").fill("agent.bakker")
    page.get_by_label("Wachtwoord (minstens 10 tekens)", exact=True).fill("nog een lang wachtwoord")
    page.get_by_role("button", name="Gebruiker toevoegen").click()
    expect(page.get_by_role("row").filter(has_text="agent.bakker")).to_contain_text("Agent")
    accessible(page)
    shot(page, "07-admin")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("row").filter(has_text="Kiosk Assen Stadhuis").get_by_role("button", name="Intrekken").click()
    expect(page.get_by_role("row").filter(has_text="Kiosk Assen Stadhuis")).to_contain_text("Ingetrokken")
    again = httpx.get(f"{seeded.server.url}/api/kiosk/provisioning",
                      headers={"Authorization": f"Bearer {token.inner_text()}"})
    assert again.status_code == 401


def test_the_accessibility_check_finds_what_it_looks_for(browser: Browser) -> None:
    page = browser.new_page()
    page.set_content('<p style="color:#aaa">lichtgrijs</p><p style="color:#595959">donkergrijs</p>'
                     '<input id="bare"><label for="named">Naam</label><input id="named">')
    result = page.evaluate(A11Y_CHECKS)
    assert result["unlabelled"] == ["bare"]
    assert len(result["lowContrast"]) == 1 and "lichtgrijs" in result["lowContrast"][0]
    page.close()


def test_the_idle_timeout_warns_and_can_be_extended(browser: Browser, tmp_path: Path) -> None:
    """With a 1-minute idle timeout the two-minute warning is due at once; the officer chooses to stay."""
    server = ConsoleBackend(tmp_path, {"POLITIELOKET_BACKEND_SESSION_IDLE_MINUTES": "1"})
    server.add_user("agent.kort", "officer")
    server.start()
    try:
        context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 700})
        page = context.new_page()
        log_in(page, "agent.kort")
        dialog = page.get_by_role("dialog", name="Bent u er nog?")
        expect(dialog).to_be_visible(timeout=15_000)
        expect(page.locator("#session-timer")).to_contain_text("na 1 min zonder activiteit")
        shot(page, "08-idle-warning")
        dialog.get_by_role("button", name="Ingelogd blijven").click()
        expect(dialog).to_be_hidden()
        context.close()
    finally:
        server.stop()


def test_an_officer_sets_up_totp_from_the_qr_page_and_logs_in_with_a_code(browser: Browser, tmp_path: Path) -> None:
    """The secret shown beside the QR code gives the codes (pyotp stands in for the phone's app)."""
    server = ConsoleBackend(tmp_path)
    server.add_user("agent.totp", "officer")
    server.start()
    try:
        context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900}, locale="nl-NL")
        context.set_default_timeout(15_000)
        page = context.new_page()
        log_in(page, "agent.totp")
        expect(page).to_have_url(f"{server.url}/console/queue")
        page.get_by_role("link", name="Tweestapsverificatie").click()
        expect(page).to_have_url(f"{server.url}/console/totp")
        expect(page.locator("#state")).to_contain_text("nog niet ingesteld")
        page.get_by_role("button", name="Tweestapsverificatie instellen").click()
        expect(page.get_by_role("button", name="Tweestapsverificatie instellen")).to_be_hidden()
        qr = page.get_by_role("img", name="QR-code voor uw authenticator-app")
        expect(qr.locator("svg path")).to_have_count(1)
        assert qr.bounding_box() is not None and qr.bounding_box()["width"] >= 200  # type: ignore[index]
        secret = page.locator("#secret").inner_text().strip()
        assert re.fullmatch(r"[A-Z2-7]{32}", secret)
        expect(page.get_by_label("Code uit de app")).to_be_focused()
        accessible(page)
        shot(page, "09-totp-enrolment")
        totp = pyotp.TOTP(secret)
        page.get_by_label("Code uit de app").fill("000000" if totp.now() != "000000" else "111111")
        page.get_by_role("button", name="Bevestigen").click()
        expect(page.get_by_role("alert")).to_contain_text("De code is onjuist")
        page.get_by_label("Code uit de app").fill(totp.now())
        page.get_by_role("button", name="Bevestigen").click()
        expect(page.locator("#message")).to_have_text("Tweestapsverificatie is ingesteld.")
        expect(page.locator("#state")).to_contain_text("is ingesteld")

        page.get_by_role("button", name="Afmelden").click()
        expect(page).to_have_url(re.compile(r"/console/\?logged_out=1$"))
        log_in(page, "agent.totp")  # name and password, Enter: the console asks for the code
        code = page.get_by_label("Code uit uw authenticator-app")
        expect(code).to_be_focused()
        expect(page.get_by_role("alert")).to_contain_text("Voer de 6-cijferige code")
        accessible(page)
        shot(page, "10-login-totp-code")
        # The confirmation used the current step's code, and no code is accepted twice: take the next step's.
        code.fill(totp.at(datetime.now(UTC) + timedelta(seconds=30)))
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{server.url}/console/queue")
        context.close()
    finally:
        server.stop()


def test_the_admin_sees_a_locked_account_unlocks_it_and_makes_totp_mandatory(browser: Browser, tmp_path: Path) -> None:
    """Three failures lock an account here (POLITIELOKET_BACKEND_LOGIN_LOCKOUT_FAILURES); the admin lifts it."""
    server = ConsoleBackend(tmp_path, {"POLITIELOKET_BACKEND_LOGIN_LOCKOUT_FAILURES": "3"})
    server.add_user("agent.vergeten", "officer")
    server.add_user("beheer", "admin")
    server.start()
    try:
        for _ in range(3):
            assert httpx.post(f"{server.url}/api/auth/login",
                              json={"name": "agent.vergeten", "password": "wrong guess"}).status_code == 401
        context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900}, locale="nl-NL",
                                      timezone_id="Europe/Amsterdam")
        context.set_default_timeout(15_000)
        page = context.new_page()
        log_in(page, "agent.vergeten")
        expect(page.get_by_role("alert")).to_contain_text("tijdelijk vergrendeld")
        expect(page.get_by_role("alert")).to_contain_text("Probeer het over 15 min opnieuw.")

        log_in(page, "beheer")
        expect(page).to_have_url(f"{server.url}/console/admin")
        row = page.get_by_role("row").filter(has_text="agent.vergeten")
        expect(row).to_contain_text("vergrendeld tot")
        page.get_by_label(re.compile("^Verplicht voor agenten en beheerders")).check()
        page.locator("#totp-form").get_by_role("button", name="Opslaan").click()
        expect(page.locator("#message")).to_have_text(
            "Tweestapsverificatie is nu verplicht voor agenten en beheerders."
        )
        accessible(page)
        shot(page, "11-admin-locked-account")
        row.get_by_role("button", name="Ontgrendelen").click()
        expect(page.locator("#message")).to_have_text("agent.vergeten is ontgrendeld.")
        expect(row).not_to_contain_text("vergrendeld")
        page.get_by_role("button", name="Afmelden").click()
        expect(page).to_have_url(re.compile(r"/console/\?logged_out=1$"))

        # Unlocked, and TOTP is now mandatory: straight from the password to the enrolment, and nothing else.
        log_in(page, "agent.vergeten")
        expect(page).to_have_url(f"{server.url}/console/totp")
        expect(page.locator("#required")).to_contain_text("verplicht voor uw account")
        expect(page.locator("#nav a")).to_have_count(1)
        page.goto("/console/queue")
        expect(page).to_have_url(f"{server.url}/console/totp")
        shot(page, "12-mandatory-totp")
        context.close()
    finally:
        server.stop()


def test_an_officer_calls_back_tries_again_and_closes(browser: Browser, tmp_path: Path) -> None:
    """A call-back request in the list with its language; nobody answers the first try, so it goes back to the
    list; the next try reaches the resident."""
    server = ConsoleBackend(tmp_path)
    server.add_user("agent.bel", "officer")
    server.kiosk_token = server.add_kiosk("Kiosk Emmen Bibliotheek", "Emmen, bibliotheek")
    server.start()
    try:
        answers = validate(FORMS.get("callback"), CALLBACK_ANSWERS, now=datetime.now(UTC))
        assert answers.ok, answers.errors
        request = CasePayload(case_id=str(uuid.uuid4()), case_type="callback", schema_version=1, language="uk",
                              created_at=datetime.now(UTC).isoformat(), answers=dict(answers.values))
        reference = server.deliver(request)
        context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900}, locale="nl-NL")
        context.set_default_timeout(15_000)
        page = context.new_page()
        log_in(page, "agent.bel")
        row = page.get_by_role("row").filter(has_text=reference)
        expect(row).to_contain_text("Bel mij terug")
        expect(row).to_contain_text("Oekraïens")  # an interpreter can be booked before dialling
        expect(row.locator(".flag.missing")).to_have_text("Niet vertaald")  # what it is about came untranslated
        shot(page, "09-callback-in-the-list")
        page.get_by_role("link", name=reference).click()
        page.get_by_role("button", name="Oppakken").click()
        expect(answer(page, "field.callback_phone")).to_contain_text("+380671234567")
        expect(answer(page, "field.callback_time")).to_contain_text(NL.text("choice.callback_time.evening"))
        expect(page.get_by_role("button", name="Omgezet in aangifte")).to_have_count(0)
        accessible(page)
        shot(page, "09-callback")
        page.get_by_role("button", name="Niet opgenomen: later opnieuw").click()
        expect(page.locator("#status")).to_have_text("Niet opgenomen")
        page.goto("/console/queue")
        expect(page.get_by_role("row").filter(has_text=reference)).to_contain_text("Niet opgenomen")
        page.get_by_role("link", name=reference).click()
        page.get_by_role("button", name="Oppakken").click()
        page.get_by_role("button", name="Teruggebeld: afsluiten").click()
        expect(page.locator("#status")).to_have_text("Afgesloten")
        context.close()
    finally:
        server.stop()
