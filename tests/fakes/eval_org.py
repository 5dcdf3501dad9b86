"""A view of a synthetic organisation that records what a simulated attacker looked at."""

from __future__ import annotations

from context.demo import CompanyFacts, InsiderKnowledge, Organisation
from context.models import ContextItem, PublicProfile


class FakeOrgView:
    """Forwards public and insider look-ups to a real Organisation and records each one;
    reading work items (what only the employee and deskguard see) raises."""

    def __init__(self, org: Organisation) -> None:
        self._org = org
        self.calls: list[str] = []

    @property
    def company(self) -> CompanyFacts:
        self.calls.append("company")
        return self._org.company

    def profile(self, upn: str) -> PublicProfile:
        self.calls.append("profile")
        return self._org.profile(upn)

    def insider_knowledge(self, upn: str) -> InsiderKnowledge:
        self.calls.append("insider_knowledge")
        return self._org.insider_knowledge(upn)

    def items(self, upn: str) -> list[ContextItem]:
        self.calls.append("items")
        raise AssertionError("an attacker read the employee's work items")
