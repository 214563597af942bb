from kiosk.translation.sentences import split_sentences


def test_splits_after_terminal_punctuation_in_any_script() -> None:
    assert split_sentences("سرقت دراجتي. هل يمكنك المساعدة؟ شكرا") == ["سرقت دراجتي.", "هل يمكنك المساعدة؟", "شكرا"]
    assert split_sentences("Hallo!  Gaat het? Ja.") == ["Hallo!", "Gaat het?", "Ja."]


def test_keeps_initials_numbers_and_lower_case_continuations_together() -> None:
    assert split_sentences("J. de Vries zag het. Daarna ging hij weg.") == [
        "J. de Vries zag het.",
        "Daarna ging hij weg.",
    ]
    assert split_sentences("Op de 3. verdieping, bijv. een fiets.") == ["Op de 3. verdieping, bijv. een fiets."]


def test_closing_quotes_stay_with_their_sentence() -> None:
    assert split_sentences('Hij riep "stop!" Toen rende hij.') == ['Hij riep "stop!"', "Toen rende hij."]


def test_blank_text_has_no_sentences() -> None:
    assert split_sentences("   ") == []
