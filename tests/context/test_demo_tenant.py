"""The demo tenant: deterministic, anchored to `now`, role-shaped, and its repos are real."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from context.config import CollectionConfig
from context.demo import DEMO_SEED, Organisation, build_org
from context.models import ContextItem, ItemKind, Sensitivity, Source
from context.privacy import filter_items
from vocabulary.roles import FRONTLINE_ROLES

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # a Wednesday, early UTC (evening in the US)
# Anchors that stress the calendar: Monday just after midnight UTC (still Sunday in the US),
# a Saturday, a Tuesday whose new-hire join date falls on a weekend, a Friday afternoon.
NOWS = [
    NOW,
    datetime(2026, 11, 23, 0, 5, tzinfo=UTC),
    datetime(2026, 11, 28, 18, 0, tzinfo=UTC),
    datetime(2026, 12, 1, 0, 10, tzinfo=UTC),
    datetime(2026, 12, 4, 21, 30, tzinfo=UTC),
]
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
DANIEL, MEI, JORDAN = (
    f"{n}@larkspurgoods.example" for n in ("daniel.okafor", "mei.chen", "jordan.reyes")
)


@pytest.fixture(scope="module")
def org() -> Organisation:
    return build_org(now=NOW)


def by_role(org: Organisation, role: str) -> list[str]:
    return [e.upn for e in org.employees if e.role == role]


def dump(org: Organisation) -> dict[str, list[dict[str, object]]]:
    return {e.upn: [i.model_dump() for i in org.items(e.upn)] for e in org.employees}


def test_same_seed_and_now_give_identical_tenants() -> None:
    assert dump(build_org(now=NOW)) == dump(build_org(now=NOW))


def test_same_date_later_time_keeps_every_earlier_item() -> None:
    """Generation hangs off the date: a later `now` on the same day only adds items."""
    early, late = build_org(now=NOW), build_org(now=NOW + timedelta(hours=20))
    for e in early.employees:
        later = {(i.id, i.title, i.when) for i in late.items(e.upn)}
        kept = {
            (i.id, i.title, i.when)
            for i in early.items(e.upn)
            if i.when >= late.now - timedelta(days=14)
        }
        assert kept <= later


def test_other_seed_gives_other_tenant(org: Organisation) -> None:
    other = build_org(seed=DEMO_SEED + 1, now=NOW)
    assert [e.upn for e in other.employees] == [e.upn for e in org.employees]  # same roster
    assert {i.id for i in other.items(DANIEL)}.isdisjoint({i.id for i in org.items(DANIEL)})


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.strftime("%a-%H%M"))
def test_items_fall_in_the_window_on_weekdays_in_working_hours(now: datetime) -> None:
    org = build_org(now=now)
    for e in org.employees:
        items = org.items(e.upn)
        assert items, e.upn
        for item in items:
            assert now - timedelta(days=14) <= item.when < now
            assert (item.end or item.when) <= now
            if e.role in FRONTLINE_ROLES:
                continue  # shifts run seven days a week, early and late (see below)
            local = item.when.astimezone(ZoneInfo(e.timezone))
            assert local.weekday() < 5 and 7 <= local.hour < 19, (e.upn, item.title, local)


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.strftime("%a-%H%M"))
def test_the_frontline_staff_have_shifts_and_tickets(now: datetime) -> None:
    org = build_org(now=now)
    for e in org.employees:
        if e.role not in FRONTLINE_ROLES:
            continue
        items = org.items(e.upn)
        assert {i.kind for i in items} <= {ItemKind.SHIFT, ItemKind.TICKET}
        assert sum(i.kind == ItemKind.SHIFT for i in items) >= 4, e.upn


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.strftime("%a-%H%M"))
def test_new_hire_has_almost_nothing(now: datetime) -> None:
    org = build_org(now=now)
    assert by_role(org, "new_hire") == [JORDAN]
    assert 2 <= len(org.items(JORDAN)) <= 3
    assert all(len(org.items(u)) > 20 for u in by_role(org, "engineer"))


def test_roster_has_every_role_and_a_real_org_chart(org: Organisation) -> None:
    roles = Counter(e.role for e in org.employees)
    assert set(roles) >= ROLES and roles["engineer"] == 2 and len(org.employees) >= 12
    by_upn = {e.upn: e for e in org.employees}
    for e in org.employees:
        seen, boss = {e.upn}, e.manager
        while boss:  # every chain ends at a root, no cycles, no dangling manager
            assert boss in by_upn and boss not in seen
            seen.add(boss)
            boss = by_upn[boss].manager
    assert {e.timezone for e in org.employees} >= {"America/Chicago", "America/New_York"}
    assert org.company.domain.endswith(".example")


def test_every_item_validates_with_stable_demo_ids(org: Organisation) -> None:
    for e in org.employees:
        items = org.items(e.upn)
        assert len({i.id for i in items}) == len(items)
        for item in items:
            assert ContextItem.model_validate(item.model_dump()) == item
            assert item.id.startswith(f"demo:{item.source.value}:")
            assert item.provenance.connector == "demo"


def test_privacy_bait_is_present_for_everyone_settled(org: Organisation) -> None:
    for e in org.employees:
        if e.role == "new_hire":
            continue
        items = org.items(e.upn)
        if e.role not in FRONTLINE_ROLES:  # shifts have no private flag: see below
            assert any(i.sensitivity == Sensitivity.PRIVATE for i in items), e.upn
        assert sum(i.cancelled for i in items) == 1, e.upn
        assert any(i.title.startswith("Compensation review - ") for i in items), e.upn


def test_daily_standup_is_one_series(org: Organisation) -> None:
    standups = [i for i in org.items(MEI) if "standup" in i.title.lower()]
    assert len(standups) >= 8  # ten working days in a fortnight
    assert len({i.series_id for i in standups}) == 1 and standups[0].series_id


@pytest.mark.parametrize(
    ("role", "has", "lacks"),
    [
        ("engineer", {Source.GIT, Source.JIRA, Source.CALENDAR, Source.MAIL}, set()),
        ("data_engineer", {Source.GIT, Source.JIRA}, set()),
        ("it_admin", {Source.GIT, Source.JIRA}, set()),
        ("ciso", {Source.JIRA, Source.CALENDAR, Source.MAIL}, {Source.GIT}),
        ("store_manager", {Source.CALENDAR, Source.MAIL}, {Source.GIT, Source.JIRA}),
        ("hr", {Source.CALENDAR, Source.MAIL}, {Source.GIT, Source.JIRA}),
    ],
)
def test_sources_follow_the_role(
    org: Organisation, role: str, has: set[Source], lacks: set[Source]
) -> None:
    for upn in by_role(org, role):
        sources = {i.source for i in org.items(upn)}
        assert has <= sources and not lacks & sources, upn


def test_items_carry_the_typed_identifiers_questions_need(org: Organisation) -> None:
    items = org.items(DANIEL)
    moves = [i for i in items if i.source == Source.JIRA and "status_to" in i.identifiers]
    assert moves and all(
        {"ticket_key", "project", "status_from"} <= set(i.identifiers) for i in moves
    )
    assert all("issue_type" in i.extra for i in items if i.source == Source.JIRA)
    commits = [i for i in items if i.source == Source.GIT]
    assert all(len(i.identifiers["sha"]) == 7 and i.extra["files"] for i in commits)
    mails = [i for i in items if i.source == Source.MAIL]
    assert mails and all(any(p.role == "to" for p in i.participants) for i in mails)


def test_one_engineer_commits_under_two_names(org: Organisation) -> None:
    daniel = org.employee(DANIEL)
    assert daniel is not None
    authors = {i.extra["author"] for i in org.items(DANIEL) if i.source == Source.GIT}
    assert authors == {"Dan", "Daniel Okafor"} and authors <= set(daniel.aliases)


def test_public_data_names_an_internal_repository(org: Organisation) -> None:
    profile = org.profile(MEI)
    repos = {i.identifiers["repository"] for i in org.items(MEI) if i.source == Source.GIT}
    assert any(repo in project for repo in repos for project in profile.public_projects)
    assert set(profile.leaked) == {"date_of_birth", "home_city", "phone", "previous_employer"}
    assert profile.manager_name == "Daniel Okafor" and profile.employer == org.company.name


def test_insider_knows_the_team_not_the_work(org: Organisation) -> None:
    insider = org.insider_knowledge(MEI)
    assert {"Daniel Okafor", "Ravi Shah"} <= set(insider.teammates)
    assert "pos-gateway" in insider.repositories and "POS" in insider.jira_projects
    assert any("standup" in m.lower() for m in insider.recurring_meetings)
    with pytest.raises(KeyError):
        org.insider_knowledge("nobody@larkspurgoods.example")


def test_privacy_filter_drops_exactly_the_bait(org: Organisation) -> None:
    """The demo exists partly to show the filter at work: each reason fires for everyone."""
    patterns = CollectionConfig().sensitive_patterns
    for upn in (DANIEL, MEI, "luis.romero@larkspurgoods.example"):
        kept, dropped = filter_items(org.items(upn), sensitive_patterns=patterns)
        assert dropped == {"sensitivity": 2, "cancelled": 1, "special_category:pay": 1}, upn
        assert len(kept) == len(org.items(upn)) - 4
    rosa = "rosa.ortiz@larkspurgoods.example"  # frontline: a cancelled shift, a ticket about pay
    kept, dropped = filter_items(org.items(rosa), sensitive_patterns=patterns)
    assert dropped == {"cancelled": 1, "special_category:pay": 1}
