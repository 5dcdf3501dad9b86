"""`deskguard demo`: three calls through the real HTTP API on the embedded demo tenant.

1. the genuine employee, answering from their own activity with natural imperfections: allowed;
2. an attacker holding the public profile (LinkedIn, company site, a leaked record): denied;
3. the same genuine answers from attacker infrastructure (high-risk signal): not allowed;
4. the allowed caller's MFA reset, carried out by deskguard at the demo tenant's identity
   provider, once; replaying the same allow is refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dateutil import parser as dateparser
from fastapi.testclient import TestClient

from api.auth import create_key
from api.demo_callers import GenuineCaller
from api.demo_recovery import DemoRecovery
from api.main import create_app
from api.recovery_settings import NotifySettings, RecoverySettings
from api.runtime import Runtime, build_runtime
from api.settings import Settings
from questions.attacker import HeuristicAttacker
from questions.models import Question

Responder = Callable[[list[dict[str, Any]], datetime], dict[str, str]]  # questions -> answers
TARGET_ROLE = "it_admin"  # identity admins are who Scattered Spider impersonates
ACTION = "mfa_reset"


@dataclass
class Outcome:
    title: str
    decision: str
    expected: Callable[[str], bool]
    expectation: str
    verification_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.expected(self.decision)


class DemoRun:
    def __init__(self, settings: Settings, echo: Callable[[str], None] = print) -> None:
        demo_settings = settings.model_copy(
            update={
                "database_url": f"sqlite:///{settings.data_dir / 'demo.db'}",
                "connectors": ["demo"],
                # The demo tenant's in-memory identity provider; notices kept in an outbox.
                "recovery": RecoverySettings(
                    provider="demo", notify=NotifySettings(channels=["outbox"])
                ),
            }
        )
        (settings.data_dir / "demo.db").unlink(missing_ok=True)  # each demo starts clean
        self.rt: Runtime = build_runtime(demo_settings)
        self.client = TestClient(create_app(self.rt), raise_server_exceptions=False)
        self.echo = echo
        self.helpdesk = {"Authorization": f"Bearer {create_key(self.rt.db, 'helpdesk')[1]}"}
        self.security = {"Authorization": f"Bearer {create_key(self.rt.db, 'security')[1]}"}
        provider = create_key(self.rt.db, "signal")[1]
        self.signal_provider = {"Authorization": f"Bearer {provider}"}

    def target(self) -> Any:
        employees = asyncio.run(self.rt.directory.list_employees())
        return next(e for e in employees if e.role == TARGET_ROLE)

    def run(self) -> list[Outcome]:
        employee = self.target()
        self.echo(f"deskguard demo: {self.rt.company_name} (embedded demo tenant, offline)")
        self.echo(
            f"Caller claims to be {employee.name} <{employee.upn}>, {employee.title}: "
            f"'I lost my phone, please reset my MFA.'\n"
        )
        genuine = GenuineCaller(seed=7)
        clean = {"score": 0.05, "source": "device-risk", "reasons": ["known corporate device"]}
        risky = {
            "score": 0.92,
            "source": "device-risk",
            "reasons": ["call-back number is a new VoIP line", "login from a VPS exit node"],
        }
        outcomes = [
            self.scenario(
                "1. The genuine employee",
                employee.upn,
                clean,
                self._genuine_answers(genuine, employee.timezone),
                lambda d: d == "allow",
                "allow",
            ),
            self.scenario(
                "2. An attacker with the public profile",
                employee.upn,
                None,
                self._attacker_answers(employee.upn),
                lambda d: d == "deny",
                "deny",
            ),
            self.scenario(
                "3. Genuine answers, from attacker infrastructure",
                employee.upn,
                risky,
                self._genuine_answers(GenuineCaller(seed=7), employee.timezone),
                lambda d: d != "allow",
                "not allow",
            ),
        ]
        outcomes.append(DemoRecovery(self).run(outcomes[0].verification_id, employee.upn))
        return outcomes

    @staticmethod
    def _genuine_answers(caller: GenuineCaller, timezone: str) -> Responder:
        def respond(questions: list[dict[str, Any]], asked_at: datetime) -> dict[str, str]:
            return {q["id"]: caller.answer(q, asked_at=asked_at, timezone=timezone)
                    for q in questions}  # fmt: skip

        return respond

    def _attacker_answers(self, upn: str) -> Responder:
        profile = asyncio.run(self.rt.directory.public_profile(upn))

        def respond(questions: list[dict[str, Any]], asked_at: datetime) -> dict[str, str]:
            asked = [Question.model_validate(q) for q in questions]
            return asyncio.run(HeuristicAttacker().answer(asked, profile, self.rt.company_facts))

        return respond

    def scenario(
        self,
        title: str,
        upn: str,
        signal: dict[str, Any] | None,
        respond: Responder,
        expected: Callable[[str], bool],
        expectation: str,
    ) -> Outcome:
        self.echo(f"== {title} ==")
        if signal:
            reasons = "; ".join(signal["reasons"])
            self.echo(f"   risk provider posts {signal['score']} for the call: {reasons}")
        call = f"call-{title.split('.')[0]}"  # each scenario is another phone call
        if signal:  # the risk provider posts its score for the call; the agent cannot choose it
            posted = {**signal, "call_id": call}
            self.client.post("/v1/signals", json=posted, headers=self.signal_provider)
        ticket = {"system": "jsm", "id": "HD-4471"}
        body = {"employee": upn, "action": ACTION, "ticket": ticket, "call_id": call}
        started = self.client.post("/v1/verifications", json=body, headers=self.helpdesk).json()
        if started.get("status") == "decided":
            return self._report(title, started, {}, expected, expectation)
        truth = self.client.get(f"/v1/verifications/{started['id']}", headers=self.security).json()
        said = respond(truth["question_details"], dateparser.isoparse(started["created_at"]))
        answers = [
            {"question_id": q["id"], "response": said.get(q["id"], "I don't remember")}
            for q in truth["question_details"]
        ]
        decided = self.client.post(
            f"/v1/verifications/{started['id']}/answers",
            json={"answers": answers},
            headers=self.helpdesk,
        ).json()
        detail = self.client.get(f"/v1/verifications/{started['id']}", headers=self.security).json()
        return self._report(
            title,
            decided,
            detail,
            expected,
            expectation,
            {a["question_id"]: a["response"] for a in answers},
        )

    def _report(
        self,
        title: str,
        decided: dict[str, Any],
        detail: dict[str, Any],
        expected: Callable[[str], bool],
        expectation: str,
        answers: dict[str, str] | None = None,
    ) -> Outcome:
        grades = {g["id"]: g for g in detail.get("grades", [])}
        for q in detail.get("questions", []):  # the help desk no longer sees them once decided
            self.echo(f"   {q['id']}: {q['text']}")
            if answers:
                g = grades.get(q["id"], {})
                self.echo(f'       caller: "{answers.get(q["id"], "")}"')
                self.echo(
                    f"       -> {g.get('verdict', '?')} ({g.get('method', '?')}, score "
                    f"{g.get('score', 0):.2f}): {g.get('reason', '')}"
                )
        decision = str(decided.get("decision"))
        self.echo(f"   DECISION: {decision.upper()}")
        for reason in decided.get("reasons", []):
            self.echo(f"     - {reason}")
        if receipt := decided.get("receipt"):
            check = self.client.post(
                "/v1/receipts/verify",
                json={"receipt": receipt, "employee": decided["employee"], "action": ACTION},
                headers=self.helpdesk,
            ).json()
            self.echo(
                f"   signed receipt (Ed25519 JWS): {receipt[:24]}... valid={check['valid']}, "
                f"records {check['decision']!r}, expires {check['expires_at']}"
            )
        outcome = Outcome(title, decision, expected, expectation, decided.get("id"))
        self.echo(f"   expected {expectation}: {'OK' if outcome.ok else 'UNEXPECTED'}\n")
        return outcome
