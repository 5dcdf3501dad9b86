"""Words that carry the answer, and numbers a caller adds in passing (grading/carriers.py)."""

from dataclasses import dataclass, field

import pytest

from grading.carriers import carrier_conflict, incidental_numbers, spoken_forms
from grading.models import Verdict
from grading.text import match_text

C, P, X = Verdict.CORRECT, Verdict.PARTIAL, Verdict.INCORRECT


@dataclass(frozen=True)
class Case:
    expected: str
    response: str
    verdict: Verdict
    variants: list[str] = field(default_factory=list)
    why: str = ""  # a fragment the reason must contain


CASES = [
    Case("Monthly vendor sync", "the weekly vendor sync", X, why="'weekly'"),  # fuzzy 90+
    Case("Monthly vendor sync", "the vendor sync every month", C),  # a spoken frequency
    Case("Biweekly payroll check", "the every-other-week payroll check", C),
    Case("Biweekly payroll check", "fortnightly payroll check", C),  # one word, one frequency
    Case("Quarterly business review", "annual business review", X, why="(frequency)"),
    Case("Thursday store huddle", "the Tuesday store huddle", X, why="(weekday)"),
    Case("March budget close", "the February budget close", X, why="(month)"),
    Case("Second floor badge reader", "third floor badge reader", X, why="(ordinal)"),
    Case("9 AM ops standup", "the 9 pm ops standup", X, why="(am/pm)"),
    Case("9 AM ops standup", "the 9 a.m. ops standup", C),
    # "am" only counts after a clock number: "I am sure" is no meridiem
    Case("Store closure review", "store closure review, I am pretty sure, 3 pm", C),
    Case("Store 087 inventory audit", "store 87 inventory audit", C),  # leading zeros
    Case("Store 087 inventory audit", "store 88 inventory audit", X, why="'88'"),
    Case("Store closure review", "the store closure review yesterday around 3", C),  # a time
    Case("Store closure review", "store closure review, the 5 of us, at 2 pm", C),  # a count
    Case("Q4 planning", "Q2 planning, around 3", X, why="'q2'"),  # a time excuses only itself
    # the right ticket key (a variant), with details that agree or contradict the summary
    Case("Acme contract renewal", "4173, the acme one", C, ["ITOPS-4173"]),
    Case("Acme contract renewal", "ITOPS-4173, the Globex renewal", P, ["ITOPS-4173"], "globex"),
    Case("Monthly vendor sync", "OPS-88 the weekly one", X, ["OPS-88"], "'weekly'"),
    Case("Q4 budget review", "FIN-311, the Q3 budget", X, ["FIN-311"]),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.expected}|{c.response}")
def test_carrying_words_decide(case: Case) -> None:
    result = match_text(case.expected, case.variants, case.response)
    assert result.verdict is case.verdict, result.reason
    assert case.why in result.reason


def test_spoken_forms_write_each_frequency_one_way() -> None:
    assert spoken_forms("bi-weekly sync every other week, fortnightly") == (
        "biweekly sync biweekly, biweekly"
    )
    assert spoken_forms("the 9 a.m. call at 3pm") == "the 9 am call at 3 pm"


def test_times_and_counts_are_incidental_but_codes_are_not() -> None:
    words = ["store", "87", "at", "3", "30", "with", "5", "people", "q4", "2", "pm"]
    assert incidental_numbers(words) == {"3", "30", "5", "2"}


def test_a_class_the_expected_answer_lacks_is_no_conflict() -> None:
    assert carrier_conflict(["store", "huddle"], ["weekly", "store", "huddle"]) is None
    assert carrier_conflict(["monthly"], ["weekly"]) is not None
