"""What each role's work looks like: titles, subjects, ticket summaries, commit subjects and how
much of each a normal fortnight holds. Placeholders ({store}, {vendor}, ...) are filled per item
so titles are specific: specific facts make good questions."""

from __future__ import annotations

import random
import string
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
    # Drawn only when a template uses them (see `fill`), so adding keys here leaves the
    # seeded draws of every existing template unchanged.
    "project": ("Project Beacon", "Project Harbor", "Project Keystone", "Project Cedar"),
    "system": ("SAP S/4HANA", "Oracle RMS", "UKG Kronos", "Coupa", "Manhattan WMS", "Salesforce"),
    "city": ("Columbus", "Phoenix", "Charlotte", "Denver", "Nashville", "Sacramento"),
    "supplier": ("Hamilton Beach", "Polywood", "Purina", "Conair", "Suncast", "Rubbermaid"),
    "brand": ("Hearthline", "Maple & Oak", "Pawsome", "Everglow"),
    "carrier": ("J.B. Hunt", "Schneider", "XPO", "Werner"),
    "amount": ("$48K", "$112K", "$7.5K", "$260K", "$31K"),
}
_ALWAYS_DRAWN = ("store", "dc", "vendor", "app", "category", "region", "sku")


def fill(template: str, rnd: random.Random, *, day: date, store: str | None = None) -> str:
    """Fill every {placeholder}: {week} is the ISO week of `day`, {store} is mostly the
    employee's own store when they have one, the rest are random values from FILL."""
    values = {key: rnd.choice(FILL[key]) for key in _ALWAYS_DRAWN}
    values["week"] = f"wk {day.isocalendar().week}"
    if store and rnd.random() < 0.8:
        values["store"] = store
    for _, field, _, _ in string.Formatter().parse(template):
        if field and field not in values:
            values[field] = rnd.choice(FILL[field])
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
            "Access recertification kickoff for {system}",
            "Break-glass procedure walkthrough with {dc} leads",
            "Okta FastPass pilot review, {region}",
            "Joiner-mover-leaver automation for {system}",
            "Shared kiosk account cleanup, store {store}",
        ),
        mails=(
            "{app} SSO certificate rotation this Thursday",
            "Re: MFA exemptions for {dc}",
            "Okta admin role changes for {week}",
            "Break-glass account test results",
            "Re: Okta Verify push fatigue reports from {region}",
            "Offboarding sweep: {app} accounts still active",
            "SCIM provisioning errors for {app} overnight",
            "Re: shared kiosk logins at store {store}",
            "{vendor} contractor accounts expiring Friday",
            "Entra named location update for {dc}",
            "Re: SAML request to connect {system} to Okta",
            "Stale service accounts in {app}: owners needed",
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
        meetings=(
            "Shift handover: open P2s for {region}",
            "Knowledge article review: {app}",
            "Major incident bridge: {vendor} terminals in {region}",
            "Problem review: repeat scanner tickets, store {store}",
            "Walk-up tech bar planning for the {city} office",
            "{app} queue routing changes",
            "Service desk SLA review {week}",
            "Runbook review: {system} password resets",
        ),
        mails=(
            "Re: Store {store} handheld scanners offline",
            "Password reset volume {week}",
            "Re: {app} access request",
            "Re: Store {store} receipt printer jammed again",
            "Escalating {app} outage tickets to the vendor",
            "Re: self-checkout lanes frozen at store {store}",
            "Re: new hire laptops for {dc} not imaged",
            "{app} login errors for {region} stores",
            "Re: badge reader down at {dc} entrance",
            "Re: MFA re-enrollment for the store {store} manager",
            "Major incident summary: {vendor} payment terminals",
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
    # Frontline roles (issue 16): their work is the rota, swaps, time off and IT tickets
    # (context/demo/frontline.py); their department is their site, set per person.
    "store_associate": RoleContent(
        title="Store Associate",
        department="Stores",
        meetings=(),
        mails=(),
        skills=("Customer service", "Cash handling", "Merchandising"),
        mails_per_day=(0, 0),
        meetings_per_day=0.0,
    ),
    "shift_lead": RoleContent(
        title="Shift Lead",
        department="Stores",
        meetings=(),
        mails=(),
        skills=("Team leadership", "Customer service", "Opening and closing"),
        mails_per_day=(0, 0),
        meetings_per_day=0.0,
    ),
    "dc_operative": RoleContent(
        title="Distribution Centre Operative",
        department="Distribution",
        meetings=(),
        mails=(),
        skills=("Forklift certified", "Warehouse operations", "Inventory control"),
        mails_per_day=(0, 0),
        meetings_per_day=0.0,
    ),
    "driver": RoleContent(
        title="Delivery Driver",
        department="Transportation",
        meetings=(),
        mails=(),
        skills=("CDL Class A", "Route planning", "Safe driving"),
        mails_per_day=(0, 0),
        meetings_per_day=0.0,
    ),
    "store_manager": RoleContent(
        title="Store Manager",
        department="Store Operations",
        meetings=(
            "POS rollout go/no-go, store {store}",
            "Holiday staffing plan, store {store}",
            "Shrink review with loss prevention, store {store}",
            "{region} district call",
            "Fire marshal walkthrough, store {store}",
            "Visual merchandising visit: {category} reset",
            "{carrier} delivery window change, store {store}",
            "Loss prevention case review with {region} LP",
            "Curbside pickup relaunch, store {store}",
        ),
        mails=(
            "Store {store} weekend sales recap",
            "Re: Truck delivery from {dc} delayed",
            "Planogram reset for {category}",
            "Schedule swap requests {week}",
            "Re: cooler failure in the dairy aisle, store {store}",
            "Re: {category} endcap not matching the planogram",
            "Shrink numbers for store {store}, {week}",
            "Re: {sku} showing in stock but the shelf is empty",
            "Re: curbside pickup wait times, store {store}",
            "Seasonal hires starting {week} at store {store}",
            "Re: {vendor} technician visit for self-checkout",
            "Re: roof leak over aisle 12, store {store}",
            "Cycle count results for {category}",
            "Re: {carrier} driver turned away at receiving",
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
            "Architecture review: store-to-cloud inventory sync",
            "Postmortem: store {store} POS outage",
            "Threat model: {vendor} card tokenisation",
            "Black Friday load test planning",
        ),
        mails=(
            "Re: pos-gateway release notes {week}",
            "Canary results for store {store}",
            "Re: {vendor} sandbox credentials",
            "Re: offline card auth design doc comments",
            "Store {store} POS crash logs from Saturday",
            "Re: {vendor} SDK upgrade breaking refunds",
            "Rollback plan for pos-gateway {week}",
            "Re: inventory sync lag for {sku}",
            "Load test results: tender service at peak",
            "Re: PCI scope question for {app} logs",
            "Canary ring expansion to the {region}",
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
            "Data quality review: POS feed from the {region}",
            "Schema change review with {vendor}",
            "Backfill plan for {dc}",
            "Forecast model retro: {category} misses",
            "Lineage walkthrough for the flash sales report",
        ),
        mails=(
            "Re: forecast backfill for {dc}",
            "Snowflake warehouse resize tonight",
            "Demand forecast refresh delayed {week}",
            "Re: missing POS rows from store {store}",
            "dbt run failure on forecast_daily {week}",
            "Re: {category} forecast bias in the {region}",
            "Re: forecast_etl DAG retries overnight",
            "Re: {vendor} data feed schema change",
            "Snowflake credit spike from {app} queries",
            "Re: {sku} duplicate rows in the sales fact",
            "Access request: {system} replica for analytics",
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
            "Investigation interview, store {store}",
            "Position cleanup for the {region}",
            "Hiring event planning, {city}",
            "Employee relations case review, {dc}",
            "Succession planning: {region} district managers",
        ),
        mails=(
            "Seasonal associate offers for {region}",
            "Re: onboarding for store {store}",
            "Open enrollment reminders {week}",
            "Re: relocation package for the {city} store manager",
            "Background check delays for {dc} hires",
            "Re: accommodation request, store {store}",
            "Seasonal headcount tracker {week}",
            "Re: Kronos timecard errors at store {store}",
            "Exit interview themes for the {region}",
            "Re: night shift differential at {dc}",
            "Job posting approval: assistant manager, store {store}",
            "Re: harassment training completion in the {region}",
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
            "{project} investment committee prep",
            "Freight contract review with {carrier}",
            "Store closure analysis: {city}",
            "Labor model review with Store Operations",
            "{vendor} contract true-up",
        ),
        mails=(
            "Flash sales {week}",
            "Re: {vendor} invoice dispute",
            "Q4 reforecast inputs due",
            "Re: {amount} accrual for {vendor}",
            "Store {store} labor variance vs plan",
            "Re: {category} margin erosion {week}",
            "Capex request: self-checkout for the {region}",
            "Re: shrink reserve for the {region}",
            "Freight cost overrun from {carrier}",
            "Re: {project} business case numbers",
            "Store {store} four-wall P&L questions",
            "Re: lease renewal for the {city} store",
        ),
        skills=("Financial planning", "Excel", "Anaplan", "Retail finance"),
        mails_per_day=(2, 4),
    ),
    "buyer": RoleContent(
        title="Senior Buyer, Home & Seasonal",
        department="Merchandising",
        meetings=(
            "Line review: {category}",
            "{vendor} cost negotiation",
            "Markdown plan {week}",
            "{supplier} annual negotiation prep",
            "Private label review: {brand}",
            "Trend walk: spring {category}",
            "Competitive shop review, {city}",
            "Allocation handoff with planning: {category}",
        ),
        mails=(
            "PO changes for {category}",
            "Re: {sku} cost increase",
            "Samples for spring {category}",
            "Re: {supplier} first cost increase on {category}",
            "Markdown cadence for {category} {week}",
            "Re: {sku} sell-through below plan",
            "Open-to-buy for {category}",
            "Re: {supplier} late shipment chargeback",
            "Vendor scorecard: {supplier}",
            "Re: {brand} packaging changes",
            "Re: ocean container delay for {category}",
            "Assortment cuts for {region} stores",
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
            "Incident debrief: {app} credential stuffing",
            "Red team readout: {dc}",
            "{project} security review",
            "Cyber insurance underwriter call",
        ),
        mails=(
            "Help-desk verification policy update",
            "Re: PCI assessor scheduling",
            "Phishing simulation results {week}",
            "Re: vishing attempt against the store {store} manager",
            "Tabletop findings: help-desk impersonation",
            "Re: {vendor} SOC 2 report exceptions",
            "Board deck draft: cyber risk {week}",
            "Re: PCI segmentation test for store {store}",
            "Ransomware readiness gaps at {dc}",
            "Re: cyber insurance renewal questionnaire",
            "Security exception: {app} legacy auth",
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
            "{carrier} lane review for {dc}",
            "Promo forecast review: {category} ad week",
            "{supplier} fill rate escalation",
            "Hurricane prep allocation, {region}",
            "Network rebalancing: {dc} overflow",
        ),
        mails=(
            "Re: {dc} inbound appointment changes",
            "Allocation for {sku}",
            "Stockout report {region}",
            "Re: {carrier} capacity for {week}",
            "Re: {sku} short-shipped to {dc}",
            "Safety stock change for {category}",
            "Re: {supplier} fill rate below 90%",
            "Transfer from {dc} to store {store}",
            "Re: {category} overstock in the {region}",
            "Promo lift assumptions for {category} {week}",
            "Re: {dc} receiving backlog",
            "Re: {sku} stuck in customs",
        ),
        skills=("Demand planning", "Blue Yonder", "Excel", "Inventory optimisation"),
        mails_per_day=(2, 4),
    ),
    # A new hire's own items come from onboarding.py (almost nothing: deskguard must escalate);
    # these describe the role's work once they have settled in.
    "new_hire": RoleContent(
        title="IT Support Specialist",
        department="IT Operations",
        meetings=(
            "New hire orientation",
            "Service desk shadowing: {region} queue",
            "{app} admin basics training",
            "Security awareness onboarding",
            "Ride-along to store {store}",
            "Fulfiller training for the hardware queue",
            "Asset management intro with {dc} IT",
            "Buddy session: first store tickets",
        ),
        mails=(
            "Laptop and badge pickup",
            "Re: imaging checklist for {dc} laptops",
            "Re: store {store} printer ticket handoff",
            "Shadowing schedule with the service desk {week}",
            "Re: {app} access for my first week",
            "Question on the {system} password reset runbook",
            "Re: spare scanner stock at store {store}",
            "Re: hardware queue training notes",
            "Re: VPN token for the {city} site visit",
            "Re: hardware returns from store {store}",
        ),
        skills=("Customer service", "Windows", "CompTIA A+"),
    ),
}

PRIVATE_APPOINTMENTS = ("Dentist", "School pickup", "Physio appointment", "Car service")
