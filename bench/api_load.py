"""Verification flows against `deskguard serve` with 1 and 2 workers at 1, 8 and 32 concurrent
clients, over a large synthetic organisation.

    .venv/bin/python -m bench.api_load [--database postgresql|sqlite] [--seconds 20]
        [--employees 3000] [--workers 1,2] [--concurrency 1,8,32] [--baseline DIR]

Loopback only. Each run (workers x concurrency) gets a fresh database (on the PostgreSQL server
at 127.0.0.1:5432, dropped after; or a SQLite file in WAL mode) and a fresh data directory, and
a server (bench/synthetic_tenant.py: `deskguard serve`'s app over `build_org(seed, now, size)`,
the organisation `deskguard eval` uses) with the start limits per employee and per agent off
(one help-desk key runs every flow). Every flow takes the next employee of a shuffled roster,
so no employee is asked twice in a run and the 24 h rotation never thins a set: the flows that
do not reach questions are those the policy escalates at start (too little context).

A flow starts a verification, reads the expected answers with a security key, then submits the
genuine answers twice at once: exactly one submission must be graded (200), the other refused
(409). Prints, with os.cpu_count(), per run: flows/s, how many reached questions, the server's
CPU per flow (user + system of the server and its workers, /proc), and p50/p95/p99 per step;
then the checks (no errors, every verification graded exactly once, the audit chain intact).

`--baseline DIR` (an export of another commit, e.g. `git archive main | tar -x -C DIR`) runs
every configuration on that code too, alternating, so before and after come from the same
machine under the same load; this checkout's bench/synthetic_tenant.py and api/serving.py (the
uvicorn call `deskguard serve` makes) are copied into DIR for it. Not run in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
STEPS = ("start", "read", "answer")
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def database(kind: str, scratch: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{scratch / 'bench.db'}"
        return
    import psycopg

    name = f"deskguard_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


@dataclass
class Tenant:
    employees: int
    seed: int
    now: datetime
    roster: list[str] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        return {
            "BENCH_EMPLOYEES": str(self.employees),
            "BENCH_SEED": str(self.seed),
            "BENCH_NOW": self.now.isoformat(),
        }


def prepare(
    source: Path, url: str, data_dir: Path, tenant: Tenant
) -> tuple[dict[str, str], dict[str, str]]:
    """(the server's environment, an API key per role), with the schema upgraded, in a child
    process running `source`'s code."""
    env = {
        **os.environ,
        **tenant.env(),
        "DESKGUARD_DATABASE_URL": url,
        "DESKGUARD_DATA_DIR": str(data_dir),
        "DESKGUARD_LOG_LEVEL": "WARNING",
        "DESKGUARD_LIMITS__STARTS_PER_EMPLOYEE": "0",
        "DESKGUARD_LIMITS__STARTS_PER_AGENT": "0",
    }
    env.pop("PYTHONPATH", None)
    script = (
        "import sys\nfrom api.storage import Database\nfrom api.auth import create_key\n"
        "db = Database(sys.argv[1]).upgrade()\n"
        "for role in ('helpdesk', 'security', 'auditor'):\n"
        "    print(role, create_key(db, role)[1])\n"
    )
    out = run_in_source(script, url, source, env)
    keys = dict(line.split(" ", 1) for line in out.split("\n") if line)
    return env, keys


def run_in_source(script: str, url: str, source: Path, env: dict[str, str]) -> str:
    """What `script` prints, run by a child Python in `source` (that tree's code, not this
    one's) with the database `url` as its argument."""
    done = subprocess.run(
        [sys.executable, "-c", script, url],
        cwd=source,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of `pid` and its living descendants."""
    parents: dict[int, list[int]] = defaultdict(list)
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(fields[1])].append(int(entry.name))
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICK
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo += parents.get(current, [])
    return total


class Load:
    def __init__(self, base: str, keys: dict[str, str], roster: list[str]) -> None:
        self.base = base
        self.headers = {role: {"Authorization": f"Bearer {k}"} for role, k in keys.items()}
        self.roster = iter(roster)
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.flows = self.asked = 0

    async def timed(self, step: str, call: Any) -> Any:
        started = time.perf_counter()
        response = await call
        self.times[step].append(time.perf_counter() - started)
        return response

    async def flow(self, client: httpx.AsyncClient, upn: str) -> None:
        body = {
            "employee": upn,
            "action": "password_reset",
            "ticket": {"system": "bench", "id": uuid.uuid4().hex[:12]},
        }
        helpdesk = self.headers["helpdesk"]
        started = await self.timed(
            "start", client.post("/v1/verifications", json=body, headers=helpdesk)
        )
        if started.status_code != 201:
            self.errors.append(f"start {started.status_code}: {started.text[:200]}")
            return
        vid = started.json()["id"]
        self.ids.append(vid)
        self.flows += 1
        if started.json()["status"] == "decided":  # escalated at start: nothing to ask
            return
        self.asked += 1
        path = f"/v1/verifications/{vid}"
        truth = await self.timed("read", client.get(path, headers=self.headers["security"]))
        details = truth.json()["question_details"]
        answers = {
            "answers": [{"question_id": q["id"], "response": q["expected"]} for q in details]
        }
        both = await self.timed(
            "answer",
            asyncio.gather(
                *(client.post(f"{path}/answers", json=answers, headers=helpdesk) for _ in (1, 2))
            ),
        )
        codes = sorted(r.status_code for r in both)
        if codes != [200, 409]:
            self.errors.append(f"double submission gave {codes}")

    async def client(self, deadline: float) -> None:
        async with httpx.AsyncClient(base_url=self.base, timeout=120) as client:
            while time.perf_counter() < deadline:
                upn = next(self.roster, None)
                if upn is None:
                    self.errors.append("the roster ran out: use more --employees")
                    return
                try:
                    await self.flow(client, upn)
                except httpx.HTTPError as exc:
                    self.errors.append(f"{type(exc).__name__}: {exc}")


async def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        for _ in range(600):
            if server.poll() is not None:
                raise SystemExit(f"the bench server exited with {server.returncode}")
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"{base} never became ready")


@dataclass
class Result:
    code: str
    workers: int
    concurrency: int
    load: Load
    elapsed: float
    cpu: float
    graded_once: bool
    intact: bool


async def one_run(
    args: argparse.Namespace,
    code: str,
    source: Path,
    workers: int,
    concurrency: int,
    tenant: Tenant,
) -> Result:
    with (
        tempfile.TemporaryDirectory(prefix="deskguard-load-") as scratch,
        database(args.database, Path(scratch)) as url,
    ):
        env, keys = prepare(source, url, Path(scratch) / "data", tenant)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [
            sys.executable,
            "-m",
            "bench.synthetic_tenant",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
        server = subprocess.Popen(command, cwd=source, env=env, stderr=subprocess.DEVNULL)
        try:
            await wait_ready(base, server)
            await asyncio.sleep(1)  # every worker up (the first answers /readyz first)
            roster = random.Random(concurrency * 10 + workers).sample(
                tenant.roster, len(tenant.roster)
            )
            load = Load(base, keys, roster)
            cpu = tree_cpu(server.pid)
            started = time.perf_counter()
            deadline = started + args.seconds
            await asyncio.gather(*(load.client(deadline) for _ in range(concurrency)))
            elapsed = time.perf_counter() - started
            cpu = tree_cpu(server.pid) - cpu
            async with httpx.AsyncClient(base_url=base, timeout=300) as client:
                auditor = {"Authorization": f"Bearer {keys['auditor']}"}
                intact = await audit_intact(client, auditor)
            once = graded_once(source, env, url, load.ids)
        finally:
            server.terminate()
            server.wait(timeout=60)
    return Result(code, workers, concurrency, load, elapsed, cpu, once, intact)


async def audit_intact(client: httpx.AsyncClient, auditor: dict[str, str]) -> bool:
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/audit", headers=auditor, params=params)).json()
        if not page["intact"]:
            return False
        cursor = page["next_cursor"]
        if cursor is None:
            return True


def graded_once(source: Path, env: dict[str, str], url: str, ids: list[str]) -> bool:
    """Every verification of the run has exactly one decision record (asked or not)."""
    script = (
        "import sys, collections\nfrom sqlalchemy import select\n"
        "from api.storage import AuditRow, Database\n"
        "db = Database(sys.argv[1])\n"
        "with db.session() as s:\n"
        "    ids = s.scalars(select(AuditRow.verification_id)"
        ".where(AuditRow.event == 'verification.decided')).all()\n"
        "print('\\n'.join(f'{k} {v}' for k, v in collections.Counter(ids).items()))\n"
    )
    out = run_in_source(script, url, source, env)
    counts = dict(line.split(" ") for line in out.split("\n") if line)
    return all(counts.get(vid) == "1" for vid in ids)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def report(r: Result) -> None:
    load = r.load
    print(
        f"{r.code:<9} workers {r.workers}  concurrency {r.concurrency:>2}: "
        f"{load.flows / r.elapsed:6.2f} flows/s ({load.flows} in {r.elapsed:.1f} s; "
        f"{load.asked} reached questions), "
        f"server CPU {1000 * r.cpu / max(load.flows, 1):.1f} ms/flow"
    )
    for step in STEPS:
        values = load.times.get(step, [])
        if values:
            p50, p95, p99 = (1000 * percentile(values, q) for q in (50, 95, 99))
            print(
                f"    {step:<7} n={len(values):<5} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                f"p99 {p99:7.1f} ms"
            )
    first = f" (first: {load.errors[0]})" if load.errors else ""
    print(
        f"    errors {len(load.errors)}{first}; graded exactly once: {r.graded_once}; "
        f"audit chain intact: {r.intact}",
        flush=True,
    )


def baseline_copy(directory: Path) -> Path:
    """DIR with this checkout's tenant launcher and uvicorn call copied in."""
    for relative in ("bench/synthetic_tenant.py", "api/serving.py"):
        shutil.copy(HERE / relative, directory / relative)
    return directory.resolve()


def roster(tenant: Tenant) -> list[str]:
    from context.demo import build_org

    org = build_org(seed=tenant.seed, now=tenant.now, size=tenant.employees)
    return [e.upn for e in org.employees]


async def run(args: argparse.Namespace) -> int:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    tenant = Tenant(args.employees, args.seed, now)
    tenant.roster = roster(tenant)
    sources = [("this", HERE)] + (
        [("baseline", baseline_copy(args.baseline))] if args.baseline else []
    )
    print(
        f"cores: {os.cpu_count()}; database: {args.database}; synthetic organisation of "
        f"{args.employees} employees (seed {args.seed}); {args.seconds:g} s per run",
        flush=True,
    )
    results = []
    for workers in args.workers:
        for concurrency in args.concurrency:
            for code, source in sources:
                result = await one_run(args, code, source, workers, concurrency, tenant)
                report(result)
                results.append(result)
    bad = [r for r in results if r.load.errors or not r.graded_once or not r.intact]
    return 1 if bad else 0


def numbers(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of whole numbers >= 1")
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--seconds", type=float, default=20, help="per run (bounded: 300)")
    parser.add_argument("--employees", type=int, default=3000, help="synthetic organisation size")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=numbers, default=[1, 2])
    parser.add_argument("--concurrency", type=numbers, default=[1, 8, 32])
    parser.add_argument("--baseline", type=Path, help="another checkout to run alongside")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 300)
    raise SystemExit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
