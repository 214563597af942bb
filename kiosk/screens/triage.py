"""Triage: emergency, a question, an official report, a tip, or a call with an officer."""

from __future__ import annotations

from kiosk.screens import KioskScreen


class TriageScreen(KioskScreen):
    pass
