import json

from grading.batch import LabelledResult, grade_lines, summarise
from grading.models import AnswerKind, Grade, Verdict

GOOD = json.dumps({"id": "a", "question": "Which ticket?", "expected": "OPS-1423",
                   "kind": "identifier", "response": "fourteen twenty-three"})  # fmt: skip
WRONG = json.dumps({"id": "b", "question": "Which ticket?", "expected": "OPS-1423",
                    "kind": "identifier", "response": "OPS-1432"})  # fmt: skip


def test_grade_lines_writes_one_json_line_per_answer() -> None:
    out = [json.loads(line) for line in grade_lines([GOOD, "", WRONG])]
    assert [o["id"] for o in out] == ["a", "b"]  # blank line skipped
    assert [o["verdict"] for o in out] == ["correct", "incorrect"]
    assert set(out[0]) == {"id", "verdict", "score", "method", "reason"}


def test_malformed_lines_give_error_lines_and_processing_continues() -> None:
    lines = ["{not json", json.dumps({"id": "x", "kind": "colour"}), "[1, 2]", GOOD]
    out = [json.loads(line) for line in grade_lines(lines)]
    assert [o.get("line") for o in out[:3]] == [1, 2, 3]
    assert all(o["error"]["code"] == "invalid_line" for o in out[:3])
    assert "kind" in out[1]["error"]["message"]  # says which field is wrong
    assert out[3]["verdict"] == "correct"


def _result(label: Verdict, verdict: Verdict, category: str | None = None) -> LabelledResult:
    grade = Grade(id="x", kind=AnswerKind.TEXT, verdict=verdict, score=0.5, method="m", reason="r")
    return LabelledResult(label, grade, category)


def test_summarise_counts_false_accepts_and_rejects() -> None:
    c, p, x = Verdict.CORRECT, Verdict.PARTIAL, Verdict.INCORRECT
    summary = summarise([
        _result(c, c), _result(c, x), _result(c, p), _result(c, c),
        _result(x, x), _result(x, c, "near_miss"), _result(p, p),
    ])  # fmt: skip
    assert summary.total == 7
    assert summary.confusion["correct"] == {"correct": 2, "partial": 1, "incorrect": 1}
    assert summary.false_accept_rate == 0.5  # 1 of 2 labelled incorrect graded correct
    assert summary.false_reject_rate == 0.25  # 1 of 4 labelled correct graded incorrect
    assert summary.accuracy == 4 / 7
    assert summary.false_accepts_by_category == {"near_miss": 1}


def test_summarise_of_nothing_is_zeroes() -> None:
    summary = summarise([])
    assert (summary.total, summary.accuracy, summary.false_accept_rate) == (0, 0.0, 0.0)


def test_a_grade_line_may_carry_the_organisation_s_people() -> None:
    line = {"id": "p1", "question": "Who was there?", "expected": "Alice Jones",
            "kind": "person", "response": "Alise"}  # fmt: skip
    alone, with_people = grade_lines(
        [json.dumps(line), json.dumps(line | {"people": ["Alise Brandt", "Alice Jones"]})]
    )
    assert json.loads(alone)["verdict"] == "correct"  # one letter off, nobody else known
    graded = json.loads(with_people)
    assert graded["verdict"] == "incorrect" and "Alise Brandt" in graded["reason"]
