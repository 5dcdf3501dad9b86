"""What each role's work looks like: titles, subjects, ticket summaries, commit subjects and how
much of each a normal fortnight holds. Placeholders ({store}, {vendor}, ...) are filled per item
so titles are specific: specific facts make good questions."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RoleContent:
    title: str
    department: str
    meetings: tuple[str, ...]  # one-off meeting subjects
    mails: tuple[str, ...]
    tickets: tuple[str, ...] = ()  # Jira summaries
    commits: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    mails_per_day: tuple[int, int] = (1, 3)
    meetings_per_day: float = 0.5  # chance of a one-off meeting on a working day
    ticket_count: int = 0
    commits_per_day: tuple[int, int] = (0, 0)


FILL: dict[str, tuple[str, ...]] = {
    "store": ("214", "118", "087", "342", "509", "263", "431", "176"),
    "dc": ("Joliet DC", "Dallas DC", "Reno DC", "Lakeland DC"),
    "vendor": (
        "Zebra",
        "NCR Voyix",
        "Blue Yonder",
        "Manhattan Associates",
        "Verifone",
        "Instacart",
    ),
    "app": ("Workday", "ServiceNow", "Snowflake", "Tableau", "GitHub Enterprise", "Slack"),
    "category": ("patio furniture", "small kitchen appliances", "pet food", "holiday lighting"),
    "region": ("Central region", "Northeast region", "Southwest region", "Great Lakes region"),
    "sku": ("SKU 4417302", "SKU 2290114", "SKU 7731845", "SKU 5508261"),
}


def fill(template: str, rnd: random.Random, *, day: date, store: str | None = None) -> str:
    """Fill every {placeholder}: {week} is the ISO week of `day`, {store} is mostly the
    employee's own store when they have one, the rest are random values from FILL."""
    values = {key: rnd.choice(options) for key, options in FILL.items()}
    values["week"] = f"wk {day.isocalendar().week}"
    if store and rnd.random() < 0.8:
        values["store"] = store
    return template.format(**values)


_ENG_FILES = (
    "gateway/auth.py",
    "gateway/retry.py",
    "sync/inventory.py",
    "sync/scheduler.py",
    "api/routes/tenders.py",
    "tests/test_auth.py",
    "tests/test_sync.py",
    "README.md",
    "deploy/helm/values.yaml",
    "config/stores.yaml",
)
_DATA_FILES = (
    "models/forecast_daily.sql",
    "dags/forecast_etl.py",
    "models/schema.yml",
    "macros/week_of_year.sql",
    "tests/test_forecast.py",
)
_IAM_FILES = (
    "okta/apps.tf",
    "okta/groups.tf",
    "okta/policies.tf",
    "entra/conditional_access.tf",
    "entra/named_locations.tf",
    "variables.tf",
)

ROLES: dict[str, RoleContent] = {
    "it_admin": RoleContent(
        title="Senior IT Administrator, Identity & Access",
        department="IT Operations",
        meetings=(
            "Okta SCIM cutover review for {app}",
            "Entra conditional access change for store {store}",
            "Privileged access review with Internal Audit",
            "{vendor} SSO onboarding",
        ),
        mails=(
            "{app} SSO certificate rotation this Thursday",
            "Re: MFA exemptions for {dc}",
            "Okta admin role changes for {week}",
            "Break-glass account test results",
        ),
        tickets=(
            "Rotate {app} SAML signing certificate",
            "Remove stale admin roles in Okta",
            "Conditional access policy for {dc} kiosks",
            "Provision {app} for new hires",
        ),
        commits=(
            "Add {app} SAML app and group assignments",
            "Tighten admin session lifetime",
            "Block legacy auth for store kiosks",
            "Add named location for {dc}",
        ),
        files=_IAM_FILES,
        skills=("Okta", "Microsoft Entra ID", "Terraform", "PowerShell", "Zero Trust"),
        ticket_count=6,
        commits_per_day=(0, 2),
    ),
    "helpdesk": RoleContent(
        title="IT Service Desk Analyst",
        department="IT Operations",
        meetings=("Shift handover: open P2s for {region}", "Knowledge article review: {app}"),
        mails=(
            "Re: Store {store} handheld scanners offline",
            "Password reset volume {week}",
            "Re: {app} access request",
        ),
        tickets=(
            "Store {store} receipt printer not printing",
            "{app} login loop for {region}",
            "Handheld scanner will not sync at store {store}",
            "New laptop for {dc} planner",
        ),
        skills=("ServiceNow", "Active Directory", "Customer service", "ITIL"),
        mails_per_day=(1, 3),
        ticket_count=7,
    ),
    "store_manager": RoleContent(
        title="Store Manager",
        department="Store Operations",
        meetings=(
            "POS rollout go/no-go, store {store}",
            "Holiday staffing plan, store {store}",
            "Shrink review with loss prevention, store {store}",
            "{region} district call",
        ),
        mails=(
            "Store {store} weekend sales recap",
            "Re: Truck delivery from {dc} delayed",
            "Planogram reset for {category}",
            "Schedule swap requests {week}",
        ),
        skills=("Retail operations", "Team leadership", "P&L management", "Merchandising"),
        mails_per_day=(2, 4),
        meetings_per_day=0.6,
    ),
    "engineer": RoleContent(
        title="Software Engineer, Store Systems",
        department="Engineering",
        meetings=(
            "POS rollout go/no-go, store {store}",
            "Design review: offline card auth",
            "Incident review: {vendor} gateway timeouts",
            "{vendor} API integration kickoff",
        ),
        mails=(
            "Re: pos-gateway release notes {week}",
            "Canary results for store {store}",
            "Re: {vendor} sandbox credentials",
        ),
        tickets=(
            "Retry card auth on {vendor} gateway timeout",
            "Inventory sync drops {sku}",
            "Add store {store} to canary ring",
            "Flaky test in tender reconciliation",
        ),
        commits=(
            "Retry card auth on gateway timeout",
            "Handle partial tenders in refunds",
            "Add store {store} to canary config",
            "Fix race in inventory sync scheduler",
            "Bump {vendor} SDK",
            "Log tender ids on auth failure",
        ),
        files=_ENG_FILES,
        skills=("Python", "Go", "Kubernetes", "Payments", "PostgreSQL"),
        mails_per_day=(0, 2),
        ticket_count=5,
        commits_per_day=(1, 3),
    ),
    "data_engineer": RoleContent(
        title="Data Engineer, Supply Chain Analytics",
        department="Engineering",
        meetings=(
            "Forecast accuracy review, {category}",
            "Snowflake cost review {week}",
            "Data contract with {vendor}",
        ),
        mails=(
            "Re: forecast backfill for {dc}",
            "Snowflake warehouse resize tonight",
            "Demand forecast refresh delayed {week}",
        ),
        tickets=(
            "Backfill daily forecast for {dc}",
            "Late-arriving sales from store {store}",
            "Add {category} to forecast model",
        ),
        commits=(
            "Backfill forecast for {dc}",
            "Add week_of_year macro",
            "Dedupe late POS rows",
            "Partition forecast_daily by region",
        ),
        files=_DATA_FILES,
        skills=("SQL", "dbt", "Airflow", "Snowflake", "Python"),
        ticket_count=4,
        commits_per_day=(0, 2),
    ),
    "hr": RoleContent(
        title="HR Business Partner",
        department="People",
        meetings=(
            "Seasonal hiring plan, {region}",
            "Onboarding checklist refresh",
            "Benefits open enrollment Q&A",
        ),
        mails=(
            "Seasonal associate offers for {region}",
            "Re: onboarding for store {store}",
            "Open enrollment reminders {week}",
        ),
        skills=("Employee relations", "Workday", "Talent acquisition"),
        mails_per_day=(2, 4),
    ),
    "finance": RoleContent(
        title="Director, Financial Planning & Analysis",
        department="Finance",
        meetings=(
            "{region} Q4 forecast review",
            "Capex review: POS hardware refresh",
            "Inventory write-down review, {category}",
        ),
        mails=("Flash sales {week}", "Re: {vendor} invoice dispute", "Q4 reforecast inputs due"),
        skills=("Financial planning", "Excel", "Anaplan", "Retail finance"),
        mails_per_day=(2, 4),
    ),
    "buyer": RoleContent(
        title="Senior Buyer, Home & Seasonal",
        department="Merchandising",
        meetings=("Line review: {category}", "{vendor} cost negotiation", "Markdown plan {week}"),
        mails=(
            "PO changes for {category}",
            "Re: {sku} cost increase",
            "Samples for spring {category}",
        ),
        skills=("Category management", "Negotiation", "Assortment planning"),
        mails_per_day=(2, 4),
        meetings_per_day=0.6,
    ),
    "ciso": RoleContent(
        title="Chief Information Security Officer",
        department="Information Security",
        meetings=(
            "Board risk committee prep",
            "Vishing tabletop exercise",
            "{vendor} third-party risk review",
            "PCI DSS 4.0 readiness check-in",
        ),
        mails=(
            "Help-desk verification policy update",
            "Re: PCI assessor scheduling",
            "Phishing simulation results {week}",
        ),
        tickets=("Approve exception: legacy auth for store {store}", "PCI evidence for {dc}"),
        skills=("Security strategy", "PCI DSS", "Risk management", "Incident response"),
        mails_per_day=(1, 3),
        ticket_count=2,
    ),
    "planner": RoleContent(
        title="Supply Chain Planner",
        department="Supply Chain",
        meetings=(
            "Allocation review: {category} to {dc}",
            "{vendor} inbound delays",
            "Replenishment exceptions {week}",
        ),
        mails=(
            "Re: {dc} inbound appointment changes",
            "Allocation for {sku}",
            "Stockout report {region}",
        ),
        skills=("Demand planning", "Blue Yonder", "Excel", "Inventory optimisation"),
        mails_per_day=(2, 4),
    ),
    "new_hire": RoleContent(
        title="IT Support Specialist",
        department="IT Operations",
        meetings=("New hire orientation",),
        mails=("Laptop and badge pickup",),
        skills=("Customer service", "Windows", "CompTIA A+"),
    ),
}

PRIVATE_APPOINTMENTS = ("Dentist", "School pickup", "Physio appointment", "Car service")
