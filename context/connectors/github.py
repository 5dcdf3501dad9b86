"""GitHub (and GitHub Enterprise Server) through the REST API: commits the employee authored in
the window, in the repositories of GitHubConfig.repos.

Per repository: the default branch (`GET /repos/{owner}/{repo}`), then the commit list filtered
at the source by `since`, `until` and `author` (each of the employee's e-mail addresses and
login-shaped aliases), following `Link: rel="next"` up to max_pages; authors are matched again
here on name, e-mail and login. Files touched come from the commit detail, for at most
MAX_DETAILS commits. 403/429 rate limits are waited out inside a small budget; errors keep only
the status code, never a header or the token. One repository, or one commit detail, failing
while the rest answer makes the source partial (FetchResult.failures): the policy counts it as
a failed source."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel

from context.config import GitHubConfig
from context.connectors.base import (
    AccessRecord,
    BuildContext,
    ConnectorError,
    FetchResult,
    SourceManifest,
    Window,
)
from context.connectors.github_parse import (
    COMMIT_FIELDS,
    LIST_FIELDS,
    REPO_FIELDS,
    author_filters,
    commit_item,
    file_names,
    github_manifest,
    github_time,
    rate_limit_wait,
    same_origin,
    split_repo,
)
from context.connectors.malformed import MalformedItem
from context.identity import identity_keys
from context.models import ContextItem, Employee

NAME = "github"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_DETAILS = 30
DETAIL_CONCURRENCY = 6
RETRY_BUDGET_SECONDS = 5.0
PAGE_SIZE = 100


def check_base_url(base_url: str) -> str:
    """https everywhere; plain http only for a local fake."""
    parsed = urlsplit(base_url)
    if parsed.scheme == "https" or (parsed.scheme == "http" and parsed.hostname in LOCAL_HOSTS):
        return base_url.rstrip("/")
    raise ConnectorError(NAME, "base_url must be https (http only for localhost/127.0.0.1)")


class GitHubAPI:
    """GET with the rate-limit budget, one AccessRecord per call, secret-free errors."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, result: FetchResult) -> None:
        self.client = client
        self.base_url = base_url
        self.result = result
        self.deadline = time.monotonic() + RETRY_BUDGET_SECONDS

    async def get(
        self, url: str, fields: list[str], params: dict[str, str] | None = None
    ) -> tuple[httpx.Response, AccessRecord]:
        endpoint = self._endpoint(url)
        while True:
            response = await self._send(url, params, endpoint)
            wait = rate_limit_wait(response.status_code, response.headers, time.time())
            if wait is None:
                break
            if time.monotonic() + wait > self.deadline:
                self._log(endpoint, fields, "rate_limited")
                raise ConnectorError(
                    NAME, f"{endpoint}: rate limited (HTTP {response.status_code})"
                )
            self._log(endpoint, fields, "retried")
            await asyncio.sleep(wait)
        if response.status_code != 200:
            self._log(endpoint, fields, "failed")
            raise ConnectorError(NAME, f"{endpoint}: HTTP {response.status_code}")
        return response, self._log(endpoint, fields, "ok")

    async def json(self, url: str, fields: list[str], params: dict[str, str] | None = None) -> Any:
        response, _ = await self.get(url, fields, params)
        try:
            return response.json()
        except ValueError:
            raise ConnectorError(NAME, f"{self._endpoint(url)}: not JSON") from None

    async def _send(self, url: str, params: dict[str, str] | None, endpoint: str) -> httpx.Response:
        try:
            return await self.client.get(url, params=params)
        except httpx.TimeoutException:
            raise ConnectorError(NAME, f"{endpoint}: no answer in time") from None
        except httpx.HTTPError as exc:
            raise ConnectorError(NAME, f"{endpoint}: {type(exc).__name__}") from None

    def _endpoint(self, url: str) -> str:
        """The path relative to base_url (GitHub Enterprise serves under /api/v3)."""
        path = urlsplit(url).path if "://" in url else url
        return path.removeprefix(urlsplit(self.base_url).path) or "/"

    def _log(self, endpoint: str, fields: list[str], status: str) -> AccessRecord:
        record = AccessRecord(
            connector=NAME, endpoint=endpoint, fields=fields, at=datetime.now(UTC), status=status
        )
        self.result.accesses.append(record)
        return record


class GitHubConnector:
    """Commits from the repositories in GitHubConfig.repos."""

    name: ClassVar[str] = NAME
    config_type: ClassVar[type[BaseModel] | None] = GitHubConfig  # DESKGUARD_GITHUB__*

    @classmethod
    def from_config(cls, config: GitHubConfig, context: BuildContext) -> GitHubConnector:
        return cls(config, lookback_days=context.lookback_days)

    def __init__(self, config: GitHubConfig, *, lookback_days: int = 7) -> None:
        self.config = config
        self.lookback_days = lookback_days

    def manifest(self) -> SourceManifest:
        return github_manifest(self.lookback_days)

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        result = FetchResult()
        if not self.config.repos:
            return result
        base_url = check_base_url(self.config.base_url)
        async with self._client(base_url) as client:
            api = GitHubAPI(client, base_url, result)
            found = await self._all_repos(api, employee, window)
            found.sort(key=lambda pair: pair[1].when, reverse=True)
            result.items = await self._with_files(api, found)
        return result

    def _client(self, base_url: str) -> httpx.AsyncClient:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "deskguard",
        }
        if self.config.token is not None:
            headers["Authorization"] = f"Bearer {self.config.token.get_secret_value()}"
        timeout = httpx.Timeout(self.config.timeout_seconds)
        return httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)

    async def _all_repos(
        self, api: GitHubAPI, employee: Employee, window: Window
    ) -> list[tuple[str, ContextItem]]:
        """(owner/name, item) for every matched commit. A failing repository is named in
        `api.result.failures` (the source is then partial) and the others carry on; all
        failing fails the source."""
        repos = self.config.repos
        outcomes = await asyncio.gather(
            *(self._repo(api, repo, employee, window) for repo in repos), return_exceptions=True
        )
        found: list[tuple[str, ContextItem]] = []
        failures = api.result.failures
        for repo, outcome in zip(repos, outcomes, strict=True):
            if isinstance(outcome, ConnectorError):
                why = str(outcome).removeprefix(f"{NAME}: ")
                failures.append(f"repo {repo} failed: {why}")
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                found.extend(outcome)
        if failures and len(failures) == len(repos):
            raise ConnectorError(NAME, "; ".join(failures))
        return found

    async def _repo(
        self, api: GitHubAPI, full_name: str, employee: Employee, window: Window
    ) -> list[tuple[str, ContextItem]]:
        try:
            _, name = split_repo(full_name)
        except ValueError as exc:
            raise ConnectorError(NAME, str(exc)) from None
        info = await api.json(f"/repos/{full_name}", REPO_FIELDS)
        branch = info.get("default_branch") if isinstance(info, dict) else None
        if not isinstance(branch, str) or not branch:
            raise ConnectorError(NAME, f"/repos/{full_name}: no default_branch")
        keys, fetched_at = identity_keys(employee), datetime.now(UTC)
        items: dict[str, ContextItem] = {}
        for author in author_filters(employee):
            async for raw in self._commits(api, full_name, author, window):
                try:
                    item = commit_item(raw, name, branch, keys, window, fetched_at)
                except MalformedItem:
                    api.result.skipped += 1
                    continue
                if item is not None:
                    items.setdefault(item.id, item)
        return [(full_name, item) for item in items.values()]

    async def _commits(
        self, api: GitHubAPI, full_name: str, author: str, window: Window
    ) -> AsyncIterator[Any]:
        """Every list item for one author filter, following rel="next" up to max_pages."""
        url: str | None = f"/repos/{full_name}/commits"
        params: dict[str, str] | None = {
            "since": github_time(window.start),
            "until": github_time(window.end),
            "author": author,
            "per_page": str(PAGE_SIZE),
        }
        for _ in range(max(1, self.config.max_pages)):
            if url is None:
                return
            response, record = await api.get(url, LIST_FIELDS, params)
            try:
                page = response.json()
            except ValueError:
                page = None
            if not isinstance(page, list):
                raise ConnectorError(NAME, f"/repos/{full_name}/commits: not a list")
            record.items = len(page)
            for raw in page:
                yield raw
            url, params = response.links.get("next", {}).get("url"), None
            if url is not None and not same_origin(url, api.base_url):
                raise ConnectorError(NAME, f"/repos/{full_name}/commits: paging link off base_url")

    async def _with_files(
        self, api: GitHubAPI, found: list[tuple[str, ContextItem]]
    ) -> list[ContextItem]:
        """The items, the first MAX_DETAILS with `extra.files`. A failed detail keeps the item
        without files and makes the source partial: whoever can break detail requests must not
        quietly narrow the questions to the commit subjects."""
        gate = asyncio.Semaphore(DETAIL_CONCURRENCY)

        async def detail(full_name: str, item: ContextItem) -> ContextItem:
            url = f"/repos/{full_name}/commits/{item.provenance.ref}"
            async with gate:
                try:
                    files = file_names(await api.json(url, COMMIT_FIELDS))
                except ConnectorError as exc:
                    why = str(exc).removeprefix(f"{NAME}: ")
                    api.result.failures.append(f"repo {full_name} commit detail failed: {why}")
                    return item
            return item.model_copy(update={"extra": {"files": files}}) if files else item

        detailed = await asyncio.gather(*(detail(r, i) for r, i in found[:MAX_DETAILS]))
        return [*detailed, *(item for _, item in found[MAX_DETAILS:])]
