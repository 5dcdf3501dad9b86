"""The prior attacker: answers every question with the organisation's most common value for the
question's shape, counted over the synthetic organisation's records of everyone but the target.

"Which repository did you commit to..." gets the repository the department commits to most,
"what did the commit change" its commonest commit subject, "what was the meeting about" the
commonest meeting title, "who else was in the meeting" the people the target's team meets most.
Values are counted first over the target's team (manager, peers, reports: the closest reference
class an attacker can name from an org chart), then over the whole department; the target's own
records never count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import ClassVar

from context.demo import Organisation
from context.models import Employee
from evals.hearing import Clues, Field, Heard, hear
from evals.lookup import Reader, fits, value

ShapeKey = tuple[str, str, str, str, str]
PEOPLE_NAMED = 2  # "the usual attendees": two names


def shape_key(clues: Clues) -> ShapeKey:
    """The parts of a question that say what kind of record and field it is about."""
    words = " ".join(sorted(w for w in clues.words if w in SHAPE_WORDS))
    kinds = ",".join(sorted(clues.kinds))
    return (clues.wants.value, kinds, words, clues.status or "", clues.project or "")


# Words that change which records count (see evals/lookup.DEEDS); any other word is particular.
SHAPE_WORDS = frozenset(
    {"organised", "organized", "created", "opened", "reported", "commented", "assigned", "move"}
    | {"moved", "transition", "transitioned"}
)


class OrgPrior:
    def __init__(self, org: Organisation) -> None:
        self.org = org
        self.by_upn = {e.upn: e for e in org.employees}
        self._members: dict[str, list[str]] = defaultdict(list)
        self._reports: dict[str, list[str]] = defaultdict(list)
        for e in org.employees:
            self._members[e.department].append(e.upn)
            if e.manager:
                self._reports[e.manager].append(e.upn)
        self._counts: dict[tuple[str, ShapeKey], Counter[str]] = {}
        self._totals: dict[tuple[str, ShapeKey], Counter[str]] = {}

    def _reader(self, owner: Employee) -> Reader:
        names = frozenset(n.lower() for n in (owner.upn, owner.name, *owner.aliases))
        return Reader(target_names=names, timezone=owner.timezone, asked_at=self.org.now)

    def _count(self, upn: str, clues: Clues, key: ShapeKey) -> Counter[str]:
        """How often each value answers this shape of question in `upn`'s own records."""
        cached = self._counts.get((upn, key))
        if cached is not None:
            return cached
        owner = self.by_upn[upn]
        reader, out = self._reader(owner), Counter[str]()
        for item in self.org.items(upn):
            if fits(item, clues, reader, shape_only=True) < 0:
                continue
            said = value(item, clues.wants, reader)
            if not said:
                continue
            if clues.wants == Field.PEOPLE:
                out.update(n.strip() for n in said.split(","))
            else:
                out[said] += 1
        self._counts[(upn, key)] = out
        return out

    def _department(self, dept: str, clues: Clues, key: ShapeKey) -> Counter[str]:
        total = self._totals.get((dept, key))
        if total is None:
            total = Counter[str]()
            for upn in self._members[dept]:
                total.update(self._count(upn, clues, key))
            self._totals[(dept, key)] = total
        return total

    def team(self, upn: str) -> list[str]:
        me = self.by_upn[upn]
        near = ([me.manager] + self._reports[me.manager]) if me.manager else []
        return [u for u in dict.fromkeys(near + self._reports[upn]) if u != upn]

    def common(self, target: str, clues: Clues, limit: int) -> list[str]:
        """The commonest values for this question's shape, best first, target excluded."""
        me, key = self.by_upn[target], shape_key(clues)
        team = Counter[str]()
        for upn in self.team(target):
            team.update(self._count(upn, clues, key))
        dept = self._department(me.department, clues, key) - self._count(target, clues, key)
        ordered: list[str] = []
        for counter in (team, dept):
            for said, _ in counter.most_common():
                if said != me.name and said not in ordered:
                    ordered.append(said)
        return ordered[:limit]

    def best(self, target: str, clues: Clues) -> str:
        """One answer: the commonest value (a set of the usual names for a people question)."""
        if clues.wants == Field.PEOPLE:
            return ", ".join(self.common(target, clues, PEOPLE_NAMED))
        found = self.common(target, clues, 1)
        return found[0] if found else ""


class PriorAttacker:
    level: ClassVar[str] = "prior"

    def __init__(self, org: Organisation, prior: OrgPrior | None = None) -> None:
        self.org = org
        self.prior = prior or OrgPrior(org)

    async def answers(self, upn: str, questions: Sequence[Heard]) -> dict[str, str]:
        tz = self.prior.by_upn[upn].timezone
        return {
            q.id: self.prior.best(upn, hear(q.text, asked_at=self.org.now, timezone=tz))
            for q in questions
        }
