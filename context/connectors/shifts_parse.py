"""Teams Shifts SDK objects -> ContextItems (context/connectors/shift_items.py builds them).

Pure functions over one team's schedule: the employee's shifts in the window, the swaps they
sent or received (their own shift in the window, the partner named), their time-off requests
and the open shifts they asked for. Other people's shifts only give the rota's headcount and the
times of swapped shifts. A malformed object is counted as skipped, never fatal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from context.connectors.base import Window
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
from context.models import ContextItem, Participant


@dataclass
class TeamSchedule:
    """One team's schedule as Graph served it (SDK objects)."""

    team_id: str
    store: str
    groups: list[Any] = field(default_factory=list)
    shifts: list[Any] = field(default_factory=list)
    swaps: list[Any] = field(default_factory=list)
    time_off: list[Any] = field(default_factory=list)
    open_shifts: list[Any] = field(default_factory=list)
    open_requests: list[Any] = field(default_factory=list)

    def partners(self, me: str) -> list[str]:
        """User ids of everyone the employee swapped a shift with."""
        out: list[str] = []
        for swap in self.swaps:
            if swap.sender_user_id == me and swap.recipient_user_id:
                out.append(swap.recipient_user_id)
            elif swap.recipient_user_id == me and swap.sender_user_id:
                out.append(swap.sender_user_id)
        return list(dict.fromkeys(out))


@dataclass
class Built:
    items: list[ContextItem] = field(default_factory=list)
    skipped: int = 0


def _aware(value: datetime | None) -> datetime:
    if value is None:
        raise MalformedItem("missing start")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _state(value: Any) -> str:
    return normal_state(str(value.value) if hasattr(value, "value") else value)


def _inside(start: datetime, end: datetime | None, window: Window) -> bool:
    """The item overlaps the look-back window (a request may span it)."""
    return start < window.end and (end or start) >= window.start


def schedule_items(
    schedule: TeamSchedule,
    me: str,
    names: dict[str, tuple[str, str | None]],
    window: Window,
    fetched_at: datetime,
    connector: str,
) -> Built:
    """The employee's (`me`, a Graph user id) shift facts in one team's schedule."""
    built = Built()
    groups = {g.id: (g.display_name or "").strip() for g in schedule.groups if g.id}
    by_id = {s.id: s for s in schedule.shifts if s.id}
    on_rota = {s.user_id for s in schedule.shifts if s.user_id}
    rota = Rota(store=schedule.store, headcount=max(len(on_rota | {me}), 1))
    origin = Origin(connector, rota, fetched_at)

    def add(make: Any) -> None:
        try:
            item = make()
        except (MalformedItem, ValueError, AttributeError, TypeError):
            built.skipped += 1
            return
        if item is not None:
            built.items.append(item)

    def a_shift(raw: Any) -> ContextItem | None:
        shared = raw.shared_shift
        if shared is None or raw.is_staged_for_deletion:
            return None
        start = _aware(shared.start_date_time)
        end = _aware(shared.end_date_time) if shared.end_date_time else None
        if not _inside(start, end, window):
            return None
        return shift_item(
            origin,
            raw.id,
            start=start,
            end=end,
            label=shared.display_name,
            department=groups.get(raw.scheduling_group_id),
        )

    def a_swap(raw: Any) -> ContextItem | None:
        if raw.sender_user_id == me:
            own, other = raw.sender_shift_id, raw.recipient_user_id
        elif raw.recipient_user_id == me:
            own, other = raw.recipient_shift_id, raw.sender_user_id
        else:
            return None
        shift = by_id.get(own)
        if shift is None or shift.shared_shift is None:
            return None  # the employee's shift is outside the window
        if other not in names:
            raise MalformedItem("swap partner not in the directory")
        name, email = names[other]
        start = _aware(shift.shared_shift.start_date_time)
        end_raw = shift.shared_shift.end_date_time
        return swap_item(
            origin,
            raw.id,
            start=start,
            end=_aware(end_raw) if end_raw else None,
            partner=Participant(name=name, email=email, role="swap_partner"),
            state=_state(raw.state),
            department=groups.get(shift.scheduling_group_id),
        )

    def a_time_off(raw: Any) -> ContextItem | None:
        if raw.sender_user_id != me:
            return None
        start = _aware(raw.start_date_time)
        end = _aware(raw.end_date_time) if raw.end_date_time else None
        if not _inside(start, end, window):
            return None
        return time_off_item(origin, raw.id, start=start, end=end, state=_state(raw.state))

    open_by_id = {o.id: o for o in schedule.open_shifts if o.id}

    def an_open_shift(raw: Any) -> ContextItem | None:
        if raw.sender_user_id != me:
            return None
        posted = open_by_id.get(raw.open_shift_id)
        if posted is None or posted.shared_open_shift is None:
            return None  # outside the window
        shared = posted.shared_open_shift
        start = _aware(shared.start_date_time)
        return open_shift_item(
            origin,
            raw.id,
            start=start,
            end=_aware(shared.end_date_time) if shared.end_date_time else None,
            label=shared.display_name,
            department=groups.get(posted.scheduling_group_id),
            state=_state(raw.state),
        )

    for raw in schedule.shifts:
        if raw.user_id == me:
            add(lambda r=raw: a_shift(r))
    for raw in schedule.swaps:
        add(lambda r=raw: a_swap(r))
    for raw in schedule.time_off:
        add(lambda r=raw: a_time_off(r))
    for raw in schedule.open_requests:
        add(lambda r=raw: an_open_shift(r))
    return built
