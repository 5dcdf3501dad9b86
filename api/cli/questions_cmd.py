"""`deskguard questions preview`: a security-team view of what would be asked, with answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from api.cli.common import command_group, emit, reason_option, run, runtime

if TYPE_CHECKING:
    from api.access_log import Access

app = command_group("Preview question sets (security team).")


def preview_payload(upn: str, access: Access) -> dict[str, Any]:
    from api.access_log import record_read
    from api.service import VerificationService
    from prompts.llm import metered

    rt = runtime()
    with metered() as usage:
        qset, collection = run(VerificationService(rt).preview(upn))
    record_read(
        rt.audit, access, collection, command="questions preview",
        shown="questions_with_answers", model_calls=usage.calls,
    )  # fmt: skip
    return {
        "employee": qset.employee,
        "engine": qset.engine,
        "questions": [
            q.model_dump(
                mode="json",
                include={"id", "text", "kind", "expected", "variants", "evidence", "topic"},
            )
            for q in qset.questions
        ],
        "dropped": [d.model_dump(mode="json") for d in qset.dropped],
        "prompt": qset.prompt,
        "prompt_sha256": qset.prompt_sha256,
        "fallback_reason": qset.fallback_reason,
        "sources": [s.model_dump(mode="json") for s in collection.sources],
        "items": len(collection.items),
    }


@app.command("preview")
def preview(
    employee: str = typer.Option(..., help="The employee's UPN."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    reason: str = reason_option(),
) -> None:
    """Show a question set with expected answers, evidence, and what was dropped and why (the
    read is audited with --reason)."""
    from api.access_log import Access

    payload = preview_payload(employee, Access.cli(reason))
    if as_json:
        emit(payload)
        return
    print(f"{payload['employee']} ({payload['engine']} engine, {payload['items']} items)")
    for q in payload["questions"]:
        print(f"  {q['id']} [{q['kind']}] {q['text']}\n      expected: {q['expected']}")
    for d in payload["dropped"]:
        print(f"  dropped ({d['check']}): {d['text']} -- {d['reason']}")
