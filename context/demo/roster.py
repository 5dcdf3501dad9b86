"""The fixed demo roster: Larkspur Goods Co., a national general-merchandise retailer."""

from __future__ import annotations

from datetime import time

from context.demo.catalog import ROLES
from context.demo.company import COMPANY, make_employee, upn_for
from context.demo.records import GitIdentity, Person, Roster, Team


def _person(
    name: str,
    role: str,
    boss: str | None,
    city: str,
    tz: str,
    *,
    leaked: tuple[str, str, str, str],
    git: tuple[tuple[str, str], ...] = (),
    title: str | None = None,
    projects: tuple[str, ...] = (),
    repos: tuple[str, ...] = (),
    public_projects: tuple[str, ...] = (),
    joined_days_ago: int | None = None,
    store: str | None = None,
    department: str | None = None,
) -> Person:
    identities = tuple(GitIdentity(n, e) for n, e in git)
    manager = upn_for(boss) if boss else None
    employee = make_employee(name, role, manager, tz=tz, office=city, git=identities)
    if title:
        employee = employee.model_copy(update={"title": title})
    if department:
        employee = employee.model_copy(update={"department": department})
    keys = ("date_of_birth", "home_city", "phone", "previous_employer")
    return Person(
        employee=employee,
        city=city,
        git=identities,
        projects=projects,
        repos=repos,
        joined_days_ago=joined_days_ago,
        store=store,
        skills=ROLES[role].skills,
        public_projects=public_projects,
        leaked=dict(zip(keys, leaked, strict=True)),
    )


CHI, NYC, LA, DEN = "America/Chicago", "America/New_York", "America/Los_Angeles", "America/Denver"


def _people() -> tuple[Person, ...]:
    def git(name: str) -> tuple[tuple[str, str], ...]:
        return ((name, upn_for(name)),)

    return (
        _person(
            "Priya Raman",
            "ciso",
            None,
            "Minneapolis",
            CHI,
            projects=("SEC",),
            leaked=("1979-03-14", "Edina, MN", "+1 612 555 0141", "Target"),
        ),
        _person(
            "Marcus Bell",
            "it_admin",
            "Priya Raman",
            "Minneapolis",
            CHI,
            git=git("Marcus Bell"),
            projects=("ITOPS",),
            repos=("okta-terraform", "entra-conditional-access"),
            public_projects=("Okta Workforce Identity certified administrator",),
            leaked=("1986-07-02", "St. Paul, MN", "+1 651 555 0187", "Best Buy"),
        ),
        _person(
            "Tasha Greene",
            "helpdesk",
            "Marcus Bell",
            "Minneapolis",
            CHI,
            projects=("HELP",),
            leaked=("1994-11-23", "Bloomington, MN", "+1 952 555 0112", "Geek Squad"),
        ),
        _person(
            "Jordan Reyes",
            "new_hire",
            "Marcus Bell",
            "Minneapolis",
            CHI,
            joined_days_ago=3,
            leaked=("1999-05-30", "Richfield, MN", "+1 612 555 0199", "Menards"),
        ),
        _person(
            "Daniel Okafor",
            "engineer",
            "Priya Raman",
            "Chicago",
            CHI,
            title="Lead Software Engineer, Store Systems",
            git=(("Daniel Okafor", upn_for("Daniel Okafor")), ("Dan", "dan@dokafor-mbp.local")),
            projects=("POS", "INV"),
            repos=("pos-gateway", "store-inventory-sync"),
            leaked=("1988-01-09", "Evanston, IL", "+1 312 555 0164", "Walgreens"),
        ),
        _person(
            "Mei Chen",
            "engineer",
            "Daniel Okafor",
            "Seattle",
            LA,
            git=git("Mei Chen"),
            projects=("POS",),
            repos=("pos-gateway",),
            # Public, and names an internal repository: a question about it is guessable.
            public_projects=(
                "RetailTech Summit 2026 talk: 'Rebuilding pos-gateway for "
                "zero-downtime card payments'",
            ),
            leaked=("1991-09-17", "Bellevue, WA", "+1 206 555 0133", "Nordstrom"),
        ),
        _person(
            "Ravi Shah",
            "data_engineer",
            "Daniel Okafor",
            "Denver",
            DEN,
            git=git("Ravi Shah"),
            projects=("DATA",),
            repos=("demand-forecast-etl",),
            public_projects=("dbt Coalesce 2025 attendee",),
            leaked=("1990-12-04", "Aurora, CO", "+1 720 555 0158", "King Soopers"),
        ),
        _person(
            "Greg Alvarez",
            "finance",
            None,
            "Minneapolis",
            CHI,
            title="VP Finance & Business Operations",
            leaked=("1975-06-21", "Wayzata, MN", "+1 763 555 0120", "General Mills"),
        ),
        _person(
            "Angela Brooks",
            "hr",
            "Greg Alvarez",
            "Minneapolis",
            CHI,
            leaked=("1983-04-11", "Roseville, MN", "+1 651 555 0176", "Ecolab"),
        ),
        _person(
            "Sofia Marino",
            "buyer",
            "Greg Alvarez",
            "New York",
            NYC,
            leaked=("1987-08-08", "Hoboken, NJ", "+1 201 555 0145", "Bed Bath & Beyond"),
        ),
        _person(
            "Kwame Asante",
            "planner",
            "Greg Alvarez",
            "Joliet",
            CHI,
            leaked=("1992-02-26", "Naperville, IL", "+1 815 555 0161", "Kraft Heinz"),
        ),
        _person(
            "Luis Romero",
            "store_manager",
            "Greg Alvarez",
            "Dallas",
            CHI,
            title="Store Manager, Store 214 (Dallas)",
            store="214",
            leaked=("1984-10-15", "Garland, TX", "+1 214 555 0138", "Academy Sports"),
        ),
        _person(
            "Tom Walsh",
            "store_manager",
            "Greg Alvarez",
            "Brooklyn",
            NYC,
            title="Store Manager, Store 118 (Brooklyn)",
            store="118",
            leaked=("1981-03-03", "Staten Island, NY", "+1 718 555 0190", "Trader Joe's"),
        ),
        # Frontline staff (issue 16): no mail, no Jira; their rota, swaps, time off and IT
        # tickets (context/demo/frontline.py). Their department is their site.
        _person(
            "Rosa Ortiz",
            "store_associate",
            "Luis Romero",
            "Dallas",
            CHI,
            title="Store Associate, Store 214 (Dallas)",
            department="Store 214 (Dallas)",
            store="214",
            leaked=("1998-05-21", "Mesquite, TX", "+1 214 555 0172", "H-E-B"),
        ),
        _person(
            "Hector Mensah",
            "dc_operative",
            "Greg Alvarez",
            "Joliet",
            CHI,
            title="Distribution Centre Operative, Joliet DC",
            department="Joliet DC",
            leaked=("1990-12-09", "Romeoville, IL", "+1 815 555 0119", "Amazon"),
        ),
    )


def _team(
    tid: str,
    name: str,
    members: tuple[str, ...],
    standup: str | None,
    standup_at: time,
    weekly: tuple[str, int, time],
    projects: tuple[str, ...] = (),
    repos: tuple[str, ...] = (),
) -> Team:
    upns = tuple(upn_for(m) for m in members)
    title, day, at = weekly
    return Team(
        id=tid,
        name=name,
        lead=upns[0],
        members=upns,
        timezone=CHI,
        standup=standup,
        standup_at=standup_at,
        weekly=title,
        weekly_day=day,
        weekly_at=at,
        projects=projects,
        repos=repos,
    )


def _teams() -> tuple[Team, ...]:
    return (
        _team(
            "tech-leadership",
            "Technology Leadership",
            ("Priya Raman", "Marcus Bell", "Daniel Okafor"),
            None,
            time(9),
            ("Technology leadership sync", 0, time(11)),
            projects=("SEC",),
        ),
        _team(
            "it-identity",
            "IT Operations & Identity",
            ("Marcus Bell", "Tasha Greene", "Jordan Reyes"),
            "IT Ops daily standup",
            time(9, 15),
            ("Identity change advisory board", 3, time(14)),
            projects=("ITOPS", "HELP"),
            repos=("okta-terraform", "entra-conditional-access"),
        ),
        _team(
            "store-systems",
            "Store Systems Engineering",
            ("Daniel Okafor", "Mei Chen", "Ravi Shah"),
            "Store Systems standup",
            time(10, 30),
            ("POS release planning", 2, time(13)),
            projects=("POS", "INV", "DATA"),
            repos=("pos-gateway", "store-inventory-sync", "demand-forecast-etl"),
        ),
        _team(
            "business-ops",
            "Finance & Business Operations",
            (
                "Greg Alvarez",
                "Angela Brooks",
                "Sofia Marino",
                "Kwame Asante",
                "Luis Romero",
                "Tom Walsh",
            ),
            "Daily sales huddle",
            time(8, 45),
            ("Weekly business review", 1, time(10)),
        ),
    )


def demo_roster() -> Roster:
    return Roster(company=COMPANY, people=_people(), teams=_teams())
