"""Runs an evaluation's calls across worker processes, with the same numbers as one process.

The organisation is split into parts by department (a colleague's and the prior attacker's
knowledge is the department's records, so a part needs no other department's items), packed
into parts of at least `min_part` employees. The split depends on the organisation alone, never
on the worker count. Each part is one task per configuration: the worker builds the organisation
from its seed, its own runtime and one in-memory store per caller kind, runs every caller against
the part's employees and returns their tallies; tallies merge in any order to the same result
(evals/tally.py). Per-trial randomness is seeded by employee and caller (evals/seeding.py), never
by the order calls run in.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.queues import Queue
from pathlib import Path

from context.demo import Organisation
from evals.config import EvalConfig
from evals.runner import Advance, ConfigRunner, OnTrial, OrgSpec
from evals.tally import CallerTally
from evals.trials import ConfigRun
from grading.policy import Policy

MIN_PART = 50  # employees: fewer would spend more on building runtimes than on calls
_progress: Queue[int] | None = None  # set in each worker process


@dataclass(frozen=True)
class Task:
    config: int  # index into the configurations
    employees: tuple[int, ...]  # indices into the directory, in directory order


@dataclass(frozen=True)
class TaskResult:
    config: int
    tallies: dict[str, CallerTally]
    policy: Policy
    engine: str
    skipped: dict[str, str]


def parts(org: Organisation, min_part: int = MIN_PART) -> list[tuple[int, ...]]:
    """Employee indices split by department, small departments packed together, largest first."""
    departments: dict[str, list[int]] = {}
    for index, employee in enumerate(org.employees):
        departments.setdefault(employee.department, []).append(index)
    ordered = sorted(departments.values(), key=lambda members: -len(members))  # stable: ties
    out: list[list[int]] = []
    current: list[int] = []
    for members in ordered:
        current += members
        if len(current) >= min_part:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return [tuple(sorted(p)) for p in out]


async def run_task(
    task: Task,
    configs: Sequence[EvalConfig],
    spec: OrgSpec,
    work_dir: Path,
    *,
    seed: int,
    advance: Advance,
    on_trial: OnTrial | None = None,
) -> TaskResult:
    """One part of the organisation under one configuration, in this process."""
    config = configs[task.config]
    runner = ConfigRunner(config, spec.build(), work_dir, seed=seed)
    try:
        tallies = await runner.run(task.employees, advance, on_trial)
        engine = runner.base.engine.name
        return TaskResult(task.config, tallies, runner.policy, engine, runner.skipped)
    finally:
        runner.close()


def _init_worker(progress: Queue[int]) -> None:
    global _progress
    _progress = progress


def _worker_task(
    task: Task, configs: Sequence[EvalConfig], spec: OrgSpec, work_dir: Path, seed: int
) -> TaskResult:
    progress = _progress

    def advance() -> None:
        if progress is not None:
            progress.put(1)

    return asyncio.run(run_task(task, configs, spec, work_dir, seed=seed, advance=advance))


async def run_all(
    configs: Sequence[EvalConfig],
    spec: OrgSpec,
    work_dir: Path,
    *,
    seed: int,
    workers: int = 1,
    advance: Advance = lambda: None,
    on_trial: OnTrial | None = None,
    min_part: int = MIN_PART,
) -> list[ConfigRun]:
    """Every configuration over the whole organisation; `workers` processes (1: this one)."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if on_trial is not None and workers > 1:
        raise ValueError("on_trial sees every trial only in one process; use workers=1")
    split = parts(spec.build(), min_part)
    tasks = [Task(c, p) for c in range(len(configs)) for p in split]
    if workers == 1:
        results = []
        for task in tasks:
            results.append(
                await run_task(
                    task, configs, spec, work_dir, seed=seed, advance=advance, on_trial=on_trial
                )
            )
    else:
        results = await _in_pool(tasks, configs, spec, work_dir, seed, workers, advance)
    return merge(configs, results)


async def _in_pool(
    tasks: list[Task],
    configs: Sequence[EvalConfig],
    spec: OrgSpec,
    work_dir: Path,
    seed: int,
    workers: int,
    advance: Advance,
) -> list[TaskResult]:
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads
    progress: Queue[int] = context.Queue()
    drain = threading.Thread(target=_drain, args=(progress, advance), daemon=True)
    drain.start()
    loop = asyncio.get_running_loop()
    try:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(progress,),
        ) as pool:
            futures = [
                loop.run_in_executor(pool, _worker_task, task, configs, spec, work_dir, seed)
                for task in tasks
            ]
            return list(await asyncio.gather(*futures))
    finally:
        progress.put(0)
        drain.join()


def _drain(progress: Queue[int], advance: Advance) -> None:
    while progress.get() == 1:
        advance()


def merge(configs: Sequence[EvalConfig], results: Sequence[TaskResult]) -> list[ConfigRun]:
    """One ConfigRun per configuration, its callers in the serial run's order."""
    runs = []
    for index, config in enumerate(configs):
        mine = [r for r in results if r.config == index]
        tallies: dict[str, CallerTally] = {}
        for result in mine:
            for caller, tally in result.tallies.items():
                if caller in tallies:
                    tallies[caller].merge(tally)
                else:
                    tallies[caller] = tally
        first = mine[0]
        runs.append(ConfigRun(config, tallies, first.policy, first.engine, first.skipped))
    return runs
