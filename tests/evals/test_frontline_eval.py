"""The retail mix (`deskguard eval --mix retail`): mostly frontline staff with shift and IT
ticket context, the colleague attacker as a co-worker on the same site's rota, the IT-agent
attacker reading every ticket, and the per-family table in the report."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from context.demo import build_org
from context.models import SHIFT_EVENT, AudienceScope, ItemKind, Source
from evals.colleague import ColleagueAttacker
from evals.hearing import Field, Heard, hear
from evals.it_agent import ItAgentAttacker
from vocabulary.roles import FRONTLINE_ROLES, RoleFamily, family_of

NOW = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def org():  # type: ignore[no-untyped-def]
    return build_org(seed=11, now=NOW, size=120, mix="retail")


def test_the_retail_mix_is_mostly_frontline_and_the_default_mix_is_unchanged(org) -> None:  # type: ignore[no-untyped-def]
    families = Counter(family_of(e.role) for e in org.employees)
    assert families[RoleFamily.FRONTLINE] / len(org.employees) > 0.8
    assert families[RoleFamily.OFFICE] and families[RoleFamily.IT]
    default = build_org(seed=11, now=NOW, size=120)
    assert not any(e.role in FRONTLINE_ROLES for e in default.employees)
    with pytest.raises(ValueError, match="unknown mix"):
        build_org(seed=11, now=NOW, size=20, mix="bakery")


def test_frontline_staff_have_shift_and_ticket_context_at_their_site(org) -> None:  # type: ignore[no-untyped-def]
    frontline = [e for e in org.employees if e.role in FRONTLINE_ROLES]
    sources: Counter[str] = Counter()
    for e in frontline:
        items = org.items(e.upn)
        sources.update(i.source.value for i in items)
        rostered = [i for i in items if i.extra.get(SHIFT_EVENT) == "shift"]
        assert rostered and all(i.extra["store"] == e.department for i in rostered)
        assert all(i.source in (Source.SHIFTS, Source.ITSM) for i in items)
    assert sources["shifts"] > sources["itsm"] > 0


def test_the_colleague_is_a_coworker_on_the_rota_who_never_reads_tickets(org) -> None:  # type: ignore[no-untyped-def]
    attacker = ColleagueAttacker(org, seed=11)
    target = next(e for e in org.employees if e.role == "store_associate")
    account = attacker.account(target.upn)
    assert account.department == target.department and account.role in FRONTLINE_ROLES
    seen = attacker.visible(target.upn, account)
    assert any(i.extra.get(SHIFT_EVENT) == "shift" for i in seen)
    for item in seen:
        assert item.source != Source.ITSM
        if item.audience.scope is not AudienceScope.SCHEDULE:  # a swap it was part of
            assert any(p.email == account.upn for p in item.participants)


def test_a_shift_lead_account_approves_and_so_reads_every_request_at_its_site(org) -> None:  # type: ignore[no-untyped-def]
    attacker = ColleagueAttacker(org, seed=11)
    by_site = {e.department: e for e in org.employees if e.role == "shift_lead"}
    target = next(
        e
        for e in org.employees
        if e.role == "store_associate"
        and e.department in by_site
        and any(i.extra.get(SHIFT_EVENT) in ("swap", "time_off") for i in org.items(e.upn))
    )
    lead = by_site[target.department]
    seen = attacker.visible(target.upn, lead)
    requests = [
        i for i in org.items(target.upn) if i.extra.get(SHIFT_EVENT) in ("swap", "time_off")
    ]
    assert requests and all(r in seen for r in requests)
    assert not any(i.source == Source.ITSM for i in seen)


def test_the_attackers_hear_shift_questions() -> None:
    swap = hear("Who did you swap your Sunday shift with?", asked_at=NOW, timezone="UTC")
    assert swap.wants is Field.PEOPLE and ItemKind.SHIFT in swap.kinds
    assert swap.shift_event == "swap" and swap.day is not None and swap.day.weekday() == 6
    start = hear("What time did your shift start on Tuesday?", asked_at=NOW, timezone="UTC")
    assert start.wants is Field.TIME and start.shift_event == "shift"
    store = hear("Which store were you scheduled at on Saturday?", asked_at=NOW, timezone="UTC")
    assert store.wants is Field.STORE
    it = hear("What did you ask IT for last week?", asked_at=NOW, timezone="UTC")
    assert ItemKind.TICKET in it.kinds and it.shift_event is None


def test_the_it_agent_reads_every_ticket_of_the_target_whatever_queue_and_nothing_else(org) -> None:  # type: ignore[no-untyped-def]
    attacker = ItAgentAttacker(org, seed=11)
    target = max(
        (e for e in org.employees if e.role in FRONTLINE_ROLES),
        key=lambda e: len({i.extra.get("assignment_group") for i in org.items(e.upn)} - {None}),
    )
    tickets = [i for i in org.items(target.upn) if i.source == Source.ITSM]
    assert len({t.extra["assignment_group"] for t in tickets}) > 1  # several queues
    seen = attacker.visible(target.upn, attacker.account(target.upn))
    assert sorted(i.id for i in seen) == sorted(t.id for t in tickets)
    ticket = next(t for t in tickets if "Compensation" not in t.title)
    asked = Heard(id="q", text="What did you ask IT for last week?", kind="text")
    _, found = attacker.candidates(target.upn, asked, 5)
    assert ticket.title in found  # it answers from the tickets it reads


def test_the_it_agent_answers_rota_questions_only_from_the_prior(org) -> None:  # type: ignore[no-untyped-def]
    attacker = ItAgentAttacker(org, seed=11)
    target = next(e for e in org.employees if e.role == "store_associate")
    asked = Heard(id="q", text="Who did you swap your Sunday shift with?", kind="person")
    assert attacker.candidates(target.upn, asked, 3)[1] == []  # not in its records
