"""A verification's own server CPU on the demo tenant: create + detail + answer, through HTTP
and in process.

    .venv/bin/python -m bench.verification_cpu [--passes 3] [--baseline DIR]

Each pass runs one flow per demo employee on a fresh SQLite database (so the 24 h rotation
never thins a set), genuine answers, one at a time; the first flow of a pass warms up and is
not counted. In process: `VerificationService.start`, `.get` and `.submit` called directly,
`time.process_time()` around them. Through HTTP: `deskguard serve`'s app under uvicorn in a
child process, CPU (user + system, /proc) of that process over the counted flows. Sources and
model are the demo tenant's (in memory; templates, no model). Prints ms per flow (mean over
the counted flows, and the median of the passes) with os.cpu_count(). `--baseline DIR` (an
export of another commit) runs this file's code on DIR's too, alternating. Not run in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
LIMITS_OFF = {
    "DESKGUARD_LIMITS__STARTS_PER_EMPLOYEE": "0",
    "DESKGUARD_LIMITS__STARTS_PER_AGENT": "0",
}


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


async def in_process_pass(data_dir: Path, scratch: Path) -> list[float]:
    from api.runtime import build_runtime
    from api.schemas import AnswersSubmit, VerificationCreate
    from api.service import VerificationService
    from api.settings import Settings

    limits = {"starts_per_employee": 0, "starts_per_agent": 0}
    url = f"sqlite:///{scratch / 'in.db'}"
    settings = Settings(data_dir=data_dir, database_url=url, limits=limits)
    runtime = build_runtime(settings)
    service = VerificationService(runtime)
    spent = []
    for employee in await runtime.directory.list_employees():
        started = time.process_time()
        row = await service.start(
            VerificationCreate(employee=employee.upn, action="password_reset"), actor="bench"
        )
        if row.status == "pending":
            detail = service.get(row.id)
            answers = [{"question_id": q.id, "response": q.expected} for q in detail.questions]
            await service.submit(
                row.id, AnswersSubmit.model_validate({"answers": answers}), actor="bench"
            )
        spent.append(time.process_time() - started)
    return spent[1:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_pass(data_dir: Path, scratch: Path) -> list[float]:
    env = {
        **os.environ,
        **LIMITS_OFF,
        "DESKGUARD_DATA_DIR": str(data_dir),
        "DESKGUARD_DATABASE_URL": f"sqlite:///{scratch / 'http.db'}",
        "DESKGUARD_LOG_LEVEL": "WARNING",
    }
    script = (
        "from api.auth import create_key\nfrom api.storage import Database\n"
        "import os\ndb = Database(os.environ['DESKGUARD_DATABASE_URL']).upgrade()\n"
        "print(create_key(db, 'helpdesk')[1]); print(create_key(db, 'security')[1])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    helpdesk, security = ({"Authorization": f"Bearer {k}"} for k in out.stdout.split())
    port = free_port()
    serve = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--no-migrate",
    ]
    server = subprocess.Popen(serve, env=env, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            ready(client, server)
            upns = [r["employee"] for r in employees(env)]
            spent = []
            for upn in upns:
                before = process_cpu(server.pid)
                flow(client, upn, helpdesk, security)
                spent.append(process_cpu(server.pid) - before)
        return spent[1:]
    finally:
        server.terminate()
        server.wait(timeout=30)


def employees(env: dict[str, str]) -> list[dict[str, Any]]:
    import json

    command = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        "context",
        "employees",
        "--json",
    ]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return list(json.loads(out.stdout)["employees"])


def ready(client: httpx.Client, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"deskguard serve exited with {server.returncode}")
        try:
            if client.get("/readyz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("deskguard serve never became ready")


def flow(
    client: httpx.Client, upn: str, helpdesk: dict[str, str], security: dict[str, str]
) -> None:
    started = client.post(
        "/v1/verifications", json={"employee": upn, "action": "password_reset"}, headers=helpdesk
    )
    started.raise_for_status()
    vid = started.json()["id"]
    if started.json()["status"] != "pending":
        return
    truth = client.get(f"/v1/verifications/{vid}", headers=security).json()
    answers = [
        {"question_id": q["id"], "response": q["expected"]} for q in truth["question_details"]
    ]
    client.post(
        f"/v1/verifications/{vid}/answers", json={"answers": answers}, headers=helpdesk
    ).raise_for_status()


def measure(passes: int) -> dict[str, list[float]]:
    """ms per counted flow of each pass, by mode."""
    out: dict[str, list[float]] = {"http": [], "in process": []}
    with tempfile.TemporaryDirectory(prefix="deskguard-cpu-") as root:
        data_dir = Path(root) / "data"
        for n in range(passes):
            scratch = Path(root) / str(n)
            scratch.mkdir()
            spent = http_pass(data_dir, scratch)
            out["http"].append(1000 * sum(spent) / len(spent))
            spent = asyncio.run(in_process_pass(data_dir, scratch))
            out["in process"].append(1000 * sum(spent) / len(spent))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one pass's numbers
    args = parser.parse_args()
    if args.json:
        import json

        print(json.dumps(measure(args.passes)))
        return
    codes = [("this checkout", HERE)]
    if args.baseline:
        shutil.copy(HERE / "bench/verification_cpu.py", args.baseline / "bench/verification_cpu.py")
        codes.append(("baseline", args.baseline.resolve()))
    results: dict[str, dict[str, list[float]]] = {
        name: {"http": [], "in process": []} for name, _ in codes
    }
    for _ in range(max(1, args.passes)):  # alternating: same machine, same load
        for name, source in codes:
            command = [sys.executable, "-m", "bench.verification_cpu", "--json", "--passes", "1"]
            out = subprocess.run(command, cwd=source, check=True, capture_output=True, text=True)
            import json

            for mode, values in json.loads(out.stdout).items():
                results[name][mode] += values
    print(
        f"cores: {os.cpu_count()}; demo tenant, SQLite, one flow at a time "
        "(create + detail + answer)"
    )
    for name, _ in codes:
        for mode, values in results[name].items():
            print(
                f"  {name:<14} {mode:<10} median {statistics.median(values):6.1f} ms/flow  "
                f"(passes: {', '.join(f'{v:.1f}' for v in values)})"
            )


if __name__ == "__main__":
    main()
