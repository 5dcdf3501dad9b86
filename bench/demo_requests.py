"""Question-generation requests for demo-tenant employees, as the service builds them (the
privacy filter applied, facts ranked): the input of the LLM benchmarks."""

from __future__ import annotations

from datetime import UTC, datetime

from context.config import CollectionConfig
from context.demo import build_org
from context.privacy import filter_items
from questions.engine import EngineRequest
from questions.facts import rank_facts


def demo_requests(count: int, questions: int) -> list[EngineRequest]:
    """`count` requests for `questions` questions each, cycling through the demo employees."""
    now = datetime.now(UTC)
    org = build_org(now=now)
    patterns = CollectionConfig().sensitive_patterns
    out = []
    for n in range(count):
        employee = org.employees[n % len(org.employees)]
        items, _ = filter_items(org.items(employee.upn), sensitive_patterns=patterns)
        profile = org.profile(employee.upn)
        facts = rank_facts(items, now=now, profile=profile)
        out.append(
            EngineRequest(employee=employee, profile=profile, facts=facts, count=questions, now=now)
        )
    return out
