"""One tiny evaluation (10 employees, default offline configuration) shared by the eval tests."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from evals.config import default_config
from evals.runner import make_org, run_all
from evals.trials import ConfigRun

TINY = 10
SEED = 3


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> ConfigRun:
    org = make_org(TINY, SEED)
    work = tmp_path_factory.mktemp("eval-work")
    return asyncio.run(run_all([default_config()], org, Path(work), seed=SEED))[0]
