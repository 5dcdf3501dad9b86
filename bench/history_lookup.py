"""The recent-history lookup (api/storage.py `recent_for_employee`, run by every start and
answer) with 10 and 100 earlier verifications of one employee in the last 24 hours.

    .venv/bin/python -m bench.history_lookup [--runs 200]

A real verification of a demo employee is started through the service, then stored again
under new ids until the employee has N verifications (and 500 rows of another employee around
them). The copies ask about the same facts, as an employee's verifications within a day do once
the rotation has used up their context: what grows is the number of verifications. Prints the
median lookup time beside the whole-row read it replaced (every column, every JSON record
validated), with os.cpu_count(). SQLite in a scratch directory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from api.runtime import build_runtime
from api.schemas import VerificationCreate
from api.service import RECENT, VerificationService
from api.settings import LimitSettings, Settings
from api.storage import Database, VerificationRow


def copies(db: Database, row: VerificationRow, n: int, *, employee: str | None = None) -> None:
    columns = [c.key for c in VerificationRow.__table__.columns]
    with db.session() as session, session.begin():
        for _ in range(n):
            copy = VerificationRow(**{c: getattr(row, c) for c in columns})
            copy.id = f"ver_{uuid.uuid4().hex[:24]}"
            copy.employee = employee or row.employee
            session.add(copy)
            session.add_all(copy.asked_facts())


def whole_rows(db: Database, upn: str, since: object) -> list[VerificationRow]:
    """The lookup as it was: every column of every row, every JSON record validated."""
    query = select(VerificationRow).where(
        VerificationRow.employee == upn, VerificationRow.created_at >= since
    )
    with db.session() as session:
        return list(session.scalars(query))


def median_ms(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="lookups per figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deskguard-history-") as scratch:
        data = Path(scratch)
        settings = Settings(  # type: ignore[call-arg]
            data_dir=data,
            database_url=f"sqlite:///{data / 'bench.db'}",
            limits=LimitSettings(starts_per_employee=0, starts_per_agent=0),
        )
        rt = build_runtime(settings)
        upn = next(e.upn for e in asyncio.run(rt.directory.list_employees()) if e.role)
        body = VerificationCreate(employee=upn, action="password_reset")
        first = asyncio.run(VerificationService(rt).start(body, actor="bench"))
        row = rt.db.get_verification(first.id)
        assert row is not None
        copies(rt.db, row, 500, employee="someone.else@bench.example")
        since = row.created_at - RECENT + timedelta(minutes=1)
        print(f"cores: {os.cpu_count()}; median of {args.runs} lookups; SQLite")
        have = 1
        for total in (10, 100):
            copies(rt.db, row, total - have)
            have = total
            now = median_ms(lambda: rt.db.recent_for_employee(upn, since=since), args.runs)
            before = median_ms(lambda: whole_rows(rt.db, upn, since), args.runs)
            print(
                f"  {total:>3} earlier verifications: recent_for_employee {now:6.2f} ms"
                f"   (whole rows, as before: {before:6.2f} ms)"
            )


if __name__ == "__main__":
    main()
