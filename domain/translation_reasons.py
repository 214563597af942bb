"""Why a machine translation in a case payload is missing or marked low confidence (Translation.reason)."""

from __future__ import annotations

from enum import StrEnum


class TranslationReason(StrEnum):
    NO_MODEL = "no_model"  # no installed model covers the pair: the officer gets the original only
    EMPTY_OUTPUT = "empty_output"  # the model produced nothing
    REPETITION_LOOP = "repetition_loop"  # the same word or phrase repeated over and over
    TOO_LONG = "too_long"  # the output is far longer than the input
    ECHOED_INPUT = "echoed_input"  # the model handed back the input untranslated
    FAILED = "failed"  # the translation engine raised an error
