"""Builds recovery's collaborators from DESKGUARD_RECOVERY__*: the executor of the configured
identity provider, the operation per action, the notification channels and the bypass poller."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from api.errors import ConfigurationError
from api.recovery_settings import RecoverySettings
from api.recovery_store import RecoveryStore
from api.storage import Database
from context.config import GraphConfig
from recovery.channels import GraphMailChannel, OutboxChannel, WebhookChannel
from recovery.contacts import Contacts, GraphContacts, OktaContacts
from recovery.events import EntraAuditPoller
from recovery.models import Executor, Operation, RecoveryAction, RecoveryError
from recovery.notify import Channel, Notifier
from recovery.okta import OktaExecutor
from recovery.registry import ExecutorDeps, build_executor, operations_for

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

GraphFactory = Callable[[], AbstractAsyncContextManager["GraphServiceClient"]]


@dataclass
class RecoveryKit:
    settings: RecoverySettings
    store: RecoveryStore
    executor: Executor | None
    operations: dict[RecoveryAction, Operation]
    notifier: Notifier
    contacts: Contacts | None = None
    poller: EntraAuditPoller | None = None
    outbox: OutboxChannel | None = None  # the demo's and tests' in-memory channel
    channel_problems: list[str] = field(default_factory=list)


def graph_factory(config: GraphConfig) -> GraphFactory | None:
    if not (config.access_token or config.client_id):
        return None
    from context.connectors.graph_client import graph_client

    return lambda: graph_client(config)


def build_recovery(settings: RecoverySettings, db: Database) -> RecoveryKit:
    graph = graph_factory(settings.entra)
    deps = ExecutorDeps(
        okta=settings.okta, graph=graph, tap_lifetime_minutes=settings.tap_lifetime_minutes
    )
    try:
        executor = build_executor(settings.provider, deps)
        chosen = {
            RecoveryAction.MFA_RESET: settings.operations.mfa_reset,
            RecoveryAction.PASSWORD_RESET: settings.operations.password_reset,
        }
        operations = operations_for(executor, chosen) if executor else {}
    except RecoveryError as exc:
        raise ConfigurationError(f"DESKGUARD_RECOVERY: {exc}") from None
    channels, outbox, problems = _channels(settings, graph)
    return RecoveryKit(
        settings=settings,
        store=RecoveryStore(db),
        executor=executor,
        operations=operations,
        notifier=Notifier(channels, templates=settings.notify.templates_dir),
        contacts=GraphContacts(graph)
        if graph and settings.notify.personal_from_directory
        else None,
        poller=EntraAuditPoller(graph) if graph and settings.provider == "entra" else None,
        outbox=outbox,
        channel_problems=problems,
    )


def _contacts(
    settings: RecoverySettings, graph: GraphFactory | None, executor: Executor | None
) -> Contacts | None:
    """Personal addresses from Entra when deskguard has a Graph app, else from Okta."""
    if not settings.notify.personal_from_directory:
        return None
    if graph is not None:
        return GraphContacts(graph)
    if isinstance(executor, OktaExecutor):
        return OktaContacts(executor)
    raise ConfigurationError(
        "DESKGUARD_RECOVERY__NOTIFY__PERSONAL_FROM_DIRECTORY needs DESKGUARD_RECOVERY__ENTRA__* "
        "or the okta provider"
    )


def _channels(
    settings: RecoverySettings, graph: GraphFactory | None
) -> tuple[list[Channel], OutboxChannel | None, list[str]]:
    channels: list[Channel] = []
    outbox, problems = None, []
    for name in settings.notify.channels:
        if name == "graph_mail":
            if graph and settings.notify.sender:
                channels.append(GraphMailChannel(graph, sender=settings.notify.sender))
            else:
                problems.append(
                    "graph_mail needs DESKGUARD_RECOVERY__ENTRA__* and __NOTIFY__SENDER"
                )
        elif name == "webhook":
            if settings.notify.webhook_url:
                channels.append(WebhookChannel(settings.notify.webhook_url))
            else:
                problems.append("webhook needs DESKGUARD_RECOVERY__NOTIFY__WEBHOOK_URL")
        elif name == "outbox":
            outbox = OutboxChannel()
            channels.append(outbox)
        else:
            raise ConfigurationError(
                f"DESKGUARD_RECOVERY__NOTIFY__CHANNELS: unknown channel {name!r}; "
                "known: graph_mail, webhook, outbox"
            )
    return channels, outbox, problems
