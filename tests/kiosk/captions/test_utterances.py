"""The end-of-utterance rules, for every sequence of speech probabilities."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.captions.utterances import SAMPLE_RATE, WINDOW, Endpointing, Utterance, UtteranceDetector

SETTINGS = Endpointing()
WINDOW_S = WINDOW / SAMPLE_RATE
PROBABILITIES = st.lists(st.floats(0, 1), max_size=800)


def run(probabilities: list[float]) -> tuple[list[Utterance], list[tuple[int, ...]]]:
    """Each window carries its own index, so an utterance says exactly which windows it holds."""
    detector, found = UtteranceDetector(SETTINGS), []
    for index, probability in enumerate(probabilities):
        utterance = detector.push((index,), probability)
        if utterance is not None:
            found.append(utterance)
    last = detector.flush()
    if last is not None:
        found.append(last)
    return found, [tuple(window[0] for window in utterance.windows) for utterance in found]


@given(PROBABILITIES)
def test_utterances_are_whole_runs_of_windows_in_order_never_overlapping(probabilities: list[float]) -> None:
    utterances, indexes = run(probabilities)
    flat = [index for run_ in indexes for index in run_]
    assert flat == sorted(set(flat))  # in order, none twice
    for utterance, run_ in zip(utterances, indexes, strict=True):
        assert list(run_) == list(range(run_[0], run_[0] + len(run_)))  # contiguous
        assert abs(utterance.start_s - run_[0] * WINDOW_S) < 1e-9


@given(PROBABILITIES)
def test_every_utterance_holds_enough_speech_and_starts_near_its_first_speech(probabilities: list[float]) -> None:
    _, indexes = run(probabilities)
    for run_ in indexes:
        speech = [i for i in run_ if probabilities[i] >= SETTINGS.end_threshold]
        assert len(speech) >= round(SETTINGS.min_speech_s / WINDOW_S)
        first = next(i for i in run_ if probabilities[i] >= SETTINGS.start_threshold)
        assert first - run_[0] <= round(SETTINGS.pad_s / WINDOW_S)  # no more than the padding before it
        assert len(run_) <= round(SETTINGS.max_utterance_s / WINDOW_S)


@given(st.lists(st.floats(0, SETTINGS.start_threshold, exclude_max=True), max_size=800))
def test_nothing_that_never_sounds_like_speech_becomes_an_utterance(probabilities: list[float]) -> None:
    assert run(probabilities)[0] == []


def test_a_pause_shorter_than_the_end_silence_does_not_split_a_turn() -> None:
    talk, short_pause = [0.9] * 20, [0.1] * (round(SETTINGS.end_silence_s / WINDOW_S) - 1)
    utterances, _ = run(talk + short_pause + talk + [0.0] * 40)
    assert len(utterances) == 1
    utterances, _ = run(talk + [0.1] * 40 + talk + [0.0] * 40)
    assert len(utterances) == 2
