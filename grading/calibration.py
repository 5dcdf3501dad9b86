"""Calibrating the LLM judge on labelled band answers, and the trust that follows from it.

`deskguard judge calibrate` grades grading/data/judge_calibration.jsonl (answers that all fall in
the cascade's uncertain band: genuine paraphrases and partial recall, near misses naming another
thing) with the configured judge followed fully, and records per model and prompt file:
agreement with the labels, false accepts, and how many genuine answers the judge did not fail
("rescued"). The service and `deskguard grade` then follow the judge only in the directions
its record supports (grading/trust.py); without a record the judge is not used.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from grading.cascade import Judge, grade
from grading.models import Grade, GradeRequest, Verdict
from grading.trust import JudgeTrust

CALIBRATION_SET = Path(__file__).parent / "data" / "judge_calibration.jsonl"
CALIBRATION_FILE = "judge-calibration.json"  # in the data dir
ACCEPT_MAX_FALSE_ACCEPTS = 0  # one impostor let through is one too many
REJECT_MIN_RESCUE = 0.8  # a judge that fails more genuine band answers may not lower any
MAX_ERROR_SHARE = 0.1  # time-outs and invalid replies: an unreliable judge is followed nowhere


class TrustedJudge(Judge, Protocol):
    trust: JudgeTrust


class CalibrationReport(BaseModel):
    key: str  # model|prompt@vN|prompt sha256
    at: datetime
    items: int
    agreement: float  # verdict == label
    false_accepts: int  # labelled partial/incorrect, judged correct
    wrong_items: int
    genuine: int  # labelled correct or partial
    rescued: int  # of those, not judged incorrect
    rescue_rate: float
    errors: int  # the judge failed or timed out
    seconds: float
    trust: JudgeTrust
    misses: list[str] = Field(default_factory=list)  # "id: label -> verdict"


class CalibrationFile(BaseModel):
    records: dict[str, CalibrationReport] = Field(default_factory=dict)


def _load_set(path: Path) -> list[GradeRequest]:
    lines = path.read_text("utf-8").splitlines()
    return [GradeRequest.model_validate(json.loads(line)) for line in lines if line.strip()]


def trust_for(report: CalibrationReport) -> JudgeTrust:
    basis = f"calibrated {report.at:%Y-%m-%d}"
    unreliable = report.errors > MAX_ERROR_SHARE * max(report.items, 1)
    accept = not unreliable and report.wrong_items > 0 and (
        report.false_accepts <= ACCEPT_MAX_FALSE_ACCEPTS
    )  # fmt: skip
    reject = not unreliable and report.genuine > 0 and report.rescue_rate >= REJECT_MIN_RESCUE
    why = (
        f"{basis}: {report.false_accepts} false accepts, rescued {report.rescued} of "
        f"{report.genuine} genuine, {report.errors} errors"
    )
    return JudgeTrust(accept=accept, reject=reject, why=why)


def summarise(
    key: str, pairs: Iterable[tuple[GradeRequest, Grade]], seconds: float
) -> CalibrationReport:
    rows = list(pairs)
    genuine = [(r, g) for r, g in rows if r.label in (Verdict.CORRECT, Verdict.PARTIAL)]
    wrong = [(r, g) for r, g in rows if r.label is Verdict.INCORRECT]
    rescued = sum(
        g.verdict is not Verdict.INCORRECT and "judge_unavailable" not in g.flags
        for _, g in genuine
    )  # a time-out keeps the band's partial, but the judge rescued nothing
    false_accepts = sum(
        g.verdict is Verdict.CORRECT for r, g in rows if r.label is not Verdict.CORRECT
    )
    report = CalibrationReport(
        key=key, at=datetime.now(UTC), items=len(rows),
        agreement=round(sum(g.verdict is r.label for r, g in rows) / max(len(rows), 1), 3),
        false_accepts=false_accepts, wrong_items=len(wrong), genuine=len(genuine),
        rescued=rescued, rescue_rate=round(rescued / max(len(genuine), 1), 3),
        errors=sum("judge_unavailable" in g.flags for _, g in rows), seconds=round(seconds, 1),
        trust=JudgeTrust.none("not yet decided"),
        misses=[f"{r.id}: {r.label.value if r.label else '?'} -> {g.verdict.value}"
                for r, g in rows if g.verdict is not r.label],
    )  # fmt: skip
    return report.model_copy(update={"trust": trust_for(report)})


async def calibrate(
    judge: TrustedJudge, key: str, *, timeout: float, path: Path = CALIBRATION_SET
) -> CalibrationReport:
    """Grade the calibration set with `judge` followed fully, one answer at a time (a local
    server has one slot)."""
    previous, judge.trust = judge.trust, JudgeTrust.full("calibrating")
    started = time.monotonic()
    try:
        pairs = [(r, await grade(r, judge=judge, timeout=timeout)) for r in _load_set(path)]
    finally:
        judge.trust = previous
    return summarise(key, pairs, time.monotonic() - started)


def save(report: CalibrationReport, data_dir: Path) -> Path:
    path = data_dir / CALIBRATION_FILE
    current = load(data_dir)
    current.records[report.key] = report
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current.model_dump_json(indent=2), "utf-8")
    return path


def load(data_dir: Path) -> CalibrationFile:
    path = data_dir / CALIBRATION_FILE
    if not path.is_file():
        return CalibrationFile()
    return CalibrationFile.model_validate_json(path.read_text("utf-8"))


def recorded_trust(data_dir: Path, key: str) -> JudgeTrust:
    """The trust of the judge `key` from its calibration record; none without one."""
    try:
        report = load(data_dir).records.get(key)
    except ValueError:  # an unreadable record: as good as none
        report = None
    if report is None:
        return JudgeTrust.none(
            "not calibrated for this model and prompt: deskguard judge calibrate"
        )
    return report.trust
