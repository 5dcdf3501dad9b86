"""Fact ranking: which context items make questions only the real employee can answer.

A good fact is recent, specific, one the employee took part in actively (organiser, assignee,
author), unique (not the daily standup), absent from the public profile, and known to few others
(a meeting of three rather than a commit everyone who reads the repository sees).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from context.models import ContextItem, Involvement, ItemKind, PublicProfile
from questions.engine import RankedFact
from vocabulary.injection import addresses_a_machine
from vocabulary.words import GENERIC_WORDS

ACTIVE = {
    Involvement.ORGANIZER: 1.0,
    Involvement.AUTHOR: 1.0,
    Involvement.TRANSITIONER: 1.0,
    Involvement.ASSIGNEE: 0.9,
    Involvement.SENDER: 0.9,
    Involvement.REPORTER: 0.8,
    Involvement.COMMENTER: 0.7,
    Involvement.ATTENDEE: 0.5,
    Involvement.REQUESTER: 0.9,  # asked for a swap, time off, an open shift, IT's help
    Involvement.SCHEDULED: 0.6,  # rostered: they worked it, but so did the rota say
}
HALF_LIFE_DAYS = 4.0
# Each doubling of the audience beyond FEW others costs this share of the score (log scale: a
# project of 500 scores about a third of a meeting of two).
FEW = 2
AUDIENCE_PENALTY = 0.25
WORD = re.compile(r"[\w'-]+")


def words(text: str) -> list[str]:
    # Quotes and dashes at the edges are punctuation: 'Instacart' is Instacart.
    return [w for w in (w.strip("'-").lower() for w in WORD.findall(text)) if w]


def distinctive_words(text: str) -> list[str]:
    """Words of a title that carry information (not generic, not tiny)."""
    return [w for w in words(text) if w not in GENERIC_WORDS and len(w) > 2]


def word_parts(text: str) -> set[str]:
    """Distinctive alphanumeric parts, splitting names like "okta-terraform" into both halves:
    a repository named after a public skill is as guessable as the skill."""
    return {
        part
        for word in distinctive_words(text)
        for part in re.findall(r"[a-z0-9]+", word)
        if len(part) > 2 and part not in GENERIC_WORDS
    }


def public_words(profile: PublicProfile | None, extra: Iterable[str] = ()) -> set[str]:
    facts = list(profile.facts()) if profile else []
    return {part for fact in [*facts, *extra] for part in word_parts(fact)}


FREQUENT = 3  # occurrences in the window that make a meeting part of the furniture


def _title_counts(items: Sequence[ContextItem]) -> Counter[str]:
    return Counter(item.title.strip().lower() for item in items)


def exclusion(item: ContextItem, title_counts: Counter[str]) -> str | None:
    """Why an item must not become a question (None: it may)."""
    # Shifts share a few names (Early, Late) by design: their guessability is the audience's
    # and the answer prior's business (questions/exposure.py), not the title's.
    if item.kind is not ItemKind.SHIFT and title_counts[item.title.strip().lower()] >= FREQUENT:
        return "recurring"  # the daily standup: everyone on the team can guess it
    if addresses_a_machine(item.title):  # planted by whoever could file it
        return "planted_instruction"
    if item.involvement == Involvement.ASSIGNEE:
        return "passive"  # someone else assigned it: an attacker could have
    return None


def screen_facts(
    items: Sequence[ContextItem], title_counts: Counter[str] | None = None
) -> tuple[list[ContextItem], dict[str, int]]:
    """(items that may become questions, {reason: count} of those that may not)."""
    title_counts = title_counts or _title_counts(items)
    kept, excluded = [], Counter[str]()
    for item in items:
        reason = exclusion(item, title_counts)
        if reason:
            excluded[reason] += 1
        else:
            kept.append(item)
    return kept, dict(excluded)


def rank_facts(
    items: Sequence[ContextItem],
    *,
    now: datetime,
    profile: PublicProfile | None,
    public_facts: Iterable[str] = (),
) -> list[RankedFact]:
    """Score every eligible item (see `exclusion`); best first. Ties break on recency then id,
    so ranking is deterministic."""
    title_counts = _title_counts(items)
    eligible, _ = screen_facts(items, title_counts)
    known = public_words(profile, public_facts)
    ranked = [_score(item, now, known, title_counts) for item in eligible]
    ranked.sort(key=lambda f: (-f.score, -f.item.when.timestamp(), f.item.id))
    return ranked


def audience_factor(reach: int) -> float:
    """1.0 for a fact only the employee and one or two others know, falling with the log of the
    audience: who else could answer matters more than anything else about a fact."""
    return 1.0 / (1.0 + AUDIENCE_PENALTY * math.log2(max(reach, FEW) / FEW))


def _score(
    item: ContextItem, now: datetime, known: set[str], title_counts: Counter[str]
) -> RankedFact:
    reasons: list[str] = []
    age_days = max((now - item.when).total_seconds() / 86400, 0.0)
    recency = math.pow(0.5, age_days / HALF_LIFE_DAYS)
    involvement = ACTIVE.get(item.involvement, 0.5)
    distinct = distinctive_words(item.title)
    specificity = min(len(distinct), 5) / 5 + (0.3 if item.identifiers else 0.0)
    score = recency * (0.5 + involvement) * (0.4 + specificity)
    reasons.append(f"age {age_days:.1f}d, {item.involvement.value}, {len(distinct)} specific words")
    if item.series_id or title_counts[item.title.strip().lower()] > 1:
        score *= 0.3
        reasons.append("recurring (weekly): an insider may guess it")
    reach = item.audience.reach
    score *= audience_factor(reach)
    reasons.append(f"audience {reach} ({item.audience.scope.value})")
    public_hits = sorted(word_parts(item.title) & known)
    if public_hits:
        score *= 0.3
        reasons.append(f"public words: {', '.join(public_hits[:3])}")
    return RankedFact(item=item, score=round(score, 6), reasons=reasons)
