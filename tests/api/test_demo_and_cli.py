"""The demo's three decisions, and the CLI contracts (run as a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.demo import DemoRun
from tests.api.conftest import settings_for, wait_for_json

DESKGUARD = [sys.executable, "-c", "from api.cli import main; main()"]


def run_cli(
    data_dir: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DESKGUARD_DATA_DIR": str(data_dir),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    return subprocess.run(
        [*DESKGUARD, *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_demo_replay_allows_the_employee_denies_the_attacker_and_distrusts_bad_infra(
    demo_data_dir: Path,
) -> None:
    lines: list[str] = []
    outcomes = DemoRun(settings_for(demo_data_dir), echo=lines.append).run()
    assert [o.decision for o in outcomes][:2] == ["allow", "deny"]
    assert outcomes[2].decision != "allow"
    transcript = "\n".join(lines)
    assert "caller:" in transcript and "DECISION: ALLOW" in transcript
    # The fourth call: deskguard performs the MFA reset once; the replay is refused.
    assert outcomes[3].ok and outcomes[3].decision == "reset once, replay refused"
    assert "MFA resets at the identity provider: 1" in transcript
    assert "replay of the same allow -> 409 grant_used" in transcript


def test_keys_create_prints_a_key_and_rejects_unknown_roles(demo_data_dir: Path) -> None:
    ok = run_cli(demo_data_dir, "keys", "create", "--role", "helpdesk")
    assert ok.returncode == 0 and ok.stdout.strip().startswith("dg_")
    bad = run_cli(demo_data_dir, "keys", "create", "--role", "janitor")
    assert bad.returncode == 2
    assert json.loads(bad.stderr)["error"]["code"] == "invalid_input"
    assert "Traceback" not in bad.stderr


def test_context_employees_lists_coverage_per_source(demo_data_dir: Path) -> None:
    result = run_cli(demo_data_dir, "context", "employees", "--json")
    rows = json.loads(result.stdout)["employees"]
    assert len(rows) >= 12
    roles = {row["role"] for row in rows}
    assert {"it_admin", "helpdesk", "new_hire", "ciso"} <= roles
    new_hire = next(row for row in rows if row["role"] == "new_hire")
    assert new_hire["thin"] is True
    engineer = next(row for row in rows if row["role"] == "engineer")
    assert engineer["sources"].get("git", 0) > 0 and engineer["thin"] is False


def test_questions_preview_shows_answers_and_drops(demo_data_dir: Path) -> None:
    employees = json.loads(run_cli(demo_data_dir, "context", "employees", "--json").stdout)
    upn = next(r["employee"] for r in employees["employees"] if r["role"] == "engineer")
    preview = json.loads(
        run_cli(
            demo_data_dir,
            "questions",
            "preview",
            "--employee",
            upn,
            "--json",
            "--reason",
            "HD-1 test",
        ).stdout
    )
    assert preview["employee"] == upn and preview["engine"] == "template"
    assert len(preview["questions"]) >= 4
    assert {"id", "text", "kind", "expected", "variants", "evidence"} <= set(
        preview["questions"][0]
    )
    assert isinstance(preview["dropped"], list)


def test_unknown_employee_is_a_json_error(demo_data_dir: Path) -> None:
    result = run_cli(
        demo_data_dir,
        "questions",
        "preview",
        "--employee",
        "ghost@x.example",
        "--reason",
        "HD-1 test",
    )
    assert result.returncode == 2
    assert json.loads(result.stderr)["error"]["code"] == "not_found"


def test_grade_lines_in_and_out_with_a_labelled_summary(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    lines = [
        {
            "id": "a",
            "question": "Which ticket?",
            "expected": "OPS-1423",
            "kind": "identifier",
            "response": "1423",
            "label": "correct",
        },
        {
            "id": "b",
            "question": "Which ticket?",
            "expected": "OPS-1423",
            "kind": "identifier",
            "response": "OPS-1432",
            "label": "incorrect",
        },
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n")
    result = run_cli(demo_data_dir, "grade", "--input", str(path))
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("verdict") for o in out[:2]] == ["correct", "incorrect"]
    assert set(out[0]) == {"id", "verdict", "score", "method", "reason"}
    assert out[2]["error"]["code"] == "invalid_line"
    summary = json.loads(result.stderr)
    assert summary["false_accept_rate"] == 0.0 and summary["total"] == 2


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["grade", "--input", "/nonexistent.jsonl"], "invalid_input"),
        (["nonsense"], "usage_error"),  # Typer's own (bundled click) usage errors
        (["grade"], "usage_error"),  # a missing required option
        (["context", "pull", "--employee"], "usage_error"),  # an option without its value
    ],
)
def test_usage_errors_are_json(demo_data_dir: Path, args: list[str], code: str) -> None:
    result = run_cli(demo_data_dir, *args)
    assert result.returncode == 2
    assert json.loads(result.stderr)["error"]["code"] == code


def test_version_and_lower_case_log_level(demo_data_dir: Path) -> None:
    result = run_cli(demo_data_dir, "--version")
    assert result.returncode == 0 and result.stdout.startswith("deskguard ")
    env = {**os.environ, "DESKGUARD_DATA_DIR": str(demo_data_dir), "DESKGUARD_LOG_LEVEL": "info"}
    listed = subprocess.run([*DESKGUARD, "prompts", "list"], capture_output=True, text=True,
                            env=env, check=False)  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    env["DESKGUARD_LOG_LEVEL"] = "loud"
    bad = subprocess.run([*DESKGUARD, "prompts", "list"], capture_output=True, text=True,
                         env=env, check=False)  # fmt: skip
    assert json.loads(bad.stderr)["error"]["code"] == "configuration_error"


def test_serve_answers_http_on_the_requested_port(demo_data_dir: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DESKGUARD_DATA_DIR": str(demo_data_dir)}
    server = subprocess.Popen(
        [*DESKGUARD, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        body = wait_for_json(server, f"http://127.0.0.1:{port}/healthz")
        assert body is not None and body["status"] == "ok" and body["connectors"] == ["demo"]
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_prompts_list_show_and_render(demo_data_dir: Path) -> None:
    listed = json.loads(run_cli(demo_data_dir, "prompts", "list").stdout)["prompts"]
    assert {"question_generation@v1", "answer_judge@v1", "attacker@v1"} <= {
        p["ref"] for p in listed
    }
    shown = json.loads(run_cli(demo_data_dir, "prompts", "show", "answer_judge@v1").stdout)
    assert shown["version"] == "v1" and "{answer}" in shown["user"]
    employees = json.loads(run_cli(demo_data_dir, "context", "employees", "--json").stdout)
    upn = next(r["employee"] for r in employees["employees"] if r["role"] == "it_admin")
    rendered = json.loads(
        run_cli(
            demo_data_dir,
            "prompts",
            "render",
            "question_generation@v1",
            "--employee",
            upn,
            "--reason",
            "HD-1 test",
        ).stdout
    )
    assert rendered["ref"] == "question_generation@v1" and len(rendered["rendered_sha256"]) == 64
    assert '<data name="facts">' in rendered["messages"][-1]["content"]
    for ref in ("attacker@v1", "answer_judge@v1"):  # every prompt renders, not only one
        out = run_cli(
            demo_data_dir, "prompts", "render", ref, "--employee", upn, "--reason", "HD-1 test"
        )
        assert json.loads(out.stdout)["ref"] == ref, out.stderr
    missing = run_cli(demo_data_dir, "prompts", "show", "nope@v9")
    assert missing.returncode == 2
    assert json.loads(missing.stderr)["error"]["code"] == "not_found"


def test_context_sources_and_pull(demo_data_dir: Path) -> None:
    sources = json.loads(run_cli(demo_data_dir, "context", "sources", "--json").stdout)["sources"]
    assert sources[0]["connector"] == "demo" and sources[0]["fields"]
    employees = json.loads(run_cli(demo_data_dir, "context", "employees", "--json").stdout)
    upn = employees["employees"][0]["employee"]
    pulled = json.loads(
        run_cli(
            demo_data_dir, "context", "pull", "--employee", upn, "--json", "--reason", "HD-1 test"
        ).stdout
    )
    assert pulled["items"] and pulled["accesses"]
    text = run_cli(
        demo_data_dir, "context", "pull", "--employee", upn, "--reason", "HD-1 test"
    ).stdout
    assert pulled["items"][0]["title"] in text and not text.lstrip().startswith("{")
    assert all(i["sensitivity"] == "normal" and not i["cancelled"] for i in pulled["items"])


def test_invalid_settings_are_a_configuration_error(demo_data_dir: Path) -> None:
    env = {
        **os.environ,
        "DESKGUARD_DATA_DIR": str(demo_data_dir),
        "DESKGUARD_QUESTIONS__COUNT": "2",
        "DESKGUARD_LLM__API_KEY": "sk-secret-value",
    }
    result = subprocess.run(
        [*DESKGUARD, "context", "sources"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    error = json.loads(result.stderr)["error"]
    assert result.returncode == 2 and error["code"] == "configuration_error"
    assert "questions.count" in error["message"] and "sk-secret-value" not in result.stderr


def test_help_imports_no_command_dependencies_and_keeps_each_summary(tmp_path: Path) -> None:
    """`deskguard --help` loads Typer and the command modules only (issue 17: start-up), and
    still lists every command with its whole summary."""
    heavy = ("sqlalchemy", "fastapi", "pydantic_settings", "structlog", "alembic", "api.service")
    probe = (
        "import sys\nfrom api.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('loaded:', sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)"
    )
    env = {**os.environ, "DESKGUARD_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", probe, "--help"], capture_output=True,
                            text=True, env=env, timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "loaded: []" in result.stderr
    commands = result.stdout.split("Commands:")[1]
    assert "API key needed)." in commands and "..." not in commands  # not cut short
    for name in ("demo", "serve", "grade", "eval", "keys", "db", "context", "questions",
                 "prompts", "signing", "tickets", "recovery", "audit", "judge"):  # fmt: skip
        assert f"\n  {name} " in result.stdout
