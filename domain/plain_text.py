"""One rule for every piece of text a resident (or a kiosk's translator) puts into a case.

- Bidi controls (overrides, embeddings, isolates, marks) are removed: a stored value must display as the word it is,
  in the console and in the PDF alike.
- Zero-width spaces, word joiners and byte-order marks are removed. ZWNJ and ZWJ stay: Persian writing and emoji
  need them inside words.
- Text made only of spaces and invisible format characters is empty.
- What is left is NFC-normalised.
- One-line text gets its line breaks and tabs turned into spaces; long text keeps newlines (CR LF and CR become LF).
- Any other control character, or a lone surrogate, is refused ("invalid_characters"); nothing is dropped silently.

`clean(clean(x)) == clean(x)` for every string: the kiosk seals cleaned text and the backend's check of it is a no-op.
"""

from __future__ import annotations

import re
import unicodedata

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZERO_WIDTH = "\u200b\u2060\ufeff"
_REMOVED = re.compile(f"[{_BIDI_CONTROLS}{_ZERO_WIDTH}]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\u0085]")
_TABS_AND_BREAKS = re.compile("\r\n|[\r\n\t\u2028\u2029\u0085\x0b\x0c]")
# C0 (tab and newline allowed where a newline may stand), DEL, C1, and lone surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class UnclearText(ValueError):
    """The text holds a character that cannot be shown or stored faithfully."""


def is_blank(text: str) -> bool:
    """Only spaces and invisible format characters (zero-width, bidi marks): nothing anyone could read."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def machine_text(text: str, *, multiline: bool = True) -> str:
    """The stored form of text a machine made (speech recognition, translation): as `clean`, but a character that
    cannot be stored becomes U+FFFD, visibly, instead of refusing the text: nobody typed it, nobody can fix it."""
    return clean(_FORBIDDEN.sub("\ufffd", text), multiline=multiline)


def clean(text: str, *, multiline: bool = False) -> str:
    """The stored form of a text, or UnclearText. Idempotent."""
    text = unicodedata.normalize("NFC", _REMOVED.sub("", text))
    text = _LINE_BREAKS.sub("\n", text) if multiline else _TABS_AND_BREAKS.sub(" ", text)
    if _FORBIDDEN.search(text):
        raise UnclearText("invalid_characters")
    if is_blank(text):
        return ""
    return text.strip()
