"""Colours, text scale and touch sizes the .kv rules bind to; switched by the large-text and contrast toggles.

Touch targets: at least TOUCH_TARGET_DP dp and at least 9 mm. Kivy's dp is 1/160 inch at density 1, so 64 dp
is 10.2 mm on the 160 dpi reference; on the common kiosk panels (21.5" and 15.6" full HD, 102 and 141 dpi,
where Kivy's density stays 1 and 1 dp = 1 px) 64 px is 15.9 mm and 11.5 mm. `mm(9)` covers displays that report
a higher DPI than that, so whichever is larger wins.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.metrics import dp, mm
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty
from kivy.utils import get_color_from_hex

TOUCH_TARGET_DP = 64
TOUCH_TARGET_MM = 9
LARGE_TEXT_SCALE = 1.35

_NORMAL = {
    "background": "#F3F5F8",
    "surface": "#FFFFFF",
    "text": "#1A1A1A",
    "muted": "#45505C",
    "primary": "#154273",
    "primary_text": "#FFFFFF",
    "secondary": "#DCE3EC",
    "secondary_text": "#0E2A4A",
    "danger": "#B3001B",
    "danger_text": "#FFFFFF",
    "selected": "#154273",
    "selected_text": "#FFFFFF",
    "error": "#B3001B",
    "banner": "#FFE08A",
    "banner_text": "#1A1A1A",
    "border": "#8895A5",
    "bar": "#154273",
    "bar_text": "#FFFFFF",
    "machine": "#6B3FA0",
    "warning": "#8A4B00",
}
# Black, white and yellow: well over the WCAG AAA 7:1 ratio everywhere.
_HIGH_CONTRAST = {
    "background": "#000000",
    "surface": "#000000",
    "text": "#FFFFFF",
    "muted": "#FFFFFF",
    "primary": "#FFE600",
    "primary_text": "#000000",
    "secondary": "#000000",
    "secondary_text": "#FFFFFF",
    "danger": "#FFE600",
    "danger_text": "#000000",
    "selected": "#FFFFFF",
    "selected_text": "#000000",
    "error": "#FFE600",
    "banner": "#FFE600",
    "banner_text": "#000000",
    "border": "#FFFFFF",
    "bar": "#000000",
    "bar_text": "#FFFFFF",
    "machine": "#FFFFFF",
    "warning": "#FFE600",
}


class Theme(EventDispatcher):
    large_text = BooleanProperty(False)
    high_contrast = BooleanProperty(False)
    scale = NumericProperty(1.0)
    touch = NumericProperty(0)  # minimum height of anything a finger must hit, in pixels
    gap = NumericProperty(0)  # space between neighbouring touch targets
    border_width = NumericProperty(1)

    background = ColorProperty()
    surface = ColorProperty()
    text = ColorProperty()
    muted = ColorProperty()
    primary = ColorProperty()
    primary_text = ColorProperty()
    secondary = ColorProperty()
    secondary_text = ColorProperty()
    danger = ColorProperty()
    danger_text = ColorProperty()
    selected = ColorProperty()
    selected_text = ColorProperty()
    error = ColorProperty()
    banner = ColorProperty()
    banner_text = ColorProperty()
    border = ColorProperty()
    bar = ColorProperty()
    bar_text = ColorProperty()
    machine = ColorProperty()
    warning = ColorProperty()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.touch = max(dp(TOUCH_TARGET_DP), mm(TOUCH_TARGET_MM))
        self.gap = dp(12)
        self._apply()

    def on_large_text(self, *_: object) -> None:
        self.scale = LARGE_TEXT_SCALE if self.large_text else 1.0

    def on_high_contrast(self, *_: object) -> None:
        self._apply()

    def reset(self) -> None:
        """Each resident starts with the default look."""
        self.large_text = False
        self.high_contrast = False

    def _apply(self) -> None:
        palette = _HIGH_CONTRAST if self.high_contrast else _NORMAL
        for name, colour in palette.items():
            setattr(self, name, get_color_from_hex(colour))
        self.border_width = dp(3) if self.high_contrast else dp(1.5)
