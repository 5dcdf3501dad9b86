"""Grade lines in bulk (`deskguard grade --input FILE.jsonl`) and summarise labelled runs.

In: one JSON object a line, `{"id", "question", "expected", "kind", "variants"?, "response",
"asked_at"?, "timezone"?, "label"?}`. Out: `{"id", "verdict", "score", "method", "reason"}` a
line, or `{"line": n, "error": {"code": "invalid_line", "message"}}` for a line that cannot be
read; processing always continues.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel, Field, ValidationError

from grading.cascade import JUDGE_TIMEOUT_S, Judge, grade_sync
from grading.models import Grade, GradeRequest, Verdict


@dataclass(frozen=True)
class LabelledResult:
    label: Verdict
    grade: Grade
    category: str | None = None


class Summary(BaseModel):
    total: int
    # confusion[label][verdict] = count, labels and verdicts being correct/partial/incorrect
    confusion: dict[str, dict[str, int]]
    accuracy: float  # verdict == label
    false_accept_rate: float  # labelled incorrect, graded correct / labelled incorrect
    false_reject_rate: float  # labelled correct, graded incorrect / labelled correct
    false_accepts_by_category: dict[str, int] = Field(default_factory=dict)


def _error_line(number: int, message: str) -> str:
    return json.dumps({"line": number, "error": {"code": "invalid_line", "message": message}})


def parse_line(line: str) -> GradeRequest:
    """One grade line as a request; raises ValueError with a readable message."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    try:
        return GradeRequest.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'line'}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(problems) from exc


def grade_to_json(grade: Grade) -> str:
    return json.dumps(grade.model_dump(include={"id", "verdict", "score", "method", "reason"}))


def grade_stream(
    lines: Iterable[str], *, judge: Judge | None = None, timeout: float = JUDGE_TIMEOUT_S
) -> Iterator[tuple[str, LabelledResult | None]]:
    """Each output line, with the labelled result when the input line carried a `label`.
    Blank lines are skipped; a bad line gives an error line and grading goes on."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            request = parse_line(line)
        except ValueError as exc:
            yield _error_line(number, str(exc)), None
            continue
        result = grade_sync(request, judge=judge, timeout=timeout)
        labelled = None
        if request.label is not None:
            labelled = LabelledResult(request.label, result, json.loads(line).get("category"))
        yield grade_to_json(result), labelled


def grade_lines(lines: Iterable[str], *, judge: Judge | None = None) -> Iterator[str]:
    """JSON lines in, JSON lines out (see grade_stream)."""
    for out, _ in grade_stream(lines, judge=judge):
        yield out


def grade_labelled(lines: Iterable[str]) -> Iterator[LabelledResult]:
    """Deterministic grades for the labelled lines (lines without `label` are skipped)."""
    for line in lines:
        if not line.strip():
            continue
        request = parse_line(line)
        if request.label is None:
            continue
        category = json.loads(line).get("category")
        yield LabelledResult(request.label, grade_sync(request), category)


def summarise(results: Iterable[LabelledResult]) -> Summary:
    names = [v.value for v in Verdict]
    confusion = {label: dict.fromkeys(names, 0) for label in names}
    by_category: dict[str, int] = {}
    for r in results:
        confusion[r.label.value][r.grade.verdict.value] += 1
        if r.label is Verdict.INCORRECT and r.grade.verdict is Verdict.CORRECT:
            key = r.category or "uncategorised"
            by_category[key] = by_category.get(key, 0) + 1
    total = sum(sum(row.values()) for row in confusion.values())
    wrong, right = confusion["incorrect"], confusion["correct"]
    return Summary(
        total=total,
        confusion=confusion,
        accuracy=_ratio(sum(confusion[n][n] for n in names), total),
        false_accept_rate=_ratio(wrong["correct"], sum(wrong.values())),
        false_reject_rate=_ratio(right["incorrect"], sum(right.values())),
        false_accepts_by_category=by_category,
    )


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
