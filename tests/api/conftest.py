"""An app on the demo tenant with a controllable clock, a fresh SQLite file and keys per role."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import create_key
from api.main import create_app
from api.runtime import Runtime, build_runtime
from api.settings import LimitSettings, Settings

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
START = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # a Wednesday, 11:30 in Chicago


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Deskguard:
    client: TestClient
    runtime: Runtime
    clock: Clock
    keys: dict[str, dict[str, str]]
    settings: Settings

    def start(self, upn: str, action: str = "password_reset", **extra: object) -> dict:
        body = {"employee": upn, "action": action, **extra}
        response = self.client.post("/v1/verifications", json=body, headers=self.keys["helpdesk"])
        assert response.status_code == 201, response.text
        return response.json()

    def truth(self, verification_id: str) -> dict:
        return self.client.get(
            f"/v1/verifications/{verification_id}", headers=self.keys["security"]
        ).json()

    def employee(self, role: str) -> str:
        employees = self.runtime.directory.list_employees
        return next(e.upn for e in asyncio.run(employees()) if e.role == role)


def settings_for(data_dir: Path, **overrides: object) -> Settings:
    return Settings(
        data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'test.db'}", **overrides
    )  # type: ignore[arg-type]


def deskguard_on(data_dir: Path, database: Path, **settings: object) -> Deskguard:
    """The demo tenant in `data_dir` on the SQLite file `database`, `settings` overriding."""
    update = {"database_url": f"sqlite:///{database}", **settings}
    return make_deskguard(settings_for(data_dir).model_copy(update=update), Clock())


def throttled(data_dir: Path, database: Path, failures: int) -> Deskguard:
    """One that answers 429 to a client address after `failures` failed sign-ins in 60 s."""
    limits = LimitSettings(auth_failures_per_client=failures, auth_window_seconds=60)
    return deskguard_on(data_dir, database, limits=limits)


def wait_for_json(server: subprocess.Popen[bytes], url: str) -> Any:
    """What `url` answers (JSON) once the `server` process is up; None if it exits first or
    does not answer in 180 s. A bounded wait for start-up, not a timing assertion: generous,
    because a loaded two-core machine takes well over 20 s to import the server."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.2)
    return None


def make_deskguard(settings: Settings, clock: Clock) -> Deskguard:
    runtime = build_runtime(settings, clock=clock)
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    keys = {
        role: {"Authorization": f"Bearer {create_key(runtime.db, role)[1]}"}
        for role in ("helpdesk", "security", "auditor", "admin")
    }
    return Deskguard(client, runtime, clock, keys, settings)


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo tenant's git repositories are built once per session."""
    return tmp_path_factory.mktemp("deskguard")


@pytest.fixture
def dg(demo_data_dir: Path, tmp_path: Path) -> Iterator[Deskguard]:
    yield deskguard_on(demo_data_dir, tmp_path / "test.db")


@pytest.fixture
def pg_url() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(
            "host=127.0.0.1 user=postgres dbname=postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL on 127.0.0.1: {exc}")
    name = f"deskguard_test_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()
