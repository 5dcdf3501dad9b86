"""`deskguard eval`'s runner for a few callers only (not in CI): the whole LLM eval is 9 callers
times N employees, about 90 s each on a 2-core machine with a 1.5B model.

    .venv/bin/python -m bench.llm_eval_callers [--config evals/configs/llm.yaml] [--employees 10]
        [--seed 7] [--callers genuine,llm_osint]

The same organisation, settings, services and callers as `deskguard eval --config ... --employees
N --seed S --workers 1`, serially; prints every trial as it ends (decision, seconds, model calls,
tokens, model-written questions) and each caller's totals.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from api.service import VerificationService
from evals.config import load_config
from evals.runner import ConfigRunner, make_org
from evals.trials import Trial


def _line(trial: Trial, seconds: float) -> str:
    written = sum(q.get("engine") == "llm" for q in trial.questions)
    return (f"{trial.caller} {trial.upn} {trial.role} {trial.decision} {seconds:.0f}s "
            f"calls={trial.model_calls} tokens={trial.tokens} llm_questions={written}/"
            f"{len(trial.questions)} reasons={trial.reasons[:2]}")  # fmt: skip


async def run(config_path: Path, employees: int, seed: int, callers: list[str]) -> None:
    config = load_config(config_path)
    org = make_org(employees, seed)
    with tempfile.TemporaryDirectory(prefix="deskguard-eval-") as work:
        runner = ConfigRunner(config, org, Path(work), seed=seed)
        for name, caller in runner.callers()[0]:
            if name not in callers:
                continue
            service = VerificationService(runner.runtime_for(name))
            trials, spent = [], []
            for employee in org.employees[:employees]:
                started = time.monotonic()
                trials.append(await runner.call(service, name, caller, employee))
                spent.append(time.monotonic() - started)
                print(_line(trials[-1], spent[-1]), flush=True)
            written = sum(q.get("engine") == "llm" for t in trials for q in t.questions)
            print(f"== {name}: allowed {sum(t.passed for t in trials)}/{len(trials)}, model calls "
                  f"{sum(t.model_calls for t in trials)}, tokens {sum(t.tokens for t in trials)}, "
                  f"model-written questions {written}/{sum(len(t.questions) for t in trials)}, "
                  f"mean {sum(spent) / len(spent):.0f} s", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("evals/configs/llm.yaml"))
    parser.add_argument("--employees", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--callers", default="genuine,llm_osint")
    args = parser.parse_args()
    print(f"os.cpu_count()={os.cpu_count()} config={args.config}", flush=True)
    asyncio.run(run(args.config, args.employees, args.seed, args.callers.split(",")))


if __name__ == "__main__":
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    main()
