"""Talk to an officer. Video calls are not wired into this kiosk build yet: the screen says no officer can
answer here now and gives the number to call, rather than pretending to connect."""

from __future__ import annotations

from kiosk.screens import KioskScreen


class CallScreen(KioskScreen):
    pass
