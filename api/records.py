"""How a verification is written down: the stored metadata of its question set and context
collection, the audit details, and the validation of submitted answers. Pure functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from api.access_log import fields_read
from api.errors import InvalidInput
from api.schemas import AnswerIn
from api.storage import VerificationRow
from api.verification_record import (
    CallerRef,
    CollectionRecord,
    EvidenceRef,
    LlmUsage,
    ModelUsage,
    QuestionSetRecord,
)
from context.collect import Collection
from context.models import Employee
from prompts.llm import Usage
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


def set_meta(qset: QuestionSet, employee: Employee, usage: Usage) -> QuestionSetRecord:
    return QuestionSetRecord.model_validate(
        {
            **qset.model_dump(exclude={"questions"}),
            "timezone": employee.timezone,
            "llm_usage": LlmUsage(questions=ModelUsage.of(usage)),
        }
    )


def collection_meta(
    collection: Collection, qset: QuestionSet, out_of_scope: Sequence[str] = ()
) -> CollectionRecord:
    used = {e for q in qset.questions for e in q.evidence}
    evidence = [
        EvidenceRef(
            id=i.id,
            source=i.source,
            kind=i.kind,
            when=i.when,
            connector=i.provenance.connector,
            ref=i.provenance.ref,
        )
        for i in collection.items
        if i.id in used
    ]
    return CollectionRecord(
        window_start=collection.window_start,
        window_end=collection.window_end,
        sources=collection.sources,
        degraded_sources=collection.degraded_sources,
        filtered=collection.filtered,
        screened=screen_facts(collection.items)[1],  # kept out of questions, and why
        items_seen=len(collection.items),
        accesses=collection.accesses,
        evidence=evidence,
        out_of_scope=list(out_of_scope),
    )


def start_audit(row: VerificationRow, hashed: Callable[[str], str]) -> dict[str, Any]:
    """The `verification.started` detail. `hashed` is the employee's keyed hash
    (api/pseudonyms.py `hasher`): the calling number goes on the chain only as that hash, so
    erasure (deleting the key) leaves nothing that ties the record to the number, and nothing to
    rewrite; while the key exists an auditor can still check a given number against it."""
    return {
        "action": row.action,
        "ticket": row.ticket.model_dump() if row.ticket else None,
        "engine": row.question_set.engine,
        "signal": row.signal.provenance.value if row.signal else None,
        "questions": len(row.questions),
        "sources": {s.connector: s.status for s in row.collection.sources},
        "fields": fields_read(row.collection.accesses),
        "model_calls": row.question_set.llm_usage.questions.calls,  # engine and attacker check
        "evidence": len(row.collection.evidence),  # how many; references stay off the chain
        "caller": caller_audit(row.caller, hashed) if row.caller else None,
        "velocity": row.velocity or [],
    }


def caller_audit(caller: CallerRef, hashed: Callable[[str], str]) -> dict[str, str]:
    """The caller as the audit chain keeps it: the channel, and the number (as counted, digits
    only) as a keyed hash under the employee's key, never in plain text."""
    return {"number_ref": hashed(caller.key), "channel": caller.channel}
