"""The planner keeps the chosen set's knower load once per step (questions/planner.py `_Load`):
for any chosen set and candidate it must say what `knower_load` of the set with the candidate
says, or the cap on what one other person can answer would silently change."""

from __future__ import annotations

import random

from context.config import CollectionConfig
from context.privacy import filter_items
from evals.runner import make_org
from questions.exposure import knower_load
from questions.facts import rank_facts
from questions.planner import _Load
from questions.templates import candidates


def test_the_kept_load_is_knower_load_with_the_candidate() -> None:
    patterns = CollectionConfig().sensitive_patterns
    rng, checked = random.Random(3), 0
    for mix in ("default", "retail"):  # shared systems, meetings; the rota, tickets, swaps
        org = make_org(40, 11, mix=mix)
        for employee in org.employees[:20]:
            items, _ = filter_items(org.items(employee.upn), sensitive_patterns=patterns)
            facts = rank_facts(items, now=org.now, profile=None)
            pool = candidates(facts, employee, org.now)
            for _ in range(30):
                chosen = rng.sample(pool, rng.randint(0, min(6, len(pool))))
                load = _Load(chosen)
                for question in rng.sample(pool, min(8, len(pool))):
                    expected = max(knower_load([*chosen, question]).values(), default=0)
                    assert load.most_with(question) == expected
                    checked += 1
    assert checked > 5000
