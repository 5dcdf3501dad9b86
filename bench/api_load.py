"""Two `deskguard serve` replicas on one PostgreSQL database under concurrent verification flows.

    .venv/bin/python -m bench.api_load [--flows 50] [--seconds 60] [--max-flows 5000]

Loopback only: a fresh database on the PostgreSQL server at 127.0.0.1:5432 (dropped at the
end), two servers on 127.0.0.1 sharing it and the data directory (so the same signing keys).
Each flow starts a verification on one replica, reads the expected answers with a security key,
then submits the genuine answers to BOTH replicas at once: exactly one submission must be
graded (200), the other refused (409). Bounded by --seconds and --max-flows.

Prints flows/s and p50/p95 per step with os.cpu_count(), then the checks: 0 errors, the audit
chain intact, every verification graded exactly once, and a start limit shared by the replicas
(starts for one ticket alternate between them until the limit answers 429). Not run in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
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
from pathlib import Path
from typing import Any

import httpx
import psycopg

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
TICKET_LIMIT = 6
DESKGUARD = str(Path(sys.executable).parent / "deskguard")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def database() -> Iterator[str]:
    name = f"deskguard_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def environment(url: str, data_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DESKGUARD_DATABASE_URL": url,
        "DESKGUARD_DATA_DIR": data_dir,
        "DESKGUARD_LOG_LEVEL": "WARNING",
        # The flows are 50 agents on a few hundred demo employees: only the ticket limit is
        # exercised (the shared-limit check); the others would refuse legitimate load.
        "DESKGUARD_LIMITS__STARTS_PER_EMPLOYEE": "0",
        "DESKGUARD_LIMITS__STARTS_PER_AGENT": "0",
        "DESKGUARD_LIMITS__STARTS_PER_TICKET": str(TICKET_LIMIT),
    }


def key(env: dict[str, str], role: str) -> str:
    out = subprocess.run(
        [DESKGUARD, "keys", "create", "--role", role, "--name", f"bench {role}"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip()


async def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        for _ in range(240):
            if process.poll() is not None:
                raise SystemExit(f"deskguard serve exited with {process.returncode}")
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    raise SystemExit(f"{base} never became ready")


class Load:
    def __init__(self, bases: list[str], keys: dict[str, str], upns: list[str]) -> None:
        self.bases, self.upns = bases, upns
        self.headers = {role: {"Authorization": f"Bearer {k}"} for role, k in keys.items()}
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.flows = 0

    async def timed(self, step: str, call: Any) -> httpx.Response:
        started = time.perf_counter()
        response: httpx.Response = await call
        self.times[step].append(time.perf_counter() - started)
        return response

    async def flow(self, clients: list[httpx.AsyncClient]) -> None:
        one, other = random.sample(clients, 2)  # start on one replica, read on the other
        body = {
            "employee": random.choice(self.upns),
            "action": "password_reset",
            "ticket": {"system": "bench", "id": uuid.uuid4().hex[:12]},
        }
        started = await self.timed(
            "start", one.post("/v1/verifications", json=body, headers=self.headers["helpdesk"])
        )
        if started.status_code != 201:
            self.errors.append(f"start {started.status_code}: {started.text[:200]}")
            return
        vid = started.json()["id"]
        self.ids.append(vid)
        if started.json()["status"] == "decided":
            self.flows += 1
            return
        truth = await self.timed(
            "read", other.get(f"/v1/verifications/{vid}", headers=self.headers["security"])
        )
        answers = {
            "answers": [
                {"question_id": q["id"], "response": q["expected"]}
                for q in truth.json()["question_details"]
            ]
        }
        path = f"/v1/verifications/{vid}/answers"
        both = await self.timed(
            "answer",
            asyncio.gather(
                *(
                    c.post(path, json=answers, headers=self.headers["helpdesk"])
                    for c in (one, other)
                )
            ),
        )
        codes = sorted(r.status_code for r in both)
        if codes != [200, 409]:
            self.errors.append(f"double submission gave {codes}")
        self.flows += 1

    async def worker(self, deadline: float, max_flows: int) -> None:
        limits = httpx.Limits(max_connections=4)
        clients = [httpx.AsyncClient(base_url=b, timeout=60, limits=limits) for b in self.bases]
        try:
            while time.perf_counter() < deadline and len(self.ids) < max_flows:
                try:
                    await self.flow(clients)
                except httpx.HTTPError as exc:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            for client in clients:
                await client.aclose()


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def graded_once(url: str, ids: list[str]) -> tuple[int, int]:
    """(verifications decided exactly once, verifications decided any other number of times)"""
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        rows = conn.execute(
            "SELECT verification_id, count(*) FROM audit WHERE event = 'verification.decided' "
            "GROUP BY verification_id"
        ).fetchall()
    decided = {vid: n for vid, n in rows}
    once = sum(1 for vid in ids if decided.get(vid) == 1)
    return once, len(ids) - once


async def shared_limit(bases: list[str], helpdesk: dict[str, str], upns: list[str]) -> list[int]:
    """Starts for one ticket, alternating replicas, until the limit (counted in the shared
    database) answers 429."""
    codes = []
    ticket = {"system": "bench", "id": "SHARED-LIMIT"}
    async with httpx.AsyncClient(timeout=60) as client:
        for n in range(TICKET_LIMIT + 2):
            body = {"employee": upns[0], "action": "password_reset", "ticket": ticket}
            response = await client.post(
                f"{bases[n % 2]}/v1/verifications", json=body, headers=helpdesk
            )
            codes.append(response.status_code)
    return codes


async def run(args: argparse.Namespace, url: str, data_dir: str) -> int:
    env = environment(url, data_dir)
    subprocess.run([DESKGUARD, "db", "upgrade"], env=env, check=True, capture_output=True)
    keys = {role: key(env, role) for role in ("helpdesk", "security", "auditor")}
    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    servers: list[subprocess.Popen[bytes]] = []
    try:
        for port, base in zip(ports, bases, strict=True):
            command = [DESKGUARD, "serve", "--port", str(port), "--no-migrate"]
            servers.append(subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL))
            await wait_ready(base, servers[-1])
        upns = employees(env)
        load = Load(bases, keys, upns)
        started = time.perf_counter()
        deadline = started + args.seconds
        await asyncio.gather(*(load.worker(deadline, args.max_flows) for _ in range(args.flows)))
        elapsed = time.perf_counter() - started
        report(load, elapsed, args)
        return await checks(load, url, bases, keys, upns)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def employees(env: dict[str, str]) -> list[str]:
    """The demo tenant's employees with enough context to be asked (as the replicas see them)."""
    out = subprocess.run(
        [DESKGUARD, "context", "employees", "--json"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [row["employee"] for row in json.loads(out.stdout)["employees"] if not row["thin"]]


def report(load: Load, elapsed: float, args: argparse.Namespace) -> None:
    print(f"cores: {os.cpu_count()}; replicas: 2; concurrent flows: {args.flows}")
    print(f"flows: {load.flows} in {elapsed:.1f} s = {load.flows / elapsed:.2f} flows/s")
    for step in ("start", "read", "answer"):
        values = load.times.get(step, [])
        if values:
            p50, p95 = percentile(values, 50), percentile(values, 95)
            print(
                f"  {step:<7} n={len(values):<5} p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms"
            )


async def checks(
    load: Load, url: str, bases: list[str], keys: dict[str, str], upns: list[str]
) -> int:
    helpdesk = {"Authorization": f"Bearer {keys['helpdesk']}"}
    auditor = {"Authorization": f"Bearer {keys['auditor']}"}
    async with httpx.AsyncClient(timeout=120) as client:
        intact = (await client.get(f"{bases[1]}/v1/audit", headers=auditor)).json()["intact"]
    once, other = graded_once(url, load.ids)
    codes = await shared_limit(bases, helpdesk, upns)
    limit_ok = codes == [201] * TICKET_LIMIT + [429, 429]
    print(f"errors: {len(load.errors)}" + (f" (first: {load.errors[0]})" if load.errors else ""))
    print(f"audit chain intact: {intact}")
    print(f"graded exactly once: {once} of {len(load.ids)} ({other} not)")
    print(f"ticket limit {TICKET_LIMIT} shared by both replicas: {limit_ok} {codes}")
    return 0 if not load.errors and intact and other == 0 and limit_ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=50, help="concurrent flows")
    parser.add_argument("--seconds", type=float, default=60, help="how long to run (bounded)")
    parser.add_argument("--max-flows", type=int, default=5000, help="stop after this many")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 600)
    with database() as url, tempfile.TemporaryDirectory() as data_dir:
        raise SystemExit(asyncio.run(run(args, url, data_dir)))


if __name__ == "__main__":
    main()
