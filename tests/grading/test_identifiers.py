from dataclasses import dataclass, field

import pytest

from grading.identifiers import match_identifier
from grading.models import Verdict

C, X = Verdict.CORRECT, Verdict.INCORRECT


@dataclass(frozen=True)
class Case:
    expected: str
    response: str
    verdict: Verdict
    variants: list[str] = field(default_factory=list)


CASES = [
    Case("OPS-1423", "OPS-1423", C),
    Case("OPS-1423", "1423", C),
    Case("OPS-1423", "ops 1423", C),
    Case("OPS-1423", "ops1423", C),
    Case("OPS-1423", "the VPN cert thing, 1423", C),  # inside a longer answer
    Case("OPS-1423", "fourteen twenty-three", C),  # numbers in words
    Case("OPS-1423", "one four two three", C),
    Case("OPS-1423", "ticket 14 23", C),  # spoken in groups, typed with a space
    Case("OPS-1423", "OPS-1432", X),  # near miss: transposed digits
    Case("OPS-1423", "1424", X),
    Case("OPS-1423", "DEV-1423", X),  # right number, wrong project
    Case("OPS-1423", "dev1423", X),
    Case("OPS-1423", "1423 or 1432", X),  # hedging between candidates
    Case("OPS-1423", "OPS-142", X),  # a prefix of the number is not the number
    Case("OPS-1423", "the VPN one", X),
    Case("a1b2c3d4", "a1b2c", C),  # sha prefix of 5
    Case("a1b2c3d4", "a1b2", X),  # 4 is too short to count
    Case("a1b2c3d4", "a1b2d", X),
    Case("a1b2c3d", "a1b2c3d4e5f60718", C),  # the full sha for a short expected
    Case("deadbeef", "dead beef", C),  # spoken in chunks
    Case("482", "PR four eighty two", C),
    Case("482", "#482", C),
    Case("482", "428", X),
    Case("v2.3.1", "release v2.3.1", C),
    Case("v2.3.1", "v2.3.2", X),
    Case("OPS-1423", "the one about 2201", C, ["INC-2201"]),  # a variant matches
    Case("OPS-1423", "OPS-1423, OPS-1424", X),  # a list of one shape is a hedge
    Case("a1b2c3d", "a1b2c3d or 9f8e7d6", X),  # two hashes
    Case("a1b2c3d", "a1b2c3d e41d20c", X),  # two hashes, no "or"
    Case("a1b2c3d", "a1b2c3d, it added the cache", C),  # "added" is hex but no hash
    Case("087", "store 87", C),  # leading zeros are not spoken
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.expected}|{c.response}")
def test_match_identifier(case: Case) -> None:
    result = match_identifier(case.expected, case.variants, case.response)
    assert result.verdict is case.verdict, result.reason
    assert (result.score == 1.0) is (case.verdict is C)


def test_reason_for_a_miss_does_not_reveal_the_expected_identifier() -> None:
    result = match_identifier("OPS-1423", [], "OPS-1432")
    assert "1423" not in result.reason


def test_a_hedge_says_which_candidates() -> None:
    result = match_identifier("a1b2c3d", [], "a1b2c3d or 9f8e7d6")
    assert result.method == "identifier.hedged" and "9f8e7d6" in result.reason
