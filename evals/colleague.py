"""The colleague attacker: a compromised account of someone who works with the target.

What the account gives, read straight from the synthetic organisation's records:
- the git history of every repository and the issue history of every Jira project the target's
  department works in (commit subjects, files, branches and times; who created, commented on and
  moved which ticket, and when);
- its own calendar: every meeting it shared with the target (title, time, organiser, attendees);
- its own inbox: every mail the target sent it (subject, time, the other recipients);
- for frontline staff (issue 16) the account is a co-worker at the same site: it reads the
  site's published rota (the target's rostered shifts, approved time off, open shifts taken)
  and the swaps it made with the target, never the target's IT tickets; a shift lead's account
  also approves the site's requests, so it reads every swap and time-off request there.

Which colleague: one of the target's team (manager, peers under the same manager, direct
reports), drawn per target from the seed, as an attacker who phished one nearby account would
have; a department member when the target has no team. A question its records cannot answer it
answers like the prior attacker (evals/prior.py): a colleague also knows what is usual.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from functools import cached_property
from typing import ClassVar

from context.demo import Organisation
from context.demo.frontline import FRONTLINE_ROLES
from context.models import AudienceScope, ContextItem, Employee, ItemKind, Source
from evals.hearing import Clues, Heard, hear
from evals.lookup import Reader, answers, ranked
from evals.prior import OrgPrior
from evals.seeding import stable_rng

SITE_APPROVERS = frozenset({"shift_lead"})  # approve the swaps and time off of their site


class Workplace:
    """Who works with whom and which systems a department can read, from the directory and the
    records themselves."""

    def __init__(self, org: Organisation) -> None:
        self.org = org
        self.by_upn = {e.upn: e for e in org.employees}
        self._accessed: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    @cached_property
    def reports(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for e in self.org.employees:
            if e.manager:
                out[e.manager].append(e.upn)
        return out

    @cached_property
    def directory_names(self) -> frozenset[str]:
        return frozenset(e.name for e in self.org.employees)

    def team(self, upn: str) -> list[str]:
        """Manager, peers and direct reports of `upn`, in directory order; for frontline staff
        the co-workers on the same site's rota (a store, a distribution centre)."""
        me = self.by_upn[upn]
        if me.role in FRONTLINE_ROLES:
            return [
                e.upn
                for e in self.members[me.department]
                if e.upn != upn and e.role in FRONTLINE_ROLES
            ]
        near = [me.manager] if me.manager else []
        near += self.reports.get(me.manager, []) if me.manager else []
        near += self.reports.get(upn, [])
        return [u for u in dict.fromkeys(near) if u != upn and u in self.by_upn]

    @cached_property
    def members(self) -> dict[str, list[Employee]]:
        """Department -> its members, in directory order."""
        out: dict[str, list[Employee]] = defaultdict(list)
        for e in self.org.employees:
            out[e.department].append(e)
        return out

    def department(self, upn: str) -> list[str]:
        return [e.upn for e in self.members[self.by_upn[upn].department]]

    def _access(self, department: str) -> tuple[frozenset[str], frozenset[str]]:
        """(Jira projects, repositories) the department's members work in: read from their
        records once, and only for a department asked about."""
        if department not in self._accessed:
            projects: set[str] = set()
            repos: set[str] = set()
            for e in self.members.get(department, []):
                for item in self.org.items(e.upn):
                    if project := item.identifiers.get("project"):
                        projects.add(project)
                    if repo := item.identifiers.get("repository"):
                        repos.add(repo)
            self._accessed[department] = (frozenset(projects), frozenset(repos))
        return self._accessed[department]

    def readable(self, department: str, item: ContextItem) -> bool:
        """Can an account of `department` read this Jira or git record?"""
        projects, repos = self._access(department)
        if item.source == Source.JIRA:
            return item.identifiers.get("project") in projects
        if item.source == Source.GIT:
            return item.identifiers.get("repository") in repos
        return False


def reader_for(target: Employee, asked_at: datetime, names: frozenset[str]) -> Reader:
    return Reader(
        target_names=frozenset(n.lower() for n in (target.upn, target.name, *target.aliases)),
        timezone=target.timezone,
        asked_at=asked_at,
        directory_names=names - {target.name},
    )


class ColleagueAttacker:
    level: ClassVar[str] = "colleague"

    def __init__(self, org: Organisation, *, seed: int, prior: OrgPrior | None = None) -> None:
        self.org, self.seed = org, seed
        self.workplace = Workplace(org)
        self.prior = prior or OrgPrior(org)
        self._seen: dict[tuple[str, str], list[ContextItem]] = {}  # the last target's records

    def account(self, target: str) -> Employee:
        """The compromised colleague account used against `target`."""
        pool = self.workplace.team(target)
        if not pool:
            pool = [u for u in self.workplace.department(target) if u != target]
        if not pool:
            pool = [e.upn for e in self.org.employees if e.upn != target]
        return self.workplace.by_upn[stable_rng(self.seed, "colleague", target).choice(pool)]

    def visible(self, target: str, colleague: Employee) -> list[ContextItem]:
        """The target's records this colleague's account can read."""
        key = (target, colleague.upn)
        if key not in self._seen:
            dept = self.workplace.by_upn[target].department
            items = self.org.items(target)
            self._seen = {key: [i for i in items if self._reads(i, colleague, dept)]}
        return self._seen[key]

    def _reads(self, item: ContextItem, colleague: Employee, department: str) -> bool:
        if item.kind in (ItemKind.MEETING, ItemKind.MAIL):  # its own calendar and inbox
            return any((p.email or "").lower() == colleague.upn for p in item.participants)
        if item.kind is ItemKind.SHIFT:
            # the rota of its own site (rostered shifts, approved time off, open shifts taken),
            # and the swaps it was part of; never a pending request of someone else's
            on_rota = item.audience.scope is AudienceScope.SCHEDULE
            if on_rota and item.audience.group == colleague.department:
                return True
            approver = colleague.role in SITE_APPROVERS
            if approver and item.identifiers.get("store") == colleague.department:
                return True
            return any((p.email or "").lower() == colleague.upn for p in item.participants)
        return self.workplace.readable(department, item)  # the department's Jira and git

    def candidates(self, target: str, question: Heard, limit: int) -> tuple[Clues, list[str]]:
        """What this colleague's records say, best first ([] when they say nothing)."""
        employee = self.workplace.by_upn[target]
        reader = reader_for(employee, self.org.now, self.workplace.directory_names)
        clues = hear(question.text, asked_at=self.org.now, timezone=employee.timezone)
        seen = self.visible(target, self.account(target))
        return clues, answers(ranked(seen, clues, reader), clues, reader, limit)

    async def answers(self, upn: str, questions: Sequence[Heard]) -> dict[str, str]:
        out = {}
        for q in questions:
            clues, found = self.candidates(upn, q, 1)
            out[q.id] = found[0] if found else self.prior.best(upn, clues)
        return out
