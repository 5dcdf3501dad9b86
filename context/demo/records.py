"""The demo tenant's building blocks: company facts, people, teams, and what an insider knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from pydantic import BaseModel, ConfigDict

from context.models import Employee


class CompanyFacts(BaseModel):
    """Public facts about the employer: anyone can learn these from the web or a press release."""

    model_config = ConfigDict(frozen=True)

    name: str
    domain: str
    hq: str
    industry: str
    tools: tuple[str, ...] = ()  # the stack job adverts reveal (Okta, Jira, ...)
    programmes: tuple[str, ...] = ()  # press-release programmes
    products: tuple[str, ...] = ()  # public product and brand names
    public_facts: tuple[str, ...] = ()

    def facts(self) -> list[str]:
        """Every public string, for checks that a question is not guessable from public data."""
        values = [self.name, self.domain, self.hq, self.industry]
        return [*values, *self.tools, *self.programmes, *self.products, *self.public_facts]


class InsiderKnowledge(BaseModel):
    """What a colleague (or an attacker inside the company) knows about an employee's work."""

    model_config = ConfigDict(frozen=True)

    upn: str
    manager_name: str | None = None
    teams: tuple[str, ...] = ()
    teammates: tuple[str, ...] = ()  # names
    recurring_meetings: tuple[str, ...] = ()  # titles of the team's series
    repositories: tuple[str, ...] = ()
    jira_projects: tuple[str, ...] = ()

    def facts(self) -> list[str]:
        values = [*self.teams, *self.teammates, *self.recurring_meetings]
        values += [*self.repositories, *self.jira_projects]
        return values + ([self.manager_name] if self.manager_name else [])


@dataclass(frozen=True)
class GitIdentity:
    name: str
    email: str


@dataclass(frozen=True)
class Person:
    """An employee plus what the generator needs to invent their work and public footprint."""

    employee: Employee
    city: str
    git: tuple[GitIdentity, ...] = ()
    projects: tuple[str, ...] = ()  # Jira project keys they work in
    repos: tuple[str, ...] = ()  # repositories they commit to
    joined_days_ago: int | None = None  # set for new hires: activity starts then
    store: str | None = None  # a store manager's own store number
    skills: tuple[str, ...] = ()
    public_projects: tuple[str, ...] = ()
    leaked: dict[str, str] = field(default_factory=dict)

    @property
    def upn(self) -> str:
        return self.employee.upn


@dataclass(frozen=True)
class Team:
    """A lead and their direct reports, with the team's recurring meetings in the lead's zone."""

    id: str
    name: str
    lead: str  # upn
    members: tuple[str, ...]  # upns, lead first
    timezone: str
    standup: str | None  # daily series title; None for teams that do not stand up
    standup_at: time
    weekly: str
    weekly_day: int  # 0 = Monday
    weekly_at: time
    projects: tuple[str, ...] = ()
    repos: tuple[str, ...] = ()


@dataclass(frozen=True)
class Roster:
    company: CompanyFacts
    people: tuple[Person, ...]
    teams: tuple[Team, ...]
