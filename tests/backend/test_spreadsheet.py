"""Spreadsheet safety of every CSV cell the backend writes (OWASP CSV injection), for every text."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from backend.services.spreadsheet import FORMULA_TRIGGERS, SafeWriter, neutral, original

texts = st.one_of(st.text(), st.builds(lambda t, s: t + s, st.sampled_from([*FORMULA_TRIGGERS, "'", "''"]), st.text()))


@given(texts)
def test_no_cell_starts_a_formula_and_the_text_comes_back(text: str) -> None:
    cell = neutral(text)
    assert not cell.startswith(FORMULA_TRIGGERS)
    assert original(cell) == text


@given(st.lists(st.one_of(texts, st.integers(), st.none()), max_size=6))
def test_a_written_row_reads_back_as_neutral_cells(row: list[object]) -> None:
    out = io.StringIO()
    SafeWriter(out).writerow(row)
    (read,) = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert read == [neutral(value) for value in row]
    assert [original(cell) for cell in read] == ["" if value is None else str(value) for value in row]


def test_the_triggers_are_owasps() -> None:
    assert neutral("=1+1") == "'=1+1" and neutral("-2") == "'-2" and neutral("@SUM(A1)") == "'@SUM(A1)"
    assert neutral("\tx") == "'\tx" and neutral("\rx") == "'\rx" and neutral("+31") == "'+31"
    assert neutral("Emmen") == "Emmen" and neutral(5) == "5" and neutral(None) == ""
