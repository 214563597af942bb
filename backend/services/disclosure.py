"""The linear algebra behind services/anonymity.py's rule (its docstring says why it is sound): a Disclosure decides,
number by number, what may be published about one set of sessions.

Rows are exact modulo the prime P. This module imports numpy (a tenth of a second), so nothing imports it at
start-up: services/dashboard.py does (itself imported by the dashboard's routes at their first request), and
anonymity.suppress_group at its first call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from backend.services.anonymity import is_small

P = 67_108_859  # a prime below 2**26: the product of two residues fits in int64 with room to add

Row = npt.NDArray[np.int64]


class Disclosure:
    """Decides, number by number, what may be published about one set of sessions.

    Rows are vectors over the same columns (sessions, or classes of sessions that every row treats alike).
    Call `hide` for every number that must stay unknown before offering any, then `offer` in order of importance.
    """

    def __init__(self, width: int) -> None:
        self._width = width
        self._basis = np.zeros((0, width), dtype=np.int64)  # published rows in reduced row echelon form
        self._pivots: list[int] = []
        self._hidden = np.zeros((0, width), dtype=np.int64)  # hidden rows, reduced against the basis

    def _reduce(self, row: Row) -> Row:
        residue = np.asarray(row, dtype=np.int64) % P
        if self._pivots:
            # products of two residues fit in int64; reduce each before summing, whatever the rank
            residue = (residue - (residue[self._pivots][:, None] * self._basis % P).sum(axis=0)) % P
        return residue

    def hide(self, row: Row) -> None:
        residue = self._reduce(row)
        if residue.any():
            self._hidden = np.vstack([self._hidden, residue])
        else:
            raise ValueError("this number can already be worked out from what was published")

    def offer(self, row: Row) -> bool:
        """True when the number may be published: it is derivable already or reveals nothing hidden."""
        residue = self._reduce(row)
        nonzero = np.flatnonzero(residue)
        if nonzero.size == 0:
            return True
        pivot = int(nonzero[0])
        unit = residue * pow(int(residue[pivot]), -1, P) % P
        hidden = (self._hidden - np.outer(self._hidden[:, pivot], unit) % P) % P
        if hidden.size and not hidden.any(axis=1).all():
            self._hidden = np.vstack([self._hidden, residue])
            return False
        self._hidden = hidden
        self._basis = (self._basis - np.outer(self._basis[:, pivot], unit) % P) % P
        self._basis = np.vstack([self._basis, unit])
        self._pivots.append(pivot)
        return True


def columns(rows: Sequence[Row]) -> npt.NDArray[np.int64]:
    """The rows with identical columns merged: the same spans in far fewer columns."""
    if not rows:
        return np.zeros((0, 0), dtype=np.int64)
    matrix = np.vstack(rows).astype(np.int64)
    if matrix.shape[1] == 0:
        return matrix
    return np.unique(matrix, axis=1)


def suppress_group(counts: Mapping[str, int]) -> dict[str, int | None]:
    """The cells of one partition whose total is published: small cells hidden, and as many more as needed.

    A partition is rows over its cells (a cell's sessions are all alike to it); an empty cell describes nobody.
    """
    keys = [key for key in counts if counts[key]]
    values = [counts[key] for key in keys]
    disclosure = Disclosure(len(keys))
    units = np.eye(len(keys), dtype=np.int64)
    small = [i for i, value in enumerate(values) if is_small(value)]
    for i in small:
        disclosure.hide(units[i])
    if len(small) > 1 and is_small(sum(values[i] for i in small)):
        disclosure.hide(units[small].sum(axis=0))
    disclosure.offer(np.ones(len(keys), dtype=np.int64))
    shown: dict[str, int | None] = {key: 0 for key in counts}
    for i in sorted(range(len(keys)), key=lambda i: (-values[i], keys[i])):
        shown[keys[i]] = values[i] if i not in small and disclosure.offer(units[i]) else None
    return {key: shown[key] for key in counts}
