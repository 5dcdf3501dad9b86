"""Runs the ServiceNow scripts of integrations/servicenow under Node with the Glide stubs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2] / "integrations" / "servicenow"
SCRIPTS = sorted((ROOT / "src").glob("*.js"))
HARNESS = ROOT / "test" / "run_scenario.js"
ABEL = "62826bf03710200044e0bfc8bcbe5df1"
USERS = {ABEL: {"email": "abel.tuter@example.com", "user_name": "abel.tuter"}}


def node() -> str:
    path = shutil.which("node")
    assert path, "Node.js is needed for the ServiceNow script tests (.ci/run installs nodejs)"
    return path


def run(tmp: Path, scenario: dict[str, Any]) -> dict[str, Any]:
    file = tmp / "scenario.json"
    file.write_text(json.dumps(scenario))
    done = subprocess.run(
        [node(), str(HARNESS), str(file)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def reset_incident(grant: str | None, number: str = "INC0010023") -> dict[str, Any]:
    row = {
        "number": number,
        "short_description": "Lost phone, please reset my MFA",
        "category": "inquiry",
        "caller_id": ABEL,
        "state": "6",
    }
    if grant is not None:
        row["u_deskguard_grant"] = grant
    return {"table": "incident", "row": row}


def properties(url: str, key: str = "dg_test_key") -> dict[str, str]:
    return {"x_deskguard.url": url, "x_deskguard.api_key": key, "x_deskguard.timeout_ms": "5000"}
