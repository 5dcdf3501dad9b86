"""Local git repositories: commits the employee authored in the window, across all refs.

`git log` runs in a worker thread with a time-out. The log query itself is limited to the
employee's names and e-mail addresses (`--author`, one per alias, escaped, anchored, case-folded),
so other authors' commits are never read; matches are checked again here, exactly (one person
often commits under two names). Only metadata is read:
repository, branch, short sha, subject, time and the names of the files touched."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel

from context.config import GitConfig
from context.connectors.base import (
    AccessRecord,
    BuildContext,
    ConnectorError,
    EndpointDeclaration,
    FetchResult,
    FieldDeclaration,
    SourceManifest,
    Window,
)
from context.connectors.malformed import MalformedItem
from context.identity import identity_keys, is_employee
from context.models import (
    Audience,
    AudienceScope,
    ContextItem,
    Employee,
    Involvement,
    ItemKind,
    Participant,
    Provenance,
    Source,
)

LOG_PATH = "git log {repository}"
# %S is the ref that reached the commit (with --source); %x1e/%x1f separate records and fields.
LOG_FIELDS = ["sha", "author_name", "author_email", "author_date", "source_ref", "subject", "files"]
LOG_FORMAT = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%S%x1f%s%x1f"
MAX_FILES = 20
# Characters special in a POSIX extended regular expression; a backslash makes each literal.
ERE_SPECIAL = re.compile(r"([.\[\]()*+?{}|^$\\])")


def git_manifest(lookback_days: int = 7) -> SourceManifest:
    return SourceManifest(
        connector="git",
        description=(
            "Commits the employee authored in configured local repositories; the log query is"
            " limited to the employee's names and e-mail addresses (git log --author per alias),"
            " so no other author's history is read"
        ),
        endpoints=[EndpointDeclaration(method="EXEC", path=LOG_PATH, fields=LOG_FIELDS)],
        fields=[
            FieldDeclaration(name="commit.author_name", category="user.name"),
            FieldDeclaration(name="commit.author_email", category="user.contact.email"),
            FieldDeclaration(name="commit.author_date", category="user.workplace"),
            FieldDeclaration(name="commit.subject", category="user.workplace"),
            FieldDeclaration(name="commit.sha/branch/repository", category="system.operations"),
            FieldDeclaration(name="commit.files (names only)", category="system.operations"),
        ],
        lookback_days=lookback_days,
    )


def branch_name(source_ref: str) -> str:
    """refs/heads/main -> main; refs/remotes/origin/x -> origin/x; tags as they are."""
    for prefix in ("refs/heads/", "refs/remotes/"):
        if source_ref.startswith(prefix):
            return source_ref.removeprefix(prefix)
    return source_ref


def parse_record(record: str) -> tuple[list[str], list[str]]:
    """One `git log` record -> (the six header fields, the file names)."""
    parts = record.split("\x1f")
    if len(parts) < 7:
        raise MalformedItem("short git log record")
    files = [line.strip() for line in parts[6].splitlines() if line.strip()]
    return parts[:6], files


def commit_item(
    repository: str, record: str, keys: frozenset[str], window: Window, fetched_at: datetime
) -> ContextItem | None:
    """The commit as a ContextItem, or None when someone else wrote it or it is out of window."""
    (sha, name, email, date, source, subject), files = parse_record(record)
    if not is_employee(keys, [name, email]):
        return None
    try:
        when = datetime.fromisoformat(date).astimezone(UTC)
    except ValueError as exc:
        raise MalformedItem(f"bad author date {date!r}") from exc
    if not window.start <= when < window.end:
        return None  # --since/--until filter on the committer date; we ask about authoring
    identifiers = {"repository": repository, "sha": sha[:7]}
    if source.strip():
        identifiers["branch"] = branch_name(source.strip())
    return ContextItem(
        id=f"git:{repository}:{sha[:12]}",
        source=Source.GIT,
        kind=ItemKind.COMMIT,
        when=when,
        title=subject.strip(),
        involvement=Involvement.AUTHOR,
        participants=(Participant(name=name, email=email or None, role="author"),),
        identifiers=identifiers,
        extra={"files": ", ".join(files[:MAX_FILES])} if files else {},
        audience=repository_audience(repository),
        provenance=Provenance(connector="git", ref=sha, fetched_at=fetched_at),
    )


def repository_audience(repository: str) -> Audience:
    """Everyone who can read the repository sees its history; no git host tells us how many."""
    return Audience(scope=AudienceScope.REPOSITORY, group=repository)


def author_patterns(employee: Employee) -> list[str]:
    """One `--author` pattern per name or address the employee is known by. git matches them
    against "Name <email>": anchored so "Ann" does not match "Joanne" (is_employee re-checks)."""
    values = dict.fromkeys(
        " ".join(v.split()) for v in (employee.upn, employee.name, *employee.aliases) if v.strip()
    )
    patterns = []
    for value in values:
        literal = ERE_SPECIAL.sub(r"\\\1", value)
        patterns.append(f"--author=^{literal} <" if "@" not in value else f"--author=<{literal}>$")
    return patterns


def run_git_log(repo: Path, window: Window, authors: list[str], timeout: float) -> str:
    if not authors:
        return ""  # no name to look for: nothing is read
    args = [
        "git",
        "-C",
        str(repo),
        "-c",
        "core.quotepath=off",
        "log",
        "--all",
        "--source",
        "--no-color",
        "--no-merges",
        "--extended-regexp",
        "--regexp-ignore-case",
        *authors,
        f"--since={window.start.isoformat()}",
        f"--until={window.end.isoformat()}",
        f"--format={LOG_FORMAT}",
        "--name-only",
    ]
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    done = subprocess.run(args, capture_output=True, timeout=timeout, env=env, check=False)
    if done.returncode != 0:
        raise ConnectorError("git", f"git log failed in {repo.name} (exit {done.returncode})")
    return done.stdout.decode("utf-8", errors="replace")


class GitConnector:
    """Commits from the repositories in GitConfig.repos."""

    name: ClassVar[str] = "git"
    config_type: ClassVar[type[BaseModel] | None] = GitConfig  # DESKGUARD_GIT__*

    @classmethod
    def from_config(cls, config: GitConfig, context: BuildContext) -> GitConnector:
        return cls(config, lookback_days=context.lookback_days)

    def __init__(self, config: GitConfig, *, lookback_days: int = 7) -> None:
        self.config = config
        self.lookback_days = lookback_days

    def manifest(self) -> SourceManifest:
        return git_manifest(self.lookback_days)

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        return await asyncio.to_thread(self._fetch, employee, window)

    def _fetch(self, employee: Employee, window: Window) -> FetchResult:
        result = FetchResult()
        keys, authors = identity_keys(employee), author_patterns(employee)
        for path in self.config.repos:
            repo = Path(path).expanduser()
            try:
                self._fetch_repo(repo, keys, authors, window, result)
            except (ConnectorError, subprocess.TimeoutExpired, OSError) as exc:
                result.failures.append(f"repo {path} failed: {self._why(repo, exc)}")
                self._log(result, repo, 0, "failed")
        if result.failures and len(result.failures) == len(self.config.repos):
            raise ConnectorError("git", "; ".join(result.failures))
        return result  # some failed: the source is partial (collect), the rest's items kept

    def _fetch_repo(
        self,
        repo: Path,
        keys: frozenset[str],
        authors: list[str],
        window: Window,
        result: FetchResult,
    ) -> None:
        output = run_git_log(repo, window, authors, self.config.timeout_seconds)
        fetched_at = datetime.now(UTC)
        count = 0
        for record in output.split("\x1e")[1:]:
            try:
                item = commit_item(repo.name, record, keys, window, fetched_at)
            except (MalformedItem, ValueError):
                result.skipped += 1
                continue
            if item is not None:
                result.items.append(item)
                count += 1
        self._log(result, repo, count, "ok")

    def _why(self, repo: Path, exc: BaseException) -> str:
        if isinstance(exc, subprocess.TimeoutExpired):
            return f"git log timed out in {repo.name} after {self.config.timeout_seconds:g}s"
        if isinstance(exc, ConnectorError):
            return str(exc).removeprefix("git: ")
        return f"cannot run git in {repo.name} ({type(exc).__name__})"

    def _log(self, result: FetchResult, repo: Path, items: int, status: str) -> None:
        result.accesses.append(
            AccessRecord(
                connector=self.name,
                endpoint=f"git log {repo.name}",
                fields=LOG_FIELDS,
                at=datetime.now(UTC),
                items=items,
                status=status,
            )
        )
