"""`deskguard judge calibrate` and `deskguard grade` with a model: litellm's real HTTP path against
a fake OpenAI-compatible server, the CLI as a real subprocess (settings from the environment)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.openai_server import FakeOpenAIServer, FakeReply

DESKGUARD = [sys.executable, "-c", "from api.cli import main; main()"]
BAND_LINE = json.dumps({
    "id": "b1", "question": "What was the meeting you organised yesterday about?",
    "expected": "Hiring plan for the data team", "kind": "text", "response": "hiring",
})  # fmt: skip


@pytest.fixture
def model() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer().start()
    yield server
    server.stop()


def cli(
    data_dir: Path, server: FakeOpenAIServer, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ, "DESKGUARD_DATA_DIR": str(data_dir), "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "DESKGUARD_LLM__MODEL": "openai/fake-judge", "DESKGUARD_LLM__API_BASE": server.api_base,
        "DESKGUARD_LLM__API_KEY": "sk-test", "DESKGUARD_LLM__NUM_RETRIES": "0", **env,
    }  # fmt: skip
    return subprocess.run(
        [*DESKGUARD, *args], capture_output=True, text=True, env=environment, input=stdin,
        timeout=120, check=False,
    )  # fmt: skip


def always_different(body: dict[str, object]) -> FakeReply:
    verdict = {"reference_a": "different", "reference_b": "different"}
    return FakeReply(json.dumps(verdict | {"instructions_in_answer": False}))


def test_calibration_records_trust_and_grade_follows_it(
    model: FakeOpenAIServer, tmp_path: Path
) -> None:
    # uncalibrated: the judge is not called at all
    before = cli(tmp_path, model, "grade", "--input", "-", stdin=BAND_LINE)
    assert before.returncode == 0 and model.requests == []
    assert json.loads(before.stdout)["verdict"] == "partial"
    # a model that says "different" to everything: trusted to accept, never to reject
    model.responder = always_different
    done = cli(tmp_path, model, "judge", "calibrate")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["rescued"] == 0 and report["false_accepts"] == 0
    assert report["trust"]["accept"] and not report["trust"]["reject"]
    assert (tmp_path / "judge-calibration.json").is_file()
    assert len(model.requests) == report["items"]  # one call per answer, both references in it
    # the genuine partial answer is not failed by that judge
    after = cli(tmp_path, model, "grade", "--input", "-", stdin=BAND_LINE)
    line = json.loads(after.stdout)
    assert line["verdict"] == "partial" and "not followed" in line["reason"]


def test_grade_honours_the_judge_timeout_setting(model: FakeOpenAIServer, tmp_path: Path) -> None:
    model.responder = always_different
    assert cli(tmp_path, model, "judge", "calibrate").returncode == 0
    model.responder = lambda body: FakeReply(always_different(body).content, delay=30)
    result = cli(
        tmp_path, model, "grade", "--input", "-", stdin=BAND_LINE,
        DESKGUARD_JUDGE_TIMEOUT_SECONDS="0.5",
    )  # fmt: skip
    line = json.loads(result.stdout)
    assert line["verdict"] == "partial" and "no answer within 0.5 s" in line["reason"]


def test_calibrate_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "DESKGUARD_DATA_DIR": str(tmp_path)}
    env.pop("DESKGUARD_LLM__MODEL", None)
    result = subprocess.run(
        [*DESKGUARD, "judge", "calibrate"], capture_output=True, text=True, env=env,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "DESKGUARD_LLM__MODEL" in result.stdout + result.stderr
