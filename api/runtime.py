"""Wiring: builds the service's collaborators from Settings, once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from api.audit import AuditLog
from api.audit_checks import Checkpoints
from api.egress import ClosedJudge, check_egress_settings
from api.errors import ConfigurationError
from api.grants import Grants
from api.keyfiles import load_or_create_secret
from api.limits import DatabaseLimits, LimitStore, RedisLimits, Throttle
from api.oidc import OIDCVerifier
from api.recovery_wiring import RecoveryKit, build_recovery
from api.settings import Settings
from api.signals import Signals
from api.signing import KeyRing
from api.storage import Database
from api.ticketing import TicketDesk
from context.connectors.base import Connector, Directory, DirectorySource
from grading.cascade import Judge
from grading.policy import Policy, load_policy
from questions.engine import QuestionEngine
from questions.pipeline import AttackerLike
from questions.templates import TemplateEngine

if TYPE_CHECKING:
    from context.demo import Organisation


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Trust:
    """What signs and what records, bound to a database when used: grant keys, grants, the
    audit log (its key is never in the database) and its checkpoints."""

    keyring: KeyRing
    audit_key: bytes
    checkpoints: Checkpoints
    grant_ttl: timedelta
    issuer: str

    def grants(self, db: Database, clock: Callable[[], datetime]) -> Grants:
        return Grants(self.keyring, db, ttl=self.grant_ttl, issuer=self.issuer, clock=clock)

    def audit(self, db: Database, clock: Callable[[], datetime]) -> AuditLog:
        on_append = self.checkpoints.after_append
        return AuditLog(db, key=self.audit_key, clock=clock, on_append=on_append)


def build_trust(settings: Settings, clock: Callable[[], datetime]) -> Trust:
    configured = settings.signing_keys.get_secret_value() if settings.signing_keys else None
    keyring = KeyRing.open(settings.data_dir, configured, clock=clock)
    issuer = settings.grants.issuer
    every = settings.audit.checkpoint_every
    audit_key = settings.audit.key.get_secret_value() if settings.audit.key else None
    return Trust(
        keyring=keyring,
        audit_key=load_or_create_secret(settings.data_dir / "audit.key", audit_key),
        checkpoints=Checkpoints(keyring, issuer=issuer, every=every, clock=clock),
        grant_ttl=timedelta(seconds=settings.grants.ttl_seconds),
        issuer=issuer,
    )


@dataclass
class Runtime:
    settings: Settings
    db: Database
    directory: Directory
    connectors: list[Connector]
    engine: QuestionEngine
    judge: Judge | None
    attacker: AttackerLike | None
    policy: Policy
    trust: Trust
    tickets: TicketDesk
    company_facts: list[str] = field(default_factory=list)
    company_name: str = "your organisation"
    clock: Callable[[], datetime] = utcnow
    recovery: RecoveryKit | None = None  # identity-provider recovery, notifications, alerts
    shared_limits: LimitStore | None = None  # Redis, when configured; else the database
    oidc: OIDCVerifier | None = None

    def throttle(self) -> Throttle:
        return Throttle(
            self.shared_limits or DatabaseLimits(self.db), self.settings.limits, self.clock()
        )

    @property
    def grants(self) -> Grants:
        return self.trust.grants(self.db, self.clock)

    @property
    def audit(self) -> AuditLog:
        return self.trust.audit(self.db, self.clock)

    @property
    def signals(self) -> Signals:
        config = self.settings.signals
        ttl = timedelta(seconds=config.ttl_seconds)
        return Signals(self.db, ttl=ttl, providers=config.providers, clock=self.clock)

    @property
    def keyring(self) -> KeyRing:
        return self.trust.keyring

    @property
    def checkpoints(self) -> Checkpoints:
        return self.trust.checkpoints


def build_runtime(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utcnow,
    org: Organisation | None = None,
    migrate: bool = True,
) -> Runtime:
    """`org` replaces the demo tenant with another synthetic organisation (evaluations);
    `migrate` brings the database schema to the head revision first."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if org is not None:
        directory, connectors, (company_name, company) = _org_sources(org, settings)
    else:
        directory, connectors, (company_name, company) = _sources(settings, clock())
    db = Database(settings.sqlalchemy_url)
    trust = build_trust(settings, clock)
    if migrate:
        db.upgrade()
    return Runtime(
        settings=settings,
        db=db,
        directory=directory,
        connectors=connectors,
        engine=_engine(settings),
        judge=build_judge(settings),
        attacker=_attacker(settings),
        policy=load_policy(settings.policy_path),
        trust=trust,
        tickets=_ticket_desk(settings, db, trust.audit(db, clock)),
        company_facts=company,
        company_name=company_name,
        clock=clock,
        recovery=build_recovery(settings.recovery, db),
        shared_limits=_shared_limits(settings),
        oidc=OIDCVerifier(settings.oidc) if settings.oidc.configured else None,
    )


def _shared_limits(settings: Settings) -> LimitStore | None:
    if settings.redis_url is None:
        return None
    return RedisLimits(settings.redis_url.get_secret_value(), settings.redis_prefix)


Sources = tuple[Directory, list[Connector], tuple[str, list[str]]]


def _org_sources(org: Organisation, settings: Settings) -> Sources:
    """A synthetic organisation in place of the demo tenant (evaluations)."""
    from context.connectors.demo import DemoConnector

    collection = settings.collection
    demo = DemoConnector(
        org,
        lookback_days=collection.lookback_days,
        sparse_lookback_days=collection.sparse_lookback_days,
    )
    return demo.directory(), [demo], demo.company()


def _sources(settings: Settings, now: datetime) -> Sources:
    """The connectors DESKGUARD_CONNECTORS enables, each built from its settings section. The
    directory comes from a connector that serves one (the demo tenant), otherwise from Graph."""
    from context.config import JsmSourceConfig, ServiceNowSourceConfig
    from context.registry import build_connectors

    try:
        connectors = build_connectors(
            settings.connectors,
            lookback_days=settings.collection.lookback_days,
            sparse_lookback_days=settings.collection.sparse_lookback_days,
            lookbacks=settings.scope.lookback_days,
            data_dir=settings.data_dir,
            now=now,
            graph=settings.graph,
            jira=settings.jira,
            git=settings.git,
            github=settings.github,
            shifts=settings.shifts,
            wfm=settings.wfm,
            # the ticketing integration's instance and account read the caller's own tickets
            servicenow=ServiceNowSourceConfig.model_validate(settings.servicenow.model_dump()),
            jsm=JsmSourceConfig.model_validate(settings.jsm.model_dump()),
        )
    except ValueError as exc:
        raise ConfigurationError(f"DESKGUARD_CONNECTORS: {exc}") from None
    _check_scope(settings)
    own = next((c for c in connectors if isinstance(c, DirectorySource)), None)
    if own is not None:
        return own.directory(), connectors, own.company()
    from context.connectors.graph import GraphDirectory

    if not settings.graph.access_token and not settings.graph.client_id:
        raise ConfigurationError(
            "the employee directory comes from Microsoft Graph: set DESKGUARD_GRAPH__ACCESS_TOKEN "
            "or DESKGUARD_GRAPH__TENANT_ID, __CLIENT_ID and __CLIENT_SECRET (or add 'demo' to "
            "DESKGUARD_CONNECTORS)"
        )
    return GraphDirectory(settings.graph), connectors, ("your organisation", [])


def _check_scope(settings: Settings) -> None:
    from context.registry import known_connectors

    unknown = sorted(settings.scope.named_sources() - set(known_connectors()))
    if unknown:
        raise ConfigurationError(
            f"DESKGUARD_SCOPE__*: unknown source(s) {', '.join(unknown)}; known: "
            f"{', '.join(known_connectors())}"
        )


def _ticket_desk(settings: Settings, db: Database, audit: AuditLog) -> TicketDesk:
    from tickets.registry import build_adapters

    try:
        adapters = build_adapters(settings.servicenow, settings.jsm)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    return TicketDesk(adapters, db, settings.tickets, audit=audit)


def _use_llm(settings: Settings) -> bool:
    check_egress_settings(settings)
    if settings.llm.closed:  # DESKGUARD_LLM__EGRESS=none: templates only
        return False
    engine = settings.questions.engine
    if engine == "llm" and not settings.llm.configured:
        raise ConfigurationError("DESKGUARD_QUESTIONS__ENGINE=llm needs DESKGUARD_LLM__MODEL")
    return engine == "llm" or (engine == "auto" and settings.llm.configured)


def _engine(settings: Settings) -> QuestionEngine:
    if _use_llm(settings):
        from questions.llm_engine import LLMQuestionEngine

        budget = settings.questions.llm_budget_seconds
        return LLMQuestionEngine(settings.llm, settings.prompts, budget_seconds=budget)
    return TemplateEngine()


def build_judge(settings: Settings, *, calibrated: bool = True) -> Judge | None:
    """The LLM judge, followed as far as its calibration record supports (none: not used);
    `calibrated=False` for calibrating it. With DESKGUARD_LLM__EGRESS=none, a judge that
    refuses: the uncertain band escalates."""
    if settings.llm.closed:
        return ClosedJudge(settings)
    if not settings.llm.configured:
        return None
    from grading.calibration import recorded_trust
    from grading.judge import LLMJudge

    judge = LLMJudge(settings.llm, settings.prompts)
    if calibrated:
        judge.trust = recorded_trust(settings.data_dir, judge.calibration_key)
    return judge


def _attacker(settings: Settings) -> AttackerLike | None:
    if not settings.questions.attacker_check:
        return None
    from questions.attacker import (
        SERVICE_WITHHELD,
        HeuristicAttacker,
        LLMAttacker,
        ModelWrittenOnly,
    )

    if settings.llm.configured and not settings.llm.closed:
        model = LLMAttacker(settings.llm, settings.prompts, withhold=SERVICE_WITHHELD)
        return ModelWrittenOnly(model)
    return HeuristicAttacker()
