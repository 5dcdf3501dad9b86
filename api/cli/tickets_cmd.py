"""`deskguard tickets retry`: deliver the ticket notes that could not be written yet."""

from __future__ import annotations

from api.cli.common import command_group, emit, run, runtime

app = command_group("Notes deskguard writes into help-desk tickets.")


@app.command("retry")
def retry() -> None:
    """Try every pending ticket note once more; prints the counts by resulting status."""
    rt = runtime()
    emit({"ticket_updates": run(rt.tickets.retry_pending(now=rt.clock()))})
