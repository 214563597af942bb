"""One loader for both sides' Settings: text from the environment becomes the default's type, or a clear error."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.settings import load_settings as backend_settings
from domain.settings_source import SettingsError, parse_setting, settings_values
from kiosk.settings import load_settings as kiosk_settings


@dataclass(frozen=True)
class Example:
    count: int = 3
    ratio: float = 0.5
    enabled: bool = False
    folder: Path = Path("var")
    languages: tuple[str, ...] = ()
    name: str = "kiosk"


@given(st.integers())
def test_every_whole_number_comes_back_as_itself(number: int) -> None:
    assert parse_setting(3, f" {number} ", "X") == number


@given(st.floats(allow_nan=False))
def test_every_number_comes_back_as_itself(number: float) -> None:
    assert parse_setting(0.5, repr(number), "X") == number


@given(st.lists(st.text(st.characters(blacklist_characters=",", blacklist_categories=("Cs",))), max_size=6))
def test_a_list_is_its_comma_separated_parts_without_blanks(parts: list[str]) -> None:
    assert parse_setting((), ",".join(parts), "X") == tuple(p.strip() for p in parts if p.strip())


@given(st.text().filter(lambda t: t.strip().lower() not in {"0", "1", "true", "false", "yes", "no", "on", "off", ""}))
def test_anything_else_for_yes_or_no_is_an_error_that_does_not_quote_it(raw: str) -> None:
    with pytest.raises(SettingsError) as error:
        parse_setting(False, raw, "POLITIELOKET_KIOSK_FULLSCREEN")
    # the same fixed sentence whatever was sent: the value (it may be a pasted token) is never echoed
    assert str(error.value) == "POLITIELOKET_KIOSK_FULLSCREEN must be yes or no (1/0, true/false, on/off)"


def test_environment_then_overrides_and_text_overrides_are_parsed() -> None:
    environ = {"P_COUNT": "7", "P_ENABLED": "yes", "P_LANGUAGES": "ar, fa,,nl", "P_FOLDER": "/srv/x", "OTHER": "1"}
    values = settings_values(Example(), "P_", environ, {"ratio": "0.25", "name": None, "count": 9})
    assert values == {"count": 9, "enabled": True, "languages": ("ar", "fa", "nl"), "folder": Path("/srv/x"),
                      "ratio": 0.25}  # fmt: skip
    with pytest.raises(SettingsError, match="there is no setting colour"):
        settings_values(Example(), "P_", {}, {"colour": "blue"})


def test_both_sides_load_through_it_and_say_which_setting_is_wrong(tmp_path: Path) -> None:
    kiosk = kiosk_settings({"data_dir": tmp_path}, environ={"POLITIELOKET_KIOSK_CALL_SILENCE_SECONDS": "2.5",
                                                            "POLITIELOKET_KIOSK_KIOSK_MODE": "off"})  # fmt: skip
    assert (kiosk.call_silence_seconds, kiosk.kiosk_mode) == (2.5, False)
    backend = backend_settings({"keys_dir": tmp_path}, environ={"POLITIELOKET_BACKEND_PORT": "9001"})
    assert backend.port == 9001
    with pytest.raises(SettingsError, match="POLITIELOKET_KIOSK_EVENT_BATCH_SIZE must be a whole number"):
        kiosk_settings({"data_dir": tmp_path}, environ={"POLITIELOKET_KIOSK_EVENT_BATCH_SIZE": "fifty"})
    with pytest.raises(SettingsError, match="POLITIELOKET_BACKEND_PORT must be a whole number"):
        backend_settings({}, environ={"POLITIELOKET_BACKEND_PORT": "80a"})
