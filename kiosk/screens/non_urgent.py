"""No emergency but the police are needed: the non-urgent number, and the anonymous line."""

from __future__ import annotations

from kiosk.screens import KioskScreen


class NonUrgentScreen(KioskScreen):
    pass
