from backend.services.anonymity import K_MIN, is_safe, safe_count
from backend.services.disclosure import suppress_group


def test_counts_below_k_are_hidden_and_zero_is_shown() -> None:
    assert [safe_count(n) for n in (0, 1, 4, 5, 9)] == [0, None, None, 5, 9]
    assert K_MIN == 5
    assert not is_safe(K_MIN - 1)


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it() -> None:
    # 6 + 4 = 10 published as a total: showing 6 would give the 4 away.
    assert suppress_group({"en": 6, "ar": 4, "nl": 0}) == {"en": None, "ar": None, "nl": 0}


def test_two_hidden_cells_are_enough() -> None:
    assert suppress_group({"en": 7, "ar": 3, "tr": 2}) == {"en": 7, "ar": None, "tr": None}


def test_secondary_suppression_picks_the_smallest_shown_cell() -> None:
    assert suppress_group({"a": 20, "b": 6, "c": 1}) == {"a": 20, "b": None, "c": None}


def test_nothing_hidden_when_all_cells_are_large() -> None:
    assert suppress_group({"a": 5, "b": 50}) == {"a": 5, "b": 50}
