"""A rule-based sentence splitter that needs no model, so translation never downloads anything.

argostranslate 1.11 picks its splitter from the package: a bundled Stanza or MiniSBD model if the package has
one, otherwise MiniSBD, which downloads its model on first use. Residents type short answers of a few sentences;
splitting after terminal punctuation is enough to keep each piece within what an Argos model was trained on.
"""

from __future__ import annotations

import re

# A sentence ends at . ! ? (and the Arabic/Persian question mark, the ellipsis) followed by white space,
# unless the word before the dot is a single letter or a number ("J. de Vries", "3. verdieping") or the next
# word starts in lower case or with a digit ("nr. 3", "bijv. een fiets").
_BOUNDARY = re.compile(r"(?<=[.!?\u061f\u2026])[\"'\u201d\u00bb)\]]*\s+")
_NO_BREAK_BEFORE_DOT = re.compile(r"(?:^|\s)(?:\w|\d+)\.$")


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        candidate = text[start : boundary.start()].rstrip()
        following = text[boundary.end() : boundary.end() + 1]
        if _NO_BREAK_BEFORE_DOT.search(candidate) or following.islower() or following.isdigit():
            continue
        sentences.append(text[start : boundary.end()].strip())
        start = boundary.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return [sentence for sentence in sentences if sentence]
