"""Runs argostranslate packages: loads their CTranslate2 models and translates text hop by hop.

Used from the translator's single worker thread only. Each hop goes through argostranslate's own
`apply_packaged_translation` (SentencePiece tokenisation, CTranslate2 beam search, detokenisation, target
prefix), with two choices made here instead of by argostranslate: the sentence splitter is our rule-based
one (argostranslate would fall back to MiniSBD, which downloads a model on first use), and the CTranslate2
Translator is built with our thread count.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from kiosk.settings import Settings
from kiosk.translation.argos_runtime import ArgosPaths, argos_package, argos_translate
from kiosk.translation.inventory import InstalledPackage, Pins, Route, find_route, load_pins, scan
from kiosk.translation.sentences import split_sentences

log = logging.getLogger(__name__)


class RuleSentencizer:
    """argostranslate's sentence-boundary interface (`split_sentences`) over our rule-based splitter."""

    def split_sentences(self, text: str) -> list[str]:
        return split_sentences(text) or [text]


@dataclass
class LoadedPackage:
    installed: InstalledPackage
    argos: Any  # argostranslate.package.Package
    translator: Any  # ctranslate2.Translator


class ArgosEngine:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._translate_module = argos_translate(settings)
        self._package_module = argos_package(settings)
        self._pins: Pins = load_pins(settings.translation_pins_file)
        self._installed = scan(self._package_module, ArgosPaths.of(settings).packages_dir)
        self._loaded: dict[str, LoadedPackage] = {}
        self._sentencizer = RuleSentencizer()

    @property
    def installed(self) -> list[InstalledPackage]:
        return list(self._installed)

    def route(self, source: str, target: str) -> Route | None:
        return find_route(self._installed, source, target, self._pins)

    def load(self, package: InstalledPackage) -> LoadedPackage:
        loaded = self._loaded.get(package.code)
        if loaded is None or loaded.installed != package:
            import ctranslate2  # already imported by argostranslate.translate

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
        if not paragraph.strip():
            return paragraph
        hypotheses = self._translate_module.apply_packaged_translation(
            loaded.argos, paragraph, loaded.translator, self._sentencizer, num_hypotheses=1
        )
        return str(hypotheses[0].value)

    def loaded_codes(self) -> list[str]:
        return sorted(self._loaded)
