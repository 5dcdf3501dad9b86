"""The demo Organisation: a directory built up front, each employee's work invented on demand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from context.demo.activity import jira_items, mail_items
from context.demo.calendar import calendar_items
from context.demo.commits import CommitSpec, commit_items
from context.demo.frontline import frontline_items
from context.demo.onboarding import new_hire_items
from context.demo.records import CompanyFacts, InsiderKnowledge, Person, Roster
from context.demo.roster import demo_roster
from context.demo.scene import Scene
from context.demo.synthetic import synthetic_roster
from context.models import ContextItem, Employee, PublicProfile
from vocabulary.roles import FRONTLINE_ROLES

DEMO_SEED = 4207


class Organisation:
    """A synthetic retailer: directory, public profiles, insider knowledge and work items.

    `items()` returns everything, private, cancelled and HR-sensitive items included: dropping
    them is the privacy filter's job, and the demo must show that it does."""

    def __init__(self, roster: Roster, *, seed: int, now: datetime, days: int, synthetic: bool):
        self.seed, self.now, self.days, self.synthetic = seed, now, days, synthetic
        self.company: CompanyFacts = roster.company
        self.employees: list[Employee] = [p.employee for p in roster.people]
        self._scene = Scene(roster, seed, now, days)
        self._items: dict[str, list[ContextItem]] = {}
        self._specs: dict[str, list[CommitSpec]] = {}
        self._shas: dict[str, str] = {}  # item id -> real short sha, once repos exist
        self.repositories: dict[str, Path] = {}  # set by materialize_git_repos

    def _person(self, upn: str) -> Person | None:
        return self._scene.people.get(upn.strip().lower())

    def employee(self, upn: str) -> Employee | None:
        person = self._person(upn)
        return person.employee if person else None

    def _require(self, upn: str) -> Person:
        person = self._person(upn)
        if person is None:
            raise KeyError(f"no employee {upn!r} in the demo tenant")
        return person

    def items(self, upn: str) -> list[ContextItem]:
        """Every item in [now - days, now), oldest first; [] for an unknown employee."""
        person = self._person(upn)
        if person is None:
            return []
        if person.upn not in self._items:
            self._items[person.upn] = self._generate(person)
        return list(self._items[person.upn])

    def _generate(self, person: Person) -> list[ContextItem]:
        scene = self._scene
        if person.employee.role in FRONTLINE_ROLES:
            raw = frontline_items(scene, person)
        elif person.joined_days_ago is not None:
            raw = new_hire_items(scene, person)
        else:
            commits = commit_items(scene, person)
            self._specs[person.upn] = [s for i, s in commits if scene.in_window(i)]
            raw = calendar_items(scene, person) + mail_items(scene, person)
            raw += jira_items(scene, person) + [item for item, _ in commits]
        kept = sorted((i for i in raw if scene.in_window(i)), key=lambda i: (i.when, i.id))
        return [self._with_sha(i) for i in kept]

    def _with_sha(self, item: ContextItem) -> ContextItem:
        sha = self._shas.get(item.id)
        if sha is None:
            return item
        ids = item.identifiers | {"sha": sha}
        provenance = item.provenance.model_copy(update={"ref": sha})
        return item.model_copy(update={"identifiers": ids, "provenance": provenance})

    def commit_specs(self) -> list[CommitSpec]:
        """The in-window commits of every employee, oldest first (for materialising repos)."""
        for employee in self.employees:
            self.items(employee.upn)
        specs = [s for per in self._specs.values() for s in per]
        return sorted(specs, key=lambda s: (s.when, s.item_id))

    def repository_names(self) -> list[str]:
        """Every repository an employee of this organisation commits to."""
        return sorted({repo for p in self._scene.people.values() for repo in p.repos})

    def bind_shas(self, shas: dict[str, str]) -> None:
        """Replace pseudo-random shas with the real ones of materialised commits."""
        self._shas = dict(shas)
        self._items.clear()

    def profile(self, upn: str) -> PublicProfile:
        person = self._require(upn)
        emp = person.employee
        boss = self.employee(emp.manager) if emp.manager else None
        headline = f"{emp.title} at {self.company.name} | " + " · ".join(person.skills[:3])
        return PublicProfile(
            upn=emp.upn,
            name=emp.name,
            title=emp.title,
            department=emp.department,
            employer=self.company.name,
            manager_name=boss.name if boss else None,
            location=person.city,
            linkedin_headline=headline,
            skills=person.skills,
            public_projects=person.public_projects,
            leaked=dict(person.leaked),
        )

    def insider_knowledge(self, upn: str) -> InsiderKnowledge:
        person = self._require(upn)
        teams = self._scene.teams_of[person.upn]
        boss = self.employee(person.employee.manager) if person.employee.manager else None
        mates = {m for t in teams for m in t.members} - {person.upn}
        meetings = [title for t in teams for title in (t.standup, t.weekly) if title]
        me = person.employee.given_name
        if boss:
            meetings.append(f"{boss.given_name} / {me} 1:1")
        for report in self._scene.reports.get(person.upn, []):
            them = self._scene.people[report]
            if them.joined_days_ago is None:  # new hires are not in the weekly series yet
                meetings.append(f"{me} / {them.employee.given_name} 1:1")

        def merged(values: list[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(values))

        return InsiderKnowledge(
            upn=person.upn,
            manager_name=boss.name if boss else None,
            teams=merged([t.name for t in teams]),
            teammates=tuple(sorted(self._scene.people[m].employee.name for m in mates)),
            recurring_meetings=merged(meetings),
            repositories=merged([r for t in teams for r in t.repos] + list(person.repos)),
            jira_projects=merged([k for t in teams for k in t.projects] + list(person.projects)),
        )


def build_org(
    *,
    seed: int = DEMO_SEED,
    now: datetime | None = None,
    size: int | None = None,
    days: int = 14,
    mix: str = "default",
) -> Organisation:
    """The demo roster (size=None) or a synthetic organisation of `size` employees with the
    role `mix` (default, or retail: mostly frontline), with `days` of work ending at `now`
    (default: the current UTC time)."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(UTC))")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    roster = demo_roster() if size is None else synthetic_roster(seed, size, mix)
    return Organisation(roster, seed=seed, now=now, days=days, synthetic=size is not None)
