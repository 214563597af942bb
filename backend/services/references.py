"""Short case references a resident can read out and an officer can type: "K7M-4QP"."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: letters and digits that are easily mixed up on a receipt or on the phone.
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
GROUP = 3
_PATTERN = re.compile(f"^[{ALPHABET}]{{{GROUP}}}-[{ALPHABET}]{{{GROUP}}}$")


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(2 * GROUP))
    return f"{chars[:GROUP]}-{chars[GROUP:]}"


def normalise_reference(text: str) -> str | None:
    """What an officer typed ("k7m 4qp") in canonical form, or None when it cannot be a reference."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    candidate = f"{compact[:GROUP]}-{compact[GROUP:]}"
    return candidate if _PATTERN.match(candidate) else None
