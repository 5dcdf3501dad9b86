"""Scope controls (DESKGUARD_SCOPE__*): whom deskguard may verify by questions, which sources it
may read for whom, and how far back each source is read.

- excluded employees and departments: their verification escalates before any source is read,
  with the reason (the service records and audits it like any start);
- sources per country or department (a works council's agreement): an employee in a listed
  country or department is read only from the sources listed for it (both lists apply when both
  match); an employee whose country is unknown gets only the sources every listed country
  allows, so a missing attribute never widens what is read;
- a look-back per source, in days, instead of DESKGUARD_COLLECTION__LOOKBACK_DAYS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import NoDecode

from context.config import split_commas
from context.connectors.base import Connector
from context.models import Employee


class ScopeConfig(BaseModel):
    excluded_employees: Annotated[list[str], NoDecode] = Field(default_factory=list)  # UPNs
    excluded_departments: Annotated[list[str], NoDecode] = Field(default_factory=list)
    sources_by_country: dict[str, list[str]] = Field(default_factory=dict)  # {"DE": ["git"]}
    sources_by_department: dict[str, list[str]] = Field(default_factory=dict)
    lookback_days: dict[str, Annotated[int, Field(ge=1, le=90)]] = Field(default_factory=dict)

    _split = field_validator("excluded_employees", "excluded_departments", mode="before")(
        split_commas
    )

    def named_sources(self) -> set[str]:
        """Every connector name the settings mention (checked against the known ones)."""
        listed = [*self.sources_by_country.values(), *self.sources_by_department.values()]
        return {s.strip().lower() for sources in listed for s in sources} | {
            s.strip().lower() for s in self.lookback_days
        }


def _folded(values: Sequence[str]) -> set[str]:
    return {v.strip().casefold() for v in values if v.strip()}


def exclusion(config: ScopeConfig, employee: Employee) -> str | None:
    """Why this employee is out of scope, or None."""
    if employee.upn.casefold() in _folded(config.excluded_employees):
        return "this employee is excluded from verification by questions (scope settings)"
    if employee.department.casefold() in _folded(config.excluded_departments):
        return (
            f"the {employee.department} department is excluded from verification by questions "
            "(scope settings)"
        )
    return None


def _by_key(rules: Mapping[str, list[str]]) -> dict[str, set[str]]:
    return {key.strip().casefold(): _folded(sources) for key, sources in rules.items()}


def allowed_sources(config: ScopeConfig, employee: Employee) -> set[str] | None:
    """The connector names this employee may be read from; None: no restriction applies."""
    allowed: set[str] | None = None
    countries = _by_key(config.sources_by_country)
    if countries:
        country = (employee.country or "").casefold()
        if country in countries:
            allowed = countries[country]
        elif not country:  # unknown: only what every listed country allows
            allowed = set.intersection(*countries.values())
    departments = _by_key(config.sources_by_department)
    department = employee.department.casefold()
    if department in departments:
        allowed = (
            departments[department] & allowed if allowed is not None else departments[department]
        )
    return allowed


def sources_for(
    config: ScopeConfig, employee: Employee, connectors: Sequence[Connector]
) -> tuple[list[Connector], list[str]]:
    """(the connectors to read for this employee, the names left out by scope)."""
    allowed = allowed_sources(config, employee)
    if allowed is None:
        return list(connectors), []
    kept = [c for c in connectors if c.name.casefold() in allowed]
    return kept, [c.name for c in connectors if c not in kept]
