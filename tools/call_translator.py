"""A real ArgosTranslator for call tests: the translation tests' tiny phrase-book packages, installed through
argostranslate into a private models directory (no download, no mock)."""

from __future__ import annotations

from pathlib import Path

from kiosk.settings import Settings
from kiosk.translation.argos_runtime import argos_package
from kiosk.translation.argos_translator import ArgosTranslator
from tools.argos_models import build_phrase_book
from tools.phrase_books import BOOKS, STOLEN, THANKS

RESIDENT_SAYS = STOLEN["ar"]  # ar -> en -> nl: "Mijn fiets is gestolen."
RESIDENT_SAYS_IN_DUTCH = STOLEN["nl"]
OFFICER_SAYS = THANKS["nl"]  # nl -> en -> ar
OFFICER_SAYS_IN_ARABIC = THANKS["ar"]


def phrase_book_translator(workdir: Path) -> ArgosTranslator:
    """Installs the phrase books (ar, en, nl) and returns a warmed translator. One per process."""
    settings = Settings(
        data_dir=workdir / "kiosk",
        models_dir=workdir / "models",
        translation_warm_languages=("ar",),
        translation_threads=1,
    )
    package = argos_package(settings)
    for book in BOOKS:
        package.install_from_path(build_phrase_book(book, workdir / "argosmodels"))
    translator = ArgosTranslator(settings)
    translator.start().result(timeout=300)
    return translator
