"""GitHub REST shapes -> ContextItems, and the small pure helpers the connector needs: the
manifest, which author filters to send, rate-limit waits and same-origin paging links.

A commit becomes exactly the item the local-git connector makes (source git, kind commit, id
`git:{name}:{sha12}`), so the same commit seen through both connectors is de-duplicated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from context.connectors.base import (
    EndpointDeclaration,
    FieldDeclaration,
    SourceManifest,
    Window,
)
from context.connectors.git import MAX_FILES, repository_audience
from context.connectors.malformed import MalformedItem
from context.identity import is_employee, normalise
from context.models import (
    ContextItem,
    Employee,
    Involvement,
    ItemKind,
    Participant,
    Provenance,
    Source,
)

REPO_PATH = "/repos/{owner}/{repo}"
COMMITS_PATH = "/repos/{owner}/{repo}/commits"
# GitHub's Link header points later pages at the repository's numeric id.
COMMITS_NEXT_PATH = "/repositories/{id}/commits"
COMMIT_PATH = "/repos/{owner}/{repo}/commits/{sha}"
REPO_FIELDS = ["default_branch"]
LIST_FIELDS = [
    "sha",
    "commit.author.name",
    "commit.author.email",
    "commit.author.date",
    "commit.message",
    "author.login",
]
COMMIT_FIELDS = ["files.filename"]
REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
MAX_AUTHOR_FILTERS = 5
RATE_LIMIT_STATUSES = frozenset({403, 429})
UNKNOWN_WAIT = 60.0  # GitHub: "wait at least one minute" when no header says how long


def github_manifest(lookback_days: int = 7) -> SourceManifest:
    return SourceManifest(
        connector="github",
        description=(
            "Commits the employee authored in configured GitHub repositories, listed with"
            " author= per alias. Patches are never requested (no .patch/.diff media type): the"
            " commit detail is read for file names only, and the patch text GitHub includes in"
            " each files[] entry is dropped at parse time, unread"
        ),
        endpoints=[
            EndpointDeclaration(path=REPO_PATH, fields=REPO_FIELDS),
            EndpointDeclaration(path=COMMITS_PATH, fields=LIST_FIELDS),
            EndpointDeclaration(path=COMMITS_NEXT_PATH, fields=LIST_FIELDS),
            EndpointDeclaration(path=COMMIT_PATH, fields=COMMIT_FIELDS),
        ],
        fields=[
            FieldDeclaration(name="commit.author.name", category="user.name"),
            FieldDeclaration(name="author.login", category="user.name"),
            FieldDeclaration(name="commit.author.email", category="user.contact.email"),
            FieldDeclaration(name="commit.author.date", category="user.workplace"),
            FieldDeclaration(name="commit.message (first line)", category="user.workplace"),
            FieldDeclaration(name="sha/default_branch/repository", category="system.operations"),
            FieldDeclaration(name="files.filename (names only)", category="system.operations"),
        ],
        lookback_days=lookback_days,
        third_parties=["GitHub (the configured base_url)"],
    )


def split_repo(full_name: str) -> tuple[str, str]:
    """ "owner/name" -> ("owner", "name"); anything else (a path, a URL) is refused."""
    if not REPO_NAME.match(full_name) or ".." in full_name:
        raise ValueError(f"repository {full_name!r} is not owner/name")
    owner, name = full_name.split("/")
    return owner, name


GITHUB_ALIAS = "github:"  # Employee.aliases entry naming a GitHub login: "github:dokafor"


def author_filters(employee: Employee) -> list[str]:
    """The values worth sending as `author=`: e-mail addresses and login-shaped aliases (GitHub
    takes a login or an e-mail address). Names with spaces can only be matched client-side."""
    found: dict[str, str] = {}
    for value in (employee.upn, *employee.aliases):
        value = value.strip().removeprefix(GITHUB_ALIAS)
        if ("@" in value and " " not in value) or LOGIN.match(value):
            found.setdefault(normalise(value), value)
    return list(found.values())[:MAX_AUTHOR_FILTERS]


def github_time(value: datetime) -> str:
    """GitHub's since/until format: ISO 8601 UTC with a Z."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rate_limit_wait(status: int, headers: Mapping[str, str], now: float) -> float | None:
    """Seconds GitHub asks us to wait, or None when the response is not a rate limit (a 403
    without rate-limit headers is a permission error)."""
    if status not in RATE_LIMIT_STATUSES:
        return None
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            return UNKNOWN_WAIT
    if headers.get("x-ratelimit-remaining") == "0":
        try:
            return max(0.0, float(headers.get("x-ratelimit-reset", "")) - now)
        except ValueError:
            return UNKNOWN_WAIT
    return UNKNOWN_WAIT if status == 429 else None


def same_origin(url: str, base_url: str) -> bool:
    """A paging link is followed (with the token) only on the configured host."""
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _text(mapping: Mapping[str, Any], key: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str):
        raise MalformedItem(f"missing {key}")
    return value


def _author(raw: Any) -> tuple[str, str, str, str | None]:
    """(sha, name, email, login) of one list item."""
    if not isinstance(raw, dict) or not isinstance(raw.get("commit"), dict):
        raise MalformedItem("not a commit")
    sha = _text(raw, "sha")
    if not re.fullmatch(r"[0-9a-f]{7,64}", sha):
        raise MalformedItem("bad sha")
    author = raw["commit"].get("author")
    if not isinstance(author, dict):
        raise MalformedItem("no commit author")
    account = raw.get("author")  # null when the e-mail is not linked to a GitHub account
    login = account.get("login") if isinstance(account, dict) else None
    email = author.get("email")
    email = email if isinstance(email, str) else ""
    return sha, _text(author, "name"), email, login if isinstance(login, str) else None


def commit_item(
    raw: Any,
    repository: str,
    branch: str,
    keys: frozenset[str],
    window: Window,
    fetched_at: datetime,
) -> ContextItem | None:
    """One commit-list item as a ContextItem, or None when someone else wrote it or it was
    authored outside the window (since/until filter on the committer date)."""
    sha, name, email, login = _author(raw)
    # A login is only the employee's when an alias says so explicitly ("github:dokafor"): a bare
    # alias such as a first name may be someone else's login.
    if not is_employee(keys, [name, email, f"{GITHUB_ALIAS}{login}" if login else None]):
        return None
    date, message = _text(raw["commit"]["author"], "date"), _text(raw["commit"], "message")
    try:
        when = datetime.fromisoformat(date).astimezone(UTC)
    except ValueError as exc:
        raise MalformedItem(f"bad author date {date!r}") from exc
    if not window.start <= when < window.end:
        return None
    title = message.strip().splitlines()[0].strip() if message.strip() else ""
    if not title:
        raise MalformedItem("empty commit message")
    return ContextItem(
        id=f"git:{repository}:{sha[:12]}",
        source=Source.GIT,
        kind=ItemKind.COMMIT,
        when=when,
        title=title,
        involvement=Involvement.AUTHOR,
        participants=(Participant(name=name, email=email or None, role="author"),),
        identifiers={"repository": repository, "branch": branch, "sha": sha[:7]},
        audience=repository_audience(repository),
        provenance=Provenance(connector="github", ref=sha, fetched_at=fetched_at),
    )


def file_names(detail: Any) -> str:
    """`files[].filename` of a commit detail, comma-separated (at most MAX_FILES)."""
    files = detail.get("files") if isinstance(detail, dict) else None
    if not isinstance(files, list):
        return ""
    names = [
        f["filename"] for f in files if isinstance(f, dict) and isinstance(f.get("filename"), str)
    ]
    return ", ".join(names[:MAX_FILES])
