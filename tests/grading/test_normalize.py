from dataclasses import dataclass

import pytest

from grading.normalize import fold, normalize


@dataclass(frozen=True)
class Case:
    text: str
    expected: str


CASES = [
    Case("OPS-1423", "ops 1423"),
    Case("fourteen twenty-three", "1423"),  # read in pairs, as people say ticket numbers
    Case("one four two three", "1423"),  # digit by digit
    Case("one four oh two", "1402"),  # "oh" is zero inside a number
    Case("oh well", "oh well"),  # ... and a word elsewhere
    Case("twenty three", "23"),
    Case("one hundred and five", "105"),
    Case("two thousand twenty six", "2026"),
    Case("a hundred and Bob", "a 100 and bob"),  # trailing "and" stays a word
    Case("Q3 planning", "q3 planning"),
    Case("ＯＰＳ－１４２３", "ops 1423"),  # full-width forms fold to ASCII
    Case("שלום עולם", "שלום עולם"),  # right-to-left text survives
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.text)
def test_normalize(case: Case) -> None:
    assert normalize(case.text) == case.expected


def test_fold_drops_invisible_format_characters() -> None:
    # zero-width space and a right-to-left mark hide nothing from the matchers
    assert fold("OPS\u200b-14\u200f23") == "ops-1423"
