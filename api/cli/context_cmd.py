"""`deskguard context employees | pull | sources`: what context deskguard can see."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import typer

from api.cli.common import command_group, emit, reason_option, run, runtime

if TYPE_CHECKING:
    from api.access_log import Access
    from api.runtime import Runtime

app = command_group("Inspect the context sources.")
THIN = 8  # fewer usable items than this and an employee will likely be escalated
COVERAGE = "coverage check (deskguard context employees)"


async def _coverage(rt: Runtime, access: Access) -> list[dict[str, Any]]:
    """One row per employee, read exactly as a verification would read them (the scope
    settings' exclusions, sources and look-backs): an excluded employee's sources are not read."""
    from api.access_log import record_read
    from api.service import VerificationService
    from context.scope import exclusion

    service = VerificationService(rt)
    now = rt.clock()
    rows = []
    for employee in await rt.directory.list_employees():
        person = {
            "employee": employee.upn,
            "name": employee.name,
            "role": employee.role,
            "title": employee.title,
        }
        excluded = exclusion(rt.settings.scope, employee)
        if excluded is not None:  # nothing read, so nothing to audit as a read
            rows.append(
                {
                    **person,
                    "items": 0,
                    "sources": {},
                    "filtered": {},
                    "degraded_sources": [],
                    "out_of_scope_sources": [c.name for c in rt.connectors],
                    "excluded": excluded,
                    "thin": False,  # thin is about context; this one is never asked at all
                }
            )
            continue
        collection, out_of_scope = await service.scoped_collect(employee, now)
        record_read(
            rt.audit, access, collection, command="context employees", shown="coverage",
            model_calls=0,
        )  # fmt: skip
        per_source = Counter(item.source.value for item in collection.items)
        rows.append(
            {
                **person,
                "items": len(collection.items),
                "sources": dict(sorted(per_source.items())),
                "filtered": collection.filtered,
                "degraded_sources": collection.degraded_sources,
                "out_of_scope_sources": out_of_scope,
                "excluded": None,
                "thin": len(collection.items) < THIN,
            }
        )
    return rows


@app.command("employees")
def employees(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    reason: str = typer.Option(COVERAGE, "--reason", help="Why; the audit records it."),
) -> None:
    """Employees and how many usable context items each source holds for them, read as a
    verification reads them (scope settings applied; each employee's read is audited)."""
    from api.access_log import Access

    access = Access.cli(reason)
    rows = run(_coverage(runtime(), access))
    if as_json:
        emit({"employees": rows})
        return
    for row in rows:
        if row["excluded"]:
            print(f"{row['employee']:<40} {row['role']:<14}   0 items  excluded: {row['excluded']}")
            continue
        flag = "  THIN: expect escalation" if row["thin"] else ""
        sources = ", ".join(f"{k} {v}" for k, v in row["sources"].items()) or "none"
        left_out = row["out_of_scope_sources"]
        scope = f"  not read (scope): {', '.join(left_out)}" if left_out else ""
        print(
            f"{row['employee']:<40} {row['role']:<14} {row['items']:>3} items ({sources})"
            f"{flag}{scope}"
        )


async def _pull(rt: Runtime, upn: str, access: Access) -> dict[str, Any]:
    from api.access_log import record_read
    from api.service import VerificationService
    from prompts.llm import metered

    with metered() as usage:
        _, collection, out_of_scope = await VerificationService(rt).collect_scoped_for(upn)
    record_read(
        rt.audit, access, collection, command="context pull", shown="items",
        model_calls=usage.calls,
    )  # fmt: skip
    # As `context employees` lists them: the sources scope left out, not called (issue 14).
    return {**collection.model_dump(mode="json"), "out_of_scope_sources": out_of_scope}


@app.command("pull")
def pull(
    employee: str = typer.Option(..., help="The employee's UPN."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    reason: str = reason_option(),
) -> None:
    """The normalised, privacy-filtered items for one employee, plus the access log (the read
    is audited with --reason)."""
    from api.access_log import Access

    access = Access.cli(reason)
    result = run(_pull(runtime(), employee, access))
    if as_json:
        emit(result)
        return
    for item in result["items"]:
        print(f"{item['when']}  {item['source']:<8} {item['title']}")
    if result["out_of_scope_sources"]:
        print(f"not read (scope): {', '.join(result['out_of_scope_sources'])}")


@app.command("sources")
def sources(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Each enabled connector's manifest (endpoints, fields and data categories, look-back,
    retention) and the model as a recipient: each prompt's fields, their categories, egress."""
    from prompts.manifest import model_recipient
    from vocabulary.fides import unknown_categories

    rt = runtime()
    manifests = [c.manifest().model_dump(mode="json") for c in rt.connectors]
    model = model_recipient(rt.settings.llm).model_dump(mode="json")
    used = [f["category"] for m in manifests for f in m["fields"]]
    used += [c for p in model["prompts"] for f in p["fields"] for c in f["categories"]]
    unknown = unknown_categories(used)  # against fideslang's own taxonomy
    if as_json:
        emit({"sources": manifests, "model": model, "unknown_categories": unknown})
        return
    for m in manifests:
        print(f"{m['connector']}: {m['description']}")
        print(f"  look-back {m['lookback_days']} days; retention: {m['retention']}")
        for endpoint in m["endpoints"]:
            print(
                f"  {endpoint['method']} {endpoint['path']}  fields: "
                f"{', '.join(endpoint['fields'])}"
            )
        for field in m["fields"]:
            print(f"    {field['name']:<28} {field['category']}")
    print(f"model: {model['recipient']}; egress {model['egress']}; never sent: "
          f"{', '.join(model['never_send'])}")  # fmt: skip
    for prompt in model["prompts"]:
        print(f"  {prompt['prompt']}: {prompt['purpose']}")
        for field in prompt["fields"]:
            print(f"    {field['variable']:<14} {', '.join(field['categories'])}")
    if unknown:
        print(f"not fideslang categories: {', '.join(unknown)}")
