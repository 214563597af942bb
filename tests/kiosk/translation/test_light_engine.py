"""The kiosk runs Argos packages without importing argostranslate.translate (torch, stanza, spacy: about 300 MB),
and gets the same output as argostranslate's own apply_packaged_translation on the same packages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kiosk.settings import Settings
from kiosk.translation.argos_engine import ArgosEngine, split_sentences
from tools.phrase_books import ECHOED, LOOPING, RAMBLING, SILENT, STOLEN, THANKS

TEXTS = [STOLEN["ar"], THANKS["ar"], f"{STOLEN['ar']} {THANKS['ar']}", "كلمة غير معروفة", ""]
ENGLISH = [STOLEN["en"], THANKS["en"], ECHOED, LOOPING, RAMBLING, SILENT, f"{THANKS['en']} {STOLEN['en']}"]


class RuleSentencizer:
    """argostranslate's sentence-boundary interface over the kiosk's splitter, for argostranslate's own path."""

    def split_sentences(self, text: str) -> list[str]:
        return split_sentences(text) or [text]


@pytest.mark.parametrize("source, target, texts", [("ar", "en", TEXTS), ("en", "nl", ENGLISH), ("tr", "nl",
                                                   [STOLEN["tr"], f"{STOLEN['tr']} {STOLEN['tr']}"])])  # fmt: skip
def test_the_same_output_as_argostranslates_own_path(
    installed_settings: Settings, source: str, target: str, texts: list[str]
) -> None:
    engine = ArgosEngine(installed_settings)
    route = engine.route(source, target)
    assert route is not None and len(route) == 1
    loaded = engine.load(route[0])
    import argostranslate.translate as argos  # only here, in the test: the kiosk never imports it

    for text in texts:
        ours = engine.run(route[0], text) if text.strip() else text
        theirs = "" if not text.strip() else argos.apply_packaged_translation(
            loaded.argos, text, loaded.translator, RuleSentencizer(), num_hypotheses=1
        )[0].value
        assert ours == theirs, text


def test_a_kiosk_translating_never_imports_torch_stanza_or_spacy(installed_settings: Settings) -> None:
    script = f"""
import json, sys
from pathlib import Path
from kiosk.settings import Settings
from kiosk.translation.argos_translator import ArgosTranslator
paths = {{name: Path(value) for name, value in json.loads(sys.argv[1]).items()}}
settings = Settings(**paths, languages=("nl", "en", "ar", "tr"), translation_warm_languages=("ar",))
translator = ArgosTranslator(settings)
translator.start().result(timeout=240)
result = translator.translate({STOLEN["ar"]!r}, "ar", "nl")
heavy = sorted(name for name in ("torch", "stanza", "spacy", "argostranslate.translate") if name in sys.modules)
print(json.dumps({{"dutch": result.text, "reason": str(result.reason), "heavy": heavy}}))
translator.close()
"""
    given = {"data_dir": str(installed_settings.data_dir), "models_dir": str(installed_settings.models_dir),
             "assets_dir": str(installed_settings.assets_dir)}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script, json.dumps(given)], capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert (answer["dutch"], answer["heavy"]) == (STOLEN["nl"], []), answer
