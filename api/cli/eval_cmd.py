"""`deskguard eval`: run configurations on a synthetic organisation with simulated callers,
write a Markdown and HTML report with a trade-off plot, and optionally gate on the baseline."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from api.cli.common import run
from api.errors import InvalidInput

if TYPE_CHECKING:
    from evals.config import EvalConfig
    from evals.report import Evaluation
    from evals.runner import OrgSpec
    from evals.trials import ConfigRun

MAX_WORKERS = 64


def eval_command(
    config: list[Path] = typer.Option(
        None, "--config", help="Evaluation config YAML; repeat to compare. Default: offline."
    ),
    employees: int = typer.Option(40, "--employees", min=10, max=10000, help="Organisation size."),
    seed: int = typer.Option(7, "--seed", help="Seed of the organisation and the callers."),
    mix: str = typer.Option(
        "default", "--mix", help="Role mix: default (the gate's), or retail (mostly frontline)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
    gate: bool = typer.Option(False, "--gate", help="Exit 1 when a metric crosses the baseline."),
    out: Path = typer.Option(Path("eval-report"), "--out", help="Report directory."),
    baseline: Path | None = typer.Option(
        None, "--baseline", help="Baseline JSON for --gate (default: evals/baseline.json)."
    ),
    write_baseline: bool = typer.Option(
        False, "--write-baseline", help="Record these results as the new baseline file."
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        help="Worker processes for the simulated calls (default: the number of cores); "
        "the numbers are the same for any count.",
    ),
) -> None:
    """Measure genuine and attacker pass rates for one or more configurations."""
    from evals.config import EvalConfigError, load_configs
    from evals.gate import BASELINE, baseline_from, check_gate, load_baseline
    from evals.report import Evaluation, summaries_of, write_report
    from evals.runner import OrgSpec

    try:
        configs = load_configs(config)
    except EvalConfigError as exc:
        raise InvalidInput(str(exc)) from None
    baseline_path = baseline or BASELINE
    if gate and not baseline_path.is_file():
        raise InvalidInput(f"no baseline file at {baseline_path}; pass --baseline PATH")
    if mix not in ("default", "retail"):
        raise InvalidInput(f"unknown --mix {mix!r}; known: default, retail")
    if gate and mix != "default":
        raise InvalidInput("--gate compares with the baseline, measured on the default mix")
    processes = _workers(workers)
    spec = OrgSpec(employees, seed, mix)
    with tempfile.TemporaryDirectory(prefix="deskguard-eval-") as work:
        runs = _run_with_progress(configs, spec, Path(work), seed, processes)
    summaries = summaries_of(runs)
    ev = Evaluation(runs, summaries, employees, seed, spec.now.isoformat())
    if gate:
        ev.gate = check_gate(
            summaries, load_baseline(baseline_path), employees=employees, seed=seed
        )
    paths = write_report(ev, out)
    if write_baseline:
        previous = load_baseline(baseline_path) if baseline_path.is_file() else {}
        data = baseline_from(
            summaries,
            employees=employees,
            seed=seed,
            tolerance=float(previous.get("tolerance", 0.05)),
            requirements=previous.get("requirements", {}),
            notes=previous.get("notes", []),
        )
        baseline_path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    _print_result(ev, paths, json_out)
    if ev.gate:
        raise SystemExit(1)


def _workers(workers: int | None) -> int:
    """--workers, or the number of cores; a count out of range is a usage error."""
    if workers is None:
        return max(1, min(os.cpu_count() or 1, MAX_WORKERS))
    if not 1 <= workers <= MAX_WORKERS:
        raise InvalidInput(f"--workers must be between 1 and {MAX_WORKERS}, got {workers}")
    return workers


def _run_with_progress(
    configs: list[EvalConfig], spec: OrgSpec, work: Path, seed: int, workers: int
) -> list[ConfigRun]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from evals.pool import run_all
    from evals.runner import total_calls

    columns = (TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("calls", total=total_calls(configs, spec.employees))
        return run(
            run_all(
                configs,
                spec,
                work,
                seed=seed,
                workers=workers,
                advance=lambda: progress.advance(task),
            )
        )


def _print_result(ev: Evaluation, paths: list[Path], json_out: bool) -> None:
    from evals.report import pct_ci

    if json_out:
        print(json.dumps(ev.as_json(), indent=2, default=str))
    else:
        for name, s in ev.summaries.items():
            print(f"{name}: genuine pass {pct_ci(s['genuine']['pass'])}")
            for level, o in s["attackers"].items():
                print(f"{name}: {level} attacker pass {pct_ci(o['pass'])}")
        print("report: " + ", ".join(str(p) for p in paths))
    for violation in ev.gate or []:
        print(f"gate: {violation}", file=sys.stderr)
