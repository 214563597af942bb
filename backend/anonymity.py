"""k-anonymity for the pilot dashboard: no published number may describe fewer than K_MIN sessions.

Primary suppression hides every count from 1 to K_MIN - 1. Secondary suppression: when the cells of a group add
up to a total that is shown, one hidden cell could be worked out by subtraction, so the next smallest cell is
hidden with it.
"""

from __future__ import annotations

from collections.abc import Mapping

K_MIN = 5


def is_safe(sessions: int) -> bool:
    """Zero describes nobody; 1 to K_MIN - 1 could single someone out."""
    return sessions == 0 or sessions >= K_MIN


def safe_count(sessions: int) -> int | None:
    return sessions if is_safe(sessions) else None


def suppress_group(counts: Mapping[str, int]) -> dict[str, int | None]:
    """Counts of a partition (each session in at most one cell), suppressed so none can be derived from the rest."""
    shown: dict[str, int | None] = {key: safe_count(value) for key, value in counts.items()}
    hidden = [key for key, value in shown.items() if value is None]
    if len(hidden) == 1:
        candidates = sorted((value, key) for key, value in shown.items() if value)  # smallest non-zero shown cell
        if candidates:
            shown[candidates[0][1]] = None
    return shown
