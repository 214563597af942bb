"""Anonymous usage events: the only data the pilot role ever sees.

Events carry codes (language, service, step, error code, reason), numbers and a random session id,
never answers or free text. `check_event` is applied on both sides.
"""

from __future__ import annotations

import re
from enum import StrEnum

from domain.wire import UsageEvent


class EventKind(StrEnum):
    SESSION_START = "session_start"
    SESSION_END = "session_end"
    LANGUAGE = "language"
    SERVICE = "service"
    STEP_ENTER = "step_enter"
    STEP_LEAVE = "step_leave"
    VALIDATION_ERROR = "validation_error"
    ABANDON = "abandon"
    SUBMIT = "submit"
    CALL_REQUESTED = "call_requested"
    CALL_CONNECTED = "call_connected"
    CALL_ENDED = "call_ended"
    RATING = "rating"


class AbandonReason(StrEnum):
    TIMEOUT = "timeout"
    CANCEL = "cancel"


_CODE = re.compile(r"^[a-z0-9_.]{1,64}$")


class InvalidEvent(ValueError):
    pass


def check_event(event: UsageEvent) -> UsageEvent:
    """Refuse anything that could carry free text: every string must be a short lowercase code."""
    if event.kind not in EventKind.__members__.values():
        raise InvalidEvent(f"unknown event kind {event.kind!r}")
    for name in ("language", "service", "step", "code", "reason"):
        value = getattr(event, name)
        if value is not None and not _CODE.match(value):
            raise InvalidEvent(f"event field {name} must be a short code")
    if event.rating is not None and not 1 <= event.rating <= 5:
        raise InvalidEvent("rating must be 1 to 5")
    if event.duration_ms is not None and not 0 <= event.duration_ms <= 7 * 24 * 3600 * 1000:
        raise InvalidEvent("duration_ms out of range")
    return event
