"""k-anonymity for pilot statistics: no published number may let anyone work out a count from 1 to K_MIN - 1.

The one rule, used for every number the pilot dashboard and its CSV publish:

- every published number is a linear function of the sessions it describes (a count is a sum of ones, a rating
  mean times its published count is a sum of ratings), so the dashboard is a set of rows over the sessions;
- a count from 1 to K_MIN - 1 is hidden (primary suppression), and so is the sum of the small cells of a
  partition when that sum is below K_MIN (two hidden cells of 2 must not give 4 back as "total minus the rest");
- a number is published only if, with it, no hidden number becomes a linear combination of published ones.
  A number that would give one back is hidden too (secondary suppression) and from then on protected like the
  others. This covers "total minus the visible parts", "mean times count minus the visible ratings", subtracting
  funnel steps, and combining a filtered view with the unfiltered one, because every view of a week is decided
  in one `Disclosure`.

Linear algebra is exact, modulo the prime P: a number that is a rational combination of published ones is also
one modulo P (P divides none of the small pivots these 0/1 rows produce), so the test errs only towards hiding.
The attacker assumed knows which combinations of attributes are empty, which is stronger than any real reader.

That algebra (numpy) is in services/disclosure.py (with suppress_group for one partition), loaded by the first figure
decided, not at start-up; what the rest of the backend needs at start-up (K_MIN for a page, is_small for a lone count)
is here.
"""

from __future__ import annotations

K_MIN = 5


def is_small(count: int) -> bool:
    """1 to K_MIN - 1 could single someone out; zero describes nobody."""
    return 0 < count < K_MIN


def is_safe(count: int) -> bool:
    return not is_small(count)


def safe_count(count: int) -> int | None:
    """A lone count with nothing published beside it that it could be combined with."""
    return None if is_small(count) else count

