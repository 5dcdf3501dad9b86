"""Connector registry: names in DESKGUARD_CONNECTORS -> configured connector instances.

Each connector class declares itself, as presidio's recognizers do: its `name`, the settings
section it is configured from (`config_type`, read from DESKGUARD_<NAME>__*; None when it needs
none), its manifest, and `from_config`, how it is built. The demo connector is registered like
the others. Connector modules are imported here, but their heavy clients load lazily."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel

from context.config import sparse_days
from context.connectors.base import BuildContext, Connector
from context.connectors.demo import DemoConnector
from context.connectors.git import GitConnector
from context.connectors.github import GitHubConnector
from context.connectors.graph import GraphConnector
from context.connectors.jira import JiraConnector
from context.connectors.jsm import JsmConnector
from context.connectors.servicenow import ServiceNowConnector
from context.connectors.shifts import ShiftsConnector
from context.connectors.wfm import WorkforceFileConnector


class DeclaredConnector(Protocol):
    name: ClassVar[str]
    config_type: ClassVar[type[BaseModel] | None]

    @classmethod
    def from_config(cls, config: Any, context: BuildContext) -> Connector: ...


def _registry(classes: Sequence[type[DeclaredConnector]]) -> dict[str, type[DeclaredConnector]]:
    """Name -> class; two classes declaring one name refuse to load."""
    registry: dict[str, type[DeclaredConnector]] = {}
    for cls in classes:
        if cls.name in registry:
            raise TypeError(f"connector name {cls.name!r} declared twice")
        registry[cls.name] = cls
    return registry


REGISTRY = _registry(
    (
        DemoConnector,
        GraphConnector,
        JiraConnector,
        GitConnector,
        GitHubConnector,
        ShiftsConnector,
        WorkforceFileConnector,
        ServiceNowConnector,
        JsmConnector,
    )
)


def known_connectors() -> list[str]:
    return sorted(REGISTRY)


# The connectors of SPARSE_SOURCES (context/config.py): shifts and IT tickets, read over the
# sparse look-back. The demo connector serves those sources too and windows them itself.
SPARSE_CONNECTORS = frozenset(
    c.name for c in (ShiftsConnector, WorkforceFileConnector, ServiceNowConnector, JsmConnector)
)


def build_connectors(
    names: Sequence[str],
    *,
    lookback_days: int = 7,
    sparse_lookback_days: int | None = None,
    data_dir: Path | None = None,
    now: datetime | None = None,
    lookbacks: Mapping[str, int] | None = None,
    **configs: BaseModel,
) -> list[Connector]:
    """One connector per name, in order, each from its settings section in `configs` (keyed by
    connector name; a missing section is that section's defaults), with its look-back: its own
    from `lookbacks` (DESKGUARD_SCOPE__LOOKBACK_DAYS), else `sparse_lookback_days` for the
    SPARSE_CONNECTORS (never less than `lookback_days`) and `lookback_days` for the rest, so its
    manifest states what is read. An unknown name is a configuration error that lists the known
    ones."""
    cleaned = [n.strip().lower() for n in names if n.strip()]
    unknown = [n for n in cleaned if n not in REGISTRY]
    if unknown:
        raise ValueError(
            f"unknown connector(s) {', '.join(unknown)}; known: {', '.join(known_connectors())}"
        )
    unknown_lookbacks = sorted(set(lookbacks or {}) - set(REGISTRY))
    if unknown_lookbacks:
        raise ValueError(f"look-back for unknown connector(s) {', '.join(unknown_lookbacks)}")
    sparse = sparse_days(lookback_days, sparse_lookback_days)
    own = lookbacks or {}

    def context(name: str) -> BuildContext:
        default = sparse if name in SPARSE_CONNECTORS else lookback_days
        days = own.get(name)  # the scope's choice, for all a connector reads
        return BuildContext(days or default, data_dir, now, sparse_lookback_days=days or sparse)

    return [_build(REGISTRY[n], configs, context(n)) for n in dict.fromkeys(cleaned)]


def _build(
    cls: type[DeclaredConnector], configs: Mapping[str, BaseModel], context: BuildContext
) -> Connector:
    if cls.config_type is None:
        return cls.from_config(None, context)
    config = configs.get(cls.name) or cls.config_type()
    if not isinstance(config, cls.config_type):
        raise TypeError(f"{cls.name} is configured by {cls.config_type.__name__}")
    return cls.from_config(config, context)
