"""`deskguard questions preview`: a security-team view of what would be asked, with answers."""

from __future__ import annotations

from typing import Any

import typer

from api.cli.common import emit, run, runtime
from api.service import VerificationService

app = typer.Typer(no_args_is_help=True, help="Preview question sets (security team).")


def preview_payload(upn: str) -> dict[str, Any]:
    qset, collection = run(VerificationService(runtime()).preview(upn))
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
) -> None:
    """Show a question set with expected answers, evidence, and what was dropped and why."""
    payload = preview_payload(employee)
    if as_json:
        emit(payload)
        return
    print(f"{payload['employee']} ({payload['engine']} engine, {payload['items']} items)")
    for q in payload["questions"]:
        print(f"  {q['id']} [{q['kind']}] {q['text']}\n      expected: {q['expected']}")
    for d in payload["dropped"]:
        print(f"  dropped ({d['check']}): {d['text']} -- {d['reason']}")
