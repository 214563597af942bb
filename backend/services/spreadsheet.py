"""CSV cells that a spreadsheet cannot read as a formula (OWASP "CSV injection").

A cell starting with =, +, -, @, tab or carriage return may be run as a formula by Excel, LibreOffice or
Google Sheets; kiosk names, locations and filter values are typed by people, so every cell the backend
writes goes through `neutral`. Such a cell gets a leading single quote and every field is quoted.

A cell that already starts with a single quote gets one more, so the change is always undone by dropping
one leading quote (`original`), and a spreadsheet shows the text exactly as it was typed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutral(value: Any) -> str:
    """The text of one cell, safe to open in a spreadsheet."""
    text = "" if value is None else str(value)
    return QUOTE + text if text.startswith((*FORMULA_TRIGGERS, QUOTE)) else text


def original(cell: str) -> str:
    """What `neutral` was given, from the cell a CSV reader gives back."""
    return cell[1:] if cell.startswith(QUOTE) else cell


class _Writer(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


class SafeWriter:
    """csv.writer with every field quoted and neutralised."""

    def __init__(self, out: Any, lineterminator: str = "\r\n") -> None:
        self._writer: _Writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutral(value) for value in row])
