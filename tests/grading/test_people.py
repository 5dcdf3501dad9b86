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
    Case("Katharina Müller", "Katharna", C),  # one edit in a long first name
    # Katarina is a first name of its own (in the names list): only a reviewer may accept it
    Case("Katharina Müller", "Katarina", P, uncertain=True),
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


# Without any directory: a name one letter off that is another (gendered) name is another person.
VARIANT_PAIRS = [
    Case("Robert Smith", "Roberta", X),
    Case("Paula Grant", "Paul", X),  # short expected name: one edit was never a typo
    Case("Paul Grant", "Paula", X),
    Case("Daniel Ortiz", "Daniela", X),  # Daniela is not in the English names list: the ending
    Case("Alejandro Ruiz", "Alejandra", X),
    Case("Alejandra Ruiz", "Alejandro Ruiz", X),  # right surname, other first name
    Case("Louis Martin", "Louise", X),  # the names dataset relates them; the ending does not
    Case("Michael Lee", "Michaela", X),
    Case("Daniel Ortiz", "Danny", C),  # a nickname of the right person still passes
    Case("Daniel Ortiz", "Dainel", C),  # a transposition typo still passes
    Case("Alice Jones", "Alise", C),  # typo, not a name of its own
    Case("Elizabeth Ward", "Elisabeth", C),  # spelling variant inside the name, same person
    Case(TWO, "Roberta and Alice", X),  # Alice right, Roberta someone else: as many wrong
    Case(TWO, "Robert or Roberta, and Alice", P),  # two candidates for one seat: one is wrong
    Case("Paul Grant", "Paul or Paula", X),  # as many wrong as right
]


@pytest.mark.parametrize("case", VARIANT_PAIRS, ids=lambda c: f"{c.expected}|{c.response}")
def test_a_gendered_or_known_other_name_is_another_person(case: Case) -> None:
    result = match_people(case.expected, case.variants, case.response)
    assert result.verdict is case.verdict, result.reason
    assert result.uncertain is case.uncertain


ORG = ["Robert Smith", "Alice Jones", "Alisa Brandt", "Mike Brown", "Jane Smith",
       "Katarina Novak", "Bob Okafor"]  # fmt: skip


@dataclass(frozen=True)
class DirectoryCase:
    expected: str
    response: str
    verdict: Verdict
    why: str = ""  # a fragment the reason must contain


DIRECTORY_CASES = [
    # "Alisa" is one letter from Alice and exactly another employee: that employee
    DirectoryCase("Alice Jones", "Alisa", X, "closer to Alisa Brandt"),
    DirectoryCase("Katharina Müller", "Katarina", X, "closer to Katarina Novak"),
    DirectoryCase("Alice Jones", "Alise", C),  # a typo closer to nobody else still passes
    DirectoryCase("Michael Lee", "Mike", C),  # a nickname wins a tie with Mike Brown
    DirectoryCase("Robert Smith", "Bob", C),  # and with Bob Okafor
    DirectoryCase("Robert Smith", "Smith", C),  # Jane Smith shares the surname: a tie, not closer
    DirectoryCase("Robert Smith", "Robert Smith", C),  # the expected person is in the directory
    DirectoryCase(TWO, "Bob and Alisa", X, "closer to Alisa Brandt"),  # one right, one wrong
]


@pytest.mark.parametrize("case", DIRECTORY_CASES, ids=lambda c: f"{c.expected}|{c.response}")
def test_names_are_matched_against_the_whole_directory(case: DirectoryCase) -> None:
    result = match_people(case.expected, [], case.response, ORG)
    assert result.verdict is case.verdict, result.reason
    assert case.why in result.reason


def test_the_reason_names_the_other_person() -> None:
    result = match_people("Robert Smith", [], "Roberta")
    assert "'Roberta' is another name than Robert" in result.reason


def test_wrong_names_lower_the_score() -> None:
    clean = match_people(THREE, [], "Dan, Mike and Priya")
    padded = match_people(THREE, [], "Dan, Mike, Priya and Sarah")
    assert padded.score < clean.score


def test_nickname_table_works_both_ways() -> None:
    assert "bob" in forms("robert")
    assert "robert" in forms("bob")
    assert "rob" in forms("bob")  # through the formal name
    assert "bill" not in forms("robert")
