"""Text ready for Kivy's SDL2 text provider: Arabic shaping, right-to-left order, and the font per script.

SDL2_ttf draws code points one by one, left to right, with no shaping. So Arabic and Persian text is turned into
presentation forms (arabic_reshaper) and put in visual order (python-bidi) before a Label gets it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from arabic_reshaper import ArabicReshaper
from bidi import get_display
from fontTools.ttLib import TTFont

from domain.forms import default_assets_dir
from domain.languages import language as language_of

# The reshaper's "Arabic" table also covers the Persian letters (پ چ ژ گ ک ی). Harakat are dropped: without
# GPOS, SDL2 cannot place them over the letters.
_RESHAPER = ArabicReshaper(configuration={"language": "Arabic", "delete_harakat": True, "support_ligatures": True})

# Digits in Arabic text become "Arabic numbers" in the bidi algorithm, so a group like 0900-8844 or
# 06 12345678 would come out in reversed pieces. Isolating each group keeps it left to right.
_NUMBER_GROUP = re.compile(r"\+?[0-9]+(?:[-/ .:][0-9]+)+")
_ISOLATE_LTR, _POP_ISOLATE = "\u2066", "\u2069"
# Joiners and direction marks have done their work once the text is shaped and ordered; drawn, they are boxes.
_CONTROLS = dict.fromkeys(map(ord, "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_MARKUP_ESCAPES = {"&": "&amp;", "[": "&bl;", "]": "&br;"}


def is_rtl(language: str) -> bool:
    return language_of(language).is_rtl


def halign(language: str) -> str:
    """Kivy Label.halign for paragraphs in this language."""
    return "right" if is_rtl(language) else "left"


def _shape_line(line: str) -> str:
    reshaped = _RESHAPER.reshape(line)
    isolated = _NUMBER_GROUP.sub(lambda m: f"{_ISOLATE_LTR}{m.group(0)}{_POP_ISOLATE}", reshaped)
    visual = get_display(isolated, base_dir="R")
    return str(visual).translate(_CONTROLS)


def shape(text: str, language: str) -> str:
    """Text as it must be handed to a Kivy Label: unchanged for left-to-right languages; shaped and in visual
    order, line by line, for Arabic and Persian. For a paragraph that Kivy would wrap, use `shape_wrapped`."""
    if not is_rtl(language):
        return text
    return "\n".join(_shape_line(line) for line in text.split("\n"))


def shape_wrapped(text: str, language: str, fits: Callable[[str], bool]) -> str:
    """Wrap in logical order, then shape each line. Wrapping text that is already in visual order would put
    the end of an Arabic sentence on the first line. `fits(shaped_line)` says whether a line fits the width
    (the screen measures it with its font); a word too long for any line gets a line of its own."""
    if not is_rtl(language):
        return text
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current: list[str] = []
        for word in paragraph.split(" "):
            candidate = " ".join([*current, word])
            if current and not fits(_shape_line(candidate)):
                lines.append(" ".join(current))
                current = [word]
            else:
                current.append(word)
        lines.append(" ".join(current))
    return "\n".join(_shape_line(line) for line in lines)


def escape_markup(text: str) -> str:
    """The same escaping as kivy.utils.escape_markup, without importing Kivy."""
    return "".join(_MARKUP_ESCAPES.get(ch, ch) for ch in text)


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path


class Fonts:
    """The fonts in assets/fonts and which script each one shows (fonts.json)."""

    def __init__(self, scripts: dict[str, FontFiles], fallback: str) -> None:
        self._scripts = scripts
        self._fallback = fallback

    @classmethod
    def load(cls, fonts_dir: Path) -> Fonts:
        raw = json.loads((fonts_dir / "fonts.json").read_text(encoding="utf-8"))
        scripts = {
            script: FontFiles(fonts_dir / files["regular"], fonts_dir / files["bold"])
            for script, files in raw["scripts"].items()
        }
        if raw["fallback"] not in scripts:
            raise ValueError(f"fonts.json: fallback script {raw['fallback']!r} has no fonts")
        return cls(scripts, raw["fallback"])

    def scripts(self) -> tuple[str, ...]:
        return tuple(self._scripts)

    def for_script(self, script: str, bold: bool = False) -> Path:
        files = self._scripts.get(script, self._scripts[self._fallback])
        return files.bold if bold else files.regular

    def font_for(self, language: str, bold: bool = False) -> Path:
        return self.for_script(language_of(language).script, bold)

    def fallback(self, bold: bool = False) -> Path:
        return self.for_script(self._fallback, bold)

    def markup(self, text: str, language: str, bold: bool = False) -> str:
        """Shaped text as Kivy markup (Label.markup = True, Label.font_name = font_for(language)): runs the
        language's font cannot draw, such as a Latin reference number in an Arabic sentence, are wrapped in
        [font=...] with the fallback font."""
        primary, fallback = self.font_for(language, bold), self.fallback(bold)
        shaped = shape(text, language)
        if primary == fallback:
            return escape_markup(shaped)
        pieces: list[str] = []
        for run, in_primary in _runs(shaped, coverage(primary), coverage(fallback)):
            escaped = escape_markup(run)
            pieces.append(escaped if in_primary else f"[font={fallback}]{escaped}[/font]")
        return "".join(pieces)


def _runs(text: str, primary: frozenset[int], fallback: frozenset[int]) -> list[tuple[str, bool]]:
    """Split into runs for the primary font or the fallback, word by word: a word the fallback draws whole and the
    primary does not (a reference like 73U-CP3, "EUR") is drawn wholly in the fallback, digits included, and so is
    a word of shared characters (300, 12:05) next to such a word; digits from two fonts in one line would stand on
    different baselines ("73" raised like an exponent). A word mixing both scripts is split letter by letter."""
    words = re.split(r"(\s+)", text)

    def latin(word: str) -> bool:
        return any(ord(ch) not in primary for ch in word) and all(ord(ch) in fallback for ch in word)

    def shared(word: str) -> bool:
        return bool(word.strip()) and all(ord(ch) in primary and ord(ch) in fallback for ch in word)

    whole = [bool(w.strip()) and latin(w) for w in words]
    for index, word in enumerate(words):
        if shared(word) and any(whole[j] for j in (index - 2, index + 2) if 0 <= j < len(words)):
            whole[index] = True
    pieces: list[tuple[str, bool]] = []
    for word, in_fallback in zip(words, whole, strict=True):
        if in_fallback:
            pieces.append((word, False))
        elif not word.strip():
            pieces.append((word, pieces[-1][1] if pieces else True))
        else:  # the primary's script, or both mixed: each letter in a font that has it, shared ones with the run
            for ch in word:
                inside = ord(ch) in primary
                keep = pieces and inside and ord(ch) in fallback
                pieces.append((ch, pieces[-1][1] if keep else inside))
    runs: list[tuple[str, bool]] = []
    for piece, in_primary in pieces:
        if runs and runs[-1][1] == in_primary:
            runs[-1] = (runs[-1][0] + piece, in_primary)
        else:
            runs.append((piece, in_primary))
    return runs


@cache
def coverage(font_file: Path) -> frozenset[int]:
    """The code points a font has glyphs for (its cmap)."""
    with TTFont(font_file, lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def default_fonts() -> Fonts:
    return Fonts.load(default_assets_dir() / "fonts")


def font_for(language: str, bold: bool = False, fonts_dir: Path | None = None) -> Path:
    """The font file that shows this language's UI text."""
    fonts = Fonts.load(fonts_dir) if fonts_dir else default_fonts()
    return fonts.font_for(language, bold)
