"""The PDF an officer files and the JSON export: real files, with the reference and the original text in them."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend.services.case_pdf import case_pdf, translation_note
from backend.services.exports import CaseSheet, Note, case_json
from backend.services.presenter import Row, Section, dutch_catalog, present
from domain.forms import FormCatalog, default_assets_dir
from domain.payload import Translation, TranslationHop
from domain.validation import validate
from tools.samples import ANSWERS

ASSETS = default_assets_dir()
ARABIC = "سرق شخص ما دراجتي من المحطة"


def sheet() -> tuple[CaseSheet, dict, dict]:
    schema = FormCatalog.load(ASSETS / "forms").get("bike_theft")
    values = validate(schema, ANSWERS["bike_theft"], now=datetime(2026, 11, 25, tzinfo=UTC)).values
    values["description"] = ARABIC
    translations = {"description": Translation(
        original=ARABIC, source_language="ar", dutch="Iemand heeft mijn fiets gestolen van het station",
        hops=(
            TranslationHop("translate-ar_en", "1.0", "ar", "en"), TranslationHop("translate-en_nl", "1.9", "en", "nl")
        ),
        pivot="en",
    )}
    sections = present(schema, values, translations, "ar", dutch_catalog(ASSETS))
    return CaseSheet(
        case_id="6a1f0c2e-0000-4000-8000-000000000001", reference="K7M-4QP", service="Fietsdiefstal",
        kind="aangifte", language="Arabisch", location="Emmen, station", created_at="20-11-2026 18:00",
        received_at="20-11-2026 18:01", status="In behandeling", handled_by="agent.jansen",
        sections=sections, notes=[Note("agent.jansen", "21-11-2026 09:00", "Melder gebeld.")],
        identity=[("Document", "Paspoort, uitgegeven door Syrië"), ("Documentnummer", "eindigt op AB12")],
        signatures=[],
        printed_by="agent.jansen", printed_at="21-11-2026 10:00",
    ), values, translations


def test_the_pdf_is_a_pdf_with_the_reference_the_model_and_the_original(tmp_path: Path) -> None:
    case, _, _ = sheet()
    data = case_pdf(case, ASSETS / "fonts")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "case.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "K7M-4QP" in text
    assert "Fietsdiefstal" in text
    assert "Iemand heeft mijn fiets gestolen" in text
    assert "translate-en_nl 1.9" in text
    assert "Paspoort, uitgegeven door Syrië" in text and "eindigt op AB12" in text
    assert "Melder gebeld." in text
    assert "Zwanenburg-Oukili" in text
    assert "دراجتي" in text  # the Arabic original is real text, in logical order


def test_rows_are_not_split_over_pages() -> None:
    """A label whose value moved to the next page once spread one case over six mostly empty pages."""
    case, _, _ = sheet()
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", case_pdf(case, ASSETS / "fonts"))
    assert len(pages) == 2


def test_a_very_long_answer_flows_over_pages() -> None:
    case, _, _ = sheet()
    long_row = Row("description", "Wat is er gebeurd?", "Een lange zin over wat er gebeurde. " * 300)
    longer = dataclasses.replace(case, sections=[Section("story", "Wat er gebeurde", [long_row])])
    data = case_pdf(longer, ASSETS / "fonts")
    assert 3 <= len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) <= 5


def test_the_pdf_title_names_the_reference() -> None:
    case, _, _ = sheet()
    assert b"K7M-4QP" in case_pdf(case, ASSETS / "fonts")  # in the document information, readable by any tool


def test_the_json_export_holds_the_raw_answers_and_the_dutch_view() -> None:
    case, values, translations = sheet()
    document = json.loads(case_json(case, values, {k: v.__dict__ for k, v in translations.items()}))
    assert document["reference"] == "K7M-4QP"
    assert document["answers"]["frame_number"] == values["frame_number"]
    assert document["translations"]["description"]["original"] == ARABIC
    assert document["dutch_view"][0]["rows"][0]["field_id"] == "bike_brand"


def test_translation_notes() -> None:
    assert translation_note({"missing": True}).startswith("Geen vertaling beschikbaar")
    note = translation_note({
        "machine_translated": True, "models": ["m 1 (ar > en)"], "pivot": "en", "low_confidence": True,
        "reason": "repetition_loop", "reason_text": "de vertaling herhaalt zichzelf: het model liep vast",
    })
    assert note == (
        "Machinevertaling, model: m 1 (ar > en), via en, "
        "LET OP: lage betrouwbaarheid (de vertaling herhaalt zichzelf: het model liep vast)."
    )


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "case.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_symbols_and_emoji_print_and_what_no_font_has_is_marked_not_dropped(tmp_path: Path) -> None:
    case, _, _ = sheet()
    row = Row("description", "Wat is er gebeurd?", "Mijn 🚲 is weg ✔ \U0001fae0 einde")
    data = case_pdf(dataclasses.replace(case, sections=[Section("story", "Wat er gebeurde", [row])]), ASSETS / "fonts")
    assert b"Symbola" in data  # the symbol fallback font is embedded for the bike and the tick
    text = pdf_text(data, tmp_path)
    assert "🚲" in text and "✔" in text
    assert "[U+1FAE0]" in text and "einde" in text  # a character no font has is shown, with its code point


def test_a_long_unbroken_string_wraps_inside_the_page(tmp_path: Path) -> None:
    case, _, _ = sheet()
    row = Row("description", "Wat is er gebeurd?", "x" * 256)
    data = case_pdf(dataclasses.replace(case, sections=[Section("story", "Wat er gebeurde", [row])]), ASSETS / "fonts")
    lines = [line for line in pdf_text(data, tmp_path).splitlines() if line.startswith("xxx")]
    assert len(lines) > 1 and "".join(lines) == "x" * 256


def test_making_a_pdf_logs_no_glyph_lists_and_no_case_text(caplog: pytest.LogCaptureFixture) -> None:
    case, _, _ = sheet()
    with caplog.at_level("DEBUG"):
        case_pdf(case, ASSETS / "fonts")
    assert not [r for r in caplog.records if r.levelno >= logging.INFO and r.name.startswith("fontTools")]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Zwanenburg" not in logged and "دراجتي" not in logged
