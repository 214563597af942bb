"""Where a ScrollView must stand so that a field stays in view: its question on top, the box being typed in below.

Pure arithmetic on heights measured from the bottom of the scrolled content, as Kivy's ScrollView counts them
(scroll_y 0 shows the bottom of the content, 1 the top), so it is tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A stretch of the scrolled content, from `bottom` to `top`, measured up from the content's bottom."""

    bottom: float
    top: float


def scroll_y_showing(
    question: Span, box: Span, content_height: float, viewport_height: float, scroll_y: float, padding: float = 0.0
) -> float:
    """The scroll_y that shows the question (label and hint) and the box together, moving as little as possible
    from `scroll_y`; when both do not fit, the box wins, with as much of the question above it as fits. Content
    shorter than the viewport does not scroll."""
    hidden = content_height - viewport_height
    if hidden <= 0:
        return 1.0
    lowest = min(question.bottom, box.bottom) - padding  # what must show, at the bottom...
    highest = max(question.top, box.top) + padding  # ...and at the top
    if highest - lowest > viewport_height:
        # Too tall for both: the bottom of the box (where the caret is) and as much above it as fits.
        return _clamp((box.bottom - padding) / hidden)
    bottom = scroll_y * hidden  # the content height at the bottom edge of the viewport now
    if highest > bottom + viewport_height:
        bottom = highest - viewport_height
    if lowest < bottom:
        bottom = lowest
    return _clamp(bottom / hidden)


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
