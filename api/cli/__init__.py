"""The `deskguard` command. Errors print `{"error": {"code", "message"}}` and exit 2."""

from __future__ import annotations

import json
import os
import sys
from importlib.metadata import version

import typer
from pydantic import ValidationError
from pydantic_settings.exceptions import SettingsError
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
from api.errors import DeskguardError
from api.logging import configure_logging
from prompts.errors import LLMError, PromptNotFound

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="deskguard: help-desk caller verification from recent work context.",
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


def fail(code: str, message: str) -> None:
    print(json.dumps({"error": {"code": code, "message": message}}), file=sys.stderr)
    raise SystemExit(2)


def _version(show: bool) -> None:
    if show:
        print(f"deskguard {version('deskguard')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_version, help="Print the version and exit."
    ),
) -> None:
    """deskguard: help-desk caller verification from recent work context."""


def main() -> None:
    try:
        configure_logging(os.environ.get("DESKGUARD_LOG_LEVEL", "WARNING"))
        app(standalone_mode=False)
    except DeskguardError as exc:
        fail(exc.code, exc.message)
    except ValidationError as exc:  # a bad DESKGUARD_* value; inputs (maybe secrets) not echoed
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        fail("configuration_error", f"invalid settings: {problems}")
    except SettingsError as exc:
        fail("configuration_error", f"invalid settings: {exc}")
    except PromptNotFound as exc:
        fail("not_found", str(exc))
    except LLMError as exc:
        fail("llm_error", str(exc))
    except (typer.Abort, KeyboardInterrupt):
        fail("aborted", "aborted")
    except TyperException as exc:  # Typer's bundled click: bad option, missing argument...
        fail("usage_error", exc.format_message())
    except Exception as exc:  # anything unexpected: no stack trace
        fail("internal_error", f"{type(exc).__name__}: {exc}"[:500])
