from dataclasses import dataclass, field

import pytest

from grading.models import Verdict
from grading.nicknames import forms
from grading.people import match_people

C, P, X = Verdict.CORRECT, Verdict.PARTIAL, Verdict.INCORRECT
TWO = "Robert Smith, Alice Jones"
THREE = "Daniel Ortiz, Mike Lee, Priya Raman"


@dataclass(frozen=True)
class Case:
    expected: str
    response: str
    verdict: Verdict
    variants: list[str] = field(default_factory=list)
    uncertain: bool = False


CASES = [
    Case(TWO, "Bob and Alice", C),  # nickname + first name
    Case(TWO, "Rob Smith, Alice", C),
    Case(TWO, "Smith and Jones", C),  # surnames alone
    Case(TWO, "Bob and the new guy from finance", P),  # a description neither helps nor hurts
    Case(TWO, "Robert", P),  # some right, none wrong
    Case(TWO, "Bob, Alice, Tom, Jim", X),  # shotgun list: as many wrong as right
    Case(TWO, "Tom and Jim", X),
    Case(THREE, "Dan, Mike and Priya", C),
    Case(THREE, "Dan and Mike, I think", P),
    Case(THREE, "Dan, Mike, Priya and Sarah", P),  # all right plus one wrong: lowered
    Case("William Chen", "Bill", C),
    Case("Elizabeth Ward", "Liz from legal", C),
    Case("Elizabeth Ward", "the new guy from finance", X),
    Case("Robert Smith", "Bob Jones", X),  # right first name, wrong surname
    Case("Robert Smith", "I think it was Bob", C),
    Case("Katharina Müller", "Katarina", C),  # one edit in a long first name
    Case("Katharina Müller", "Katharina Mueller", C),  # transliterated umlaut
    Case("José Núñez", "Jose Nunez", C),  # accents dropped
    Case("Katharina Müller", "Katrina", P, uncertain=True),  # two edits: the judge band
    Case("Tom Baker", "Tim", X),  # one edit in a short name is another name
    Case("Robert Smith", "rsmith", C, ["rsmith@corp.example"]),  # alias from a variant
    Case("محمد علي", "محمد", C),  # Arabic, right to left
    Case("王 伟", "王", C),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.expected}|{c.response}")
def test_match_people(case: Case) -> None:
    result = match_people(case.expected, case.variants, case.response)
    assert result.verdict is case.verdict, result.reason
    assert result.uncertain is case.uncertain


def test_wrong_names_lower_the_score() -> None:
    clean = match_people(THREE, [], "Dan, Mike and Priya")
    padded = match_people(THREE, [], "Dan, Mike, Priya and Sarah")
    assert padded.score < clean.score


def test_nickname_table_works_both_ways() -> None:
    assert "bob" in forms("robert")
    assert "robert" in forms("bob")
    assert "rob" in forms("bob")  # through the formal name
    assert "bill" not in forms("robert")
