"""How an answer is said: alternatives, denials and self-corrections, through the whole cascade."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from grading.cascade import grade_sync
from grading.models import AnswerKind, GradeRequest, Verdict
from grading.reading import read_answer

C, P, X = Verdict.CORRECT, Verdict.PARTIAL, Verdict.INCORRECT
ID, TXT, DT, PER = AnswerKind.IDENTIFIER, AnswerKind.TEXT, AnswerKind.DATETIME, AnswerKind.PERSON
ASKED = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # Thursday
WED3 = "2026-11-25T15:00:00+00:00"


@dataclass(frozen=True)
class Case:
    kind: AnswerKind
    expected: str
    response: str
    verdict: Verdict
    method: str = ""  # the rule that must decide, when it matters


def _grade(case: Case) -> tuple[Verdict, str, str]:
    request = GradeRequest(
        id="r", question="q", expected=case.expected, kind=case.kind, response=case.response,
        asked_at=ASKED,
    )  # fmt: skip
    g = grade_sync(request)
    return g.verdict, g.method, g.reason


CANDIDATES = [
    Case(ID, "ITOPS-4173", "ITOPS-4173 or 4174", X, "hedged"),
    Case(ID, "ITOPS-4173", "4173/4174", X, "identifier.hedged"),  # digits round a slash: one token
    Case(ID, "ITOPS-4173", "either ITOPS-4173 or ITOPS-417", X, "hedged"),  # other length
    Case(ID, "ITOPS-4173", "ITOPS-4173, ITOPS-4174", X, "identifier.hedged"),  # a plain list
    Case(ID, "9f3c2ab", "9f3c2ab or 9f3d2ab", X),
    Case(ID, "9f3c2ab", "9f3c2ab e41d20c", X, "identifier.hedged"),  # two hashes, no "or"
    Case(ID, "ITOPS-4173", "ITOPS-4173 or something like that", C),  # vagueness, one candidate
    Case(TXT, "Store closure review", "either the store closure review or the daily huddle", X),
    Case(TXT, "Store closure review", "maybe the store closure review, maybe the huddle", X),
    Case(TXT, "Store closure review", "the store closure review or so", C),
    Case(TXT, "Build or buy review", "the build or buy review", C),  # "or" is in the answer
    Case(TXT, "CI/CD pipeline cleanup", "the CI/CD pipeline cleanup", C),  # so is "/"
    Case(DT, WED3, "Tuesday or Wednesday at 3", X, "hedged"),
    Case(DT, WED3, "maybe Tuesday, maybe Wednesday", X, "hedged"),
    Case(DT, WED3, "Tuesday, Wednesday, around 3", X, "datetime.hedged"),  # two days, no "or"
    Case(DT, WED3, "yesterday at 3 or 3:30", C),  # every candidate right: nothing hedged
    Case(PER, "Paul Grant", "either Paul or Paula", X),  # a person list: the wrong name counts
]
NEGATIONS = [
    Case(ID, "ITOPS-4173", "it definitely wasn't ITOPS-4173", X, "negation"),
    Case(ID, "ITOPS-4173", "definitely not ITOPS-4173", X, "negation"),
    Case(ID, "ITOPS-4173", "I don't think it was 4173", X, "negation"),  # belief negated
    Case(ID, "ITOPS-4173", "not 4174, it was 4173", C),  # denies another, affirms the answer
    Case(ID, "ITOPS-4173", "I'm not sure, 4173 I think", C),  # about the caller, not the answer
    Case(ID, "ITOPS-4173", "I don't remember exactly but 4173", C),
    Case(TXT, "Joliet store audit", "no, not the Joliet one", X, "negation"),
    Case(TXT, "Joliet store audit", "the store audit, not the Joliet one", X, "negation"),
    # "store" is denied and affirmed: what decides is the Aurora/Joliet word
    Case(TXT, "Aurora store audit", "not the Joliet store, it was the Aurora store audit", C),
    Case(DT, WED3, "not Tuesday, Wednesday at 3", C),
    Case(DT, WED3, "yesterday at 3, not 4", C),  # 4 pm is within tolerance, 3 is closer
    Case(DT, WED3, "not at 3, at 4", X, "negation"),
    Case(PER, "Robert Smith, Alice Jones", "Alice, not Robert", X, "negation"),
    Case(PER, "Alice Jones", "not Robert, it was Alice", C),
]
CORRECTIONS = [
    Case(DT, WED3, "Tuesday, no wait, Wednesday at 3", C),  # only what the caller settled on
    Case(DT, WED3, "Wednesday at 3, sorry, Tuesday", X),
    Case(ID, "ITOPS-4173", "4174, I mean 4173", C),
]


@pytest.mark.parametrize("case", CANDIDATES + NEGATIONS + CORRECTIONS, ids=lambda c: c.response)
def test_how_it_is_said(case: Case) -> None:
    verdict, method, reason = _grade(case)
    assert verdict is case.verdict, reason
    if case.method:
        assert method == case.method, reason


def test_every_rule_gives_its_reason() -> None:
    assert "alternatives" in _grade(CANDIDATES[0])[2]
    assert "was not 'ITOPS-4173'" in _grade(NEGATIONS[0])[2]
    assert "set aside what it was not: '4174'" in _grade(NEGATIONS[3])[2]


def test_reading_splits_alternatives_only_where_the_answer_has_none() -> None:
    assert read_answer("X or Y", ["Z"]).candidates == ["X", "Y"]
    assert read_answer("X or Y", ["X or Y"]).candidates == []
    assert read_answer("X/Y", ["X/Y"]).candidates == []
    assert read_answer("not X", ["Do not merge"]).denied == []  # a negator of the answer itself
