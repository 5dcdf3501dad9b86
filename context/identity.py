"""Who is who across sources: an employee appears under a UPN, mail addresses, display names,
git author names ("Sashank" and "Sashank Bhamidi") and Jira account ids. Matching is exact after
case-folding and whitespace normalisation, never fuzzy: a near-miss must not attribute someone
else's work to the caller."""

from __future__ import annotations

from collections.abc import Iterable

from context.models import Employee


def normalise(value: str) -> str:
    return " ".join(value.split()).casefold()


def identity_keys(employee: Employee) -> frozenset[str]:
    """Every normalised string the employee is known by."""
    values = [employee.upn, employee.name, *employee.aliases]
    return frozenset(normalise(v) for v in values if v and v.strip())


def is_employee(keys: frozenset[str], candidates: Iterable[str | None]) -> bool:
    """True when any candidate (a name, an email, an account id) is one of the employee's."""
    return any(c is not None and normalise(c) in keys for c in candidates)
