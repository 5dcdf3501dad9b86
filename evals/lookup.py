"""How an attacker holding raw records finds the ones a question is about and says the answer.

A record fits a question when nothing the question pins down contradicts it (the kind of record,
the day, the day part, the clock time, a named person, ticket key, project or status, what the
employee did: organised, created, moved...); records that fit more clues rank first. Answers are
said the way a caller would read them off the record: the title, the ticket key, "yesterday at
3 pm", the other people's names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from context.models import ContextItem, Involvement, ItemKind
from evals.hearing import NEAR_MINUTES, PARTS, TICKET_KEY, Clues, Field

# What the employee did, as questions say it.
DEEDS: tuple[tuple[str, Involvement], ...] = (
    (r"\borgani[sz]ed\b", Involvement.ORGANIZER),
    (r"\bcreated\b|\bopened\b|\breported\b", Involvement.REPORTER),
    (r"\bcommented\b", Involvement.COMMENTER),
    (r"\bassigned\b", Involvement.ASSIGNEE),
    (r"\bmoved?\b|\btransition", Involvement.TRANSITIONER),
)
FIELD_KINDS: dict[Field, frozenset[ItemKind]] = {
    Field.MEETING: frozenset({ItemKind.MEETING}),
    Field.REPOSITORY: frozenset({ItemKind.COMMIT}),
    Field.BRANCH: frozenset({ItemKind.COMMIT}),
    Field.FILES: frozenset({ItemKind.COMMIT}),
    Field.STATUS: frozenset({ItemKind.TICKET}),
    Field.STORE: frozenset({ItemKind.SHIFT}),
    Field.DEPARTMENT: frozenset({ItemKind.SHIFT}),
}


@dataclass(frozen=True)
class Reader:
    """Reads records of one employee (`target`) in their time zone, at the moment of the call."""

    target_names: frozenset[str]  # lower-case names and addresses the target appears under
    timezone: str
    asked_at: datetime
    directory_names: frozenset[str] = frozenset()  # every employee's full name, as written

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def others(self, item: ContextItem) -> list[str]:
        """The people on a record other than the target, in record order."""
        names = []
        for p in item.participants:
            if p.name.lower() in self.target_names or (p.email or "").lower() in self.target_names:
                continue
            names.append(p.name)
        return list(dict.fromkeys(names))

    def spoken_time(self, moment: datetime) -> str:
        when, today = self.local(moment), self.local(self.asked_at).date()
        hour = when.hour % 12 or 12
        clock = f"{hour}" if when.minute == 0 else f"{hour}:{when.minute:02d}"
        clock += " am" if when.hour < 12 else " pm"
        days = (today - when.date()).days
        day = {0: "today", 1: "yesterday"}.get(days) or (
            f"{when:%A}" if days < 7 else f"{when:%A} {when.day} {when:%B}"
        )
        return f"{day} at {clock}"


def _ticket_key(item: ContextItem) -> str | None:
    key = item.identifiers.get("ticket_key")
    if key:
        return key
    found = TICKET_KEY.findall(item.title)
    return found[0] if found else None


def value(item: ContextItem, wants: Field, reader: Reader) -> str | None:
    """What a caller reading `item` would say for the asked field; None when it has none."""
    if wants == Field.PEOPLE:
        names = reader.others(item)
        return ", ".join(names) if names else None
    if wants == Field.TICKET:
        return _ticket_key(item)
    if wants == Field.TIME:
        return reader.spoken_time(item.when)
    if wants == Field.FILES:
        return item.extra.get("files") or None
    plain = {
        Field.STORE: item.extra.get("store"),
        Field.DEPARTMENT: item.extra.get("department"),
        Field.REPOSITORY: item.identifiers.get("repository"),
        Field.BRANCH: item.identifiers.get("branch"),
        Field.STATUS: item.identifiers.get("status_to"),
    }
    if wants in plain:
        return plain[wants] or None
    return item.title or None


def _contradicts_when(item: ContextItem, clues: Clues, reader: Reader) -> bool:
    when = reader.local(item.when)
    if clues.day is not None and when.date() != clues.day:
        return True
    if clues.part is not None:
        low, high = PARTS[clues.part]
        if not low <= when.hour < high:
            return True
    if clues.clock is None:
        return False
    minutes = abs(when.hour * 60 + when.minute - clues.clock.hour * 60 - clues.clock.minute)
    return minutes > (NEAR_MINUTES if clues.approximate else 0)


def _is_decline(item: ContextItem) -> bool:
    """A reply declining an invitation, as the record of it says (the demo marks replies)."""
    return item.kind == ItemKind.MAIL and item.extra.get("meeting_response") == "declined"


def _deed(clues: Clues) -> Involvement | None:
    text = clues.text.lower()
    return next((inv for pattern, inv in DEEDS if re.search(pattern, text)), None)


def _named(clues: Clues, reader: Reader) -> list[str]:
    text = clues.text.lower()
    return [n for n in reader.directory_names if n.lower() in text]


def fits(item: ContextItem, clues: Clues, reader: Reader, *, shape_only: bool = False) -> int:
    """How many clues `item` satisfies, or -1 when one contradicts it. `shape_only` ignores
    what is particular to one employee's week (day, time, names, ticket keys)."""
    if clues.declined != _is_decline(item):
        return -1  # a declined invitation is the reply in Sent Items, never a meeting attended
    kinds = clues.kinds | FIELD_KINDS.get(clues.wants, frozenset())
    if kinds and item.kind not in kinds and not clues.declined:
        return -1
    shift = item.kind == ItemKind.SHIFT and clues.shift_event is not None
    if shift and item.extra.get("shift_event") != clues.shift_event:
        return -1  # "your shift" is the rostered one, "swap" the swap record
    score = 1
    deed = _deed(clues)
    if deed is not None:
        if item.involvement != deed:
            return -1
        score += 1
    if clues.status is not None:
        if item.identifiers.get("status_to", "").lower() != clues.status.lower():
            return -1
        score += 2
    if clues.project is not None:
        if item.identifiers.get("project") != clues.project:
            return -1
        score += 1
    if value(item, clues.wants, reader) is None:
        return -1
    if shape_only:
        return score
    return _particulars(item, clues, reader, score)


def _particulars(item: ContextItem, clues: Clues, reader: Reader, score: int) -> int:
    if _contradicts_when(item, clues, reader):
        return -1
    score += sum(x is not None for x in (clues.day, clues.part, clues.clock))
    if clues.keys:
        key = _ticket_key(item)
        if key not in clues.keys and not any(k in item.title for k in clues.keys):
            return -1
        score += 3
    on_record = {n.lower() for n in reader.others(item)}
    for name in _named(clues, reader):
        if name.lower() not in on_record:
            return -1
        score += 2
    return score


def ranked(
    items: Iterable[ContextItem], clues: Clues, reader: Reader, *, shape_only: bool = False
) -> list[ContextItem]:
    """Records that fit the question, best fit first (ties: most recent first)."""
    scored = [(fits(i, clues, reader, shape_only=shape_only), i) for i in items]
    kept = [(s, i) for s, i in scored if s >= 0]
    kept.sort(key=lambda pair: (-pair[0], -pair[1].when.timestamp()))
    return [i for _, i in kept]


def answers(items: Sequence[ContextItem], clues: Clues, reader: Reader, limit: int) -> list[str]:
    """The distinct answers of the best-fitting records, best first, at most `limit`."""
    out: list[str] = []
    for item in items:
        said = value(item, clues.wants, reader)
        if said and said not in out:
            out.append(said)
        if len(out) >= limit:
            break
    return out
