"""The chat lines of a benchmark's call, in which language, with the translator that knows them: the translation
tests' phrase-book Argos packages (phrase_lines), or Transformer-base packages of real Argos size with random weights
(base_lines, also the captions bench's translator).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

CHAT_WORDS = 8  # a short chat line


class ChatLines:
    """What the resident and the officer type, in which language, with the translator that knows them."""

    def __init__(self, translator: Any, language: str, resident: list[str], officer: list[str]) -> None:
        self.translator, self.language = translator, language
        self.resident, self.officer = resident, officer


def phrase_lines(work_dir: Path) -> ChatLines:
    from tools.call_translator import OFFICER_SAYS, RESIDENT_SAYS, phrase_book_translator

    return ChatLines(phrase_book_translator(work_dir), "ar", [RESIDENT_SAYS], [OFFICER_SAYS])


def base_lines(work_dir: Path) -> ChatLines:
    """Transformer-base es -> nl and nl -> es with random weights (built once, cached in work_dir)."""
    import random

    from bench.translation import output_tokens, random_transformer_base, sentencepiece_model, vocabulary_words
    from kiosk.settings import Settings
    from kiosk.translation.argos_translator import ArgosTranslator
    from kiosk.translation.provisioning import Provisioner
    from tools.argos_models import write_argosmodel

    words = vocabulary_words(random.Random(11))
    settings = Settings(data_dir=work_dir, models_dir=work_dir / "call-models", translation_warm_languages=("es",))
    if len(list((settings.models_dir / "packages").glob("translate-*"))) < 2:
        import sentencepiece as spm

        sp_model = sentencepiece_model(words)
        processor = spm.SentencePieceProcessor(model_proto=sp_model)
        vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
        for source, target in (("es", "nl"), ("nl", "es")):
            with tempfile.TemporaryDirectory(dir=work_dir) as scratch:
                random_transformer_base(vocabulary, output_tokens(CHAT_WORDS), Path(scratch) / "model")
                archive = work_dir / "call-stick" / f"translate-{source}_{target}.argosmodel"
                write_argosmodel(archive, source=source, target=target, version="0.0",
                                 model_dir=Path(scratch) / "model", sp_model=sp_model)  # fmt: skip
        Provisioner(settings, report=print).install(work_dir / "call-stick", allow_unpinned=True)
    translator = ArgosTranslator(settings)
    translator.start().result(timeout=600)
    rng = random.Random(5)
    lines = [" ".join(rng.choice(words) for _ in range(CHAT_WORDS)) + "." for _ in range(50)]
    return ChatLines(translator, "es", lines[:25], lines[25:])
