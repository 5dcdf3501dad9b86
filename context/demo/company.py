"""Larkspur Goods Co.: the demo employer's public facts and how its directory entries look."""

from __future__ import annotations

from context.demo.catalog import ROLES
from context.demo.records import CompanyFacts, GitIdentity
from context.models import Employee

DOMAIN = "larkspurgoods.example"

COMPANY = CompanyFacts(
    name="Larkspur Goods Co.",
    domain=DOMAIN,
    hq="Minneapolis, Minnesota",
    industry="General merchandise retail (480 stores, 4 distribution centers)",
    tools=(
        "Okta",
        "Microsoft 365",
        "Microsoft Entra ID",
        "Jira",
        "GitHub Enterprise",
        "ServiceNow",
        "Snowflake",
        "Workday",
        "Blue Yonder",
    ),
    programmes=("Store Forward POS modernisation", "Larkspur Rewards", "Ship-from-Store"),
    products=("Larkspur Home", "Trailmark Outdoor", "Larkspur Rewards app"),
    public_facts=(
        "Headquartered in Minneapolis",
        "New Dallas distribution center opened 2025",
        "480 stores in 31 states",
    ),
)


def upn_for(name: str, domain: str = DOMAIN) -> str:
    return f"{name.lower().replace(' ', '.')}@{domain}"


def make_employee(
    name: str,
    role: str,
    manager: str | None,
    *,
    tz: str,
    office: str,
    git: tuple[GitIdentity, ...],
    upn: str | None = None,
) -> Employee:
    """An Employee whose aliases cover every name it appears under (mail, git author)."""
    upn = upn or upn_for(name)
    content = ROLES[role]
    aliases = [upn] + [alias for ident in git for alias in (ident.name, ident.email)]
    return Employee(
        upn=upn,
        name=name,
        title=content.title,
        department=content.department,
        manager=manager,
        role=role,
        aliases=tuple(dict.fromkeys(aliases)),
        timezone=tz,
        office=office,
        country="US",  # every Larkspur Goods office is in the United States
    )
