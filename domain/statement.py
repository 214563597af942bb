"""The statement a resident signs on the kiosk: their report as the police will file it, in Dutch and in their own
language side by side, with machine translation marked; its exact text and that text's SHA-256.

The backend composes the statement from the stored case (backend/services/statements.py); the officer's console
sends it over the call's data channel; the kiosk shows it, the resident signs with a finger or refuses, and the
kiosk seals what was signed (the text, its digest, the strokes) through its outbox. What is signed is `text_of`:
one canonical text, so the digest printed in the proces-verbaal proves the words did not change after signing.

The officer may add corrections and additions, written down with the resident in the call (`Addition`, in Dutch).
The backend's digest covers them as sent; the kiosk checks it, puts the resident's language beside each (machine
translation, marked) and signs that text, so what is signed is what the resident was shown.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from domain.plain_text import clean
from domain.wire_codec import FORBID_UNKNOWN_KEYS

_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_LINES = 200
MAX_STROKES = 60
MAX_POINTS = 4000  # over all strokes: a signature, not a drawing
MAX_ADDITIONS = 10
MAX_ADDITION_CHARS = 500
ADDITION_NL = "Aanvulling van de agent"
MACHINE_MARK = "[machinevertaling]"


@dataclass(frozen=True)
class StatementLine:
    """One answer: its question and value in Dutch, and in the resident's language (what they typed, or the
    question and choice in their language). `machine_translated`: the Dutch value is a machine translation."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    label_nl: str
    value_nl: str
    label: str
    value: str
    machine_translated: bool = False


@dataclass(frozen=True)
class Addition:
    """A correction or addition the officer wrote down with the resident during the call, in Dutch. The backend
    sends it with `text` empty; the kiosk puts the resident's language beside it (a machine translation, marked)
    before the resident reads and signs, or leaves it empty when it has no model for that language."""

    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    text_nl: str
    text: str = ""
    machine_translated: bool = False


@dataclass(frozen=True)
class Statement:
    __pydantic_config__ = FORBID_UNKNOWN_KEYS

    statement_id: str
    case_id: str
    reference: str
    language: str  # the resident's
    lines: tuple[StatementLine, ...]
    declaration_nl: str  # "I declare that this is true..." in Dutch
    declaration: str  # the same in the resident's language
    additions: tuple[Addition, ...] = ()  # the officer's corrections and additions, after the answers


class InvalidStatement(ValueError):
    """A statement or signature that does not fit: the message names the rule, never the content."""


def text_of(statement: Statement) -> str:
    """The one text that is signed: every line in Dutch, then in the resident's language, then the declaration,
    in the plain-text normal form every long answer is stored in (so the sealed copy is this text to the letter).
    Deterministic: the same statement always gives the same text, so its digest can be checked later.
    Raises domain.plain_text.UnclearText for a statement with unreadable characters."""
    parts = [f"Verklaring {statement.reference} ({statement.case_id}), taal {statement.language}"]
    for line in statement.lines:
        mark = f" {MACHINE_MARK}" if line.machine_translated else ""
        parts.append(f"{line.label_nl}: {line.value_nl}{mark}")
        if line.label != line.label_nl or line.value != line.value_nl:
            parts.append(f"({statement.language}) {line.label}: {line.value}")
    for addition in statement.additions:
        parts.append(f"{ADDITION_NL}: {addition.text_nl}")
        if addition.text and addition.text != addition.text_nl:
            mark = f" {MACHINE_MARK}" if addition.machine_translated else ""
            parts.append(f"({statement.language}) {addition.text}{mark}")
    parts.append(statement.declaration_nl)
    if statement.declaration != statement.declaration_nl:
        parts.append(f"({statement.language}) {statement.declaration}")
    return clean("\n".join(parts), multiline=True)  # the form's own rule: stored as signed, to the letter


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_statement(statement: Statement) -> Statement:
    if not (_ID.match(statement.statement_id) and _ID.match(statement.case_id)):
        raise InvalidStatement("statement_id and case_id must be UUIDs")
    if not statement.lines or len(statement.lines) > MAX_LINES:
        raise InvalidStatement(f"a statement has 1 to {MAX_LINES} lines")
    if len(statement.additions) > MAX_ADDITIONS:
        raise InvalidStatement(f"a statement has at most {MAX_ADDITIONS} additions")
    for addition in statement.additions:
        if not addition.text_nl.strip() or max(len(addition.text_nl), len(addition.text)) > MAX_ADDITION_CHARS:
            raise InvalidStatement(f"an addition has 1 to {MAX_ADDITION_CHARS} characters")
    return statement


Stroke = tuple[tuple[float, float], ...]  # points in 0..1 of the pad's width and height, in drawing order


def check_strokes(strokes: tuple[Stroke, ...]) -> tuple[Stroke, ...]:
    """A signature: 1 to MAX_STROKES strokes, at most MAX_POINTS points, each inside the pad."""
    if not strokes or len(strokes) > MAX_STROKES:
        raise InvalidStatement(f"a signature has 1 to {MAX_STROKES} strokes")
    if sum(len(stroke) for stroke in strokes) > MAX_POINTS:
        raise InvalidStatement(f"a signature has at most {MAX_POINTS} points")
    for stroke in strokes:
        if not stroke or any(not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0) for x, y in stroke):
            raise InvalidStatement("signature points lie inside the pad (0 to 1)")
    return strokes
