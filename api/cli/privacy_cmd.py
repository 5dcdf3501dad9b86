"""`deskguard privacy purge | erase --employee UPN | report --employee UPN`: retention now,
erasure that keeps the audit chain intact, and the per-employee access report (GDPR Art. 15)."""

from __future__ import annotations

import typer

from api.cli.common import emit, runtime
from api.retention import purge as run_purge

app = typer.Typer(no_args_is_help=True, help="Retention, erasure and access reports.")


@app.command("purge")
def purge() -> None:
    """Delete the question texts, expected answers and evidence references of every
    verification decided (or expired) longer ago than DESKGUARD_PRIVACY__RETENTION_HOURS; print
    a JSON summary. `serve` does this periodically."""
    rt = runtime()
    summary = run_purge(rt.audit, retention_hours=rt.settings.privacy.retention_hours)
    emit(summary.model_dump(mode="json"))
