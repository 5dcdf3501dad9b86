"""One answer cannot be two facts: grading across the answers of one verification.

A colleague who knows one of the employee's mail subjects, tickets or commits, but not which
question it answers, says it to every question of that kind and collects one `correct`, or says
one subject to several questions and collects partial credit for the words their answers share.
The real employee tells the facts apart. So two answers count for neither question when what the
caller said to one text or identifier question is wrong there but is the answer of another
question of its kind, or when the same words were said to two text questions whose answers
differ. Questions whose expected answers coincide (the same meeting asked twice) are left alone,
and "I don't know" repeated is not an answer at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from grading.cascade import match_deterministic
from grading.models import AnswerKind, Grade, GradeFlag, GradeRequest, Verdict
from grading.text import same_words

ONE_FACT_KINDS = frozenset({AnswerKind.TEXT, AnswerKind.IDENTIFIER})


def fits(answer: GradeRequest, other: GradeRequest) -> bool:
    """Would the deterministic grader accept what was said to `answer` as the answer to `other`?"""
    if answer.kind is not other.kind or answer.kind not in ONE_FACT_KINDS:
        return False
    m = match_deterministic(other.model_copy(update={"response": answer.response}))
    return m.verdict is Verdict.CORRECT and not m.uncertain


def said_twice(a: GradeRequest, b: GradeRequest) -> bool:
    """One thing said to two text questions whose answers differ. The same words, not answers
    that would pass for each other: a vague answer and a more specific one ("night shift
    differential at dc", "night shift differential, Dallas DC") are two answers."""
    if a.kind is not AnswerKind.TEXT or b.kind is not AnswerKind.TEXT:
        return False
    # Both pure: the cheap word comparison first, the grader only for the pairs it lets by.
    return same_words(a.response, b.response) and not fits(
        b.model_copy(update={"response": b.expected}), a
    )


def reused(requests: Sequence[GradeRequest], grades: Sequence[Grade]) -> dict[str, list[str]]:
    """Question id -> the other questions that share its answer.

    Two signatures of a spray: what was said to one question is wrong there but is the answer
    of another question (the caller knows a fact, not which question it answers), or one thing
    was said to two questions whose answers differ (at most one of them can be right, and
    partial credit from words the two answers share shows nothing)."""
    graded = [
        (r, g)
        for r, g in zip(requests, grades, strict=True)
        if GradeFlag.DONT_KNOW.value not in g.flags and r.response.strip()
    ]
    found: dict[str, list[str]] = {}
    for b, b_grade in graded:
        for a, _ in graded:
            if a.id == b.id:
                continue
            moved = b_grade.verdict is not Verdict.CORRECT and fits(b, a)
            if moved or (a.id < b.id and said_twice(a, b)):
                found.setdefault(a.id, []).append(b.id)
                found.setdefault(b.id, []).append(a.id)
    return {qid: list(dict.fromkeys(others)) for qid, others in found.items()}


def _voided(grade: Grade, others: list[str]) -> Grade:
    listed = ", ".join(others)
    reason = (
        f"the same answer was given to question {listed}: one answer cannot be two facts "
        f"(was {grade.verdict.value}: {grade.reason})"
    )
    return grade.model_copy(
        update={
            "verdict": Verdict.INCORRECT,
            "score": 0.0,
            "method": "reused_answer",
            "reason": reason,
            "flags": [*grade.flags, GradeFlag.REUSED_ANSWER.value],
        }
    )


def one_answer_one_fact(requests: Sequence[GradeRequest], grades: Sequence[Grade]) -> list[Grade]:
    """The grades with every answer that was also given to another question made incorrect."""
    found = reused(requests, grades)
    return [_voided(g, found[g.id]) if g.id in found else g for g in grades]
