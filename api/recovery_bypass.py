"""Bypass detection: every reset the identity provider reports is matched against the
recoveries deskguard carried out; one with no matching recovery (same employee and action,
within the window) raises an alert: audit record, metric, SOC webhook and GET /v1/alerts."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import Counter

from api.recovery_soc import tell_soc
from api.recovery_store import AlertRow
from api.recovery_wiring import RecoveryKit
from api.runtime import Runtime
from recovery.events import OktaEventHook, ResetEvent, okta_reset_events

BYPASSES = Counter(
    "deskguard_recovery_bypass_total", "Identity-provider resets without a deskguard grant",
    ["provider", "action"],
)  # fmt: skip
ENTRA_CURSOR = "entra_directory_audits"
FIRST_POLL = timedelta(hours=24)  # the first poll reads this far back


class BypassDetector:
    def __init__(self, runtime: Runtime, kit: RecoveryKit) -> None:
        self.rt, self.kit = runtime, kit

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.kit.settings.bypass_window_minutes)

    async def okta(self, hook: OktaEventHook) -> list[AlertRow]:
        return [a for e in okta_reset_events(hook) if (a := await self.check(e))]

    async def poll_entra(self) -> list[AlertRow]:
        """Read the directory audits since the last poll (the first: a day back); check them."""
        if self.kit.poller is None:
            return []
        now = self.rt.clock()
        since = self.kit.store.cursor(ENTRA_CURSOR) or now - FIRST_POLL
        events = await self.kit.poller.since(since)
        alerts = [a for e in events if (a := await self.check(e))]
        latest = max((e.at for e in events), default=since)
        self.kit.store.set_cursor(ENTRA_CURSOR, max(latest, since))
        return alerts

    async def check(self, event: ResetEvent) -> AlertRow | None:
        """An alert for a reset deskguard did not carry out; None when it did (or was told)."""
        done = self.kit.store.done_between(
            event.target, event.at - self.window, event.at + self.window
        )
        if any(r.action == event.action.value for r in done):
            return None
        alert = AlertRow(
            key=f"{event.provider}:{event.event_id}",
            at=self.rt.clock(),
            kind="bypass",
            employee=event.target,
            detail=event.model_dump(mode="json")
            | {"reason": "reset at the identity provider with no deskguard grant in the window"},
        )
        if not self.kit.store.add_alert(alert):
            return None  # this event was already reported (hook deliveries are retried)
        BYPASSES.labels(provider=event.provider, action=event.action.value).inc()
        self.rt.audit.append(  # the employee by their pseudonymous reference, never the UPN
            actor=f"{event.provider}:{event.actor or 'unknown'}",
            event="recovery.bypass_detected",
            verification_id=None,
            detail={k: v for k, v in alert.detail.items() if k not in ("target", "target_id")},
            employee=event.target,
        )
        await tell_soc(
            self.rt.audit, self.kit.settings.soc_webhook_url, "recovery.bypass_detected",
            alert.detail, verification_id=None,
        )  # fmt: skip
        return alert
