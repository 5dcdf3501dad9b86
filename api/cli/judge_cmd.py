"""`deskguard judge calibrate [--input FILE]`: measure the configured LLM judge on labelled band
answers and record how far the service and `deskguard grade` may follow it."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import command_group, emit, run
from api.errors import InvalidInput

app = command_group("The LLM judge (security team).")


@app.command("calibrate")
def calibrate_command(
    input_path: Path | None = typer.Option(
        None, "--input", help="Labelled grade lines (JSONL); default: the packaged band set."
    ),
) -> None:
    """Grade the labelled band answers with the judge, print the report and record its trust
    (judge-calibration.json in the data dir, per model and prompt file)."""
    from api.runtime import build_judge
    from api.settings import get_settings
    from grading.calibration import CALIBRATION_SET, calibrate, save
    from grading.judge import LLMJudge

    settings = get_settings()
    judge = build_judge(settings, calibrated=False)
    if not isinstance(judge, LLMJudge):
        raise InvalidInput(
            "no model may be called: set DESKGUARD_LLM__MODEL (and not DESKGUARD_LLM__EGRESS=none) "
            "to calibrate a judge"
        )
    path = input_path or CALIBRATION_SET
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    from prompts.llm import LiteLLMClient

    run(LiteLLMClient.create())  # the import (seconds) is not the judge's time
    report = run(
        calibrate(judge, judge.calibration_key, timeout=settings.judge_timeout_seconds, path=path)
    )
    saved = save(report, settings.data_dir)
    emit(report.model_dump(mode="json") | {"saved_to": str(saved)})
