"""`deskguard prompts list | show NAME@vN | render NAME@vN --employee UPN`."""

from __future__ import annotations

import typer

from api.cli.common import emit, run, runtime
from api.service import VerificationService

app = typer.Typer(no_args_is_help=True, help="Versioned prompts (security team).")


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
    ref: str = typer.Argument(..., help="question_generation@vN"),
    employee: str = typer.Option(..., help="The employee's UPN."),
) -> None:
    """Render the question-generation prompt for an employee exactly as a model would get it."""
    from prompts.registry import get_prompt, render
    from questions.llm_engine import generation_variables

    request = run(VerificationService(runtime()).engine_request(employee))
    rendered = render(get_prompt(ref), generation_variables(request))
    emit(rendered.model_dump(mode="json"))
