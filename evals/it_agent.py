"""The IT-agent attacker: a compromised (or colluding) help-desk or IT agent account, the
account Scattered Spider goes after first.

What the account gives: every ticket the target raised in the IT ticketing system (ServiceNow
incidents and requests, JSM requests), whichever assignment group worked it: an agent role
reads every queue's tickets, and the agent taking the call can look them up while it is read
out. Nothing else of the target's: not the store's rota, not the team's Jira, git, calendar or
mail. A question its records cannot answer it answers like the prior attacker (evals/prior.py).
"""

from __future__ import annotations

from typing import ClassVar

from context.models import ContextItem, Employee, Source
from evals.colleague import ColleagueAttacker


class ItAgentAttacker(ColleagueAttacker):
    level: ClassVar[str] = "it_agent"

    def _reads(self, item: ContextItem, colleague: Employee, department: str) -> bool:
        return item.source is Source.ITSM
