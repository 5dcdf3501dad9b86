from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from evals.config import EvalConfigError, load_config, load_configs

ARGS = ["eval", "--employees", "10", "--seed", "3"]


def write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data), "utf-8")
    return path


LEVELS = ("naive", "osint", "insider", "injection", "colleague", "prior", "stuffer", "it_agent")
LOOSE = {
    "employees": 10,
    "seed": 3,
    "tolerance": 1.0,
    "configs": {
        "default": {"genuine_pass_rate": 0.0, "attacker_pass_rate": dict.fromkeys(LEVELS, 0.0)}
    },
}


def test_json_shape_and_gate_passing_a_loose_baseline(tmp_path: Path) -> None:
    baseline = write(tmp_path / "loose.json", LOOSE)
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app, [*ARGS, "--json", "--gate", "--baseline", str(baseline), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    default = data["configs"]["default"]
    assert 0.0 <= default["genuine_pass_rate"] <= 1.0
    assert set(default["attacker_pass_rate"]) == set(LEVELS)
    assert data["gate"] == {"passed": True, "violations": []}
    assert {p.name for p in out.iterdir()} >= {"report.md", "report.html", "tradeoff.png"}


def test_gate_fails_against_a_tightened_baseline(tmp_path: Path) -> None:
    tight = LOOSE | {"requirements": {"default": {"genuine_pass_rate_min": 1.01}}}
    baseline = write(tmp_path / "tight.json", tight)
    result = CliRunner().invoke(
        app, [*ARGS, "--gate", "--baseline", str(baseline), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert "gate: default: genuine pass rate" in result.stderr
    assert "default: genuine pass" in result.stdout  # the human summary still prints


def test_gate_fails_on_a_baseline_of_another_run(tmp_path: Path) -> None:
    # The committed baseline is for 200 employees, seed 7: a 10-employee run cannot pass it.
    result = CliRunner().invoke(app, [*ARGS, "--gate", "--out", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "this run has employees 10 but the baseline was measured with 200" in result.stderr


def test_config_file_relative_policy_and_name(tmp_path: Path) -> None:
    (tmp_path / "policy.yaml").write_text("name: x\n", "utf-8")
    path = tmp_path / "stricter.yaml"
    path.write_text("questions_engine: template\nquestion_count: 6\npolicy_path: policy.yaml\n")
    config = load_config(path)
    assert config.name == "stricter"  # from the file name
    assert config.policy_path == tmp_path / "policy.yaml"
    settings = config.build_settings(tmp_path / "data")
    assert settings.questions.count == 6 and settings.connectors == ["demo"]


def test_config_ignores_the_environment_unless_asked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DESKGUARD_LLM__MODEL", "openai/gpt-4o-mini")
    path = tmp_path / "a.yaml"
    path.write_text("name: a\n")
    assert not load_config(path).build_settings(tmp_path).llm.configured
    path.write_text("name: a\nenvironment: true\n")
    assert load_config(path).build_settings(tmp_path).llm.configured


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("question_count: 2\n", "question_count"),  # NIST minimum of 4
        ("unknown_field: 1\n", "unknown_field"),
        ("- a list\n", "mapping"),
    ],
)
def test_bad_config_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(EvalConfigError, match=message):
        load_config(path)


def test_duplicate_config_names_are_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("name: same\n")
    with pytest.raises(EvalConfigError, match="same"):
        load_configs([tmp_path / "a.yaml", tmp_path / "b.yaml"])
