import pytest

from domain.translation_reasons import TranslationReason
from kiosk.translation.quality import judge


@pytest.mark.parametrize(
    ("source", "output", "reason"),
    [
        ("My bike was stolen.", "Mijn fiets is gestolen.", None),
        ("My bike was stolen.", "", TranslationReason.EMPTY_OUTPUT),
        ("My bike was stolen.", "   ", TranslationReason.EMPTY_OUTPUT),
        ("My bike was stolen.", "fiets " * 128, TranslationReason.REPETITION_LOOP),
        ("Stolen.", "de man de man de man gestolen", TranslationReason.REPETITION_LOOP),
        ("OK", "!" * 30, TranslationReason.REPETITION_LOOP),
        ("Yes.", " ".join(f"woord{n}" for n in range(30)), TranslationReason.TOO_LONG),
        ("Please help me now.", "please help me now", TranslationReason.ECHOED_INPUT),
        ("Ja", "Ja, dat klopt helemaal.", None),  # short answers may grow
        ("Amsterdam", "Amsterdam", None),  # a name rightly comes back unchanged
        ("NL91 ABNA 0417 1643 00", "NL91 ABNA 0417 1643 00", None),
    ],
)
def test_judges_degenerate_output(source: str, output: str, reason: TranslationReason | None) -> None:
    assert judge(source, output) == reason


def test_repetition_the_resident_wrote_is_not_blamed_on_the_model() -> None:
    assert judge("help help help help", "hulp hulp hulp hulp") is None
    assert judge("help help help help", "hulp hulp hulp hulp hulp hulp") is TranslationReason.REPETITION_LOOP
