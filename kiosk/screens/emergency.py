"""Emergency: call 112 now. The kiosk cannot call; it says so plainly and offers no form."""

from __future__ import annotations

from kiosk.screens import KioskScreen


class EmergencyScreen(KioskScreen):
    pass
