"""The tiny Argos packages the translation tests install: real models that know a handful of sentences."""

from __future__ import annotations

from tools.argos_models import PhraseBook

VERSION = "0.1"
STOLEN = {
    "ar": "سرقت دراجتي.",
    "en": "My bike was stolen.",
    "nl": "Mijn fiets is gestolen.",
    "tr": "Bisikletim çalındı.",
}
THANKS = {"ar": "شكرا.", "en": "Thank you.", "nl": "Dank u wel."}
# what an officer adds to a statement in the call (nl -> en -> ar)
CUT_LOCK = {"ar": "كان القفل مقطوعا.", "en": "The lock was cut.", "nl": "Het slot was doorgeknipt."}
ECHOED = "Please help me now."  # en -> nl hands it back untranslated
LOOPING = "Repeat please."  # en -> nl: "fiets fiets fiets ..."
RAMBLING = "Tell me."  # en -> nl: thirty words for two
SILENT = "Nothing."  # en -> nl: no output at all
RAMBLE = " ".join(f"woord{number}" for number in range(30)) + "."

BOOKS = (
    PhraseBook("ar", "en", VERSION, {STOLEN["ar"]: STOLEN["en"], THANKS["ar"]: THANKS["en"]}),
    PhraseBook("en", "ar", VERSION, {STOLEN["en"]: STOLEN["ar"], THANKS["en"]: THANKS["ar"],
                                     CUT_LOCK["en"]: CUT_LOCK["ar"]}),
    PhraseBook("nl", "en", VERSION, {STOLEN["nl"]: STOLEN["en"], THANKS["nl"]: THANKS["en"],
                                     CUT_LOCK["nl"]: CUT_LOCK["en"]}),
    PhraseBook(
        "en",
        "nl",
        VERSION,
        {STOLEN["en"]: STOLEN["nl"], THANKS["en"]: THANKS["nl"], ECHOED: ECHOED, RAMBLING: RAMBLE, SILENT: ""},
        loops={LOOPING: "fiets"},
    ),
    PhraseBook("tr", "nl", VERSION, {STOLEN["tr"]: STOLEN["nl"]}),
)
PINS = {book.code: VERSION for book in BOOKS}
