"""What a caller makes of a question the help-desk agent reads out: which field of which record is
asked for, and the clues (day, day part, clock time, names, ticket keys, statuses) that narrow the
record down.

This is the attacker's own reading of plain English, written from the question texts a caller
hears; it shares nothing with the question engines or the grader (tests/evals/test_attacker_
boundary.py enforces that no attacker module imports questions, grading, prompts or api).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from context.models import ItemKind

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
PARTS = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}
NEAR_MINUTES = 45
CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\b", re.I)
TICKET_KEY = re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d+\b")
PROJECT = re.compile(r"\b([A-Z][A-Z0-9]{1,9})\b(?= (?:ticket|issue|project))")
STATUS = re.compile(
    r"\bmov(?:e|ed|ing)\b[^?]*?\bto ([A-Z][\w]*(?: [\w]+)*?)"
    r"(?= (?:this|yesterday|today|on|last|at|in the|around)\b|[?.,]|$)"
)


@dataclass(frozen=True)
class Heard:
    """A question as the caller hears it. `kind` is on the agent's screen; the levels built on
    this module (colleague, prior, stuffer) answer from `text` alone."""

    id: str
    text: str
    kind: str = "text"


class Field(StrEnum):
    """What the question wants said back."""

    PEOPLE = "people"
    TITLE = "title"
    MEETING = "meeting"  # which meeting: a meeting's title
    TICKET = "ticket"
    REPOSITORY = "repository"
    BRANCH = "branch"
    FILES = "files"
    STATUS = "status"
    TIME = "time"
    STORE = "store"  # which store a shift was at
    DEPARTMENT = "department"  # which department of the store


@dataclass(frozen=True)
class Clues:
    """Everything the question text pins down, in the employee's local time."""

    wants: Field
    kinds: frozenset[ItemKind]  # empty: any kind of record
    day: date | None = None
    part: str | None = None  # morning | afternoon | evening
    clock: time | None = None
    approximate: bool = False  # "around 3 pm": within NEAR_MINUTES of the clock time
    keys: tuple[str, ...] = ()  # ticket keys named in the question
    project: str | None = None
    status: str | None = None  # "move ... to Done": the status a ticket was moved to
    declined: bool = False  # "you declined an invitation": a reply, not a meeting attended
    shift_event: str | None = None  # shift | swap | time_off | open_shift: which shift record
    words: frozenset[str] = field(default_factory=frozenset)  # every lower-case word
    text: str = ""


def _wants(text: str) -> Field:
    t = text.lower()
    rules: tuple[tuple[str, Field], ...] = (
        (r"\b(what time|at what time|when did|when was|which day|what day)\b", Field.TIME),
        (r"\bwho\b|\bwhom\b|\bwhich (colleague|person|people)\b", Field.PEOPLE),
        (r"\b(which|what) (ticket|issue)\b|\bticket (number|key)\b", Field.TICKET),
        (r"\b(which|what) (repository|repo)\b", Field.REPOSITORY),
        (r"\b(which|what) branch\b", Field.BRANCH),
        (r"\b(which|what) files?\b", Field.FILES),
        (r"\b(which|what) (status|state|column)\b", Field.STATUS),
        (r"\b(which|what) (meeting|invitation|invite|event)\b", Field.MEETING),
        (r"\b(which|what) store\b", Field.STORE),
        (r"\b(which|what) department\b", Field.DEPARTMENT),
    )
    for pattern, wanted in rules:
        if re.search(pattern, t):
            return wanted
    return Field.TITLE


def _kinds(text: str) -> frozenset[ItemKind]:
    t = text.lower()
    hints = (
        (r"\b(meeting|invit\w*|calendar|event|call|1:1|standup|sync)\b", ItemKind.MEETING),
        (r"\b(e-?mail\w*|mail\w*|wrote to|message)\b", ItemKind.MAIL),
        (r"\b(ticket|issue|jira|moved?|transition\w*)\b", ItemKind.TICKET),
        (r"\b(commit\w*|repositor\w*|repo|push\w*|branch|files?)\b", ItemKind.COMMIT),
        (r"\b(shifts?|rota|scheduled|swap\w*|time off|day off)\b", ItemKind.SHIFT),
        (r"\bask(ed)? it\b|\bit for\b", ItemKind.TICKET),
    )
    return frozenset(kind for pattern, kind in hints if re.search(pattern, t))


def _shift_event(text: str) -> str | None:
    t = text.lower()
    for pattern, event in (
        (r"\bswap\w*\b", "swap"),
        (r"\btime off\b|\bday off\b", "time_off"),
        (r"\bopen shift\b|\bpick(ed)? up\b", "open_shift"),
        (r"\bshift\b|\bscheduled\b", "shift"),
    ):
        if re.search(pattern, t):
            return event
    return None


def _day(text: str, today: date) -> date | None:
    t = text.lower()
    if re.search(r"\b(today|this (morning|afternoon|evening))\b", t):
        return today
    if "yesterday" in t:
        return today - timedelta(days=1)
    dated = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(MONTHS) + r")\b", t)
    if dated:
        month = MONTHS.index(dated.group(2)) + 1
        year = today.year if month <= today.month else today.year - 1
        try:
            return date(year, month, int(dated.group(1)))
        except ValueError:
            return None
    for index, name in enumerate(WEEKDAYS):
        if re.search(rf"\b{name}\b", t):
            back = (today.weekday() - index) % 7 or 7  # "on Monday": the last one before today
            return today - timedelta(days=back)
    return None


def _clock(text: str) -> time | None:
    match = CLOCK.search(text)
    if not match:
        return None
    hour, minute = int(match.group(1)) % 12, int(match.group(2) or 0)
    if match.group(3).lower() == "p":
        hour += 12
    return time(hour, minute) if hour < 24 and minute < 60 else None


def hear(text: str, *, asked_at: datetime, timezone: str) -> Clues:
    """Read one question as the caller would, relative to the moment of the call."""
    today = asked_at.astimezone(ZoneInfo(timezone)).date()
    lowered = text.lower()
    part = next((p for p in PARTS if re.search(rf"\b{p}\b", lowered)), None)
    project = PROJECT.search(text)
    status = STATUS.search(text)
    return Clues(
        wants=_wants(text),
        kinds=_kinds(text),
        day=_day(text, today),
        part=part,
        clock=_clock(text),
        approximate=bool(re.search(r"\b(around|about|roughly|approximately|ish)\b", lowered)),
        keys=tuple(TICKET_KEY.findall(text)),
        project=project.group(1) if project else None,
        status=status.group(1) if status else None,
        declined=bool(re.search(r"\bdeclin\w*|\bturned down\b", lowered)),
        shift_event=_shift_event(text),
        words=frozenset(re.findall(r"[a-z0-9]+", lowered)),
        text=text,
    )
