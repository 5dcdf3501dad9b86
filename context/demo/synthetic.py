"""Synthetic organisations of any size with the demo roster's role mix and name lists.

Only the directory is built up front (cheap even for 10,000 people); work items are generated
per employee on demand by the Organisation."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import time

from context.demo.catalog import ROLES
from context.demo.company import COMPANY, DOMAIN, make_employee
from context.demo.records import GitIdentity, Person, Roster, Team
from context.demo.seeding import rng

# A retailer's head count by role, per 50 people: mostly stores and engineering, one new joiner
# (hired in the last two weeks) in fifty, and a single CISO (employee 0) for the whole company.
ROLE_WEIGHTS = {
    "store_manager": 13,
    "engineer": 10,
    "helpdesk": 4,
    "finance": 4,
    "buyer": 4,
    "planner": 4,
    "data_engineer": 3,
    "it_admin": 3,
    "hr": 3,
    "new_hire": 1,
}


def _smooth_cycle(weights: dict[str, int]) -> tuple[str, ...]:
    """Smooth weighted round-robin: the mix holds in any prefix, so small orgs get every role."""
    current = dict.fromkeys(weights, 0)
    total, cycle = sum(weights.values()), []
    for _ in range(total):
        for role, weight in weights.items():
            current[role] += weight
        pick = max(current, key=lambda role: current[role])
        current[pick] -= total
        cycle.append(pick)
    return tuple(cycle)


# The retail mix (issue 16; `deskguard eval --mix retail`): a national retailer is mostly
# frontline, per 50 people 26 store associates, 5 shift leads, 9 distribution-centre operatives
# and 3 drivers, with a few store managers and office and IT roles.
RETAIL_WEIGHTS = {
    "store_associate": 26,
    "dc_operative": 9,
    "shift_lead": 5,
    "driver": 3,
    "store_manager": 2,
    "engineer": 1,
    "helpdesk": 1,
    "finance": 1,
    "buyer": 1,
    "planner": 1,
}
MIXES = {"default": ROLE_WEIGHTS, "retail": RETAIL_WEIGHTS}
STORE_STAFF = 25  # frontline staff per store in the directory: a store's rota
DC_STAFF = 30

ROLE_CYCLE = _smooth_cycle(ROLE_WEIGHTS)
CYCLES = {name: _smooth_cycle(weights) for name, weights in MIXES.items()}
FAMILY = {
    "ciso": "Security",
    "it_admin": "IT Operations",
    "helpdesk": "IT Operations",
    "new_hire": "IT Operations",
    "engineer": "Engineering",
    "data_engineer": "Engineering",
    "finance": "Finance",
    "hr": "People",
    "buyer": "Merchandising",
    "planner": "Merchandising",
    "store_manager": "Stores",
    "store_associate": "Stores",
    "shift_lead": "Stores",
    "dc_operative": "Distribution",
    "driver": "Distribution",
}
FIRST = (
    "Priya",
    "Marcus",
    "Tasha",
    "Jordan",
    "Daniel",
    "Mei",
    "Ravi",
    "Greg",
    "Angela",
    "Sofia",
    "Kwame",
    "Luis",
    "Tom",
    "Aisha",
    "Ben",
    "Carmen",
    "Derek",
    "Elena",
    "Farid",
    "Grace",
    "Hector",
    "Ines",
    "Jamal",
    "Keiko",
    "Liam",
    "Maya",
    "Nikhil",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zoe",
)
LAST = (
    "Raman",
    "Bell",
    "Greene",
    "Reyes",
    "Okafor",
    "Chen",
    "Shah",
    "Alvarez",
    "Brooks",
    "Marino",
    "Asante",
    "Romero",
    "Walsh",
    "Nguyen",
    "Kowalski",
    "Haddad",
    "Lindqvist",
    "Mensah",
    "Ortiz",
    "Petrov",
    "Quinlan",
    "Sato",
    "Tran",
    "Ueda",
    "Varga",
    "Whitfield",
    "Yilmaz",
    "Zimmerman",
    "Fischer",
    "Gupta",
    "Hughes",
    "Ibrahim",
)
ZONES = (
    ("America/Chicago", ("Minneapolis", "Chicago", "Dallas", "Joliet"), 45),
    ("America/New_York", ("New York", "Atlanta", "Boston"), 30),
    ("America/Denver", ("Denver", "Salt Lake City"), 10),
    ("America/Los_Angeles", ("Seattle", "Los Angeles", "Reno"), 15),
)
EMPLOYERS = ("Target", "Best Buy", "Walgreens", "Kroger", "Home Depot", "Accenture", "Macy's")
REPOS = (
    "pos-gateway",
    "store-inventory-sync",
    "ecommerce-checkout",
    "price-engine",
    "loyalty-api",
    "order-routing",
)
DATA_REPOS = ("demand-forecast-etl", "sales-dbt")
IT_REPOS = ("okta-terraform", "entra-conditional-access", "intune-profiles")
ENG_PROJECTS = ("POS", "INV", "ECOM", "PRICE", "LOY", "ORD")
SPAN = 6  # direct reports per manager


def role_of(index: int, mix: str = "default") -> str:
    cycle = CYCLES[mix]
    return "ciso" if index == 0 else cycle[(index - 1) % len(cycle)]


def _sites(seed: int, size: int, mix: str) -> dict[int, tuple[str, str]]:
    """Frontline employee index -> (site name, city): store staff round-robin over stores of
    about STORE_STAFF, DC operatives and drivers over distribution centres."""
    store_staff = [i for i in range(size) if role_of(i, mix) in ("store_associate", "shift_lead")]
    dc_staff = [i for i in range(size) if role_of(i, mix) in ("dc_operative", "driver")]
    rnd = rng(seed, "synthetic-sites")
    stores = max(1, round(len(store_staff) / STORE_STAFF))
    dcs = max(1, round(len(dc_staff) / DC_STAFF))
    cities = [c for _, cs, _ in ZONES for c in cs]
    numbers = rnd.sample(range(1, 480), min(stores, 479))
    store_sites = [(f"Store {n:03d} ({rnd.choice(cities)})", "") for n in numbers]
    dc_cities = rnd.sample(cities, min(dcs, len(cities)))
    dc_sites = [(f"{city} DC", city) for city in dc_cities]
    out: dict[int, tuple[str, str]] = {}
    for k, i in enumerate(store_staff):
        name, _ = store_sites[k % len(store_sites)]
        out[i] = (name, name.split("(")[-1].rstrip(")"))
    for k, i in enumerate(dc_staff):
        out[i] = dc_sites[k % len(dc_sites)]
    return out


def _work(role: str, i: int, rnd: random.Random) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(Jira projects, repositories) for a role."""
    if role == "engineer":
        k = rnd.randrange(len(REPOS))
        return (ENG_PROJECTS[k],), (REPOS[k],)
    if role == "data_engineer":
        return ("DATA",), (DATA_REPOS[i % 2],)
    if role == "it_admin":
        return ("ITOPS",), tuple(rnd.sample(IT_REPOS, 2))
    return {"helpdesk": ("HELP",), "ciso": ("SEC",)}.get(role, ()), ()


def _names(seed: int, size: int) -> list[tuple[str, str]]:
    """(name, upn) per employee; repeated names get a numbered address."""
    taken: set[str] = set()
    out = []
    for i in range(size):
        rnd = rng(seed, "synthetic-name", i)
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        first, last = name.lower().split()
        upn, n = f"{first}.{last}@{DOMAIN}", 2
        while upn in taken:
            upn, n = f"{first}.{last}{n}@{DOMAIN}", n + 1
        taken.add(upn)
        out.append((name, upn))
    return out


def _person(
    seed: int,
    i: int,
    ident: tuple[str, str],
    manager: str | None,
    role: str,
    site: tuple[str, str] | None = None,
) -> Person:
    rnd = rng(seed, "synthetic-person", i)
    name, upn = ident
    first, last = name.lower().split()
    tz, cities, _ = rnd.choices(ZONES, weights=[z[2] for z in ZONES])[0]
    city = rnd.choice(cities)
    if site is not None:  # frontline: the site's city and zone
        city = site[1] or city
        tz = next((z for z, cs, _ in ZONES if city in cs), tz)
    projects, repos = _work(role, i, rnd)
    git: tuple[GitIdentity, ...] = (GitIdentity(name, upn),) if repos else ()
    if role == "engineer" and i % 7 == 0:  # commits from a second, misconfigured identity too
        git += (GitIdentity(name.split()[0], f"{first}@{last}-laptop.local"),)
    employee = make_employee(name, role, manager, tz=tz, office=city, git=git, upn=upn)
    public = (f"Conference talk on {repos[0]}",) if repos and i % 5 == 0 else ()
    leaked = {
        "date_of_birth": f"{rnd.randint(1965, 2002)}-{rnd.randint(1, 12):02d}-"
        f"{rnd.randint(1, 28):02d}",
        "home_city": rnd.choice(cities),
        "phone": f"+1 {rnd.randint(201, 989)} 555 01{rnd.randint(0, 99):02d}",
        "previous_employer": rnd.choice(EMPLOYERS),
    }
    store = f"{rnd.randint(1, 480):03d}" if role == "store_manager" else None
    if store:
        employee = employee.model_copy(update={"title": f"Store Manager, Store {store} ({city})"})
    if site is not None:
        employee = employee.model_copy(update={"department": site[0]})
    return Person(
        employee=employee,
        store=store,
        city=city,
        git=git,
        projects=projects,
        repos=repos,
        joined_days_ago=3 if role == "new_hire" else None,
        skills=ROLES[role].skills,
        public_projects=public,
        leaked=leaked,
    )


def _managers(size: int, mix: str = "default") -> list[int | None]:
    """Manager index per employee: a tree of span SPAN inside each family under employee 0.
    New hires go last in their family so they never manage anyone."""
    families: dict[str, list[int]] = defaultdict(list)
    for i in range(1, size):
        families[FAMILY[role_of(i, mix)]].append(i)
    managers: list[int | None] = [None] * size
    for members in families.values():
        members.sort(key=lambda i: (role_of(i, mix) == "new_hire", i))
        for k, i in enumerate(members):
            managers[i] = 0 if k == 0 else members[(k - 1) // SPAN]
    return managers


def _teams(seed: int, people: list[Person], managers: list[int | None]) -> tuple[Team, ...]:
    reports: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(managers):
        if m is not None:
            reports[m].append(i)
    teams = []
    for lead, members in sorted(reports.items()):
        rnd = rng(seed, "synthetic-team", lead)
        family = FAMILY[people[lead].employee.role] if lead else "Leadership"
        name = f"{family} team {lead}"
        crew = [people[lead], *(people[i] for i in members)]
        teams.append(
            Team(
                id=f"team-{lead}",
                name=name,
                lead=crew[0].upn,
                members=tuple(p.upn for p in crew),
                timezone=crew[0].employee.timezone,
                standup=None if lead == 0 else f"{name} standup",
                standup_at=time(9, rnd.choice((0, 15, 30))),
                weekly=f"{name} weekly sync",
                weekly_day=rnd.randrange(5),
                weekly_at=time(rnd.choice((11, 13, 14))),
                projects=tuple(dict.fromkeys(k for p in crew for k in p.projects)),
                repos=tuple(dict.fromkeys(r for p in crew for r in p.repos)),
            )
        )
    return tuple(teams)


def synthetic_roster(seed: int, size: int, mix: str = "default") -> Roster:
    if not 10 <= size <= 10_000:
        raise ValueError(f"size must be between 10 and 10,000, got {size}")
    if mix not in MIXES:
        raise ValueError(f"unknown mix {mix!r}; known: {', '.join(MIXES)}")
    managers = _managers(size, mix)
    names = _names(seed, size)
    sites = _sites(seed, size, mix)
    people = [
        _person(
            seed, i, names[i], None if m is None else names[m][1], role_of(i, mix), sites.get(i)
        )
        for i, m in enumerate(managers)
    ]
    return Roster(company=COMPANY, people=tuple(people), teams=_teams(seed, people, managers))
