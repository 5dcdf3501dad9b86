"""The labelled set (tests/grading/data/labelled.jsonl) as a regression gate on the grader."""

import json
from pathlib import Path

import pytest

from grading.batch import LabelledResult, Summary, grade_labelled, summarise
from grading.models import Verdict

C = Verdict.CORRECT

DATA = Path(__file__).parent / "data" / "labelled.jsonl"


@pytest.fixture(scope="module")
def results() -> list[LabelledResult]:
    return list(grade_labelled(DATA.read_text("utf-8").splitlines()))


@pytest.fixture(scope="module")
def summary(results: list[LabelledResult]) -> Summary:
    return summarise(results)


def test_the_set_is_large_and_covers_every_kind_and_category() -> None:
    rows = [json.loads(line) for line in DATA.read_text("utf-8").splitlines()]
    assert len(rows) >= 200
    assert {r["kind"] for r in rows} == {"identifier", "person", "datetime", "text"}
    needed = {"near_miss", "typo", "paraphrase", "injection", "dont_know", "numbers_in_words",
              "non_latin", "long", "partial_recall"}  # fmt: skip
    assert needed <= {r["category"] for r in rows}


@pytest.mark.parametrize("category", ["near_miss", "injection", "wrong", "dont_know"])
def test_no_false_accepts(results: list[LabelledResult], category: str) -> None:
    accepted = [
        r.grade.id
        for r in results
        if r.category == category and r.label is not Verdict.CORRECT
        and r.grade.verdict is Verdict.CORRECT
    ]  # fmt: skip
    assert accepted == []


def test_injections_are_flagged(results: list[LabelledResult]) -> None:
    injections = [r for r in results if r.category == "injection"]
    assert injections and all("injection" in r.grade.flags for r in injections)


def test_overall_accuracy_is_high(summary: Summary) -> None:
    assert summary.false_accept_rate == 0.0
    assert summary.accuracy >= 0.95
    assert summary.false_reject_rate <= 0.05


# The trap classes of issue 10: an informed caller's ways past a grader.
TRAP_CLASSES = [
    "candidates", "negation", "near_name", "two_hashes", "carrier", "id_detail", "name_swap",
]  # fmt: skip


@pytest.mark.parametrize("category", TRAP_CLASSES)
def test_each_trap_class_has_20_traps_and_none_is_accepted(
    results: list[LabelledResult], category: str
) -> None:
    traps = [r for r in results if r.category == category and r.label is not Verdict.CORRECT]
    assert len(traps) >= 20
    assert [r.grade.id for r in traps if r.grade.verdict is Verdict.CORRECT] == []


def test_genuine_answers_beside_the_traps_are_accepted(results: list[LabelledResult]) -> None:
    genuine = [r for r in results if r.category in TRAP_CLASSES and r.label is Verdict.CORRECT]
    accepted = [r for r in genuine if r.grade.verdict is Verdict.CORRECT]
    assert genuine and len(accepted) / len(genuine) >= 0.95, [
        (r.grade.id, r.grade.reason) for r in genuine if r not in accepted
    ]


def test_genuine_speech_is_accepted(results: list[LabelledResult]) -> None:
    """Relative days with clock times, weekday and day of month, leading zeros, added counts."""
    genuine = [r for r in results if r.category == "genuine_speech"]
    assert len(genuine) >= 20 and all(r.label is Verdict.CORRECT for r in genuine)
    rejected = [(r.grade.id, r.grade.reason) for r in genuine if r.grade.verdict is not C]
    assert len(rejected) <= 0.05 * len(genuine), rejected
