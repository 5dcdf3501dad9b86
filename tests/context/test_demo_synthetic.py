"""Synthetic organisations: any size, same role mix, deterministic for seed and size."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from context.demo import build_org
from context.models import AudienceScope, ItemKind

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
ROLES = {
    "it_admin",
    "helpdesk",
    "store_manager",
    "engineer",
    "data_engineer",
    "hr",
    "finance",
    "buyer",
    "ciso",
    "planner",
    "new_hire",
}


def test_thousand_employees_have_the_role_mix_and_a_tree() -> None:
    org = build_org(size=1000, seed=7, now=NOW)
    roles = Counter(e.role for e in org.employees)
    assert len(org.employees) == 1000 and set(roles) == ROLES
    # A retailer's mix: one CISO, one new joiner in fifty, ten engineers in fifty.
    assert roles["ciso"] == 1
    assert abs(roles["new_hire"] - 999 / 50) <= 2 and abs(roles["engineer"] - 9990 / 50) <= 5
    upns = {e.upn for e in org.employees}
    assert len(upns) == 1000
    assert sum(e.manager is None for e in org.employees) == 1
    assert all(e.manager in upns for e in org.employees if e.manager)
    managers = {e.manager for e in org.employees}
    assert not any(e.upn in managers for e in org.employees if e.role == "new_hire")


def test_same_seed_and_size_give_the_same_organisation() -> None:
    a, b = build_org(size=200, seed=3, now=NOW), build_org(size=200, seed=3, now=NOW)
    assert a.employees == b.employees
    upn = a.employees[57].upn
    assert a.items(upn) == b.items(upn)
    assert build_org(size=200, seed=4, now=NOW).employees != a.employees


def test_items_are_generated_on_demand_and_role_shaped() -> None:
    org = build_org(size=10_000, seed=11, now=NOW)
    assert len(org.employees) == 10_000
    new_hire = next(e for e in org.employees if e.role == "new_hire")
    engineer = next(e for e in org.employees if e.role == "engineer")
    assert 2 <= len(org.items(new_hire.upn)) <= 3
    assert {i.source.value for i in org.items(engineer.upn)} >= {"git", "jira", "calendar"}
    assert org.profile(engineer.upn).employer == org.company.name


@pytest.mark.parametrize("size", [9, 10_001])
def test_size_out_of_range_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="size"):
        build_org(size=size, now=NOW)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_org(now=datetime(2026, 11, 25, 2, 0))


def test_every_item_reports_who_else_could_know_it() -> None:
    org = build_org(size=200, seed=7, now=NOW)
    engineer = next(e for e in org.employees if e.role == "engineer")
    items = org.items(engineer.upn)
    departments = Counter(e.department for e in org.employees)
    for item in items:
        audience = item.audience
        assert engineer.name not in audience.people  # the employee is not their own audience
        if item.kind in (ItemKind.MEETING, ItemKind.MAIL):
            # only the people on it: the crew of a meeting, the recipients of a mail
            others = {p.name for p in item.participants} - {engineer.name}
            assert audience.scope is AudienceScope.PARTICIPANTS
            assert set(audience.people) == others and audience.size == len(others)
        else:
            # a repository or project is readable by its whole department (here: Engineering)
            group = item.identifiers["repository" if item.kind is ItemKind.COMMIT else "project"]
            assert audience.group == group and audience.size is not None
            assert audience.size >= departments[engineer.department] - 1
    kinds = {i.audience.scope for i in items}
    assert kinds == {AudienceScope.PARTICIPANTS, AudienceScope.PROJECT, AudienceScope.REPOSITORY}
    # a 1:1 is known to one other person; the team's repository to dozens (a private
    # appointment has no audience at all, and the privacy filter drops it)
    smallest = min(i.audience.reach for i in items if i.sensitivity == "normal")
    largest = max(i.audience.reach for i in items)
    assert smallest == 1 and largest > 20
