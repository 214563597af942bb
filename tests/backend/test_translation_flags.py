"""The officers' list says which cases need an interpreter or a careful read before anyone opens them: the flag is
worked out from the translations the kiosk sealed and kept in clear beside the routing metadata (it names no text)."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from backend.services.schemas import Role
from domain.forms import FormCatalog, default_assets_dir
from domain.payload import CasePayload, Translation
from domain.translation_check import translatable_fields
from tests.backend.support import Backend, payload_for

FORMS = FormCatalog.load(default_assets_dir() / "forms")


def translated(language: str, **changes: object) -> CasePayload:
    """A theft case whose every free text was translated as the kiosk's translator would have done it, with
    `changes` made to the description's translation."""
    payload = payload_for(uuid.uuid4(), "theft", language=language)
    wanted = translatable_fields(FORMS.get("theft"))
    translations = {
        field: Translation(original=text, source_language=language, dutch=f"NL {text}")
        for field, text in payload.answers.items() if field in wanted and text
    }  # fmt: skip
    translations["description"] = dataclasses.replace(translations["description"], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(payload, translations=translations)


@pytest.mark.both_databases
def test_the_list_flags_untranslated_and_doubtful_text(backend: Backend) -> None:
    kiosk = backend.kiosk()
    cases = {
        "fine": translated("ar"),
        "doubtful": translated("ar", low_confidence=True, reason="repetition_loop"),
        "untranslated": translated("fa", dutch=None, reason="no_model"),
        "dutch": payload_for(uuid.uuid4(), "theft", language="nl"),
    }
    for payload in cases.values():
        assert backend.deliver(kiosk, payload).status_code == 201
    rows = {row["id"]: row for row in backend.sign_in(Role.OFFICER).get("/api/cases").json()["cases"]}
    flags = {name: rows[payload.case_id]["translation_flag"] for name, payload in cases.items()}
    assert flags == {"fine": None, "doubtful": "low_confidence", "untranslated": "untranslated", "dutch": None}


def test_a_translation_the_kiosk_never_made_counts_as_untranslated(backend: Backend) -> None:
    payload = dataclasses.replace(payload_for(uuid.uuid4(), "theft", language="uk"), translations={})
    assert backend.deliver(backend.kiosk(), payload).status_code == 201
    [row] = backend.sign_in(Role.OFFICER).get("/api/cases").json()["cases"]
    assert row["translation_flag"] == "untranslated"
