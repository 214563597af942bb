"""Runs argostranslate packages: loads their CTranslate2 models and translates text hop by hop.

Used from the translator's single worker thread only. A package is read with `argostranslate.package` (its
SentencePiece tokenizer and target prefix), and each hop does what argostranslate's `apply_packaged_translation`
does (tokenise, CTranslate2 beam search with argostranslate's settings, detokenise, drop the target prefix) without
importing `argostranslate.translate`: that module pulls in torch, stanza and spacy (about 300 MB of a kiosk's
memory) for nothing a kiosk uses. A test holds the two paths to the same output on the same packages. Two choices
are made here instead of by argostranslate: the sentence splitter is our rule-based one (argostranslate would fall
back to MiniSBD, which downloads a model on first use), and the CTranslate2 Translator gets our thread count.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Any

from kiosk.settings import Settings
from kiosk.translation.argos_runtime import ArgosPaths, argos_package
from kiosk.translation.inventory import InstalledPackage, Pins, Route, find_route, load_pins, scan
from kiosk.translation.sentences import split_sentences

log = logging.getLogger(__name__)


LENGTH_PENALTY = 0.2  # as argostranslate.translate.apply_packaged_translation


@dataclass
class LoadedPackage:
    installed: InstalledPackage
    argos: Any  # argostranslate.package.Package
    translator: Any  # ctranslate2.Translator


class ArgosEngine:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._package_module = argos_package(settings)
        self._pins: Pins = load_pins(settings.translation_pins_file)
        self._installed = scan(self._package_module, ArgosPaths.of(settings).packages_dir)
        self._loaded: dict[str, LoadedPackage] = {}

    @property
    def installed(self) -> list[InstalledPackage]:
        return list(self._installed)

    def route(self, source: str, target: str) -> Route | None:
        return find_route(self._installed, source, target, self._pins)

    def load(self, package: InstalledPackage) -> LoadedPackage:
        loaded = self._loaded.get(package.code)
        if loaded is None or loaded.installed != package:
            import ctranslate2

            translator = ctranslate2.Translator(
                str(package.path / "model"),
                device="cpu",
                inter_threads=1,
                intra_threads=self._settings.translation_threads,
            )
            loaded = LoadedPackage(package, self._package_module.Package(package.path), translator)
            self._loaded[package.code] = loaded
        return loaded

    def warm(self, package: InstalledPackage) -> None:
        """Loads the model and runs one short sentence, so the first real translation pays no set-up."""
        self.run(package, "Hallo.")

    def run(self, package: InstalledPackage, text: str) -> str:
        """One hop. Paragraphs are translated separately, as argostranslate does, and keep their breaks."""
        loaded = self.load(package)
        return "\n".join(self._paragraph(loaded, paragraph) for paragraph in text.split("\n"))

    def _paragraph(self, loaded: LoadedPackage, paragraph: str) -> str:
        """argostranslate's apply_packaged_translation with one hypothesis, sentence by sentence."""
        if not paragraph.strip():
            return paragraph
        argos_settings = sys.modules["argostranslate.settings"]  # imported with argostranslate.package
        tokenizer, prefix = loaded.argos.tokenizer, loaded.argos.target_prefix
        tokenized = [tokenizer.encode(sentence) for sentence in split_sentences(paragraph) or [paragraph]]
        batches = loaded.translator.translate_batch(
            tokenized,
            target_prefix=[[prefix]] * len(tokenized) if prefix else None,
            replace_unknowns=True,
            max_batch_size=argos_settings.batch_size,
            batch_type="tokens",
            beam_size=max(1, argos_settings.beam_size),
            num_hypotheses=1,
            length_penalty=LENGTH_PENALTY,
        )
        value = str(tokenizer.decode([token for batch in batches for token in batch.hypotheses[0]]))
        if prefix and value.startswith(prefix):
            value = value[len(prefix):]
        return value[1:] if value.startswith(" ") else value  # the space the tokenizer puts first

    def loaded_codes(self) -> list[str]:
        return sorted(self._loaded)
