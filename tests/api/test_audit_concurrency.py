"""Appends from several replicas at once never fork the chain (PostgreSQL and SQLite)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from api.audit import AuditLog
from api.audit_checks import Checkpoints, verify_log
from api.signing import KeyRing
from api.storage import AuditRow, Database

KEY = b"k" * 32
REPLICAS, APPENDS = 4, 15


def now() -> datetime:
    return datetime.now(UTC)


def replicas(url: str, tmp_path: Path) -> list[tuple[AuditLog, Checkpoints]]:
    """Each replica has its own engine and pool, as separate processes would."""
    ring = KeyRing.open(tmp_path, None, clock=now)
    out = []
    for _ in range(REPLICAS):
        checkpoints = Checkpoints(ring, issuer="deskguard", every=10, clock=now)
        log = AuditLog(
            Database(url).upgrade(), key=KEY, clock=now, on_append=checkpoints.after_append
        )
        out.append((log, checkpoints))
    return out


def hammer(logs: list[tuple[AuditLog, Checkpoints]]) -> None:
    def work(index: int) -> Callable[[], None]:
        log = logs[index % REPLICAS][0]
        return lambda: [
            log.append(actor=f"r{index}", event="test", verification_id=None, detail={"n": n})
            for n in range(APPENDS)
        ]

    with ThreadPoolExecutor(REPLICAS) as pool:
        for future in [pool.submit(work(i)) for i in range(REPLICAS)]:
            future.result()


def assert_one_unforked_chain(logs: list[tuple[AuditLog, Checkpoints]]) -> None:
    log, checkpoints = logs[0]
    with log.db.session() as session:
        count = session.scalar(select(func.count()).select_from(AuditRow))
    assert count == REPLICAS * APPENDS
    report = verify_log(log, checkpoints)
    assert report.intact, report.problems
    assert report.head is not None and report.head.seq == REPLICAS * APPENDS
    assert report.checkpoints_checked == REPLICAS * APPENDS // 10


def test_concurrent_appends_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    logs = replicas(pg_url, tmp_path)
    hammer(logs)
    assert_one_unforked_chain(logs)


def test_concurrent_appends_on_sqlite(tmp_path: Path) -> None:
    logs = replicas(f"sqlite:///{tmp_path / 'audit.db'}", tmp_path)
    hammer(logs)
    assert_one_unforked_chain(logs)
