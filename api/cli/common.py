"""Shared plumbing for CLI commands. Light on purpose: every command module imports this at
start-up, so the runtime (and what it pulls in) is imported only when a command builds it."""

from __future__ import annotations

import json
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer import _click as click  # Typer bundles its own Click

    from api.runtime import Runtime
    from api.settings import Settings

T = TypeVar("T")


class FullHelpGroup(TyperGroup):
    """Lists each command with its whole first paragraph, wrapped (Click's plain layout would
    cut it at the line's width with "...")."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                first = (command.short_help or command.help or "").split("\n\n")[0]
                rows.append((name, " ".join(first.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def command_group(help: str, *, no_args_is_help: bool = True) -> typer.Typer:
    """A command group as every `deskguard` group is made: plain Click help (no Rich
    renderer to import), no shell-completion options."""
    return typer.Typer(
        cls=FullHelpGroup,
        no_args_is_help=no_args_is_help,
        add_completion=False,
        rich_markup_mode=None,
        help=help,
    )


def runtime(settings: Settings | None = None) -> Runtime:
    from api.runtime import build_runtime
    from api.settings import get_settings

    return build_runtime(settings or get_settings())


def run(coro: Coroutine[Any, Any, T]) -> T:
    import asyncio

    return asyncio.run(coro)


def emit(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str, ensure_ascii=False))


READ_REASON = "Why you read this employee's context (e.g. a ticket); the audit records it."
# Without --reason the read still happens (the documented commands keep working) and the audit
# record says that no reason was given, so a reviewer sees who read without saying why.
NO_REASON = "not given (no --reason)"


def reason_option() -> Any:
    """`--reason` wherever one employee's context is read (api/access_log.py)."""
    return typer.Option(NO_REASON, "--reason", help=READ_REASON)
