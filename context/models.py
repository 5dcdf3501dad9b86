"""The normalised context model every connector returns.

A ContextItem is one thing an employee did at work (a meeting, a sent mail, a Jira ticket event,
a git commit), minimised to the fields a question can use. Times are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vocabulary.sources import Source as Source


class ItemKind(StrEnum):
    MEETING = "meeting"
    MAIL = "mail"
    TICKET = "ticket"
    COMMIT = "commit"
    SHIFT = "shift"  # a rostered shift, a swap, a time-off request, an open shift picked up


class Sensitivity(StrEnum):
    """Graph's event sensitivity values; anything but NORMAL is excluded by the privacy filter."""

    NORMAL = "normal"
    PERSONAL = "personal"
    PRIVATE = "private"
    CONFIDENTIAL = "confidential"


class Involvement(StrEnum):
    """How the employee took part: active roles make better questions than passive ones."""

    ORGANIZER = "organizer"
    ATTENDEE = "attendee"
    SENDER = "sender"
    ASSIGNEE = "assignee"
    REPORTER = "reporter"
    COMMENTER = "commenter"
    TRANSITIONER = "transitioner"
    AUTHOR = "author"
    SCHEDULED = "scheduled"  # rostered on a shift
    REQUESTER = "requester"  # asked for it: a swap, time off, an open shift, an IT ticket


class MeetingResponse(StrEnum):
    """The employee's answer to a meeting invitation (`extra["meeting_response"]`): a response
    is a sent message to the organiser, and Outlook takes a declined meeting off the calendar,
    so only the employee and the organiser know it was declined."""

    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"


# The extra key holding a MeetingResponse; such an item's title is the meeting's subject.
MEETING_RESPONSE = "meeting_response"


class ShiftEvent(StrEnum):
    """What a SHIFT item records (`extra["shift_event"]`). A rostered shift is on the store's
    published rota; the others are requests only the employee, the other party and the approving
    manager see."""

    SHIFT = "shift"  # rostered: store, department, start and end
    SWAP = "swap"  # the employee's own shift swapped with a named co-worker
    TIME_OFF = "time_off"  # days the employee asked to have off (never the reason)
    OPEN_SHIFT = "open_shift"  # an open (unassigned) shift the employee asked to pick up


SHIFT_EVENT = "shift_event"


class Participant(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    email: str | None = None
    role: str = "attendee"  # organizer | attendee | to | cc | assignee | reporter | commenter


# An audience no source can size (a repository's readers, a Jira project's browsers): assume it
# is large, so the fact counts as one a colleague could look up.
ASSUMED_LARGE_AUDIENCE = 500


class AudienceScope(StrEnum):
    """Who besides the named people can see an item."""

    PARTICIPANTS = "participants"  # only the people named: attendees and organiser, recipients
    PROJECT = "project"  # everyone who can browse the Jira project sees the issue and its history
    REPOSITORY = "repository"  # everyone who can read the repository sees its history
    SCHEDULE = "schedule"  # everyone on the store's published rota (it hangs in the back office)
    UNKNOWN = "unknown"  # the source did not say


class Audience(BaseModel):
    """Who besides the employee could know an item's facts, and how many.

    `people` are the others the source names (attendees, recipients, assignee, reporter);
    `group` the project key or repository whose every reader can see the item; `size` how many
    people besides the employee that is in all, None when the source cannot tell (then
    `reach` assumes it is large)."""

    model_config = ConfigDict(frozen=True)

    scope: AudienceScope = AudienceScope.UNKNOWN
    people: tuple[str, ...] = ()
    group: str | None = None
    size: int | None = Field(default=None, ge=0)

    @property
    def reach(self) -> int:
        """How many others could know: the reported size, at least the people named, and
        ASSUMED_LARGE_AUDIENCE when nobody could count them."""
        if self.size is None:
            return ASSUMED_LARGE_AUDIENCE
        return max(self.size, len(self.people))

    @classmethod
    def named(cls, people: Iterable[str]) -> Audience:
        """Only the named people know (a meeting, a mail): the size is their count."""
        names = tuple(dict.fromkeys(p for p in people if p))
        return cls(scope=AudienceScope.PARTICIPANTS, people=names, size=len(names))


class Provenance(BaseModel):
    model_config = ConfigDict(frozen=True)

    connector: str  # demo | graph | jira | git
    ref: str  # the source system's own id (event id, issue key, sha)
    fetched_at: datetime


class ContextItem(BaseModel):
    """One minimised work fact. `identifiers` holds typed keys questions can ask for exactly:
    ticket_key, project, repository, branch, sha, status_from, status_to; `extra` holds the few
    other fields a question may use (location, files, issue_type, meeting_response on a sent
    reply to an invitation); `audience` says who else
    could know it (see Audience)."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: Source
    kind: ItemKind
    when: datetime
    end: datetime | None = None
    title: str
    involvement: Involvement
    participants: tuple[Participant, ...] = ()
    identifiers: dict[str, str] = Field(default_factory=dict)
    extra: dict[str, str] = Field(default_factory=dict)
    sensitivity: Sensitivity = Sensitivity.NORMAL
    cancelled: bool = False
    series_id: str | None = None  # set for occurrences of a recurring series
    audience: Audience = Field(default_factory=Audience)  # unknown (assumed large) by default
    provenance: Provenance

    @field_validator("when", "end")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("datetimes must be timezone-aware")
        return value


class Employee(BaseModel):
    """A directory entry. `aliases` are every other name the employee appears under in a source
    (mail addresses, git author names and emails, Jira account ids)."""

    model_config = ConfigDict(frozen=True)

    upn: str
    name: str
    title: str
    department: str
    manager: str | None = None  # manager's UPN
    role: str  # it_admin | helpdesk | store_manager | engineer | data_engineer | hr | finance ...
    aliases: tuple[str, ...] = ()
    timezone: str = "America/Chicago"
    office: str | None = None
    country: str | None = None  # ISO 3166 alpha-2 (Graph usageLocation): scope rules per country

    @property
    def given_name(self) -> str:
        return self.name.split()[0]


class PublicProfile(BaseModel):
    """What an attacker can learn without access: LinkedIn, the company site, a leaked record."""

    model_config = ConfigDict(frozen=True)

    upn: str
    name: str
    title: str
    department: str
    employer: str
    manager_name: str | None = None
    location: str | None = None
    linkedin_headline: str = ""
    skills: tuple[str, ...] = ()
    public_projects: tuple[str, ...] = ()
    leaked: dict[str, str] = Field(default_factory=dict)  # date_of_birth, home_city, phone ...

    def facts(self) -> list[str]:
        """Every public string, for checks that an answer is not derivable from public data."""
        values = [self.name, self.title, self.department, self.employer, self.linkedin_headline]
        values += [v for v in (self.manager_name, self.location) if v]
        values += list(self.skills) + list(self.public_projects) + list(self.leaked.values())
        return [v for v in values if v]
