"""A fake GitHub REST API (api.github.com shapes, 2022-11-28) on 127.0.0.1.

Serves `GET /repos/{owner}/{repo}`, the commit list (`/repos/{owner}/{repo}/commits`, filtered by
since/until on the committer date and by `author` = login or author e-mail, paged with a Link
header pointing at `/repositories/{id}/commits` as GitHub does) and the commit detail with
`files`. `raw` commits are served as given (malformed items) when their filter keys match."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from tests.fakes.local_http import FakeHTTPServer, Reply, Request

API = "https://api.github.com"


def gh_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _user(login: str) -> dict[str, Any]:
    uid = int(hashlib.sha1(login.encode()).hexdigest()[:7], 16)
    return {
        "login": login,
        "id": uid,
        "node_id": f"MDQ6VXNlcj{uid}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "url": f"{API}/users/{login}",
        "html_url": f"https://github.com/{login}",
        "type": "User",
        "site_admin": False,
    }


@dataclass
class FakeCommit:
    name: str
    email: str
    message: str
    authored: datetime
    login: str | None = None  # None: the e-mail is not linked to an account (author: null)
    files: tuple[str, ...] = ("README.md",)
    committed: datetime | None = None  # defaults to authored (a rebase moves only this)
    raw: dict[str, Any] | None = None  # served verbatim instead of the built item

    @property
    def sha(self) -> str:
        seed = f"{self.name}{self.email}{self.message}{self.authored.isoformat()}"
        return hashlib.sha1(seed.encode()).hexdigest()

    @property
    def commit_date(self) -> datetime:
        return self.committed or self.authored

    def list_item(self, full_name: str) -> dict[str, Any]:
        if self.raw is not None:
            return self.raw
        person = {"name": self.name, "email": self.email, "date": gh_time(self.authored)}
        committer = {**person, "date": gh_time(self.commit_date)}
        url = f"{API}/repos/{full_name}/commits/{self.sha}"
        return {
            "sha": self.sha,
            "node_id": f"C_kwDO{self.sha[:20]}",
            "commit": {
                "author": person,
                "committer": committer,
                "message": self.message,
                "tree": {"sha": self.sha[::-1], "url": f"{API}/repos/{full_name}/git/trees/x"},
                "url": f"{API}/repos/{full_name}/git/commits/{self.sha}",
                "comment_count": 0,
                "verification": {"verified": False, "reason": "unsigned", "signature": None},
            },
            "url": url,
            "html_url": f"https://github.com/{full_name}/commit/{self.sha}",
            "comments_url": f"{url}/comments",
            "author": _user(self.login) if self.login else None,
            "committer": _user(self.login) if self.login else None,
            "parents": [],
        }

    def detail(self, full_name: str) -> dict[str, Any]:
        files = [
            {
                "sha": hashlib.sha1(f.encode()).hexdigest(),
                "filename": f,
                "status": "modified",
                "additions": 3,
                "deletions": 1,
                "changes": 4,
                "blob_url": f"https://github.com/{full_name}/blob/{self.sha}/{f}",
                "patch": "@@ -1 +1,3 @@\n-old\n+new",
            }
            for f in self.files
        ]
        stats = {"total": 4 * len(files), "additions": 3 * len(files), "deletions": len(files)}
        return {**self.list_item(full_name), "stats": stats, "files": files}


@dataclass
class FakeRepo:
    full_name: str
    id: int
    commits: list[FakeCommit]
    default_branch: str = "main"


@dataclass
class FakeGitHub:
    repos: list[FakeRepo]
    page_size: int = 2  # GitHub honours per_page up to 100; small here to exercise paging
    server: FakeHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        self.server = FakeHTTPServer(self.route)

    @property
    def base_url(self) -> str:
        return self.server.url

    def route(self, request: Request) -> Reply:
        by_name = {r.full_name.lower(): r for r in self.repos}
        by_id = {str(r.id): r for r in self.repos}
        if m := re.fullmatch(r"/repos/([^/]+/[^/]+)", request.path):
            repo = by_name.get(m[1].lower())
            return self._repo(repo) if repo else self._not_found()
        if m := re.fullmatch(r"/(?:repos/([^/]+/[^/]+)|repositories/(\d+))/commits", request.path):
            repo = by_name.get((m[1] or "").lower()) or by_id.get(m[2] or "")
            return self._list(repo, request) if repo else self._not_found()
        if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/commits/([0-9a-f]+)", request.path):
            repo = by_name.get(m[1].lower())
            found = [c for c in repo.commits if c.sha.startswith(m[2])] if repo else []
            return Reply(body=found[0].detail(repo.full_name)) if repo and found else self._none()
        return self._not_found()

    def _repo(self, repo: FakeRepo) -> Reply:
        owner = repo.full_name.split("/")[0]
        return Reply(
            body={
                "id": repo.id,
                "name": repo.full_name.split("/")[1],
                "full_name": repo.full_name,
                "private": False,
                "owner": _user(owner),
                "default_branch": repo.default_branch,
            }
        )

    def _list(self, repo: FakeRepo, request: Request) -> Reply:
        matching = [c for c in repo.commits if _matches(c, request)]
        matching.sort(key=lambda c: c.commit_date, reverse=True)
        size = min(int(request.param("per_page") or 30), self.page_size)
        page = int(request.param("page") or 1)
        body = [c.list_item(repo.full_name) for c in matching[(page - 1) * size : page * size]]
        headers = {}
        if page * size < len(matching):
            query = {k: v[0] for k, v in request.query.items()} | {"page": str(page + 1)}
            headers["Link"] = (
                f'<{self.base_url}/repositories/{repo.id}/commits?{urlencode(query)}>; rel="next"'
            )
        return Reply(body=body, headers=headers)

    def _not_found(self) -> Reply:
        return Reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com"})

    def _none(self) -> Reply:
        return Reply(422, {"message": "No commit found for SHA", "status": "422"})


def _matches(commit: FakeCommit, request: Request) -> bool:
    since, until, author = request.param("since"), request.param("until"), request.param("author")
    when = commit.commit_date
    if since and when < datetime.fromisoformat(since):
        return False
    if until and when > datetime.fromisoformat(until):
        return False
    if author:
        wanted = author.casefold()
        return wanted in {commit.email.casefold(), (commit.login or "").casefold()}
    return True
