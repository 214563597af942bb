"""The still of the resident's identity document on the console's case page, in Debian's Chromium against a real
backend process (as tests/backend/test_console_browser.py, whose helpers these are). Screenshots go to
test-artifacts/console/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.backend.console_server import ConsoleBackend, payload
from tests.backend.support import document_still
from tests.backend.test_console_browser import accessible, audit_subjects, browser, log_in, shot

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the Chromium fixture, shared with the other console tests


def test_the_officer_holding_the_case_sees_the_document_photo_and_a_colleague_only_a_note(
    browser: Browser, tmp_path: Path
) -> None:
    """The still the call page keeps of the resident's identity document, on the case page: the image for the officer
    holding the case (fetched with the session, shown from memory), a note for a colleague; deleting asks first."""
    server = ConsoleBackend(tmp_path)
    for name in ("agent.jansen", "agent.bakker"):
        server.add_user(name, "officer")
    server.kiosk_token = server.add_kiosk("Kiosk Emmen Bibliotheek", "Emmen, bibliotheek")
    server.start()
    try:
        case = payload("bike_theft", "nl")
        reference = server.deliver(case)
        contexts = [browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900}, locale="nl-NL",
                                        timezone_id="Europe/Amsterdam") for _ in range(2)]  # fmt: skip
        page, colleague = (context.new_page() for context in contexts)
        for context in contexts:
            context.set_default_timeout(15_000)
        log_in(page, "agent.jansen")
        page.get_by_role("link", name=reference).click()
        page.get_by_role("button", name="Oppakken").click()
        expect(page.locator("#status")).to_have_text("In behandeling")
        # what the call page sends once the officer has cropped the still taken from the video
        csrf = page.request.get("/api/auth/me").json()["csrf_token"]
        kept = page.request.put(f"/api/cases/{case.case_id}/identity/photo", data=document_still(480, 300),
                                headers={"Content-Type": "image/jpeg", "X-CSRF-Token": csrf})  # fmt: skip
        assert kept.ok, kept.text()
        page.reload()
        photo = page.locator("#document-photo")
        expect(photo).to_be_visible()
        page.wait_for_function("() => { const img = document.getElementById('document-photo');"
                               " return img.complete && img.naturalWidth > 0; }")  # fmt: skip
        assert photo.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [480, 300]
        source = photo.get_attribute("src") or ""
        assert source.startswith("blob:")  # from memory: no URL of the image to leak or to cache
        assert "identiteitsbewijs" in (photo.get_attribute("alt") or "")
        expect(page.locator(".document-photo figcaption")).to_contain_text("vastgelegd door agent.jansen op")
        accessible(page)
        shot(page, "13-case-document-photo")
        assert audit_subjects(server, case.case_id).count("document photo") == 1

        log_in(colleague, "agent.bakker")
        expect(colleague).to_have_url(f"{server.url}/console/queue")
        colleague.goto(f"/console/cases/{case.case_id}")
        expect(colleague.locator("#document-photo-note")).to_have_text(
            "Er is een foto van het identiteitsbewijs; alleen de agent die de zaak heeft opgepakt ziet haar.")
        expect(colleague.locator("#document-photo")).to_have_count(0)
        expect(colleague.get_by_role("button", name="Foto verwijderen")).to_have_count(0)
        shot(colleague, "13-case-document-photo-colleague")
        assert audit_subjects(server, case.case_id).count("document photo") == 1  # the colleague read no photo

        page.get_by_role("button", name="Foto verwijderen").click()
        dialog = page.locator("#photo-dialog")
        expect(dialog).to_contain_text("Dat kunt u niet ongedaan maken.")
        shot(page, "13-case-document-photo-delete")
        dialog.get_by_role("button", name="Annuleren").click()
        expect(photo).to_be_visible()
        page.get_by_role("button", name="Foto verwijderen").click()
        dialog.get_by_role("button", name="Verwijderen").click()
        expect(page.locator("#message")).to_have_text("Foto verwijderd.")
        expect(photo).to_have_count(0)
        assert page.evaluate("url => fetch(url).then(() => 'open', () => 'revoked')", source) == "revoked"
        for context in contexts:
            context.close()
    finally:
        server.stop()
