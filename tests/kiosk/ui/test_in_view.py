"""The arithmetic that keeps a field's question and box in view while the resident types, for every layout."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kiosk.ui.in_view import Span, scroll_y_showing

EPSILON = 1e-6


@st.composite
def layouts(draw: st.DrawFn) -> tuple[Span, Span, float, float, float, float]:
    """A question above its box, somewhere in content taller or shorter than the viewport."""
    content = draw(st.floats(100, 20_000))
    box_bottom = draw(st.floats(0, content - 10))
    box_top = draw(st.floats(box_bottom + 10, min(content, box_bottom + 2_000)))
    question_top = draw(st.floats(box_top, min(content, box_top + 600)))
    viewport = draw(st.floats(100, 1_500))
    return (Span(box_top, question_top), Span(box_bottom, box_top), content, viewport, draw(st.floats(0, 1)),
            draw(st.floats(0, 40)))


def visible(content: float, viewport: float, scroll_y: float) -> tuple[float, float]:
    bottom = scroll_y * max(0.0, content - viewport)
    return bottom, bottom + viewport


@given(layouts())
def test_the_question_and_the_box_show_together_whenever_they_fit(layout) -> None:
    question, box, content, viewport, scroll_y, padding = layout
    assume(question.top - box.bottom + 2 * padding <= viewport)
    low, high = visible(content, viewport, scroll_y_showing(question, box, content, viewport, scroll_y, padding))
    assert low <= box.bottom + EPSILON and question.top <= high + EPSILON


@given(layouts())
def test_the_bottom_of_the_box_always_shows(layout) -> None:
    question, box, content, viewport, scroll_y, padding = layout
    low, high = visible(content, viewport, scroll_y_showing(question, box, content, viewport, scroll_y, padding))
    assert low - EPSILON <= box.bottom <= high + EPSILON


@given(layouts())
def test_nothing_moves_when_all_is_in_view_already(layout) -> None:
    question, box, content, viewport, scroll_y, padding = layout
    low, high = visible(content, viewport, scroll_y)
    assume(content > viewport and low + padding <= box.bottom and question.top + padding <= high)
    assert scroll_y_showing(question, box, content, viewport, scroll_y, padding) == pytest.approx(scroll_y)


def test_content_shorter_than_the_screen_stays_at_the_top() -> None:
    assert scroll_y_showing(Span(300, 340), Span(250, 300), 400, 600, 0.3) == 1.0
