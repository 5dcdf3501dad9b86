"""Identity-provider events that reset a credential, normalised for bypass detection: Okta Event
Hook deliveries (the System Log event shape) and Entra directory audits (polled app-only with
AuditLog.Read.All). A reset that no deskguard recovery explains raises an alert (api/)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from recovery.entra import GraphFactory, graph_call
from recovery.models import RecoveryAction

# Okta System Log event types of a help-desk style reset.
OKTA_RESET_EVENTS: dict[str, RecoveryAction] = {
    "user.mfa.factor.reset_all": RecoveryAction.MFA_RESET,
    "user.mfa.factor.deactivate": RecoveryAction.MFA_RESET,
    "user.account.reset_password": RecoveryAction.PASSWORD_RESET,
    "user.lifecycle.password_expire": RecoveryAction.PASSWORD_RESET,
    "user.credential.enroll": RecoveryAction.MFA_RESET,  # temporary access code issued
}
# Entra audit activities (activityDisplayName) of an admin reset.
ENTRA_RESET_ACTIVITIES: dict[str, RecoveryAction] = {
    "Reset user password": RecoveryAction.PASSWORD_RESET,
    "Reset password (by admin)": RecoveryAction.PASSWORD_RESET,
    "Admin registered temporary access pass method for user": RecoveryAction.MFA_RESET,
    "Admin deleted security info": RecoveryAction.MFA_RESET,
    "Admin registered security info": RecoveryAction.MFA_RESET,
}


class ResetEvent(BaseModel):
    provider: str
    event_id: str
    event_type: str
    action: RecoveryAction
    target: str  # login / UPN
    target_id: str | None = None
    actor: str | None = None
    at: datetime


# -- Okta Event Hooks -------------------------------------------------------------------------


class OktaActor(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    type: str
    alternate_id: str | None = Field(default=None, alias="alternateId")
    display_name: str | None = Field(default=None, alias="displayName")


class OktaOutcome(BaseModel):
    model_config = ConfigDict(extra="ignore")

    result: str
    reason: str | None = None


class OktaLogEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    uuid: str
    published: datetime
    event_type: str = Field(alias="eventType")
    actor: OktaActor
    target: list[OktaActor] | None = None
    outcome: OktaOutcome | None = None


class OktaHookData(BaseModel):
    model_config = ConfigDict(extra="ignore")

    events: list[OktaLogEvent]


class OktaEventHook(BaseModel):
    """One Event Hook delivery (eventType com.okta.event_hook, CloudEvents 0.1)."""

    model_config = ConfigDict(extra="ignore")

    event_type: str = Field(alias="eventType")
    event_id: str = Field(alias="eventId")
    event_time: datetime | None = Field(default=None, alias="eventTime")
    data: OktaHookData


def okta_reset_events(hook: OktaEventHook) -> list[ResetEvent]:
    """The successful resets in a delivery, one per targeted user."""
    found = []
    for event in hook.data.events:
        action = OKTA_RESET_EVENTS.get(event.event_type)
        if action is None or (event.outcome and event.outcome.result != "SUCCESS"):
            continue
        for target in event.target or []:
            if target.type != "User" or not target.alternate_id:
                continue
            found.append(
                ResetEvent(
                    provider="okta",
                    event_id=f"{event.uuid}:{target.id}",
                    event_type=event.event_type,
                    action=action,
                    target=target.alternate_id.lower(),
                    target_id=target.id,
                    actor=event.actor.alternate_id,
                    at=event.published,
                )
            )
    return found


# -- Entra directory audits -------------------------------------------------------------------


def _entra_event(audit: Any) -> ResetEvent | None:
    action = ENTRA_RESET_ACTIVITIES.get(audit.activity_display_name or "")
    result = getattr(audit.result, "value", audit.result)
    if action is None or result != "success" or audit.activity_date_time is None:
        return None
    target = next((t for t in audit.target_resources or [] if t.user_principal_name), None)
    if target is None:
        return None
    initiator = audit.initiated_by
    actor = None
    if initiator is not None:
        user, app = initiator.user, initiator.app
        actor = (user.user_principal_name if user else None) or (
            app.display_name if app else None
        )  # fmt: skip
    return ResetEvent(
        provider="entra",
        event_id=str(audit.id),
        event_type=str(audit.activity_display_name),
        action=action,
        target=str(target.user_principal_name).lower(),
        target_id=target.id,
        actor=actor,
        at=audit.activity_date_time,
    )


class EntraAuditPoller:
    """GET /auditLogs/directoryAudits since a time, filtered on the reset activities."""

    def __init__(self, graph: GraphFactory, *, max_pages: int = 10) -> None:
        self.graph, self.max_pages = graph, max_pages

    async def since(self, start: datetime) -> list[ResetEvent]:
        from msgraph.generated.audit_logs.directory_audits.directory_audits_request_builder import (
            DirectoryAuditsRequestBuilder,
        )

        names = " or ".join(f"activityDisplayName eq '{n}'" for n in ENTRA_RESET_ACTIVITIES)
        when = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        query = DirectoryAuditsRequestBuilder.DirectoryAuditsRequestBuilderGetQueryParameters(
            filter=f"activityDateTime ge {when} and ({names})", top=100
        )
        events: list[ResetEvent] = []
        async with self.graph() as client:
            builder = client.audit_logs.directory_audits
            page, _ = await graph_call(builder.get, "read directory audits", [], query=query)
            for _ in range(self.max_pages):
                if page is None:
                    break
                events += [e for a in page.value or [] if (e := _entra_event(a))]
                if not page.odata_next_link:
                    break
                nxt = builder.with_url(page.odata_next_link)
                page, _ = await graph_call(nxt.get, "read directory audits", [])
        return events


def within(event: ResetEvent, when: datetime, window: timedelta) -> bool:
    return abs(event.at - when) <= window
