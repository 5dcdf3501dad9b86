"""The `deskguard` command. Errors print `{"error": {"code", "message"}}` and exit 2.

Start-up stays light (`deskguard --help` imports Typer and these command modules only): every
command imports what it needs (the service, SQLAlchemy, FastAPI, settings) when it runs, and
the error path imports the exception types it maps. Help is Click's plain layout
(`rich_markup_mode=None`): importing Rich's help renderer alone costs most of the budget.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass

import typer
from typer.exceptions import TyperException

from api.cli import (
    audit_cmd,
    context_cmd,
    db_cmd,
    eval_cmd,
    judge_cmd,
    keys_cmd,
    privacy_cmd,
    prompts_cmd,
    questions_cmd,
    recovery_cmd,
    run_cmd,
    signing_cmd,
    tickets_cmd,
)
from api.cli.common import command_group
from api.errors import DeskguardError

app = command_group(
    "deskguard: help-desk caller verification from recent work context.", no_args_is_help=True
)
app.command("demo")(run_cmd.demo)
app.command("serve")(run_cmd.serve)
app.command("grade")(run_cmd.grade)
app.command("eval")(eval_cmd.eval_command)
app.add_typer(keys_cmd.app, name="keys")
app.add_typer(db_cmd.app, name="db")
app.add_typer(context_cmd.app, name="context")
app.add_typer(questions_cmd.app, name="questions")
app.add_typer(prompts_cmd.app, name="prompts")
app.add_typer(signing_cmd.app, name="signing")
app.add_typer(tickets_cmd.app, name="tickets")
app.add_typer(recovery_cmd.app, name="recovery")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(privacy_cmd.app, name="privacy")
app.add_typer(judge_cmd.app, name="judge")


@dataclass(frozen=True)
class ConsoleEntry:
    """Passed as the Click context object by `main` (the console script): a command started
    there configures logging first; one invoked in process (tests) leaves logging alone."""

    log_level: str


def fail(code: str, message: str) -> None:
    print(json.dumps({"error": {"code": code, "message": message}}), file=sys.stderr)
    raise SystemExit(2)


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import version

        print(f"deskguard {version('deskguard')}")
        raise typer.Exit()


@app.callback()
def _options(
    ctx: typer.Context,
    show_version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_version, help="Print the version and exit."
    ),
) -> None:
    """deskguard: help-desk caller verification from recent work context."""
    if isinstance(ctx.obj, ConsoleEntry):  # a command is about to run (help exits earlier)
        from api.logging import configure_logging

        configure_logging(ctx.obj.log_level)


def error_of(exc: Exception) -> tuple[str, str]:
    """The JSON error (code, message) for an exception a command raised (imported here, on the
    error path only, to keep start-up light)."""
    from pydantic import ValidationError
    from pydantic_settings.exceptions import SettingsError

    from prompts.errors import LLMError, PromptNotFound

    if isinstance(exc, DeskguardError):
        return exc.code, exc.message
    if isinstance(exc, ValidationError):  # a bad DESKGUARD_* value; inputs (secrets) not echoed
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return "configuration_error", f"invalid settings: {problems}"
    if isinstance(exc, SettingsError):
        return "configuration_error", f"invalid settings: {exc}"
    if isinstance(exc, PromptNotFound):
        return "not_found", str(exc)
    if isinstance(exc, LLMError):
        return "llm_error", str(exc)
    return "internal_error", f"{type(exc).__name__}: {exc}"[:500]  # never a stack trace


def main() -> None:
    try:
        entry = ConsoleEntry(os.environ.get("DESKGUARD_LOG_LEVEL", "WARNING"))
        app(standalone_mode=False, obj=entry)
    except (typer.Abort, KeyboardInterrupt):
        fail("aborted", "aborted")
    except TyperException as exc:  # Typer's bundled click: bad option, missing argument...
        fail("usage_error", exc.format_message())
    except Exception as exc:  # anything else: classified, no stack trace
        fail(*error_of(exc))
