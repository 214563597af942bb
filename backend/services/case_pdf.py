"""The case file PDF, laid out like a proces-verbaal, of one case an officer can file (services/exports.py holds what
it prints, a CaseSheet).

The PDF is the one export that may hold the still of the resident's identity document; the JSON export never does.
It embeds Noto fonts from assets/fonts so Arabic, Persian and Cyrillic originals print as written (shaped and right
to left through HarfBuzz), with Symbola as the fallback for symbols and emoji. A character none of them can draw is
never dropped silently: it prints as a visible mark with its code point, e.g. [U+1FAE0].

fpdf2 and fontTools (and Pillow under them) cost a fifth of a second to import: services/case_views.py imports this
module when it makes a PDF, so neither the server nor a CLI command loads them at start-up.
"""

from __future__ import annotations

import functools
import io
import itertools
import logging
import re
from pathlib import Path
from typing import Any, cast

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from backend.services.exports import CaseSheet, PhotoPrint, SignedStatement
from backend.services.presenter import Row

# fontTools logs every subset it makes at INFO, glyph names of the case text included: not for a server log.
logging.getLogger("fontTools").setLevel(logging.WARNING)
# fpdf2 decodes images with Pillow, which logs EXIF values at DEBUG (services/photos.py says so too).
logging.getLogger("PIL").setLevel(logging.WARNING)

FONT = "noto"
ARABIC_FONT = "notoarabic"
SYMBOL_FONT = "symbola"
FONT_FILES = ("NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "Symbola.ttf")
# Marks that change how neighbours are drawn rather than being drawn: shaping handles them.
_FORMATTING = re.compile("[\u200c\u200d\ufe00-\ufe0f\n\t]")
GREY = (90, 90, 90)
POLICE_BLUE = (21, 41, 90)
LABEL_WIDTH = 58

CHECK_NL = {
    "ok": "in orde: de tekst is dezelfde als bij de ondertekening",
    "changed": "MISLUKT: DE OPGESLAGEN TEKST IS GEWIJZIGD NA DE ONDERTEKENING. Deze verklaring is niet betrouwbaar.",
    "purged": "niet mogelijk: de tekst is verwijderd na de bewaartermijn",
}


@functools.lru_cache(maxsize=2)
def drawable_characters(fonts_dir: Path) -> frozenset[int]:
    """Every code point one of the PDF's fonts has a glyph for."""
    points: set[int] = set()
    for name in FONT_FILES:
        font = TTFont(fonts_dir / name, lazy=True)
        points.update(font.getBestCmap())
        font.close()
    return frozenset(points)


def visible_marks(text: str, drawable: frozenset[int]) -> str:
    """`text` with every character no font can draw replaced by [U+XXXX], so nothing vanishes from the record."""
    return "".join(
        ch if ord(ch) in drawable or _FORMATTING.match(ch) else f"[U+{ord(ch):04X}]" for ch in text
    )


class _Sheet(FPDF):
    def __init__(self, sheet: CaseSheet, fonts_dir: Path) -> None:
        super().__init__(format="A4")
        self.sheet = sheet
        self.add_font(FONT, "", str(fonts_dir / "NotoSans-Regular.ttf"))
        self.add_font(FONT, "B", str(fonts_dir / "NotoSans-Bold.ttf"))
        self.add_font(FONT, "I", str(fonts_dir / "NotoSans-Regular.ttf"))
        self.add_font(ARABIC_FONT, "", str(fonts_dir / "NotoSansArabic-Regular.ttf"))
        self.add_font(ARABIC_FONT, "B", str(fonts_dir / "NotoSansArabic-Bold.ttf"))
        self.add_font(SYMBOL_FONT, "", str(fonts_dir / "Symbola.ttf"))
        self.set_fallback_fonts([ARABIC_FONT, SYMBOL_FONT], exact_match=False)
        self.drawable = drawable_characters(fonts_dir)
        self.set_text_shaping(True)
        self.set_auto_page_break(True, margin=22)
        self.set_margins(20, 18, 20)
        self.set_title(f"Intake {sheet.reference}")
        self.set_subject(f"Politieloket intake {sheet.reference}")
        self.set_creator("Politieloket")
        self.set_lang("nl")

    def normalize_text(self, text: str) -> str:
        """fpdf2 passes every text through here before drawing it."""
        return super().normalize_text(visible_marks(text, self.drawable))

    def header(self) -> None:
        self.set_font(FONT, "B", 9)
        self.set_text_color(*POLICE_BLUE)
        self.cell(0, 5, "POLITIE — Politieloket", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 4, f"Referentie {self.sheet.reference}", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.set_draw_color(*POLICE_BLUE)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(5)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, "", 7)
        self.set_text_color(*GREY)
        printed = f"Afgedrukt door {self.sheet.printed_by} op {self.sheet.printed_at}"
        self.cell(0, 4, f"{printed} — pagina {self.page_no()} van {{nb}}", align="C")


def _heading(pdf: _Sheet, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf.set_fill_color(230, 235, 245)
    pdf.cell(0, 7, text, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1)


def _height(pdf: _Sheet, width: float, text: str) -> float:
    """How tall `text` would be in the current font, without printing it."""
    return cast(float, pdf.multi_cell(width, 5, text, dry_run=True, output="HEIGHT", align="L"))


def _pair(pdf: _Sheet, label: str, value: str, indent: float = 0) -> None:
    """A label and its value side by side, kept together on one page when they fit on one."""
    label_width = LABEL_WIDTH - indent
    value_width = pdf.w - pdf.r_margin - pdf.l_margin - LABEL_WIDTH
    value = value or "—"
    pdf.set_font(FONT, "B", 9)
    label_height = _height(pdf, label_width, label)
    pdf.set_font(FONT, "", 9)
    height = max(label_height, _height(pdf, value_width, value))
    usable = pdf.page_break_trigger - pdf.t_margin - 12  # below the running header
    if pdf.get_y() + height > pdf.page_break_trigger and height < usable:
        pdf.add_page()
    top, page = pdf.get_y(), pdf.page_no()
    pdf.set_xy(pdf.l_margin + indent, top)
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(label_width, 5, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_xy(pdf.l_margin + LABEL_WIDTH, top)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(value_width, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    if pdf.page_no() == page:  # unless a very long value flowed onto the next page
        pdf.set_y(max(pdf.get_y(), top + label_height))


def _translation(pdf: _Sheet, translation: dict[str, Any]) -> None:
    pdf.set_x(pdf.l_margin + LABEL_WIDTH)
    width = pdf.w - pdf.r_margin - pdf.get_x()
    if translation.get("missing"):  # the value printed above is the original already
        pdf.set_font(FONT, "B", 7.5)
        pdf.multi_cell(width, 4, translation_note(translation), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        pdf.ln(1)
        return
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*GREY)
    original = f"Origineel ({translation['source_language_name']}):"
    pdf.multi_cell(width, 4.5, original, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_x(pdf.l_margin + LABEL_WIDTH)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "", 9)
    align = "R" if translation.get("direction") == "rtl" else "L"
    pdf.multi_cell(width, 5, translation["original"], new_x=XPos.LMARGIN, new_y=YPos.NEXT, align=align)
    pdf.set_x(pdf.l_margin + LABEL_WIDTH)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(width, 4, translation_note(translation), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)


def translation_note(translation: dict[str, Any]) -> str:
    """One line telling how far the Dutch text can be trusted."""
    if translation.get("missing"):
        reason = f" Reden: {translation['reason_text']}." if translation.get("reason_text") else ""
        return f"Geen vertaling beschikbaar: alleen de originele tekst is ontvangen.{reason}"
    parts = ["Machinevertaling" if translation.get("machine_translated") else "Vertaling"]
    if translation.get("models"):
        parts.append("model: " + "; ".join(translation["models"]))
    if translation.get("pivot"):
        parts.append(f"via {translation['pivot']}")
    if translation.get("low_confidence"):
        reason = f" ({translation['reason_text']})" if translation.get("reason_text") else ""
        parts.append(f"LET OP: lage betrouwbaarheid{reason}")
    return ", ".join(parts) + "."


def _rows(pdf: _Sheet, rows: list[Row], indent: float = 0) -> None:
    for row in rows:
        if row.items:
            _pair(pdf, row.label, f"{len(row.items)} stuk(s)", indent)
            for number, item in enumerate(row.items, 1):
                pdf.set_x(pdf.l_margin + indent + 4)
                pdf.set_font(FONT, "B", 8.5)
                pdf.cell(0, 5, f"{number}.", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
                _rows(pdf, item, indent + 6)
            continue
        value = f"{row.value} [lage betrouwbaarheid]" if (row.translation or {}).get("low_confidence") else row.value
        _pair(pdf, row.label, f"{value}\n{row.note}" if row.note else value, indent)
        if row.translation:
            _translation(pdf, row.translation)


def _signature(pdf: _Sheet) -> None:
    pdf.ln(6)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, (
        "Deze gegevens zijn door de melder zelf ingevuld op een Politieloket-kiosk. Vertalingen zijn machinaal "
        "gemaakt en dienen ter ondersteuning; de originele tekst is leidend."
    ), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(8)
    y = pdf.get_y()
    for x, caption in ((pdf.l_margin, "Verbalisant (naam, rang, nummer)"), (pdf.w / 2 + 5, "Handtekening")):
        pdf.line(x, y + 10, x + 75, y + 10)
        pdf.set_xy(x, y + 11)
        pdf.set_font(FONT, "", 7.5)
        pdf.cell(75, 4, caption)
    pdf.set_y(y + 18)


def _signed_statement(pdf: _Sheet, signature: SignedStatement) -> None:
    _heading(pdf, "Verklaring, ondertekend op de kiosk" if signature.signed else "Verklaring, NIET ondertekend")
    _pair(pdf, "Ontvangen", signature.received_at)
    _pair(pdf, "SHA-256 van de tekst", signature.digest)
    _pair(pdf, "Controle van de tekst", CHECK_NL.get(signature.check, signature.check))
    if not signature.signed:
        _pair(pdf, "Handtekening", "De melder heeft geweigerd te ondertekenen.")
    if signature.text:
        pdf.set_font(FONT, "", 8.5)
        pdf.multi_cell(0, 4.2, signature.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    if signature.strokes:
        _strokes(pdf, signature.strokes)


def _strokes(pdf: _Sheet, strokes: list[list[list[float]]]) -> None:
    """The signature as drawn on the kiosk's pad (x and y in 0..1 from the top left), in a 80 x 30 mm box."""
    width, height = 80.0, 30.0
    if pdf.get_y() + height + 8 > pdf.h - pdf.b_margin:
        pdf.add_page()
    x0, y0 = pdf.l_margin, pdf.get_y() + 3
    pdf.set_draw_color(*GREY)
    pdf.rect(x0, y0, width, height)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.4)
    for stroke in strokes:
        points = [(x0 + x * width, y0 + y * height) for x, y in stroke]
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            pdf.line(ax, ay, bx, by)
    pdf.set_line_width(0.2)
    pdf.set_y(y0 + height + 2)
    pdf.set_font(FONT, "", 7.5)
    pdf.cell(width, 4, "Handtekening van de melder (vingerstreken op het scherm van de kiosk)")
    pdf.ln(6)


def _document_photo(pdf: _Sheet, photo: PhotoPrint) -> None:
    """The still, at most 100 x 65 mm with its proportions, framed, with the caption under it."""
    scale = min(100.0 / photo.width, 65.0 / photo.height)
    width, height = photo.width * scale, photo.height * scale
    if pdf.get_y() + height + 14 > pdf.page_break_trigger:
        pdf.add_page()
    x0, y0 = pdf.l_margin, pdf.get_y() + 2
    pdf.image(io.BytesIO(photo.jpeg), x=x0, y=y0, w=width, h=height)
    pdf.set_draw_color(*GREY)
    pdf.rect(x0, y0, width, height)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_xy(x0, y0 + height + 1)
    pdf.set_font(FONT, "", 7.5)
    pdf.multi_cell(0, 4, photo.caption, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(2)


def case_pdf(sheet: CaseSheet, fonts_dir: Path) -> bytes:
    pdf = _Sheet(sheet, fonts_dir)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, f"Intake {sheet.kind}: {sheet.service}", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 5, "Bijlage bij proces-verbaal — vertrouwelijk, politiegegevens (Wpg)", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT, align="L")
    pdf.set_text_color(0, 0, 0)
    _heading(pdf, "Gegevens van de intake")
    for label, value in (
        ("Referentie", sheet.reference),
        ("Zaaknummer (systeem)", sheet.case_id),
        ("Soort", f"{sheet.kind} — {sheet.service}"),
        ("Taal van de melder", sheet.language),
        ("Locatie kiosk", sheet.location),
        ("Ingevuld op", sheet.created_at),
        ("Ontvangen op", sheet.received_at),
        ("Status", sheet.status),
        ("Behandelaar", sheet.handled_by or "—"),
    ):
        _pair(pdf, label, value)
    for section in sheet.sections:
        _heading(pdf, section.title)
        _rows(pdf, section.rows)
    if sheet.identity or sheet.document_photo:
        _heading(pdf, "Identiteit van de melder (gecontroleerd door de politie)")
        for label, value in sheet.identity:
            _pair(pdf, label, value)
        if sheet.document_photo:
            _document_photo(pdf, sheet.document_photo)
    for signature in sheet.signatures:
        _signed_statement(pdf, signature)
    if sheet.notes:
        _heading(pdf, "Notities van de politie")
        for note in sheet.notes:
            _pair(pdf, f"{note.author}, {note.created_at}", note.text or "(verwijderd na bewaartermijn)")
    _signature(pdf)
    return bytes(pdf.output())
