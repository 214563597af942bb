"""What a service says when it refuses: a kind (the class), a stable code for programs and a plain message for
people. The message never quotes what was sent. The HTTP layer (http/errors.py) gives each kind its status code;
the CLI prints the message. Nothing here knows HTTP."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal a caller can act on. Subclasses say what kind of refusal it is."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class NotFound(ServiceError):
    """There is no such thing (a case, a user, a kiosk)."""


class Conflict(ServiceError):
    """The request does not fit the present state: a taken name, a case claimed first, a different case id."""


class Invalid(ServiceError):
    """What was sent cannot be used: it does not open, does not parse, or does not fit its rules."""


class NotAllowed(ServiceError):
    """Whoever asks may not do this to this thing (e.g. change a case another officer claimed)."""


class NotAuthenticated(ServiceError):
    """The credentials did not prove who is asking (a wrong password, a missing or wrong second-factor code)."""


class Throttled(ServiceError):
    """Too many attempts: try again after `retry_after` seconds."""

    def __init__(self, code: str, detail: str, retry_after: int) -> None:
        super().__init__(code, detail)
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """Nothing is wrong with the request, but it cannot be done just now: try again."""


class Broken(ServiceError):
    """Stored data cannot be used as it is (a wrong storage key, a payload moved between rows): an operator's
    problem, never the caller's."""


def not_found(what: str = "case") -> NotFound:
    return NotFound("not_found", f"no such {what}")
