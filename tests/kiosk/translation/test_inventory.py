from pathlib import Path

from kiosk.translation.cache import LruCache
from kiosk.translation.inventory import (
    InstalledPackage,
    best_package,
    find_route,
    load_pins,
    missing_pairs,
    packages_for,
    pin_problem,
)


def package(source: str, target: str, version: str = "1.0") -> InstalledPackage:
    return InstalledPackage(
        f"translate-{source}_{target}", version, source, target, Path(f"/m/{source}_{target}_{version}")
    )


INSTALLED = [package("ar", "en"), package("en", "nl"), package("nl", "en"), package("tr", "nl")]


def test_direct_pair_wins_over_pivot() -> None:
    assert find_route(INSTALLED, "tr", "nl", {}) == (package("tr", "nl"),)


def test_pivots_through_english_when_no_direct_pair() -> None:
    assert find_route(INSTALLED, "ar", "nl", {}) == (package("ar", "en"), package("en", "nl"))


def test_no_route_without_both_hops() -> None:
    assert find_route(INSTALLED, "nl", "ar", {}) is None
    assert find_route(INSTALLED, "nl", "tr", {}) is None


def test_pinned_version_is_preferred_else_the_newest() -> None:
    both = [package("en", "nl", "1.9"), package("en", "nl", "1.8"), package("en", "nl", "1.10")]
    assert best_package(both, "en", "nl", {"translate-en_nl": "1.8"}) == package("en", "nl", "1.8")
    assert best_package(both, "en", "nl", {}) == package("en", "nl", "1.10")


def test_missing_pairs_lists_each_direction_to_and_from_dutch() -> None:
    assert missing_pairs(INSTALLED, ["nl", "ar", "tr", "en"], {}) == [("nl", "ar"), ("nl", "tr")]


def test_packages_to_fetch_use_direct_pairs_when_the_index_has_them() -> None:
    offered = [("tr", "nl"), ("tr", "en"), ("en", "tr"), ("en", "nl"), ("nl", "en")]
    assert packages_for([("tr", "nl"), ("nl", "tr")], offered) == [("tr", "nl"), ("nl", "en"), ("en", "tr")]


def test_pins_file_and_pin_problems(tmp_path: Path) -> None:
    pins_file = tmp_path / "pins.json"
    pins_file.write_text('{"_comment": "x", "translate-en_nl": "1.8"}', encoding="utf-8")
    pins = load_pins(pins_file)
    assert pins == {"translate-en_nl": "1.8"}
    assert pin_problem("translate-en_nl", "1.8", pins) is None
    assert pin_problem("translate-en_nl", "1.9", pins) == "translate-en_nl 1.9 is not the pinned version 1.8"
    assert pin_problem("translate-xx_nl", "0.1", pins) is None


def test_repository_pins_cover_every_offered_language_both_ways() -> None:
    from domain.languages import codes
    from kiosk.settings import Settings

    pins = load_pins(Settings().translation_pins_file)
    for code in codes():
        if code not in ("nl", "en"):
            assert {f"translate-{code}_en", f"translate-en_{code}"} <= set(pins), code
    assert {"translate-en_nl", "translate-nl_en"} <= set(pins)


def test_lru_cache_evicts_the_least_recently_used() -> None:
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)
    cache.clear()
    assert len(cache) == 0
