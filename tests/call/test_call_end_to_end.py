"""A whole call inside a private network namespace: the real backend process, the kiosk's aiortc peer with the
real ArgosTranslator, and the officer in Debian's Chromium with a fake camera. Loopback only, no STUN; the
relay-only call adds a real TURN relay (coturn) in the namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.call.netns import require_namespaces, run_in_namespace
from tools.call_translator import OFFICER_SAYS, OFFICER_SAYS_IN_ARABIC, RESIDENT_SAYS, RESIDENT_SAYS_IN_DUTCH
from tools.coturn import turnserver_path
from tools.phrase_books import CUT_LOCK

pytestmark = [pytest.mark.browser, pytest.mark.timeout(400)]


def test_a_call_connects_translates_survives_a_drop_is_recorded_and_a_dead_link_ends_clearly(tmp_path: Path) -> None:
    require_namespaces()
    result = run_in_namespace("tests.call.call_scenario", tmp_path, "happy")

    assert result["interfaces"] == ["lo"]
    assert result["offer_candidates"] and all(line.endswith("on 127.0.0.1") for line in result["offer_candidates"])
    # the officer's console rang with the language, the service and the kiosk
    ringing = result["ringing_text"]
    assert "Arabisch" in ringing and "Fiets gestolen" in ringing and "Emmen, bibliotheek" in ringing
    assert (result["queue_position"], result["expected_wait_s"]) == (1, None)  # no call answered before it
    # video both ways: Chromium's fake camera at the kiosk, the kiosk's test pattern in the browser
    assert (result["kiosk_picture"]["width"], result["kiosk_picture"]["height"]) == (640, 480)
    assert result["kiosk_picture"]["std"] > 10  # a picture, not a blank frame
    assert result["browser_video_width"] == 640

    chat = result["chat"]
    # the resident's Arabic arrives with its Dutch, made on the kiosk through the English pivot
    assert RESIDENT_SAYS in chat["officer_sees_resident"]
    assert RESIDENT_SAYS_IN_DUTCH in chat["officer_sees_resident"]
    assert "translate-ar_en 0.1 + translate-en_nl 0.1" in chat["officer_sees_resident"]
    assert "via en" in chat["officer_sees_resident"]
    # the officer's Dutch is translated on the kiosk and the officer sees what the resident was shown
    assert chat["kiosk_shows_officer"] == {"text": OFFICER_SAYS_IN_ARABIC, "original": OFFICER_SAYS, "translated": True}
    assert f"Getoond aan bewoner: {OFFICER_SAYS_IN_ARABIC}" in chat["officer_sees_own"]
    assert "Wat is er gebeurd?" in chat["intake_on_console"] and "Mijn fiets is gestolen." in chat["intake_on_console"]
    # the call was started from the receipt: the officer opens the filed case in a new tab to check the identity
    assert "K7M-4QP (opent in een nieuw tabblad: identiteit controleren)" in chat["intake_on_console"]
    assert chat["case_link"] == "/console/cases/6a1f0c2e-0000-4000-8000-000000000001"
    assert chat["captions_note"] == "Deze kiosk maakt geen ondertiteling."

    # the media path broke for a few seconds: the kiosk noticed, made a new connection, video came back
    drop = result["drop"]
    assert drop["phases"] == ["reconnecting", "connected"]
    assert drop["attempts_logged"]
    assert drop["console_status"] == "Verbonden."

    assert result["end_reason"] == "kiosk_hangup"
    assert result["console_after_hangup"] == "De bewoner heeft het gesprek beëindigd."
    events = result["events"]
    assert [(e["kind"], e["reason"], e["code"]) for e in events] == [
        ("call_requested", None, None),
        ("call_connected", None, None),
        ("call_ended", "kiosk_hangup", "connected"),
    ]
    assert events[1]["duration_ms"] > 0 and events[2]["duration_ms"] > 0
    assert {(e["language"], e["service"], e["location"]) for e in events} == {
        ("ar", "bike_theft", "Emmen, bibliotheek")
    }
    # a second call whose link stays down ends clearly on both sides
    lost = result["lost"]
    assert lost["end_reason"] == "network_lost"
    assert lost["console_status"] == "De verbinding viel weg en kwam niet terug. Het gesprek is beëindigd."
    assert (lost["last_event"]["kind"], lost["last_event"]["reason"]) == ("call_ended", "network_lost")


def test_each_side_sees_the_others_speech_as_translated_captions(tmp_path: Path) -> None:
    """The resident speaks Arabic, the officer Dutch (espeak-ng recordings as microphones); the phrase Whisper
    model says a known sentence for each language, so the assertions check the path, not a model's words."""
    require_namespaces()
    result = run_in_namespace("tests.call.call_scenario", tmp_path, "captions")
    assert result["console_note"].startswith("Ondertiteling aan")
    resident = result["console_resident_caption"]
    assert "Bewoner (gesproken)" in resident and RESIDENT_SAYS in resident and RESIDENT_SAYS_IN_DUTCH in resident
    assert "Spraakherkenning (whisper-phrase 1.0)" in resident and "machinevertaling" in resident
    officer = result["console_officer_caption"]
    assert OFFICER_SAYS in officer and f"Getoond aan bewoner: {OFFICER_SAYS_IN_ARABIC}" in officer
    assert result["kiosk_officer_caption"] == {
        "original": OFFICER_SAYS, "translated": OFFICER_SAYS_IN_ARABIC, "target": "ar", "listening": True
    }
    assert result["after_officer_off"] == {"listening": False, "by": "officer", "button": "Ondertiteling aan"}
    # the officer kept the transcript: the kiosk told the resident, sealed every turn as the call ended, sent it
    assert result["transcript_note"].startswith("Het verslag wordt bewaard als het gesprek eindigt")
    assert result["cases"] == [["call_transcript", "ar"]]
    case = result["transcript_case"]
    assert "Gespreksverslag videogesprek" in case and "Wat er gezegd is" in case
    assert RESIDENT_SAYS in case and RESIDENT_SAYS_IN_DUTCH in case and OFFICER_SAYS_IN_ARABIC in case
    assert "Melder" in case and "Agent" in case and "whisper-phrase 1.0" in case


def test_a_relay_only_call_goes_through_the_turn_relay_and_nowhere_else(tmp_path: Path) -> None:
    """coturn (use-auth-secret) in the namespace, the backend with call_relay_only: the credentials the backend
    made for this call open the relay, both peers offer relayed candidates only, and video and chat cross it."""
    require_namespaces()
    if turnserver_path() is None:
        pytest.skip("needs coturn's turnserver (scripts/install-system installs it)")
    result = run_in_namespace("tests.call.call_scenario", tmp_path, "relay")

    assert result["interfaces"] == ["lo"]
    officer = result["officer"]
    assert (officer["policy"], officer["connection"]) == ("relay", "connected")
    # neither side offered its own address: only the relay's, in the SDP and in getStats
    assert result["kiosk_offer_types"] and set(result["kiosk_offer_types"]) == {"relay"}
    assert result["officer_answer_types"] == [] or set(result["officer_answer_types"]) == {"relay"}
    assert (officer["localTypes"], officer["remoteTypes"]) == (["relay"], ["relay"])
    # one bundled transport carries video, audio and the data channel; its selected pair is relay to relay
    (transport,) = officer["transports"]
    assert transport["dtlsState"] == "connected"
    assert (transport["local"]["type"], transport["remote"]["type"]) == ("relay", "relay")
    assert transport["local"]["relayProtocol"] == "udp" and transport["local"]["url"] == result["relay"]["url"]
    assert transport["bytesSent"] > 0 and transport["bytesReceived"] > 0
    assert max(officer["videoFramesDecoded"]) >= 30
    (channel,) = officer["channels"]
    assert channel["state"] == "open" and channel["sent"] > 0 and channel["received"] > 0
    # the kiosk's aiortc peer: relayed candidates only, and its nominated pair is relay to relay
    kiosk_log = result["kiosk_log"]
    assert any(line.endswith("candidate types: relay (relay only)") for line in kiosk_log), kiosk_log
    paths = [line.split("media path: ", 1)[1] for line in kiosk_log if "media path: " in line]
    assert paths and all(p.startswith("relay 127.0.0.1:") and " -> relay 127.0.0.1:" in p for p in paths), paths
    # the chat crossed both ways over that path
    assert RESIDENT_SAYS in result["chat"]["officer_sees_resident"]
    assert result["chat"]["kiosk_shows_officer"]["original"] == OFFICER_SAYS
    # coturn allocated a relay for each peer, with this call's credentials
    allocations = result["relay"]["allocations"]
    assert len(allocations) >= 2
    assert all(f":{result['call_label']}>" in line for line in allocations), allocations
    assert result["end_reason"] == "kiosk_hangup"


def test_a_call_through_the_deployed_region_goes_on_when_the_kiosks_worker_is_killed(tmp_path: Path) -> None:
    require_namespaces()
    result = run_in_namespace("tests.call.call_scenario", tmp_path, "worker_killed")

    assert result["interfaces"] == ["lo"]
    before, after = result["workers_before"], result["workers_after"]
    assert before["kiosk"] not in after.values()  # both sides now on the worker that lives
    # the kiosk never left the call: no reconnecting screen, no end; video both ways and chat went on
    assert set(result["phases_after_kill"]) <= {"connected"} and result["phase_before_hangup"] == "connected"
    assert "Mijn fiets is gestolen." in result["chat_after_kill"]
    assert result["console_service"] == "Klaar voor videogesprekken."
    assert result["end_reason"] == "officer_hangup"
    # recorded once each, whichever worker did it (the killed one stored its events with its queue changes)
    assert result["events"] == [["call_requested", None], ["call_connected", None], ["call_ended", "officer_hangup"]]


def test_an_arabic_aangifte_is_filed_by_touch_checked_photographed_signed_on_the_screen_and_converted(
    tmp_path: Path,
) -> None:
    """The kiosk app itself under Xvfb (tests/call/kiosk_app_scenario.py): filed by touch, a call from the receipt,
    the officer's identity check and still of the document, the statement signed with a finger, the conversion."""
    require_namespaces()
    result = run_in_namespace("tests.call.kiosk_app_scenario", tmp_path)
    assert result["interfaces"] == ["lo"]
    assert result["reference"]
    # the resident was told on the kiosk, in Arabic, that a photo was taken and then that it was kept
    assert result["kiosk_photo_taken"] == "التقط الشرطي صورة لوثيقة هويتك من أجل ملفك."
    assert result["kiosk_photo_note"] == "حُفظت صورة وثيقة هويتك في ملفك. الشرطة فقط يمكنها رؤيتها."
    # the officer kept the part of the 640×480 frame they dragged over (a quarter: 320×240, to a pixel)
    width, height = (int(n) for n in re.findall(r"\d+", result["photo_selection"]))
    assert abs(width - 320) <= 2 and abs(height - 240) <= 2, result["photo_selection"]
    # the statement on the kiosk held the resident's own words; signed by touch, the officer heard it
    assert RESIDENT_SAYS in result["statement_values"]
    assert result["addition_shown"] == CUT_LOCK["ar"]  # the officer's Dutch correction, translated on the kiosk
    assert result["kiosk_sign_note"] == "تم إرسال توقيعك إلى الشرطي."
    assert "De bewoner heeft ondertekend" in result["console_statement_note"]
    assert "tekst ongewijzigd" in result["case_signature"] and result["case_photo_width"] == width
    pdf = " ".join(result["pdf"].split())
    assert "Omgezet in aangifte" in pdf and "Paspoort, uitgegeven door Syrië" in pdf and "eindigt op AB12" in pdf
    assert "Verklaring, ondertekend op de kiosk" in pdf and "in orde: de tekst is dezelfde" in pdf
    assert RESIDENT_SAYS_IN_DUTCH in pdf and "Foto van het identiteitsbewijs" in pdf
    assert re.search(r"SHA-256vandetekst[0-9a-f]{64}", "".join(result["pdf"].split()))  # the signed text's hash
    assert f"Aanvulling van de agent: {CUT_LOCK['nl']}" in pdf and CUT_LOCK["ar"].rstrip(".") in result["pdf"]  # signed
    assert "Handtekening van de melder" in pdf  # the strokes the finger drew, printed under the statement
    listed = [line.split()[3:5] for line in result["pdf_images"]]  # pdfimages -list: page num type width height
    assert [str(width), str(height)] in listed, result["pdf_images"]  # the cropped still is in the case file
    # the stored signed text changed afterwards: the case and the PDF say the check failed
    assert "tekst ongewijzigd" not in result["altered_signature"]
    assert "MISLUKT: DE OPGESLAGEN TEKST IS GEWIJZIGD NA DE ONDERTEKENING" in " ".join(result["altered_pdf"].split())
    assert ["signed_statement", "ar"] in result["cases"] and ["bike_theft", "ar"] in result["cases"]
