"""ArgosTranslator: on-device translation off the UI thread, with honest metadata for the officer.

    translator = ArgosTranslator(settings)
    translator.start()                       # loads and warms the configured pairs in the background
    translator.translate_async(text, "ar", "nl", done)   # kiosk.ports.Translator: done(Translation) on the worker
    future = translator.submit(text, "nl", "ar")         # concurrent.futures.Future[TranslationResult]
    result = await asyncio.wrap_future(future)           # from asyncio code (calls)
    back = translator.back_translate(result)             # what the officer will read, in the resident's language
    translator.forget()                      # end of a session: drop cached texts
    translator.close()

Everything argostranslate does happens on one worker thread, in submission order: a translation asked for
before warm-up finished simply waits its turn. Callbacks run on that worker thread; a Kivy app hops to the
main thread (`mainthread`/`Clock.schedule_once`). Texts are never logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import replace

from domain.languages import DUTCH
from domain.payload import Translation, TranslationHop
from domain.translation_reasons import TranslationReason
from kiosk.settings import Settings
from kiosk.translation.argos_engine import ArgosEngine
from kiosk.translation.cache import LruCache
from kiosk.translation.inventory import Route, required_pairs
from kiosk.translation.quality import judge
from kiosk.translation.result import TranslationResult, unchanged, untranslated

log = logging.getLogger(__name__)


def _log_failure(job: Future[None]) -> None:
    """A job nobody waits for: say that it failed, by the error's type only (its message may quote the text)."""
    if not job.cancelled() and (error := job.exception()) is not None:
        log.error("a translation job failed: %s", type(error).__name__)

CacheKey = tuple[str, str, str]


class ArgosTranslator:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="translation")
        self._cache: LruCache[CacheKey, TranslationResult] = LruCache(settings.translation_cache_entries)
        self._engine: ArgosEngine | None = None
        self._ready = threading.Event()
        self._started: Future[None] | None = None
        self._into_dutch: frozenset[str] | None = None  # offered languages with a route to Dutch, once known

    # lifecycle

    def start(self) -> Future[None]:
        """Imports argostranslate and loads and warms the configured pairs, in the background."""
        if self._started is None:
            self._started = self._executor.submit(self._warm_up)
        return self._started

    def ready(self) -> bool:
        """True once warm-up finished: the heartbeat reports it, the UI may hint that translation is on."""
        return self._ready.is_set()

    def covers(self, language: str) -> bool | None:
        """Whether what a resident writes in `language` can be translated into Dutch here (directly or through
        English); None until the installed packages are known. Safe to call from the UI thread."""
        if language == DUTCH:
            return True
        known = self._into_dutch
        return None if known is None else language in known

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._cache.clear()

    def forget(self) -> None:
        """Drops every cached text; call at the end of each session (personal data lives only that long)."""
        self._cache.clear()
        with suppress(RuntimeError):  # closed: nothing can be in flight
            self._executor.submit(self._cache.clear)  # again after translations still in flight

    def cached_entries(self) -> int:
        return len(self._cache)

    # translating

    def submit(self, text: str, source: str, target: str) -> Future[TranslationResult]:
        return self._executor.submit(self._translate, text, source, target)

    def translate(self, text: str, source: str, target: str) -> TranslationResult:
        """Blocking; never call it from the UI thread."""
        return self.submit(text, source, target).result()

    def translate_async(self, text: str, source: str, target: str, done: Callable[[Translation], None]) -> None:
        """kiosk.ports.Translator: a free-text answer into Dutch for the payload; `done` runs on the worker."""
        if target != DUTCH:
            raise ValueError("translate_async produces the payload's Dutch translation; use submit() otherwise")

        def translate_and_deliver() -> None:
            # `done` is called here, in the worker's job: a callback added to the future would run on the
            # calling thread whenever the job had already finished (seen under load: `done` on the UI thread).
            done(self._translate(text, source, target).to_payload())

        self._executor.submit(translate_and_deliver).add_done_callback(_log_failure)

    def back_translate(self, result: TranslationResult) -> Future[TranslationResult]:
        """The translation carried back into the source language, so the resident can check it."""
        if result.text is None:
            finished: Future[TranslationResult] = Future()
            finished.set_result(untranslated("", result.target, result.source, TranslationReason.NO_MODEL))
            return finished
        return self.submit(result.text, result.target, result.source)

    def prepare(self, language: str) -> Future[None]:
        """Loads the models a resident's language needs (to Dutch and back), e.g. when they pick it."""
        return self._executor.submit(self._warm_language, language)

    def installed_pairs(self) -> Future[list[tuple[str, str]]]:
        return self._executor.submit(lambda: [package.pair for package in self._require_engine().installed])

    # on the worker thread

    def _require_engine(self) -> ArgosEngine:
        if self._engine is None:
            self._engine = ArgosEngine(self._settings)
        return self._engine

    def _warm_up(self) -> None:
        started = time.perf_counter()
        try:
            engine = self._require_engine()
            self._into_dutch = frozenset(
                code for code in self._settings.languages if engine.route(code, DUTCH) is not None
            )
            for language in self._settings.translation_warm_languages:
                self._warm_language(language)
            log.info("translation ready in %.1f s: %s", time.perf_counter() - started, engine.loaded_codes())
        except Exception:
            log.exception("translation warm-up failed")
        finally:
            self._ready.set()

    def _warm_language(self, language: str) -> None:
        engine = self._require_engine()
        for source, target in required_pairs([language]):
            route = engine.route(source, target)
            if route is None:
                log.warning("no translation model for %s -> %s", source, target)
                continue
            for package in route:
                engine.warm(package)

    def _translate(self, text: str, source: str, target: str) -> TranslationResult:
        started = time.perf_counter()
        if source == target or not text.strip():
            return replace(unchanged(text, source), target=target)
        key = (source, target, text)
        result = self._cache.get(key)
        if result is None:
            result = self._translate_uncached(text, source, target)
            self._cache.put(key, result)
        return replace(result, seconds=time.perf_counter() - started)

    def _translate_uncached(self, text: str, source: str, target: str) -> TranslationResult:
        try:
            engine = self._require_engine()
            route = engine.route(source, target)
            if route is None:
                return untranslated(text, source, target, TranslationReason.NO_MODEL)
            return self._through(engine, route, text, source, target)
        except Exception:
            log.exception("translation %s -> %s failed", source, target)
            return untranslated(text, source, target, TranslationReason.FAILED)

    def _through(self, engine: ArgosEngine, route: Route, text: str, source: str, target: str) -> TranslationResult:
        current, reason = text, None
        for package in route:
            output = engine.run(package, current)
            reason = reason or judge(current, output)
            current = output
        hops = tuple(TranslationHop(p.code, p.version, p.source, p.target) for p in route)
        pivot = route[0].target if len(route) > 1 else None
        return TranslationResult(text, source, target, current, hops, pivot, reason is not None, reason)
