"""The parallel evaluation reports exactly what the serial one does, for any worker count."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from evals.config import default_config
from evals.diagnostics import attacker_passes, genuine_blockers, genuine_grade_causes
from evals.metrics import summarise
from evals.pool import parts, run_all
from evals.runner import OrgSpec
from evals.sweep import count_sweep, sweep
from evals.trials import ConfigRun

SPEC = OrgSpec(30, 5)
MIN_PART = 8  # several parts of a 30-person organisation, so the merge is exercised


def run(workers: int, work: Path) -> ConfigRun:
    configs = [default_config()]
    return asyncio.run(
        run_all(configs, SPEC, work, seed=SPEC.seed, workers=workers, min_part=MIN_PART)
    )[0]


def figures(run: ConfigRun) -> dict[str, Any]:
    """Everything a report shows but the wall-clock latency."""
    summary = summarise(run)
    summary["cost"].pop("latency_ms")
    return {
        "summary": summary,
        "sweep": sweep(run),
        "counts": count_sweep(run),
        "blockers": genuine_blockers(run),
        "causes": genuine_grade_causes(run),
        "passes": attacker_passes(run),
    }


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> ConfigRun:
    return run(1, tmp_path_factory.mktemp("serial"))


def test_parts_split_by_department_whatever_the_workers(serial: ConfigRun) -> None:
    org = SPEC.build()
    split = parts(org, MIN_PART)
    assert len(split) > 2
    assert sorted(i for p in split for i in p) == list(range(len(org.employees)))
    for part in split:  # a department is never split across parts
        depts = {org.employees[i].department for i in part}
        assert all(
            org.employees[i].department not in depts
            for other in split
            if other != part
            for i in other
        )


def test_two_workers_give_the_serial_numbers(serial: ConfigRun, tmp_path: Path) -> None:
    parallel = run(2, tmp_path)
    assert parallel.callers == serial.callers
    assert figures(parallel) == figures(serial)
    assert summarise(serial)["genuine"]["pass"]["n"] == SPEC.employees


def test_one_part_or_many_gives_the_same_numbers(serial: ConfigRun, tmp_path: Path) -> None:
    whole = asyncio.run(
        run_all([default_config()], SPEC, tmp_path, seed=SPEC.seed, min_part=SPEC.employees)
    )[0]
    assert figures(whole) == figures(serial)


def test_on_trial_needs_one_process(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="workers=1"):
        asyncio.run(run_all([default_config()], SPEC, tmp_path, seed=1, workers=2, on_trial=print))


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("0", "invalid_input", "--workers must be between 1 and 64, got 0"),
        ("65", "invalid_input", "--workers must be between 1 and 64, got 65"),
        ("two", "usage_error", "--workers"),  # not a number: Typer's own message
    ],
)
def test_bad_workers_is_a_json_error(tmp_path: Path, value: str, code: str, message: str) -> None:
    cli = Path(sys.executable).parent / "deskguard"
    args = ["eval", "--employees", "10", "--workers", value, "--out", str(tmp_path)]
    done = subprocess.run([str(cli), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    error = json.loads(done.stderr.strip().splitlines()[-1])["error"]
    assert error["code"] == code and message in error["message"]
    assert "Traceback" not in done.stderr
