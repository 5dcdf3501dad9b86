"""A workforce-management file source: a CSV or JSON export, one row per shift, from systems
such as UKG, Workday or Legion that have no connector of their own.

Schema (the README's "Workforce-management file"; CSV header names or JSON object keys):

    employee       required  the employee's UPN or work e-mail (matched like every source)
    store          required  the store or distribution centre the shift is at
    start          required  ISO 8601 with an offset, e.g. 2026-11-21T07:00:00-06:00
    end            optional  ISO 8601 with an offset
    department     optional  the department or area (Checkout, Stockroom, Inbound dock)
    event          optional  shift (default) | swap | time_off | open_shift
    label          optional  the shift's name (Early, Late, Night)
    with           optional  swap rows: the co-worker's name
    with_email     optional  swap rows: the co-worker's e-mail
    state          optional  pending | approved (default) | declined
    id             optional  the row's id in the source system (default: its line number)

A rostered shift's audience is the store's rota: everyone with a `shift` row at that store in
the window. Only the employee's rows become items; other rows are counted and discarded. A row
that does not parse is skipped and counted; a missing or unreadable file fails the source."""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel

from context.config import WorkforceFileConfig
from context.connectors.base import (
    AccessRecord,
    BuildContext,
    ConnectorError,
    EndpointDeclaration,
    FetchResult,
    FieldDeclaration,
    SourceManifest,
    Window,
)
from context.connectors.malformed import MalformedItem
from context.connectors.shift_items import (
    Origin,
    Rota,
    normal_state,
    open_shift_item,
    shift_item,
    swap_item,
    time_off_item,
)
from context.identity import identity_keys, is_employee
from context.models import ContextItem, Employee, Participant, ShiftEvent

FILE_PATH = "file:{path}"
COLUMNS = [
    "employee",
    "store",
    "start",
    "end",
    "department",
    "event",
    "label",
    "with",
    "with_email",
    "state",
    "id",
]


def wfm_manifest(lookback_days: int = 7) -> SourceManifest:
    return SourceManifest(
        connector="wfm",
        description=(
            "A workforce-management export (CSV or JSON, one row per shift): the employee's"
            " shifts, swaps, time-off requests and open shifts picked up. Other employees'"
            " rows give the rota's headcount and are discarded"
        ),
        endpoints=[EndpointDeclaration(method="READ", path=FILE_PATH, fields=COLUMNS)],
        fields=[
            FieldDeclaration(name="row.employee", category="user.contact.email"),
            FieldDeclaration(name="row.store/department", category="user.workplace"),
            FieldDeclaration(name="row.start/end/label/event/state", category="user.workplace"),
            FieldDeclaration(name="row.with", category="user.name"),
            FieldDeclaration(name="row.with_email", category="user.contact.email"),
            FieldDeclaration(name="row.id", category="system.operations"),
        ],
        lookback_days=lookback_days,
    )


@dataclass(frozen=True)
class Row:
    ref: str
    employee: str
    store: str
    start: datetime
    end: datetime | None
    event: ShiftEvent
    department: str | None
    label: str | None
    partner: str | None
    partner_email: str | None
    state: str


def _time(value: Any, column: str) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise MalformedItem(f"missing {column}")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedItem(f"bad {column} {value!r}") from exc
    if parsed.tzinfo is None:
        raise MalformedItem(f"{column} without an offset")
    return parsed.astimezone(UTC)


def _text(raw: Mapping[str, Any], column: str) -> str | None:
    value = raw.get(column)
    return str(value).strip() or None if value is not None else None


def parse_row(raw: Mapping[str, Any], line: int) -> Row:
    """One row of the export; MalformedItem when a required column is missing or bad."""
    employee, store = _text(raw, "employee"), _text(raw, "store")
    if not employee or not store:
        raise MalformedItem("row without employee or store")
    try:
        event = ShiftEvent((_text(raw, "event") or "shift").lower())
    except ValueError as exc:
        raise MalformedItem(f"unknown event {raw.get('event')!r}") from exc
    end = _text(raw, "end")
    return Row(
        ref=_text(raw, "id") or f"line{line}",
        employee=employee,
        store=store,
        start=_time(raw.get("start"), "start"),
        end=_time(end, "end") if end else None,
        event=event,
        department=_text(raw, "department"),
        label=_text(raw, "label"),
        partner=_text(raw, "with"),
        partner_email=_text(raw, "with_email"),
        state=normal_state(_text(raw, "state") or "approved"),
    )


def read_rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(line, raw row) from a .csv file, or a .json file holding a list of objects."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        rows = data.get("rows", []) if isinstance(data, dict) else data
        for index, row in enumerate(rows if isinstance(rows, list) else []):
            yield index + 1, row if isinstance(row, dict) else {}
        return
    for index, row in enumerate(csv.DictReader(text.splitlines())):
        yield index + 2, {k.strip().lower(): v for k, v in row.items() if k}


def row_item(row: Row, rota: Rota, fetched_at: datetime) -> ContextItem:
    origin = Origin("wfm", rota, fetched_at)
    if row.event is ShiftEvent.SWAP:
        if not row.partner:
            raise MalformedItem("swap row without `with`")
        partner = Participant(name=row.partner, email=row.partner_email, role="swap_partner")
        return swap_item(
            origin,
            row.ref,
            start=row.start,
            end=row.end,
            partner=partner,
            state=row.state,
            department=row.department,
        )
    if row.event is ShiftEvent.TIME_OFF:
        return time_off_item(origin, row.ref, start=row.start, end=row.end, state=row.state)
    if row.event is ShiftEvent.OPEN_SHIFT:
        return open_shift_item(
            origin,
            row.ref,
            start=row.start,
            end=row.end,
            label=row.label,
            department=row.department,
            state=row.state,
        )
    return shift_item(
        origin, row.ref, start=row.start, end=row.end, label=row.label, department=row.department
    )


class WorkforceFileConnector:
    """Shift facts for one employee from a workforce-management export."""

    name: ClassVar[str] = "wfm"
    config_type: ClassVar[type[BaseModel] | None] = WorkforceFileConfig  # DESKGUARD_WFM__*

    @classmethod
    def from_config(
        cls, config: WorkforceFileConfig, context: BuildContext
    ) -> WorkforceFileConnector:
        return cls(config, lookback_days=context.lookback_days)

    def __init__(self, config: WorkforceFileConfig, *, lookback_days: int = 7) -> None:
        self.config = config
        self.lookback_days = lookback_days

    def manifest(self) -> SourceManifest:
        return wfm_manifest(self.lookback_days)

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        if not self.config.path:
            raise ConnectorError(self.name, "set DESKGUARD_WFM__PATH to the export file")
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self._fetch, Path(self.config.path), employee, window),
                self.config.timeout_seconds,
            )
        except TimeoutError:
            raise ConnectorError(self.name, "the export did not load in time") from None

    def _fetch(self, path: Path, employee: Employee, window: Window) -> FetchResult:
        try:
            raw_rows = list(read_rows(path))
        except (OSError, ValueError, csv.Error) as exc:
            reason = type(exc).__name__
            raise ConnectorError(self.name, f"cannot read the export: {reason}") from None
        result = FetchResult()
        keys = identity_keys(employee)
        rows: list[Row] = []
        for line, raw in raw_rows:
            try:
                row = parse_row(raw, line)
            except MalformedItem:
                result.skipped += 1
                continue
            if window.start <= row.start < window.end:
                rows.append(row)
        on_rota: dict[str, set[str]] = {}
        for row in rows:
            if row.event is ShiftEvent.SHIFT:
                on_rota.setdefault(row.store, set()).add(row.employee.casefold())
        fetched_at = datetime.now(UTC)
        for row in rows:
            if not is_employee(keys, [row.employee]):
                continue
            headcount = len(on_rota.get(row.store, set()) | {row.employee.casefold()})
            try:
                result.items.append(row_item(row, Rota(row.store, headcount), fetched_at))
            except (MalformedItem, ValueError):
                result.skipped += 1
        result.accesses.append(
            AccessRecord(
                connector=self.name,
                endpoint=FILE_PATH.format(path=path.name),
                fields=COLUMNS,
                at=fetched_at,
                items=len(result.items),
            )
        )
        return result
