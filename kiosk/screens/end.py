"""End: thank you, and the reassurance that nothing the resident typed stays on the kiosk."""

from __future__ import annotations

from typing import Any

from kiosk.screens import KioskScreen


class EndScreen(KioskScreen):
    def on_touch_up(self, touch: Any) -> bool:
        if self.collide_point(*touch.pos):
            self.app.end_now()
            return True
        return False
