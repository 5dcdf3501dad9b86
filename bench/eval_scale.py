"""`deskguard eval` at growing organisation sizes: employees/s, CPU per employee, peak memory.

    .venv/bin/python -m bench.eval_scale [--sizes 200,1000] [--seed 11] [--workers N]
        [--baseline DIR]

Each size runs in a fresh child Python (so peak RSS is that size's alone): the default
configuration over `build_org(seed, EVAL_NOW, size)`, the calls spread over `--workers`
processes (default: the number of cores, as `deskguard eval`), through `deskguard eval`'s own
building blocks (evals.pool.run_all, evals.report.summaries_of; no report is written). Prints,
with os.cpu_count() and the worker count, per size: employees/s and wall seconds (both noisy on
a shared machine), CPU seconds per employee and per simulated call (each caller kind calls
every employee once; user + system of the child and its workers, resource.getrusage: the
figure to compare) and peak RSS (ru_maxrss of the child and of its largest worker).
`--sizes 200,1000,10000` adds the issue's large run (CPU grows linearly with the size).
`--baseline DIR` (an export of another commit, e.g. `git archive main | tar -x -C DIR`) runs
every size on that code too, alternating; this file is copied into DIR for it. Not run in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def one_run(employees: int, seed: int, workers: int) -> dict[str, float]:
    """One evaluation in this process; its figures (call once per process: peak RSS is the
    process's whole life)."""
    from evals.config import load_configs
    from evals.pool import run_all
    from evals.report import summaries_of
    from evals.runner import OrgSpec, total_calls

    configs = load_configs(None)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="deskguard-eval-scale-") as work:
        runs = asyncio.run(
            run_all(configs, OrgSpec(employees, seed), Path(work), seed=seed, workers=workers)
        )
    summaries_of(runs)
    wall = time.perf_counter() - started
    cpu = cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN)
    return {
        "employees": employees,
        "calls": total_calls(configs, employees),
        "workers": workers,
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_children_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def child(source: Path, employees: int, seed: int, workers: int) -> dict[str, float]:
    command = [
        sys.executable,
        "-m",
        "bench.eval_scale",
        "--one",
        str(employees),
        "--seed",
        str(seed),
        "--workers",
        str(workers),
    ]
    out = subprocess.run(command, cwd=source, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout))


def show(name: str, r: dict[str, float]) -> None:
    n = r["employees"]
    print(
        f"  {name:<14} {int(n):>6} employees  {n / r['wall_s']:6.2f} employees/s  "
        f"wall {r['wall_s']:7.1f} s  CPU {r['cpu_s'] / n:.3f} s/employee "
        f"({1000 * r['cpu_s'] / r['calls']:.1f} ms/call, {int(r['calls'])} calls)  "
        f"peak RSS {r['rss_self_mib']:.0f} MiB (largest worker {r['rss_children_mib']:.0f} MiB)"
    )


def main() -> None:
    from api.cli.eval_cmd import _workers

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,1000", help="comma-separated employee counts")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, help="worker processes (default: the cores)")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child: one size, JSON out
    args = parser.parse_args()
    workers = _workers(args.workers)
    if args.one:
        print(json.dumps(one_run(args.one, args.seed, workers)))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    codes = [("this checkout", HERE)]
    if args.baseline:
        shutil.copy(HERE / "bench/eval_scale.py", args.baseline / "bench/eval_scale.py")
        codes.append(("baseline", args.baseline.resolve()))
    print(
        f"cores: {os.cpu_count()}; workers: {workers}; default configuration, seed {args.seed}; "
        "CPU = user + system of the run and its workers"
    )
    for size in sizes:  # alternating: same machine, same load
        for name, source in codes:
            show(name, child(source, size, args.seed, workers))


if __name__ == "__main__":
    main()
