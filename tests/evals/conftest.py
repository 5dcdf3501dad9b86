"""One tiny evaluation (10 employees, default offline configuration) shared by the eval tests,
with every trial it recorded (streamed out of the run: the run itself keeps only tallies)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from evals.config import default_config
from evals.pool import run_all
from evals.runner import OrgSpec
from evals.trials import ConfigRun, Trial

TINY = 10
SEED = 3


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[ConfigRun, list[Trial]]:
    work = tmp_path_factory.mktemp("eval-work")
    trials: list[Trial] = []
    spec = OrgSpec(TINY, SEED)
    runs = asyncio.run(
        run_all([default_config()], spec, Path(work), seed=SEED, on_trial=trials.append)
    )
    return runs[0], trials


@pytest.fixture(scope="session")
def tiny_run(tiny: tuple[ConfigRun, list[Trial]]) -> ConfigRun:
    return tiny[0]


@pytest.fixture(scope="session")
def tiny_trials(tiny: tuple[ConfigRun, list[Trial]]) -> list[Trial]:
    return tiny[1]
