"""A real Whisper model for the captioning tests (built from numpy weights, tools/whisper_models.py) and a real
Argos translator (the phrase books), both once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.translation.argos_translator import ArgosTranslator
from tools.call_translator import OFFICER_SAYS, RESIDENT_SAYS, phrase_book_translator
from tools.whisper_models import build_phrase_whisper

# What the phrase Whisper model "hears" in each language: the sentences the phrase books translate.
SAYS = {"ar": RESIDENT_SAYS, "nl": OFFICER_SAYS}


@pytest.fixture(scope="session")
def whisper_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_phrase_whisper(SAYS, tmp_path_factory.mktemp("whisper") / "whisper-phrase")


@pytest.fixture(scope="session")
def translator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArgosTranslator]:
    translator = phrase_book_translator(tmp_path_factory.mktemp("captions-argos"))
    yield translator
    translator.close()
