"""Shift facts as ContextItems, and who else can see each: the one home of the rota's audience.

Both shift sources (Teams Shifts through Graph, a workforce-management file) build their items
here, so a rostered shift, a swap, a time-off request and an open shift picked up carry the same
fields and the same audience whatever system they came from:

- a rostered shift is on the store's published rota (it hangs in the back office and is in every
  co-worker's Shifts app): its audience is everyone on that rota (`AudienceScope.SCHEDULE`);
- a swap is known to the two people who swapped and the store's managers, who approve every
  request (the rota shows the result, not who swapped with whom);
- a time-off request that is pending or was declined is known to the employee and the store's
  managers; an approved one becomes a block on the published rota, so its audience is the
  rota's. The reason (sick, vacation...) is never read: it can be a special category;
- an open shift picked up was posted to the whole store, and taken in view of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from context.models import (
    SHIFT_EVENT,
    Audience,
    AudienceScope,
    ContextItem,
    Involvement,
    ItemKind,
    Participant,
    Provenance,
    ShiftEvent,
    Source,
)

APPROVED = "approved"
STATES = frozenset({"pending", "approved", "declined"})


@dataclass(frozen=True)
class Rota:
    """The store's published schedule: its name, and how many people are on it in the window
    (the employee included)."""

    store: str
    headcount: int

    def audience(self) -> Audience:
        return Audience(
            scope=AudienceScope.SCHEDULE, group=self.store, size=max(self.headcount - 1, 0)
        )

    def approvers(self, *people: str) -> Audience:
        """A request's audience: `people` and the store's managers, one group that sees every
        request of the store (one compromised manager account reads all of them)."""
        return Audience(
            scope=AudienceScope.PARTICIPANTS,
            people=people,
            group=f"{self.store} managers",
            size=len(people) + 1,
        )


@dataclass(frozen=True)
class Origin:
    """Where a shift source's items come from: the connector, the rota, when it was read."""

    connector: str
    rota: Rota
    fetched_at: datetime

    def provenance(self, ref: str) -> Provenance:
        return Provenance(connector=self.connector, ref=ref, fetched_at=self.fetched_at)


def _extra(event: ShiftEvent, rota: Rota, department: str | None, **more: str) -> dict[str, str]:
    extra = {SHIFT_EVENT: event.value, "store": rota.store}
    if department:
        extra["department"] = department
    return extra | {k: v for k, v in more.items() if v}


def shift_item(
    origin: Origin,
    ref: str,
    *,
    start: datetime,
    end: datetime | None,
    label: str | None,
    department: str | None,
) -> ContextItem:
    """A rostered shift: where (store, department) and when (start, end)."""
    return ContextItem(
        id=f"{origin.connector}:shifts:shift:{ref}",
        source=Source.SHIFTS,
        kind=ItemKind.SHIFT,
        when=start,
        end=end,
        title=(label or "Shift").strip() or "Shift",
        involvement=Involvement.SCHEDULED,
        identifiers={"store": origin.rota.store},
        extra=_extra(ShiftEvent.SHIFT, origin.rota, department),
        audience=origin.rota.audience(),
        provenance=origin.provenance(ref),
    )


def swap_item(
    origin: Origin,
    ref: str,
    *,
    start: datetime,
    end: datetime | None,
    partner: Participant,
    state: str,
    department: str | None,
) -> ContextItem:
    """The employee's own shift (starting `start`) swapped with `partner`. Known to the two of
    them and the store's managers."""
    return ContextItem(
        id=f"{origin.connector}:shifts:swap:{ref}",
        source=Source.SHIFTS,
        kind=ItemKind.SHIFT,
        when=start,
        end=end,
        title=f"Shift swap with {partner.name}",
        involvement=Involvement.REQUESTER,
        participants=(partner,),
        identifiers={"store": origin.rota.store},
        extra=_extra(ShiftEvent.SWAP, origin.rota, department, state=state),
        audience=origin.rota.approvers(partner.name),
        provenance=origin.provenance(ref),
    )


def time_off_item(
    origin: Origin,
    ref: str,
    *,
    start: datetime,
    end: datetime | None,
    state: str,
) -> ContextItem:
    """Days the employee asked to have off (never why). Approved: a block on the rota."""
    audience = origin.rota.audience() if state == APPROVED else origin.rota.approvers()
    return ContextItem(
        id=f"{origin.connector}:shifts:timeoff:{ref}",
        source=Source.SHIFTS,
        kind=ItemKind.SHIFT,
        when=start,
        end=end,
        title="Time off",
        involvement=Involvement.REQUESTER,
        identifiers={"store": origin.rota.store},
        extra=_extra(ShiftEvent.TIME_OFF, origin.rota, None, state=state),
        audience=audience,
        provenance=origin.provenance(ref),
    )


def open_shift_item(
    origin: Origin,
    ref: str,
    *,
    start: datetime,
    end: datetime | None,
    label: str | None,
    department: str | None,
    state: str,
) -> ContextItem:
    """An open shift the employee asked to pick up: posted to, and taken in view of, the store."""
    return ContextItem(
        id=f"{origin.connector}:shifts:openshift:{ref}",
        source=Source.SHIFTS,
        kind=ItemKind.SHIFT,
        when=start,
        end=end,
        title=(label or "Open shift").strip() or "Open shift",
        involvement=Involvement.REQUESTER,
        identifiers={"store": origin.rota.store},
        extra=_extra(ShiftEvent.OPEN_SHIFT, origin.rota, department, state=state),
        audience=origin.rota.audience(),
        provenance=origin.provenance(ref),
    )


def normal_state(value: str | None) -> str:
    """A request's state as one of STATES; anything else (unknownFutureValue) reads pending."""
    text = (value or "").strip().lower()
    return text if text in STATES else "pending"


def in_window(start: datetime, bounds: Sequence[datetime]) -> bool:
    lo, hi = bounds
    return lo <= start < hi
