"""ArgosTranslator through argostranslate's real install and translate path, with the phrase-book packages."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from domain.payload import Translation, TranslationHop
from domain.translation_reasons import TranslationReason
from kiosk.translation.argos_translator import ArgosTranslator
from tools.phrase_books import ECHOED, LOOPING, RAMBLING, SILENT, STOLEN, THANKS, VERSION


def hop(source: str, target: str) -> TranslationHop:
    return TranslationHop(f"translate-{source}_{target}", VERSION, source, target)


def test_warm_up_loads_the_configured_language_both_ways(translator: ArgosTranslator) -> None:
    assert translator.ready()
    assert sorted(translator.installed_pairs().result()) == [
        ("ar", "en"),
        ("en", "ar"),
        ("en", "nl"),
        ("nl", "en"),
        ("tr", "nl"),
    ]


def test_direct_pair(translator: ArgosTranslator) -> None:
    result = translator.translate(STOLEN["tr"], "tr", "nl")
    assert (result.text, result.hops, result.pivot) == (STOLEN["nl"], (hop("tr", "nl"),), None)
    assert not result.low_confidence and result.reason is None and result.machine_translated


def test_pivots_through_english_sentence_by_sentence(translator: ArgosTranslator) -> None:
    result = translator.translate(f"{STOLEN['ar']} {THANKS['ar']}", "ar", "nl")
    assert result.text == f"{STOLEN['nl']} {THANKS['nl']}"
    assert result.hops == (hop("ar", "en"), hop("en", "nl"))
    assert result.pivot == "en"


def test_paragraph_breaks_survive(translator: ArgosTranslator) -> None:
    result = translator.translate(f"{STOLEN['ar']}\n\n{THANKS['ar']}", "ar", "nl")
    assert result.text == f"{STOLEN['nl']}\n\n{THANKS['nl']}"


def test_payload_for_the_officer(translator: ArgosTranslator) -> None:
    payload = translator.translate(STOLEN["ar"], "ar", "nl").to_payload()
    assert payload == Translation(
        original=STOLEN["ar"],
        source_language="ar",
        dutch=STOLEN["nl"],
        hops=(hop("ar", "en"), hop("en", "nl")),
        pivot="en",
        low_confidence=False,
        reason=None,
        machine_translated=True,
    )


def test_back_translation_shows_the_resident_what_the_officer_reads(translator: ArgosTranslator) -> None:
    result = translator.translate(STOLEN["ar"], "ar", "nl")
    back = translator.back_translate(result).result()
    assert (back.source, back.target, back.text) == ("nl", "ar", STOLEN["ar"])
    assert back.hops == (hop("nl", "en"), hop("en", "ar"))


def test_no_model_is_said_not_hidden(translator: ArgosTranslator) -> None:
    result = translator.translate(STOLEN["nl"], "nl", "tr")
    assert result.text is None and result.low_confidence and result.reason is TranslationReason.NO_MODEL
    untranslated_pl = translator.translate("Ukradli mi rower.", "pl", "nl").to_payload()
    assert untranslated_pl.dutch is None and untranslated_pl.reason == "no_model"
    assert untranslated_pl.original == "Ukradli mi rower."
    back = translator.back_translate(translator.translate(STOLEN["tr"], "tr", "nl")).result()
    assert back.text is None and back.reason is TranslationReason.NO_MODEL


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (LOOPING, TranslationReason.REPETITION_LOOP),
        (RAMBLING, TranslationReason.TOO_LONG),
        (SILENT, TranslationReason.EMPTY_OUTPUT),
        (ECHOED, TranslationReason.ECHOED_INPUT),
    ],
)
def test_degenerate_model_output_is_low_confidence(
    translator: ArgosTranslator, text: str, reason: TranslationReason
) -> None:
    result = translator.translate(text, "en", "nl")
    assert result.low_confidence and result.reason is reason
    assert result.text is not None and result.hops == (hop("en", "nl"),)


def test_same_language_and_blank_text_are_not_machine_translated(translator: ArgosTranslator) -> None:
    same = translator.translate(STOLEN["nl"], "nl", "nl")
    assert (same.text, same.machine_translated, same.hops) == (STOLEN["nl"], False, ())
    assert translator.translate("  ", "ar", "nl").text == "  "


def test_translate_async_calls_back_on_the_worker_thread(translator: ArgosTranslator) -> None:
    delivered: list[tuple[Translation, str]] = []
    finished = threading.Event()

    def done(translation: Translation) -> None:
        delivered.append((translation, threading.current_thread().name))
        finished.set()

    translator.translate_async(STOLEN["tr"], "tr", "nl", done)
    assert finished.wait(60)
    translation, thread_name = delivered[0]
    assert translation.dutch == STOLEN["nl"]
    assert thread_name.startswith("translation") and thread_name != threading.main_thread().name
    with pytest.raises(ValueError):
        translator.translate_async(STOLEN["nl"], "nl", "ar", done)


def test_awaitable_from_asyncio(translator: ArgosTranslator) -> None:
    async def call() -> str | None:
        return (await asyncio.wrap_future(translator.submit(STOLEN["nl"], "nl", "ar"))).text

    assert asyncio.run(call()) == STOLEN["ar"]


def test_repeated_text_comes_from_the_cache_until_forgotten(translator: ArgosTranslator) -> None:
    first = translator.translate(THANKS["ar"], "ar", "nl")
    assert translator.cached_entries() > 0
    again = translator.translate(THANKS["ar"], "ar", "nl")
    assert again.text == first.text
    translator.forget()
    assert translator.cached_entries() == 0


def test_texts_do_not_reach_the_logs(translator: ArgosTranslator, caplog: pytest.LogCaptureFixture) -> None:
    secret = STOLEN["en"] + " " + THANKS["en"]
    translator.forget()
    with caplog.at_level(logging.DEBUG):
        assert translator.translate(secret, "en", "nl").text == f"{STOLEN['nl']} {THANKS['nl']}"
        assert translator.translate("Ukradli mi rower.", "pl", "nl").reason is TranslationReason.NO_MODEL
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert STOLEN["en"] not in logged and "Ukradli" not in logged
