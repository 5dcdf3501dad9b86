"""How a verification is written down: the stored metadata of its question set and context
collection, the audit details, and the validation of submitted answers. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from api.errors import InvalidInput
from api.schemas import AnswerIn
from api.storage import VerificationRow
from context.collect import Collection
from context.models import Employee
from questions.facts import screen_facts
from questions.models import Question, QuestionSet


def validate_answers(answers: Sequence[AnswerIn], questions: Sequence[Question]) -> dict[str, str]:
    """Unknown or duplicate question ids are rejected before anything is consumed."""
    known = {q.id for q in questions}
    seen: dict[str, str] = {}
    for index, answer in enumerate(answers):
        if answer.question_id not in known:
            raise InvalidInput(
                f"answers[{index}].question_id {answer.question_id!r} is not a "
                f"question of this verification"
            )
        if answer.question_id in seen:
            raise InvalidInput(f"answers[{index}]: question {answer.question_id!r} answered twice")
        seen[answer.question_id] = answer.response
    return seen


def set_meta(qset: QuestionSet, employee: Employee) -> dict[str, Any]:
    meta = qset.model_dump(mode="json", exclude={"questions"})
    meta["timezone"] = employee.timezone
    return meta


def collection_meta(collection: Collection, qset: QuestionSet) -> dict[str, Any]:
    used = {e for q in qset.questions for e in q.evidence}
    evidence = [
        {
            "id": i.id,
            "source": i.source.value,
            "kind": i.kind.value,
            "when": i.when.isoformat(),
            "connector": i.provenance.connector,
            "ref": i.provenance.ref,
        }
        for i in collection.items
        if i.id in used
    ]
    return {
        "window_start": collection.window_start.isoformat(),
        "window_end": collection.window_end.isoformat(),
        "sources": [s.model_dump(mode="json") for s in collection.sources],
        "degraded_sources": collection.degraded_sources,
        "filtered": collection.filtered,
        "screened": screen_facts(collection.items)[1],  # kept out of questions, and why
        "items_seen": len(collection.items),
        "accesses": [a.model_dump(mode="json") for a in collection.accesses],
        "evidence": evidence,
    }


def start_audit(row: VerificationRow) -> dict[str, Any]:
    return {
        "employee": row.employee,
        "action": row.action,
        "ticket": row.ticket,
        "engine": row.question_set.get("engine"),
        "signal": (row.signal or {}).get("provenance"),
        "questions": len(row.questions),
        "sources": {s["connector"]: s["status"] for s in row.collection["sources"]},
        "evidence": [e["id"] for e in row.collection["evidence"]],
    }
