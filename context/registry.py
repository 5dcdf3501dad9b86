"""Connector registry: names in DESKGUARD_CONNECTORS -> configured connector instances.

The demo connector is registered by its owner (context/connectors/demo.py); this module builds
the real ones. Connector modules are imported here, but their heavy clients load lazily."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from context.config import GitConfig, GitHubConfig, GraphConfig, JiraConfig
from context.connectors.base import Connector
from context.connectors.git import GitConnector
from context.connectors.github import GitHubConnector
from context.connectors.graph import GraphConnector
from context.connectors.jira import JiraConnector

Builder = Callable[[GraphConfig, JiraConfig, GitConfig, GitHubConfig, int], Connector]

# The look-back goes to each connector so its manifest states what is really read.
BUILDERS: dict[str, Builder] = {
    "graph": lambda graph, jira, git, github, days: GraphConnector(graph, lookback_days=days),
    "jira": lambda graph, jira, git, github, days: JiraConnector(jira, lookback_days=days),
    "git": lambda graph, jira, git, github, days: GitConnector(git, lookback_days=days),
    "github": lambda graph, jira, git, github, days: GitHubConnector(github, lookback_days=days),
}


def known_connectors() -> list[str]:
    return sorted(BUILDERS)


def build_connectors(
    names: Sequence[str],
    *,
    graph: GraphConfig,
    jira: JiraConfig,
    git: GitConfig,
    github: GitHubConfig | None = None,
    lookback_days: int = 7,
) -> list[Connector]:
    """One connector per name, in order; an unknown name is a configuration error that lists
    the known ones."""
    cleaned = [n.strip().lower() for n in names if n.strip()]
    unknown = [n for n in cleaned if n not in BUILDERS]
    if unknown:
        raise ValueError(
            f"unknown connector(s) {', '.join(unknown)}; known: {', '.join(known_connectors())}"
        )
    hub = github if github is not None else GitHubConfig()
    return [BUILDERS[n](graph, jira, git, hub, lookback_days) for n in dict.fromkeys(cleaned)]
