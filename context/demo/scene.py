"""What a generator sees: the roster, its teams, and the fortnight being invented.

Everything is generated for the calendar date of `now` (UTC) and only then cut to the window
[now - days, now), so two builds on the same date agree item for item."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from context.demo.records import Person, Roster, Team
from context.demo.seeding import item_id, rng
from context.models import Audience, AudienceScope, ContextItem, Participant, Provenance
from vocabulary.roles import FRONTLINE_ROLES


def at(day: date, clock: time, tz: str) -> datetime:
    """A local wall-clock time on a day, as an aware UTC datetime."""
    return datetime.combine(day, clock, ZoneInfo(tz)).astimezone(UTC)


@dataclass
class Scene:
    roster: Roster
    seed: int
    now: datetime
    days: int
    people: dict[str, Person] = field(init=False)
    office: list[Person] = field(init=False)
    teams_of: dict[str, list[Team]] = field(init=False)
    reports: dict[str, list[str]] = field(init=False)
    hr_partner: str | None = field(init=False)
    _participants: dict[tuple[str, str], Participant] = field(init=False, default_factory=dict)
    _readers: dict[str, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.people = {p.upn: p for p in self.roster.people}
        # Who office work (meetings, mail) is drawn from: frontline staff have no mailbox to
        # speak of, and adding them must not change anyone else's week.
        self.office = [p for p in self.roster.people if p.employee.role not in FRONTLINE_ROLES]
        self.teams_of = defaultdict(list)
        for team in self.roster.teams:
            for upn in team.members:
                self.teams_of[upn].append(team)
        hr = (p.upn for p in self.roster.people if p.employee.role == "hr")
        self.hr_partner = next(hr, None)
        self.reports = defaultdict(list)
        for p in self.roster.people:
            if p.employee.manager:
                self.reports[p.employee.manager].append(p.upn)
        self._readers = self._group_readers()

    def _group_readers(self) -> dict[str, int]:
        """Per Jira project and repository, how many people can browse or read it: every member
        of each department that works in it (the tenant grants access by department)."""
        per_department = Counter(p.employee.department for p in self.roster.people)
        departments: dict[str, set[str]] = defaultdict(set)
        for p in self.roster.people:
            for group in (*p.projects, *p.repos):
                departments[group].add(p.employee.department)
        return {g: sum(per_department[d] for d in ds) for g, ds in departments.items()}

    @property
    def anchor(self) -> date:
        return self.now.astimezone(UTC).date()

    @property
    def start(self) -> datetime:
        return self.now - timedelta(days=self.days)

    def workdays(self) -> list[date]:
        """Weekdays generated for this anchor date (a day either side of the window)."""
        first = self.anchor - timedelta(days=self.days + 1)
        span = (first + timedelta(days=n) for n in range(self.days + 3))
        return [d for d in span if d.weekday() < 5]

    def inner_days(self) -> list[date]:
        """Weekdays inside the window whatever the time of day: for must-have items."""
        first = self.anchor - timedelta(days=self.days - 1)
        return [d for d in self.workdays() if first <= d < self.anchor]

    def rng(self, *parts: object) -> random.Random:
        return rng(self.seed, self.anchor, *parts)

    def in_window(self, item: ContextItem) -> bool:
        return self.start <= item.when < self.now and (item.end or item.when) <= self.now

    def participant(self, upn: str, role: str) -> Participant:
        key = (upn, role)
        if key not in self._participants:  # cached: participants are the bulk of all objects
            name = self.people[upn].employee.name
            self._participants[key] = Participant(name=name, email=upn, role=role)
        return self._participants[key]

    def outsiders(self, upn: str, rnd: random.Random, count: int) -> list[str]:
        """People in none of `upn`'s teams: another department, another store's manager."""
        mates = {m for t in self.teams_of[upn] for m in t.members} | {upn}
        pool = [p.upn for p in self.office if p.upn not in mates]
        return rnd.sample(pool, min(count, len(pool)))

    def colleagues(self, upn: str, rnd: random.Random, count: int) -> list[str]:
        """Mostly teammates, sometimes someone from elsewhere in the company."""
        mates = sorted({m for t in self.teams_of[upn] for m in t.members} - {upn})
        picks = rnd.sample(mates, min(count, len(mates)))
        if rnd.random() < 0.5 or not picks:
            other = rnd.choice(self.office).upn
            if other != upn and other not in picks:
                picks.append(other)
        return picks

    def named_audience(self, me: str, people: Iterable[Participant]) -> Audience:
        """Only the people on the item know it (a meeting's crew, a mail's recipients)."""
        return Audience.named(p.name for p in people if p.email != me)

    def group_audience(
        self, me: str, scope: AudienceScope, group: str, people: Iterable[Participant] = ()
    ) -> Audience:
        """Everyone who can browse the project or read the repository, besides the employee."""
        named = tuple(dict.fromkeys(p.name for p in people if p.email != me))
        readers = max(self._readers.get(group, 1) - 1, len(named))
        return Audience(scope=scope, people=named, group=group, size=readers)

    def provenance(self, ref: str) -> Provenance:
        return Provenance(connector="demo", ref=ref, fetched_at=self.now)

    def new_id(self, source: str, upn: str, *parts: object) -> str:
        return item_id(source, self.seed, upn, *parts)
