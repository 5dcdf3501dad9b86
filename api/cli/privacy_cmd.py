"""`deskguard privacy purge | erase --employee UPN | report --employee UPN`: retention now,
erasure that keeps the audit chain intact, and the per-employee access report (GDPR Art. 15)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from api.cli.common import command_group, emit, run, runtime

if TYPE_CHECKING:
    from context.connectors.base import Directory

app = command_group("Retention, erasure and access reports.")


@app.command("purge")
def purge() -> None:
    """Delete the question texts, expected answers and evidence references of every
    verification decided (or expired) longer ago than DESKGUARD_PRIVACY__RETENTION_HOURS; print
    a JSON summary. `serve` does this periodically."""
    from api.retention import purge as run_purge

    rt = runtime()
    summary = run_purge(rt.audit, retention_hours=rt.settings.privacy.retention_hours)
    emit(summary.model_dump(mode="json"))


@app.command("erase")
def erase(
    employee: str = typer.Option(..., help="The employee's UPN."),
    reason: str = typer.Option(
        "erasure request (GDPR Art. 17)", "--reason", help="Why; the audit records it."
    ),
) -> None:
    """Delete the employee's key and every row about them (verifications, ticket notes, grant
    uses, recoveries, links, locks, alerts, signals, throttling hits) and purge others' decided
    verifications that name them. Audit records stay, pseudonymous and no longer linkable;
    `deskguard audit verify` still reads the chain as intact. Prints a JSON summary."""
    from api.access_log import Access
    from api.erasure import erase as run_erase

    access = Access.cli(reason)
    rt = runtime()
    names = run(_names(rt.directory, employee))
    summary = run_erase(rt.audit, employee, actor=access.actor, reason=access.purpose, names=names)
    emit(summary.model_dump(mode="json"))


async def _names(directory: Directory, upn: str) -> list[str]:
    """How others' questions may name the employee: the directory's name and aliases (none
    when the directory no longer knows them, or fails: the UPN is still searched for)."""
    try:
        found = await directory.get_employee(upn)
    except Exception:  # a directory that fails must not block an erasure
        return []
    return [found.name, *found.aliases] if found else []


@app.command("report")
def report(
    employee: str = typer.Option(..., help="The employee's UPN."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """What deskguard read about the employee and still keeps (GDPR Art. 15): every read and
    verification, when, by whom and why, which sources and fields, model calls. The request is
    audited."""
    from api.access_log import Access
    from api.privacy_report import build_report

    rt = runtime()
    actor = Access.cli("privacy report").actor
    result = build_report(
        rt.audit, employee, actor=actor, retention_hours=rt.settings.privacy.retention_hours
    )
    if as_json:
        emit(result.model_dump(mode="json"))
        return
    print(f"{result.employee}: reference {result.reference or 'none (no key held)'}")
    print(f"reads and verifications ({len(result.accesses)} audit records):")
    for a in result.accesses:
        model = "" if not a.model_calls else f"  model calls: {a.model_calls}"
        sources = ", ".join(a.sources) or "-"
        print(f"  {a.at:%Y-%m-%d %H:%M} {a.event:<22} {a.actor}  why: {a.purpose or '-'}")
        if a.fields:
            print(f"      sources: {sources}; fields: {', '.join(a.fields)}{model}")
    print("verifications:")
    for v in result.verifications:
        when = v.content_deleted_at or v.content_due_for_deletion
        state = "content deleted" if v.kept == "purged" else "content kept until"
        print(
            f"  {v.id} {v.created_at:%Y-%m-%d %H:%M} {v.action} -> {v.decision or v.status}"
            f" by {v.created_by}; model calls {v.model.calls}; {state} {when:%Y-%m-%d %H:%M}"
        )
    kept = result.kept
    print(
        f"kept: key {'yes' if kept.key else 'no'}, {kept.verifications_full} verifications in "
        f"full, {kept.verifications_purged} purged, {kept.audit_records} audit records "
        f"(pseudonymous), {kept.recoveries} recoveries, {kept.alerts} alerts, {kept.locks} "
        f"locks, {kept.signals} signals, {kept.limit_hits} throttling hits"
    )
