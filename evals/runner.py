"""Drives the verification service the way callers do: one call per employee per caller kind.

Every configuration runs on the same organisation, at the same instant, with the same callers
(the genuine caller's answers are seeded by employee and question). Each caller kind gets its own
database so one population's denials never count as another's failed attempts: an in-memory
SQLite database with the service's schema, one per caller kind and part of the organisation, so
that parts run in any process (evals/pool.py). Each trial is folded into its caller's tally
(evals/tally.py) and dropped.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from api.runtime import Runtime, build_runtime
from api.schemas import AnswerIn, AnswersSubmit, VerificationCreate
from api.service import VerificationService
from api.storage import Database, VerificationRow
from context.demo import Organisation, build_org
from context.models import Employee
from evals.attackers import (
    LEVELS,
    AttackerCaller,
    InjectionAttacker,
    InsiderAttacker,
    LLMOsintAttacker,
    NaiveAttacker,
    OsintAttacker,
    heard,
)
from evals.colleague import ColleagueAttacker
from evals.config import EvalConfig
from evals.injection import PlantingConnector
from evals.it_agent import ItAgentAttacker
from evals.memory import GenuineCaller
from evals.prior import PriorAttacker
from evals.stuffer import StufferAttacker
from evals.sweep import SweepPolicies
from evals.tally import CallerTally
from evals.trials import GENUINE, Trial
from grading.policy import Policy
from questions.checks import grounded

EVAL_NOW = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # a Wednesday, 11:30 in Chicago
MAX_RESPONSE = 1000
_STORES = itertools.count()

Advance = Callable[[], None]
OnTrial = Callable[[Trial], None]
Caller = GenuineCaller | AttackerCaller

__all__ = ["EVAL_NOW", "GENUINE", "ConfigRunner", "OrgSpec", "make_org", "memory_store"]


def make_org(
    employees: int, seed: int, now: datetime = EVAL_NOW, *, mix: str = "default"
) -> Organisation:
    return build_org(seed=seed, now=now, size=employees, mix=mix)


@dataclass(frozen=True)
class OrgSpec:
    """What builds the synthetic organisation: each worker process builds its own from it."""

    employees: int
    seed: int
    mix: str = "default"
    now: datetime = EVAL_NOW

    def build(self) -> Organisation:
        return make_org(self.employees, self.seed, self.now, mix=self.mix)


def memory_store() -> str:
    """A database URL of its own: SQLite in this process's memory, shared by its connections
    (any thread), gone when the last one closes."""
    name = f"deskguard-eval-{os.getpid()}-{next(_STORES)}"
    return f"sqlite:///file:{name}?mode=memory&cache=shared&uri=true"


class ConfigRunner:
    """Runs one configuration over employees for the genuine caller and each level."""

    def __init__(self, config: EvalConfig, org: Organisation, work_dir: Path, *, seed: int) -> None:
        self.config, self.org, self.seed = config, org, seed
        self.dir = work_dir / config.name
        self.settings = config.build_settings(self.dir, database_url=memory_store())
        self.base = build_runtime(self.settings, clock=lambda: org.now, org=org)
        self.skipped: dict[str, str] = {}  # level -> why it was not run (set by callers())
        self.sweep = SweepPolicies.build(
            self.base.policy, config.action, self.settings.questions.count
        )

    @property
    def policy(self) -> Policy:
        return self.base.policy

    def attackers(self) -> tuple[list[AttackerCaller], dict[str, str]]:
        skipped: dict[str, str] = {}
        out: list[AttackerCaller] = [
            NaiveAttacker(),
            OsintAttacker(self.org),
            InsiderAttacker(self.org),
        ]
        if self.settings.llm.configured:
            from questions.attacker import LLMAttacker

            model = LLMAttacker(self.settings.llm, self.settings.prompts)
            out.append(LLMOsintAttacker(self.org, model))
        else:
            skipped["llm_osint"] = "no model configured (settings.llm.model); level not run"
        out.append(InjectionAttacker(self.org))
        colleague = ColleagueAttacker(self.org, seed=self.seed)
        out += [colleague, PriorAttacker(self.org, colleague.prior), StufferAttacker(colleague)]
        out.append(ItAgentAttacker(self.org, seed=self.seed, prior=colleague.prior))
        return out, skipped

    def callers(self) -> tuple[list[tuple[str, Caller]], dict[str, str]]:
        """Every caller kind in the order of the serial run, and the levels skipped."""
        attackers, self.skipped = self.attackers()
        callers: list[tuple[str, Caller]] = [(GENUINE, GenuineCaller(seed=self.seed))]
        return callers + [(a.level, a) for a in attackers], self.skipped

    def runtime_for(self, caller: str) -> Runtime:
        db = Database(memory_store()).upgrade()
        rt = dataclasses.replace(self.base, db=db)
        if caller == "injection":
            rt = dataclasses.replace(rt, connectors=[PlantingConnector(c) for c in rt.connectors])
        return rt

    async def run(
        self,
        employees: Sequence[int],
        advance: Advance = lambda: None,
        on_trial: OnTrial | None = None,
    ) -> dict[str, CallerTally]:
        """Every caller kind against `employees` (indices into the directory): their tallies."""
        callers, _ = self.callers()
        tallies: dict[str, CallerTally] = {}
        for index, (name, caller) in enumerate(callers):
            runtime = self.runtime_for(name)
            service, tally = VerificationService(runtime), CallerTally(caller=name)
            for at in employees:
                trial = await self.call(service, name, caller, self.org.employees[at])
                tally.add(trial, (index, at), self.sweep, attacker=name != GENUINE)
                if on_trial is not None:
                    on_trial(trial)
                advance()
            runtime.db.engine.dispose()
            tallies[name] = tally
        return tallies

    def close(self) -> None:
        self.base.db.engine.dispose()

    async def call(
        self,
        service: VerificationService,
        name: str,
        caller: Caller,
        employee: Employee,
    ) -> Trial:
        started = time.perf_counter()
        body = VerificationCreate(employee=employee.upn, action=self.config.action)
        row = await service.start(body, actor=f"eval:{name}")
        answers: dict[str, str] = {}
        if row.status == "pending":
            answers = await _answers(caller, row, employee)
            submit = AnswersSubmit(
                answers=[
                    AnswerIn(question_id=k, response=v[:MAX_RESPONSE]) for k, v in answers.items()
                ]
            )
            row = await service.submit(row.id, submit, actor=f"eval:{name}")
        latency = time.perf_counter() - started
        trial = _trial(self.config.name, name, employee, row, answers, latency)
        trial.ungrounded = self.recheck(row, employee)
        return trial

    def recheck(self, row: VerificationRow, employee: Employee) -> list[str]:
        """Question ids whose expected answer the employee's true items do not support (planted
        tickets count as context: they really are in the employee's Jira)."""
        items = {i.id: i for i in self.org.items(employee.upn)}
        out = []
        for question in row.questions:
            if any(e.startswith("planted-") for e in question.evidence):
                continue
            if grounded(question, items) is not None:
                out.append(question.id)
        return out


async def _answers(caller: Caller, row: VerificationRow, employee: Employee) -> dict[str, str]:
    if isinstance(caller, GenuineCaller):  # stands for the employee's own memory
        return {
            q.id: caller.answer(
                q.model_dump(mode="json"),
                upn=employee.upn,
                asked_at=row.created_at,
                timezone=employee.timezone,
            )
            for q in row.questions
        }
    public = [{"id": q.id, "text": q.text, "kind": q.kind.value} for q in row.questions]
    said = await caller.answers(employee.upn, heard(public))
    return {q["id"]: said.get(q["id"], "") for q in public}


def _trial(
    config: str,
    caller: str,
    employee: Employee,
    row: VerificationRow,
    answers: dict[str, str],
    latency: float,
) -> Trial:
    usage = row.question_set.llm_usage.total()  # the service's meter: engine, attacker, judge
    return Trial(
        config=config,
        caller=caller,
        upn=employee.upn,
        role=employee.role,
        action=row.action,
        decision=row.decision.decision.value if row.decision else "escalate",
        reasons=list(row.decision.reasons) if row.decision else [],
        early=not row.grades,
        questions=[q.model_dump(mode="json") for q in row.questions],
        answers=answers,
        grades=[g.model_dump(mode="json") for g in row.grades or []],
        dropped=[d.model_dump(mode="json") for d in row.question_set.dropped],
        timezone=employee.timezone,
        asked_at=row.created_at,
        latency_s=latency,
        model_calls=usage.calls,
        tokens=usage.prompt_tokens + usage.completion_tokens,
    )


def total_calls(configs: Sequence[EvalConfig], employees: int) -> int:
    """How many calls run_all will make (for the progress bar), llm_osint counted when set."""
    total = 0
    for config in configs:
        levels = [lvl for lvl in LEVELS if lvl != "llm_osint" or _has_model(config)]
        total += (1 + len(levels)) * employees
    return total


def _has_model(config: EvalConfig) -> bool:
    return config.build_settings(Path(".")).llm.configured
