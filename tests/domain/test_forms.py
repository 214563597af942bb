from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.forms import (
    CALLBACK_CASE_TYPE,
    SIGNATURE_CASE_TYPE,
    TRANSCRIPT_CASE_TYPE,
    CaseKind,
    FieldType,
    FormCatalog,
    SchemaError,
    default_assets_dir,
    personal_field_ids,
)

FORMS_DIR = default_assets_dir() / "forms"


TIPS = ("nuisance_tip", "suspicious_tip", "drugs_tip", "stolen_bike_seen_tip")


def test_catalog_offers_every_case_type_in_order() -> None:
    catalog = FormCatalog.load(FORMS_DIR)
    assert catalog.case_types() == (
        "bike_theft", "theft", "vandalism", "online_fraud", *TIPS, CALLBACK_CASE_TYPE, TRANSCRIPT_CASE_TYPE,
        SIGNATURE_CASE_TYPE,
    )
    assert {catalog.get(case_type).kind for case_type in TIPS} == {CaseKind.MELDING}
    assert {s.case_type for s in catalog if s.kind is CaseKind.CALLBACK} == {CALLBACK_CASE_TYPE}
    assert {s.case_type for s in catalog if s.kind is CaseKind.TRANSCRIPT} == {TRANSCRIPT_CASE_TYPE}
    assert {s.case_type for s in catalog if s.kind is CaseKind.SIGNATURE} == {SIGNATURE_CASE_TYPE}
    others = (*TIPS, CALLBACK_CASE_TYPE, TRANSCRIPT_CASE_TYPE, SIGNATURE_CASE_TYPE)
    assert {s.kind for s in catalog if s.case_type not in others} == {CaseKind.AANGIFTE}


def test_a_call_back_asks_only_a_number_a_time_and_agreement() -> None:
    schema = FormCatalog.load(FORMS_DIR).get(CALLBACK_CASE_TYPE)
    fields = {f.id: f for f in schema.all_fields()}
    assert [s.id for s in schema.steps] == ["callback", "consent_callback"]
    assert fields["callback_phone"].type is FieldType.PHONE and fields["callback_phone"].required
    assert not fields["callback_time"].required and not fields["callback_topic"].required
    assert personal_field_ids(schema) == {"callback_phone", "callback_topic"}


def test_every_aangifte_asks_contact_and_consent() -> None:
    for schema in FormCatalog.load(FORMS_DIR):
        step_ids = [s.id for s in schema.steps]
        if schema.kind is CaseKind.AANGIFTE:
            assert step_ids[-2:] == ["contact", "consent"]
            assert {"first_name", "last_name", "phone"} <= personal_field_ids(schema)
        # a transcript carries its Dutch in its turns, made in the call; a signature, in the statement it signs
        if schema.kind not in (CaseKind.TRANSCRIPT, CaseKind.SIGNATURE):
            assert any(f.translate for f in schema.all_fields()), schema.case_type


def test_every_tip_is_short_and_asks_no_name() -> None:
    """A tip (melding) may be given without a name, and asks at most three steps before the common ones."""
    for case_type in TIPS:
        schema = FormCatalog.load(FORMS_DIR).get(case_type)
        step_ids = [s.id for s in schema.steps]
        assert step_ids[-2:] == ["contact_optional", "consent_tip"], case_type
        assert len(step_ids) <= 5, case_type
        assert schema.field("description").required, case_type


def test_online_fraud_asks_what_internetaangifte_asks() -> None:
    schema = FormCatalog.load(FORMS_DIR).get("online_fraud")
    types = {f.id: f.type for f in schema.all_fields()}
    assert types["counterparty_iban"] is FieldType.IBAN
    assert types["amount_paid"] is FieldType.AMOUNT
    assert {"advert", "counterparty_email", "counterparty_phone", "payment_method", "payment_date"} <= set(types)


def write_forms(tmp_path: Path, form: dict) -> Path:
    (tmp_path / "_common.json").write_text(json.dumps({"steps": []}))
    (tmp_path / "x.json").write_text(json.dumps(form))
    return tmp_path


@pytest.mark.parametrize("form, message", [
    ({"case_type": "x", "version": 1, "kind": "aangifte", "steps": [
        {"id": "s", "fields": [{"id": "a", "type": "spaceship"}]}]}, "bad field"),
    ({"case_type": "x", "version": 1, "kind": "aangifte", "steps": [
        {"id": "s", "fields": [{"id": "a", "type": "choice"}]}]}, "needs choices"),
    ({"case_type": "x", "version": 1, "kind": "aangifte", "steps": [
        {"id": "s", "fields": [{"id": "a", "type": "text"}, {"id": "a", "type": "text"}]}]}, "repeat"),
    ({"case_type": "x", "version": 1, "kind": "complaint", "steps": []}, "complaint"),
])
def test_broken_form_files_fail_loudly(tmp_path: Path, form: dict, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        FormCatalog.load(write_forms(tmp_path, form))
