"""Frontline work: a store associate's or a distribution-centre operative's fortnight as the
Shifts and IT-ticket connectors would report it (context/connectors/shift_items.py and
itsm_items.py build the items, so the demo's audiences are the connectors').

What a week holds (ASSUMPTIONS, chosen to be plausible for a large retailer, not measured):
five shifts on the person's usual pattern (sometimes another pattern or department), 0-2 swaps
with a co-worker at the same site, time off asked for on about half the weeks, an open shift
picked up now and then, and 0-3 IT tickets a fortnight (handhelds, tills, logins: shared
devices break and frontline staff call the help desk for them)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from context.config import CollectionConfig
from context.connectors.itsm_items import it_ticket_item
from context.connectors.shift_items import (
    Origin,
    Rota,
    open_shift_item,
    shift_item,
    swap_item,
    time_off_item,
)
from context.demo.records import Person
from context.demo.scene import Scene, at
from context.models import ContextItem, Participant
from vocabulary.roles import FRONTLINE_ROLES as FRONTLINE_ROLES

# Site kind -> shift patterns (name, start, hours) and departments.
PATTERNS: dict[str, tuple[tuple[str, time, float], ...]] = {
    "store": (("Early", time(6), 8), ("Mid", time(10), 8), ("Late", time(14), 8)),
    "dc": (("Days", time(6), 8.5), ("Swing", time(14), 8.5), ("Nights", time(22), 8.5)),
    "fleet": (("Route AM", time(5), 9), ("Route PM", time(11), 9)),
}
DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "store": ("Checkout", "Sales floor", "Stockroom", "Customer service", "Bakery"),
    "dc": ("Inbound dock", "Picking", "Replenishment", "Outbound"),
    "fleet": ("Store deliveries",),
}
SITE_KIND = {"store_associate": "store", "shift_lead": "store", "dc_operative": "dc"}
# What frontline staff ask IT for: (category, short description). Many and specific: the
# commonest is a small share of all, so a guess of the usual ask rarely lands.
IT_ASKS: tuple[tuple[str, str], ...] = (
    ("Hardware", "Handheld scanner will not charge in its cradle"),
    ("Hardware", "Till {n} receipt printer jams on every sale"),
    ("Hardware", "Label printer in the stockroom prints blank labels"),
    ("Hardware", "Cracked screen on the price-check handheld"),
    ("Hardware", "RF gun on the dock keeps losing Wi-Fi"),
    ("Hardware", "Card reader at self-checkout {n} declines every tap"),
    ("Hardware", "Headset for the drive-up radio will not pair"),
    ("Hardware", "Truck tablet will not turn on before the route"),
    ("Access", "Locked out of the timeclock app after a new phone"),
    ("Access", "Cannot sign in to the scheduling app"),
    ("Access", "Need access to the returns screen on the till"),
    ("Access", "Badge does not open the cash office door"),
    ("Access", "Password reset for the store email kiosk"),
    ("Access", "MFA prompt goes to my old phone number"),
    ("Access", "Cannot log in to the warehouse management terminal"),
    ("Access", "Need the forklift checklist app on my handheld"),
    ("Software", "Price on shelf label differs from till price for SKU {sku}"),
    ("Software", "Pay stub page shows an error in the employee app"),
    ("Software", "Pick list app freezes when scanning pallet labels"),
    ("Software", "Route app shows yesterday's stops"),
    ("Software", "Training module will not mark as complete"),
    ("Software", "Click-and-collect orders not showing on the handheld"),
    ("Network", "Guest Wi-Fi down in the front of the store"),
    ("Network", "Stockroom printer offline since the weekend"),
    ("Network", "Backroom PC cannot reach the inventory system"),
    ("Request", "New starter needs a handheld and a login"),
    ("Request", "Replacement charger for the delivery scanner"),
    ("Request", "Install the loss prevention camera app on the office PC"),
)
GROUPS = {"Hardware": "Store Support", "Access": "Service Desk", "Software": "Store Systems"}
GROUPS |= {"Network": "Network Operations", "Request": "Service Desk"}
PARTNER_FIRST = ("Jamal", "Ines", "Derek", "Keiko", "Pedro", "Uma", "Zoe", "Farid")
PARTNER_LAST = ("Brooks", "Ortega", "Lindqvist", "Mensah", "Sato", "Varga", "Okoye", "Hale")
WEEK = timedelta(days=7)
# Weeks of requests and tickets: what the shift and IT-ticket sources read by default.
REQUEST_WEEKS = CollectionConfig.model_fields["sparse_lookback_days"].default // 7
DEFAULT_ROTA = 28  # a site's rota when the directory has fewer of its staff (the demo tenant)


@dataclass(frozen=True)
class Site:
    name: str
    kind: str
    coworkers: tuple[Person, ...]  # others at the site in the directory
    headcount: int


def site_of(scene: Scene, person: Person) -> Site:
    kind = SITE_KIND.get(person.employee.role, "fleet")
    name = person.employee.department
    others = tuple(
        p
        for p in scene.roster.people
        if p.upn != person.upn
        and p.employee.department == name
        and p.employee.role in FRONTLINE_ROLES
    )
    return Site(name=name, kind=kind, coworkers=others, headcount=max(len(others) + 1, 2))


def _days(scene: Scene) -> list[date]:
    first = scene.anchor - timedelta(days=scene.days + 1)
    return [first + timedelta(days=n) for n in range(scene.days + 2)]


def _partner(site: Site, rnd: random.Random) -> Participant:
    if site.coworkers:
        mate = rnd.choice(site.coworkers).employee
        return Participant(name=mate.name, email=mate.upn, role="swap_partner")
    name = f"{rnd.choice(PARTNER_FIRST)} {rnd.choice(PARTNER_LAST)}"
    return Participant(name=name, role="swap_partner")


def frontline_items(scene: Scene, person: Person) -> list[ContextItem]:
    """Every shift fact and IT ticket of one frontline employee over the scene's days."""
    site = site_of(scene, person)
    rota = Rota(site.name, site.headcount if site.coworkers else DEFAULT_ROTA)
    origin = Origin("demo", rota, scene.now)
    tz = person.employee.timezone
    rnd = scene.rng("frontline", person.upn)
    patterns, departments = PATTERNS[site.kind], DEPARTMENTS[site.kind]
    usual, home = rnd.choice(patterns), rnd.choice(departments)
    days = _days(scene)
    off_days: set[date] = set()
    for week_start in range(0, len(days), 7):
        week = days[week_start : week_start + 7]
        off_days |= set(rnd.sample(week, min(2, len(week))))
    items: list[ContextItem] = []
    shifts: list[tuple[date, datetime, datetime, str, str]] = []
    for day in days:
        if day in off_days:
            continue
        name, start, hours = usual if rnd.random() < 0.8 else rnd.choice(patterns)
        department = home if rnd.random() < 0.85 else rnd.choice(departments)
        begin = at(day, start, tz)
        shifts.append((day, begin, begin + timedelta(hours=hours), name, department))
    # Requests are counted per week, for each week the shift and IT-ticket sources read
    # (REQUEST_WEEKS: CollectionConfig.sparse_lookback_days), newest week first.
    # By date, never by the time of day: a later `now` on the same date only adds items.
    swapped: set[date] = set()
    asks = list(IT_ASKS)
    rnd.shuffle(asks)  # one request a person makes once: no ask repeats across weeks
    for back in range(REQUEST_WEEKS):
        last = scene.anchor - timedelta(days=1) - back * WEEK
        first = last - WEEK + timedelta(days=1)
        recent = [s for s in shifts if first <= s[0] <= last]
        recent_off = sorted(d for d in off_days if first <= d <= last)
        items += _requests(origin, person, site, rnd, recent, recent_off, swapped)
        items += _tickets(scene, recent, rnd, asks)
    for day, begin, end, name, department in shifts:
        if day in swapped:
            continue  # given away: the partner worked it
        items.append(
            shift_item(
                origin,
                f"{person.upn}:shift:{day}",
                start=begin,
                end=end,
                label=name,
                department=department,
            )
        )
    return items + _bait(scene, origin, shifts, rnd)


def _requests(
    origin: Origin,
    person: Person,
    site: Site,
    rnd: random.Random,
    recent: list[tuple[date, datetime, datetime, str, str]],
    recent_off: list[date],
    swapped: set[date],
) -> list[ContextItem]:
    """One week's swaps (0-2), time off (half the weeks) and open shift picked up (3 in 10)."""
    items: list[ContextItem] = []
    tz = person.employee.timezone
    patterns, departments = PATTERNS[site.kind], DEPARTMENTS[site.kind]
    for n in range(rnd.choices((0, 1, 2), weights=(2, 5, 3))[0]):
        if not recent:
            break
        day, begin, end, _, department = rnd.choice(recent)
        if day in swapped:
            continue
        swapped.add(day)
        state = "approved" if rnd.random() < 0.9 else "pending"
        items.append(
            swap_item(
                origin,
                f"{person.upn}:swap:{day}:{n}",
                start=begin,
                end=end,
                partner=_partner(site, rnd),
                state=state,
                department=department,
            )
        )
    if recent_off and rnd.random() < 0.5:
        day = rnd.choice(recent_off)
        state = rnd.choices(("pending", "approved", "declined"), weights=(45, 40, 15))[0]
        items.append(
            time_off_item(
                origin,
                f"{person.upn}:timeoff:{day}",
                start=at(day, time(0), tz),
                end=at(day, time(23, 59), tz),
                state=state,
            )
        )
    if recent_off and rnd.random() < 0.3:
        day = rnd.choice(recent_off)
        name, start, hours = rnd.choice(patterns)
        begin = at(day, start, tz)
        items.append(
            open_shift_item(
                origin,
                f"{person.upn}:open:{day}",
                start=begin,
                end=begin + timedelta(hours=hours),
                label=f"{name} (open shift)",
                department=rnd.choice(departments),
                state="approved",
            )
        )
    return items


def _bait(
    scene: Scene,
    origin: Origin,
    shifts: list[tuple[date, datetime, datetime, str, str]],
    rnd: random.Random,
) -> list[ContextItem]:
    """What the privacy filter must drop, as for everyone in the demo: a shift taken off the
    published rota (cancelled) and an IT ticket about pay (a special category)."""
    first = scene.anchor - timedelta(days=scene.days - 1)
    inside = [s for s in shifts if first <= s[0] < scene.anchor - timedelta(days=1)]
    if len(inside) < 2:
        return []
    (day, begin, end, name, department), (_, when, _, _, _) = rnd.sample(inside, 2)
    cancelled = shift_item(
        origin, f"cancelled:{day}", start=begin, end=end, label=name, department=department
    ).model_copy(update={"cancelled": True})
    pay = it_ticket_item(
        connector="demo",
        number=f"INC{rnd.randint(10_000, 99_999):07d}",
        short_description="Compensation review - pay stub shows the wrong hours",
        opened=when + timedelta(hours=1),
        resolved=None,
        category="Request",
        assignment_group="Service Desk",
        fetched_at=scene.now,
    )
    return [cancelled, pay]


def _tickets(
    scene: Scene,
    shifts: list[tuple[date, datetime, datetime, str, str]],
    rnd: random.Random,
    asks: list[tuple[str, str]],
) -> list[ContextItem]:
    """One week's IT tickets (0-3), opened during its shifts, taken from `asks` (consumed)."""
    out: list[ContextItem] = []
    count = rnd.choices((0, 1, 2, 3), weights=(10, 35, 35, 20))[0]
    for _ in range(count):
        if not shifts or not asks:
            break
        category, text = asks.pop()
        _, begin, end, _, _ = rnd.choice(shifts)
        opened = begin + (end - begin) * rnd.uniform(0.1, 0.8)
        resolved = opened + timedelta(hours=rnd.uniform(1, 30)) if rnd.random() < 0.7 else None
        number = f"INC{rnd.randint(10_000, 99_999):07d}"
        described = text.format(n=rnd.randint(1, 12), sku=rnd.randint(100_000, 999_999))
        out.append(
            it_ticket_item(
                connector="demo",
                number=number,
                short_description=described,
                opened=opened,
                resolved=resolved if resolved and resolved < scene.now else None,
                category=category,
                assignment_group=GROUPS[category],
                fetched_at=scene.now,
            )
        )
    return out
