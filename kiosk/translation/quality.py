"""Signs that a machine translation went wrong, judged from the input and output text alone.

Known Argos failures: a model repeating one word a hundred times, output much longer than the input, nothing
at all, or the input handed back untranslated. Each check compares against the input, so a resident who
really wrote "help help help help" is not blamed on the model.
"""

from __future__ import annotations

import re
from itertools import pairwise

from domain.translation_reasons import TranslationReason

MAX_LENGTH_RATIO = 3.0
LENGTH_SLACK = 40  # characters: short answers ("Ja") may grow a lot in relative terms
WORD_RUN_LIMIT = 4  # the same word four times in a row
PHRASE_RUN_LIMIT = 3  # the same 2-4 word phrase three times in a row
ECHO_MIN_WORDS = 3  # a name or a number may rightly come back unchanged; a sentence should not

_CHARACTER_LOOP = re.compile(r"(.{1,12}?)\1{7,}", re.DOTALL)
_WORD = re.compile(r"\w+")


def judge(source_text: str, output: str) -> TranslationReason | None:
    """The first sign of a degenerate translation of `source_text`, or None when it looks sound."""
    if not output.strip():
        return TranslationReason.EMPTY_OUTPUT
    if _excess_run(output) > _excess_run(source_text) or _character_loop(output, source_text):
        return TranslationReason.REPETITION_LOOP
    if len(output) > MAX_LENGTH_RATIO * len(source_text) + LENGTH_SLACK:
        return TranslationReason.TOO_LONG
    if _is_echo(source_text, output):
        return TranslationReason.ECHOED_INPUT
    return None


def _excess_run(text: str) -> int:
    """How far the longest run of a repeated word or phrase reaches past its limit (0: below the limit)."""
    words = [word.casefold() for word in _WORD.findall(text)]
    worst = 0
    for size, limit in ((1, WORD_RUN_LIMIT), (2, PHRASE_RUN_LIMIT), (3, PHRASE_RUN_LIMIT), (4, PHRASE_RUN_LIMIT)):
        for offset in range(size):
            grams = [tuple(words[i : i + size]) for i in range(offset, len(words) - size + 1, size)]
            run = 1
            for previous, current in pairwise(grams):
                run = run + 1 if current == previous else 1
                worst = max(worst, run - limit + 1)
    return worst


def _character_loop(output: str, source_text: str) -> bool:
    return bool(_CHARACTER_LOOP.search(output)) and not _CHARACTER_LOOP.search(source_text)


def _normalised(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]


def _is_echo(source_text: str, output: str) -> bool:
    words = _normalised(source_text)
    letters = [word for word in words if not word.isdigit() and len(word) > 1]
    return len(letters) >= ECHO_MIN_WORDS and words == _normalised(output)
