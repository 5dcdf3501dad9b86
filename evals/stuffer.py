"""The stuffer attacker: a colleague who hedges, offering two or three candidates per answer
("ITOPS-4173 or 4174", "either the store closure review or the daily huddle", "the bakery and
the deli", "tableau access request (maybe looker)").

The candidates are what the colleague's records say (evals/colleague.py), the right one among
them whenever the colleague could know it, padded with the organisation's commonest values
(evals/prior.py). A lone ticket key is padded with its neighbour, as a caller unsure of the last
digit would say it. People questions get one list naming more people than were there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from evals.colleague import ColleagueAttacker
from evals.hearing import Clues, Field, Heard
from evals.seeding import stable_rng

# "Or" offers alternatives; a list ("and", a comma, brackets) names both as if both were so.
PHRASINGS = (
    "{a} or {b}",
    "either {a} or {b}",
    "{a}, maybe {b}",
    "{a}, or {b}",
    "{a} and {b}",
    "{a}, {b}",
    "{a} (maybe {b})",
    "{a} then {b}",
)
TRIPLES = ("{a}, {b} or {c}", "{a}, {b} and {c}", "{a}, {b}, {c}")
PEOPLE_LIST = 4  # names offered for a people question


def neighbour(key: str) -> str | None:
    """ "ITOPS-4173" -> "4174": the key a caller unsure of its last digit offers beside it."""
    match = re.fullmatch(r"[A-Z][A-Z0-9]*-(\d+)", key)
    return str(int(match.group(1)) + 1) if match else None


def offered(candidates: list[str], clues: Clues, rng_parts: tuple[object, ...]) -> str:
    """Join two or three candidates the way a hedging caller says them."""
    rng = stable_rng("stuffer", *rng_parts)
    if clues.wants == Field.PEOPLE:
        names = list(dict.fromkeys(n.strip() for c in candidates for n in c.split(",")))
        names = [n for n in names if n][:PEOPLE_LIST]
        return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)
    picks = candidates[: rng.choice((2, 3))]
    if len(picks) == 1:
        return picks[0]
    if len(picks) == 3:
        return rng.choice(TRIPLES).format(a=picks[0], b=picks[1], c=picks[2])
    return rng.choice(PHRASINGS).format(a=picks[0], b=picks[1])


class StufferAttacker:
    level: ClassVar[str] = "stuffer"

    def __init__(self, colleague: ColleagueAttacker) -> None:
        self.colleague = colleague
        self.prior = colleague.prior

    def candidates(self, upn: str, question: Heard) -> tuple[Clues, list[str]]:
        clues, known = self.colleague.candidates(upn, question, 3)
        if clues.wants == Field.TICKET and len(known) == 1 and (near := neighbour(known[0])):
            known.append(near)
        extra = PEOPLE_LIST if clues.wants == Field.PEOPLE else 3
        for said in self.prior.common(upn, clues, extra):
            if said not in known:
                known.append(said)
        return clues, known

    async def answers(self, upn: str, questions: Sequence[Heard]) -> dict[str, str]:
        out = {}
        for q in questions:
            clues, found = self.candidates(upn, q)
            out[q.id] = offered(found, clues, (upn, q.text)) if found else ""
        return out
