"""How fast the `deskguard` command starts: `deskguard --help`, and `deskguard serve` until
/readyz answers 200.

    .venv/bin/python -m bench.cli_startup [--runs 10] [--serve-runs 5] [--baseline DIR]

Each run is a fresh process (wall time, what a person at a terminal waits for), running the
console script's entry point (`api.cli:main`) with this checkout's code. `--baseline DIR` (a
checkout of another commit, e.g. `git archive main | tar -x -C DIR`) measures that code too,
runs alternating, so both figures come from the same machine under the same load. `serve`
runs on a scratch data directory on 127.0.0.1, migrated once beforehand, so each run measures
start-up with the migration check, not the first migration; the first `db upgrade` also writes
the bytecode caches, as an installed copy has them. Prints medians (min, max) with
os.cpu_count().
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent.parent
ENTRY = [sys.executable, "-c", "from api.cli import main; main()"]


@dataclass
class Variant:
    name: str
    source: Path  # the checkout whose code runs (the working directory comes first on sys.path)
    env: dict[str, str]
    helps: list[float] = field(default_factory=list)
    serves: list[float] = field(default_factory=list)

    def run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [*ENTRY, *args], cwd=self.source, env=self.env, check=True, capture_output=True
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def help_time(variant: Variant) -> float:
    started = time.perf_counter()
    variant.run("--help")
    return time.perf_counter() - started


def serve_time(variant: Variant) -> float:
    """Seconds from spawning `deskguard serve` to the first 200 from /readyz."""
    port = free_port()
    command = [*ENTRY, "serve", "--port", str(port)]
    started = time.perf_counter()
    server = subprocess.Popen(
        command, cwd=variant.source, env=variant.env, stderr=subprocess.DEVNULL
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            while time.perf_counter() - started < 60:
                if server.poll() is not None:
                    raise SystemExit(f"deskguard serve exited with {server.returncode}")
                try:
                    if client.get("/readyz").status_code == 200:
                        return time.perf_counter() - started
                except httpx.HTTPError:
                    pass
                time.sleep(0.01)
        raise SystemExit("deskguard serve never became ready")
    finally:
        server.terminate()
        server.wait(timeout=30)


def line(name: str, values: list[float]) -> str:
    median = statistics.median(values)
    return (
        f"  {name:<28} median {median:6.3f} s  min {min(values):6.3f}  max {max(values):6.3f}"
        f"  (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of deskguard --help")
    parser.add_argument("--serve-runs", type=int, default=5, help="runs of deskguard serve")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alongside")
    args = parser.parse_args()
    sources = [("this checkout", HERE)] + ([("baseline", args.baseline)] if args.baseline else [])
    with tempfile.TemporaryDirectory(prefix="deskguard-startup-") as scratch:
        variants = []
        for n, (name, source) in enumerate(sources):
            env = {
                **os.environ,
                "DESKGUARD_DATA_DIR": str(Path(scratch) / str(n)),
                "DESKGUARD_LOG_LEVEL": "WARNING",
            }
            env.pop("DESKGUARD_DATABASE_URL", None)
            env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once, then cached
            variants.append(Variant(name, source.resolve(), env))
            variants[-1].run("db", "upgrade")
        for _ in range(max(1, args.runs)):
            for v in variants:
                v.helps.append(help_time(v))
        for _ in range(max(1, args.serve_runs)):
            for v in variants:
                v.serves.append(serve_time(v))
    print(f"cores: {os.cpu_count()}")
    for v in variants:
        print(line(f"deskguard --help ({v.name})", v.helps))
    for v in variants:
        print(line(f"serve to /readyz ({v.name})", v.serves))


if __name__ == "__main__":
    main()
