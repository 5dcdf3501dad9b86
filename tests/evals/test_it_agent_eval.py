"""An IT agent's account (or the agent taking the call) reads every IT ticket the target raised,
whichever queue worked it: it must not pass a frontline verification on those tickets alone.
Before all of an employee's tickets had one audience (context/connectors/itsm_items.py
IT_AGENTS), two tickets worked by two queues counted as two other people, and this attacker
passed about a quarter of frontline calls (`deskguard eval --mix retail`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from api.service import VerificationService
from evals.config import default_config
from evals.it_agent import ItAgentAttacker
from evals.runner import ConfigRunner, make_org
from vocabulary.roles import FRONTLINE_ROLES


def test_an_it_agent_passes_no_frontline_verification_on_the_tickets_it_reads(
    tmp_path: Path,
) -> None:
    org = make_org(80, 11, mix="retail")
    runner = ConfigRunner(default_config(), org, tmp_path, seed=11)
    attacker = ItAgentAttacker(org, seed=11)
    service = VerificationService(runner.runtime_for(attacker.level))

    async def calls() -> list[tuple[str, list[str], list[str]]]:
        out = []
        for employee in org.employees:
            if employee.role not in FRONTLINE_ROLES:
                continue
            trial = await runner.call(service, attacker.level, attacker, employee)
            topics = [str(q["topic"]) for q in trial.questions]
            right = [g["id"] for g in trial.grades if g["verdict"] == "correct"]
            out.append((trial.decision, topics, right))
        return out

    trials = asyncio.run(calls())
    asked_tickets = [t for t in trials if "itsm.request" in t[1]]
    assert len(asked_tickets) > 30  # the tickets were asked about ...
    assert sum(1 for t in asked_tickets if t[2]) > 20  # ... and the agent answered them
    assert [t for t in trials if t[0] == "allow"] == []
    runner.close()
