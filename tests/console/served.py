"""`deskguard serve` started as a newcomer would: its own data directory, a free loopback
port, a help-desk key from `deskguard keys create`; the URL is the one serve prints."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.auth import create_key
from api.storage import Database

BIN = Path(sys.executable).parent
CONSOLE_URL = re.compile(r"console: (http://\S+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("DESKGUARD_")}
    return {
        **keep,
        "DESKGUARD_DATA_DIR": str(data_dir),
        "DESKGUARD_CONNECTORS": "demo",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        **extra,
    }


def cli(data_dir: Path, *args: str, extra: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(BIN / "deskguard"), *args],
        env=_env(data_dir, extra or {}),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


@dataclass
class Served:
    console: str  # the console URL serve printed
    base: str
    data_dir: Path
    process: subprocess.Popen[str]
    keys: dict[str, str] = field(default_factory=dict)

    def api(self, method: str, path: str, role: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.keys[role]}"}
        return httpx.request(method, self.base + path, headers=headers, timeout=60, **kwargs)

    def truth(self, verification_id: str) -> dict[str, Any]:
        """What only the security role sees: the expected answers (to play the genuine caller)."""
        response = self.api("GET", f"/v1/verifications/{verification_id}", "security")
        response.raise_for_status()
        return dict(response.json())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start(data_dir: Path, extra: dict[str, str] | None = None) -> Served:
    """Starts serve (returns at once); `ready` waits for it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (data_dir / "serve.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "deskguard"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(data_dir, extra or {}),
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    return Served(console="", base=base, data_dir=data_dir, process=process)


def ready(served: Served, timeout: float = 120) -> Served:
    deadline = time.monotonic() + timeout
    log = served.data_dir / "serve.log"
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"deskguard serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(served.base + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    else:
        raise RuntimeError(f"deskguard serve did not answer in {timeout} s: {log.read_text()}")
    printed = CONSOLE_URL.search(log.read_text())
    assert printed, f"serve did not print the console URL: {log.read_text()}"
    served.console = printed.group(1)
    return served


def add_keys(served: Served) -> None:
    """The help-desk key as the README says (the CLI); the other roles directly."""
    served.keys["helpdesk"] = cli(served.data_dir, "keys", "create", "--role", "helpdesk").strip()
    db = Database(f"sqlite:///{served.data_dir / 'deskguard.db'}")
    for role in ("security", "auditor", "admin"):
        served.keys[role] = create_key(db, role)[1]
    db.engine.dispose()


def employees(served: Served) -> list[dict[str, Any]]:
    out = json.loads(cli(served.data_dir, "context", "employees", "--json"))
    return list(out["employees"])
