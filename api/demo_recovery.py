"""The demo's fourth call: the allowed caller's MFA reset carried out by deskguard at the demo
tenant's identity provider (exactly once), the employee notified, and a replay refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.recovery_deps import recovery_kit
from recovery.demo import DemoIdentityProvider

if TYPE_CHECKING:
    from api.demo import DemoRun, Outcome

TITLE = "4. The allowed caller's MFA reset, carried out by deskguard"
EXPECTED = "reset once, replay refused"


class DemoRecovery:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo

    def run(self, verification_id: str | None, upn: str) -> Outcome:
        from api.demo import Outcome

        echo = self.demo.echo
        echo(f"== {TITLE} ==")
        if verification_id is None:
            echo("   (the genuine caller was not allowed: nothing to recover)\n")
            return Outcome(TITLE, "no allow", lambda d: d == EXPECTED, EXPECTED)
        first = self._post(verification_id)
        body = first.json()
        echo(f"   POST /v1/verifications/{verification_id}/recovery -> {first.status_code}")
        for step in body.get("steps", []):
            echo(f"     {step['name']} (provider request id {step['request_id']})")
        for notice in body.get("notified", []):
            echo(f"   employee notified: {notice['kind']} {notice['to']} via {notice['channel']}")
        idp = self._idp_log(upn)
        echo(f"   demo identity provider log for {upn}: {', '.join(idp) or 'nothing'}")
        replay = self._post(verification_id)
        error: dict[str, Any] = replay.json().get("error", {})
        echo(f"   replay of the same allow -> {replay.status_code} {error.get('code')}: "
             f"{error.get('message')}")  # fmt: skip
        resets = self._idp_log(upn).count("reset_factors")
        echo(f"   MFA resets at the identity provider: {resets}")
        ok = first.status_code == 200 and resets == 1 and replay.status_code == 409
        decision = (
            EXPECTED
            if ok
            else f"status {first.status_code}, {resets} resets, replay {replay.status_code}"
        )
        outcome = Outcome(TITLE, decision, lambda d: d == EXPECTED, EXPECTED)
        echo(f"   expected {EXPECTED}: {'OK' if outcome.ok else 'UNEXPECTED'}\n")
        return outcome

    def _post(self, verification_id: str) -> Any:
        return self.demo.client.post(
            f"/v1/verifications/{verification_id}/recovery",
            json={"action": "mfa_reset"},
            headers=self.demo.helpdesk,
        )

    def _idp_log(self, upn: str) -> list[str]:
        executor = recovery_kit(self.demo.rt).executor
        if not isinstance(executor, DemoIdentityProvider):
            return []
        return [operation for operation, employee in executor.performed if employee == upn]
