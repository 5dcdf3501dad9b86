"""`deskguard serve --workers N` (issue 17): N must be a whole number of at least 1 (a JSON
usage error otherwise, before anything starts); several workers share the port and the
database; a file SQLite database runs in WAL mode."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from api.storage import Database
from tests.api.conftest import wait_for_json
from tests.api.test_demo_and_cli import DESKGUARD, run_cli


@pytest.mark.parametrize(
    "workers",
    [
        "0",
        "-2",
        "two",  # not a number
        "1.5",  # not a whole number
    ],
)
def test_a_bad_worker_count_is_a_usage_error(workers: str, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", "--workers", workers)
    assert result.returncode == 2
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "usage_error" and "--workers" in error["message"]
    assert "Traceback" not in result.stderr


def test_two_workers_serve_one_port(demo_data_dir: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DESKGUARD_DATA_DIR": str(demo_data_dir),
        "DESKGUARD_DATABASE_URL": f"sqlite:///{tmp_path / 'workers.db'}",
        "DESKGUARD_LOG_LEVEL": "INFO",  # each worker's start-up line
    }
    command = [*DESKGUARD, "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = wait_for_json(server, f"http://127.0.0.1:{port}/readyz")
        assert body is not None and body["ready"] is True
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=60)
    assert b"(2 workers;" in stderr
    assert stderr.count(b"Application startup complete") == 2  # one per worker


def test_a_file_sqlite_database_runs_in_wal_mode(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'wal.db'}").upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
