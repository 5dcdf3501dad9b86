"""`deskguard prompts list | show NAME@vN | render NAME@vN --employee UPN` (every prompt)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from api.cli.common import command_group, emit, reason_option, run, runtime
from api.errors import InvalidInput

if TYPE_CHECKING:
    from api.runtime import Runtime
    from context.collect import Collection

app = command_group("Versioned prompts (security team).")


@app.command("list")
def list_() -> None:
    """Every prompt version on disk, with its sha256."""
    from prompts.registry import list_prompts

    emit(
        {
            "prompts": [
                {"ref": p.ref, "description": p.description, "sha256": p.sha256}
                for p in list_prompts()
            ]
        }
    )


@app.command("show")
def show(ref: str = typer.Argument(..., help="name@vN, or name for the newest")) -> None:
    """The prompt file's contents."""
    from prompts.registry import get_prompt

    emit(get_prompt(ref).model_dump(mode="json"))


@app.command("render")
def render_(
    ref: str = typer.Argument(..., help="name@vN: question_generation, attacker or answer_judge"),
    employee: str = typer.Option(..., help="The employee's UPN."),
    question: str = typer.Option("q1", help="answer_judge: which previewed question to judge."),
    response: str = typer.Option(
        "I don't remember", help="answer_judge: the caller's answer to render."
    ),
    reason: str = reason_option(),
) -> None:
    """Render a prompt for an employee exactly as a model would get it: question_generation
    with their ranked facts, attacker with a previewed question set, answer_judge with one
    previewed question and `--response`. The read of the employee's context is audited."""
    from api.access_log import Access, record_read
    from prompts.llm import metered
    from prompts.registry import get_prompt, render

    access = Access.cli(reason)
    spec = get_prompt(ref)
    rt = runtime()
    with metered() as usage:
        variables, collection = run(
            _variables(rt, spec.output_schema, employee, question, response)
        )
    record_read(
        rt.audit, access, collection, command=f"prompts render {ref}", shown="prompt",
        model_calls=usage.calls,
    )  # fmt: skip
    emit(render(spec, variables).model_dump(mode="json"))


async def _variables(
    rt: Runtime, schema: str, upn: str, question_id: str, response: str
) -> tuple[dict[str, object], Collection]:
    from api.service import VerificationService
    from grading.judge import judge_variables
    from grading.models import GradeRequest
    from questions.attacker import attacker_variables
    from questions.llm_engine import generation_variables

    service = VerificationService(rt)
    if schema == "GeneratedQuestions":
        wanted, collection = await service.engine_request(upn)
        return generation_variables(wanted), collection
    qset, collection = await service.preview(upn)
    if schema == "AttackerAnswers":
        profile = await rt.directory.public_profile(qset.employee)
        return attacker_variables(qset.questions, profile, rt.company_facts), collection
    if schema == "JudgeVerdict":
        q = next((q for q in qset.questions if q.id == question_id), None)
        if q is None:
            known = ", ".join(q.id for q in qset.questions)
            raise InvalidInput(f"no previewed question {question_id!r}; this set has {known}")
        request = GradeRequest(
            id=q.id,
            question=q.text,
            expected=q.expected,
            kind=q.kind,
            variants=q.variants,
            response=response,
            asked_at=qset.generated_at,
        )
        return judge_variables(request, reference=q.expected), collection
    raise InvalidInput(f"no renderer for prompts returning {schema}")
