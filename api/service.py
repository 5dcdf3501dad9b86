"""Verification orchestration: collect context, ask, grade, decide, sign, audit.

Fail closed: any error, time-out, missing context or grader failure ends in `escalate`, never
`allow`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import structlog

from api.audit import Entry
from api.errors import Conflict, Gone, InvalidInput, NotFound, OutOfScope, Unavailable
from api.metrics import DECISIONS, MODEL_CALLS, SOURCE_FAILURES, timed
from api.offload import in_thread
from api.records import collection_meta, set_meta, start_audit, validate_answers
from api.runtime import Runtime
from api.schemas import AnswersSubmit, VerificationCreate
from api.signals import Binding, ticket_key
from api.storage import Base, RecentHistory, VerificationRow
from api.ticketing import TicketCheck, note_for
from api.verification_record import CollectionRecord, ModelUsage, QuestionSetRecord
from context.collect import Collection, collect, window_for
from context.models import Employee
from context.scope import exclusion, sources_for
from grading.cascade import Judge, grade
from grading.models import (
    AnswerKind,
    Decision,
    Grade,
    GradeRequest,
    Signal,
    Verdict,
    grader_failure,
)
from grading.policy import (
    AskedQuestion,
    DecisionInput,
    StartInput,
    decide,
    decide_start,
    fail_closed,
    signal_band,
    velocity_flags,
)
from grading.reuse import one_answer_one_fact
from prompts.llm import metered
from questions.engine import EngineRequest
from questions.exposure import named_knowers, read_by_every_teammate, unasked
from questions.facts import rank_facts
from questions.models import Question, QuestionSet
from questions.pipeline import AttackCheck, PipelineOptions, build_question_set

log = structlog.get_logger(__name__)
RECENT = timedelta(hours=24)
CONSISTENT_READS = 3  # of a row and its audit record, before a disagreement is refused


class VerificationService:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    async def start(self, body: VerificationCreate, *, actor: str) -> VerificationRow:
        if body.action not in self.rt.policy.actions:
            known = ", ".join(sorted(self.rt.policy.actions))
            raise InvalidInput(f"unknown action {body.action!r}; known actions: {known}")
        ticket = ticket_key((body.ticket.system, body.ticket.id) if body.ticket else None)
        velocity = await in_thread(  # one write: every limit and velocity count
            self.rt.throttle().start,
            employee=body.employee,
            ticket=ticket,
            caller=body.caller.key if body.caller else None,
            agent=actor,
            velocity_window=timedelta(hours=self.rt.policy.velocity.window_hours),
        )
        employee, directory_error = await self._lookup(body.employee)
        if directory_error is not None:
            return await in_thread(self._directory_failed, body, directory_error, actor=actor)
        if employee is None:
            raise NotFound(f"no employee {body.employee!r} in the directory")
        excluded = exclusion(self.rt.settings.scope, employee)
        if excluded is not None:  # escalated before any source is read: scope leaves out all
            left_out = [c.name for c in self.rt.connectors]
            decision = fail_closed(self.rt.policy, excluded)
            return await in_thread(self._unread, body, decision, actor=actor, out_of_scope=left_out)
        signal = await in_thread(self._signal, body, employee.upn)
        ref = body.ticket
        check = await self.rt.tickets.check(
            ref.system if ref else None, ref.id if ref else None, employee.upn
        )
        now = self.rt.clock()
        with timed("collect"):
            collection, out_of_scope = await self.scoped_collect(employee, now)
        for failed in collection.degraded_sources:
            SOURCE_FAILURES.labels(connector=failed).inc()
        recent = await in_thread(self._recent, employee.upn, now)
        with timed("generate"), metered() as usage:  # engine and attacker check alike
            qset = await self._questions(employee, collection, recent)
        MODEL_CALLS.labels(purpose="questions").inc(usage.calls)
        row = VerificationRow(
            id=f"ver_{uuid.uuid4().hex[:24]}",
            employee=employee.upn,
            action=body.action,
            status="pending",
            created_at=now,
            expires_at=now + timedelta(seconds=self.rt.settings.verification_ttl_seconds),
            ticket=body.ticket,
            signal=signal,
            caller=body.caller,
            questions=qset.questions,
            question_set=set_meta(qset, employee, usage),
            collection=collection_meta(collection, qset, out_of_scope),
            created_by=actor,
        )
        facts = StartInput(
            action=row.action,
            questions_available=len(qset.questions),
            recent_failures=recent.failures,
            ticket=check.outcome,
            facts_asked_recently=qset.facts_asked_recently,
            failed_sources=collection.degraded_sources,
            questions=[asked_question(q) for q in qset.questions],
            employees_per_caller=velocity.employees_per_caller,
            employees_per_ticket=velocity.employees_per_ticket,
        )
        row.velocity = velocity_flags(self.rt.policy, facts)
        early = decide_start(self.rt.policy, facts)  # the policy's say before asking
        note = await in_thread(self._save_start, row, early, check, actor)
        await self.rt.tickets.deliver(note)
        return row

    def _save_start(
        self, row: VerificationRow, early: Decision | None, check: TicketCheck, actor: str
    ) -> list[Base]:
        """One commit: the row, its audit records (started, and decided when the policy decided
        before asking), what it asks about, the ticket's outbox row (returned, to deliver)."""
        entries = [self._started(row, actor, check)]
        if early is not None:
            self._finish(row, early, grades=[])
            entries.append(_decided(row, actor))
        note = self._ticket_note(row, check, actor)
        self.rt.audit.append_all(entries, verification=row, also=[*row.asked_facts(), *note])
        return note

    def _ticket_note(self, row: VerificationRow, check: TicketCheck, actor: str) -> list[Base]:
        """The ticket's work note as an outbox row (none without a linked ticket), saved with
        the audit record and delivered after; a failure to write is retried, never changes
        the decision."""
        band = signal_band(self.rt.policy, row.signal)
        note = note_for(row, agent=actor, signal_band=band, at=self.rt.clock())
        return self.rt.tickets.queue(row, check, note)

    def _signal(self, body: VerificationCreate, upn: str) -> Signal | None:
        """The provider's signal for this ticket or call if there is one; the agent's otherwise
        (recorded as such: the policy does not take an agent's word for a low risk)."""
        ticket = (body.ticket.system, body.ticket.id) if body.ticket else None
        binding = Binding(ticket=ticket_key(ticket), call_id=body.call_id, employee=upn)
        agent = Signal(**body.signal.model_dump()) if body.signal else None
        return self.rt.signals.resolve(binding, token=body.signal_token, agent=agent)

    async def _lookup(self, upn: str) -> tuple[Employee | None, str | None]:
        """(the employee or None when unknown, None) or (None, what failed): a directory that
        errs or does not answer in time is a failure, never an unknown employee."""
        timeout = self.rt.settings.collection.per_source_timeout_seconds
        try:
            return await asyncio.wait_for(self.rt.directory.get_employee(upn), timeout), None
        except TimeoutError:
            error = f"no answer within {timeout:g}s"
        except Exception as exc:
            error = type(exc).__name__
        log.error("directory_failed", error=error)
        return None, error

    def _directory_failed(
        self, body: VerificationCreate, error: str, *, actor: str
    ) -> VerificationRow:
        """Decided by the policy before anything is asked."""
        facts = StartInput(action=body.action, questions_available=0, directory_error=error)
        decision = decide_start(self.rt.policy, facts) or fail_closed(self.rt.policy, error)
        return self._unread(body, decision, actor=actor)

    def _unread(
        self,
        body: VerificationCreate,
        decision: Decision,
        *,
        actor: str,
        out_of_scope: Sequence[str] = (),
    ) -> VerificationRow:
        """A start decided before any source was read, recorded and audited like any start."""
        now = self.rt.clock()
        row = VerificationRow(
            id=f"ver_{uuid.uuid4().hex[:24]}",
            employee=body.employee,
            action=body.action,
            status="pending",
            created_at=now,
            expires_at=now,
            ticket=body.ticket,
            signal=self._signal(body, body.employee),
            caller=body.caller,
            questions=[],
            question_set=QuestionSetRecord(employee=body.employee, engine="none", generated_at=now),
            collection=CollectionRecord(
                window_start=now, window_end=now, out_of_scope=list(out_of_scope)
            ),
            created_by=actor,
        )
        self._finish(row, decision, grades=[])
        entries = [self._started(row, actor), _decided(row, actor)]
        self.rt.audit.append_all(entries, verification=row)
        return row

    def _started(self, row: VerificationRow, actor: str, check: TicketCheck | None = None) -> Entry:
        hashed = self.rt.audit.pseudonyms.hasher(row.employee)  # the calling number's pseudonym
        detail = start_audit(row, hashed)
        failed = check.audit_detail() if check is not None else None
        if failed is not None:  # why the ticket could not be checked (issue 18)
            detail["ticket_check"] = failed
        return Entry(actor, "verification.started", row.id, detail)

    async def collect_for(self, upn: str) -> tuple[Employee, Collection]:
        """The employee and their privacy-filtered context, now; 404 when unknown."""
        employee, collection, _ = await self.collect_scoped_for(upn)
        return employee, collection

    async def collect_scoped_for(self, upn: str) -> tuple[Employee, Collection, list[str]]:
        """`collect_for`, plus the sources scope left out for this employee (not called)."""
        employee, directory_error = await self._lookup(upn.strip().lower())
        if directory_error is not None:
            raise Unavailable(f"the employee directory failed ({directory_error}); try again")
        if employee is None:
            raise NotFound(f"no employee {upn!r} in the directory")
        excluded = exclusion(self.rt.settings.scope, employee)
        if excluded is not None:
            raise OutOfScope(f"{excluded}: none of their context is read")
        collection, out_of_scope = await self.scoped_collect(employee, self.rt.clock())
        return employee, collection, out_of_scope

    async def scoped_collect(
        self, employee: Employee, now: datetime
    ) -> tuple[Collection, list[str]]:
        """(the collection from the sources the scope settings allow for this employee, each
        over its own look-back; the names of the sources scope left out, not called at all).
        Every read of an employee's context goes through here (verification, CLI reads, the
        coverage report); an excluded employee is the caller's check (`exclusion`), before."""
        scope = self.rt.settings.scope
        connectors, out_of_scope = sources_for(scope, employee, self.rt.connectors)
        window = window_for(now, self.rt.settings.collection.lookback_days)
        collection = await collect(
            employee, connectors, window=window, config=self.rt.settings.collection,
            lookbacks=scope.lookback_days,
        )  # fmt: skip
        return collection, out_of_scope

    async def preview(self, upn: str) -> tuple[QuestionSet, Collection]:
        """A question set with expected answers (security-team tool); nothing is stored."""
        employee, collection = await self.collect_for(upn)
        recent = await in_thread(self._recent, employee.upn, collection.window_end)
        return await self._questions(employee, collection, recent), collection

    async def engine_request(self, upn: str) -> tuple[EngineRequest, Collection]:
        """What an engine would be given for this employee now (for `prompts render`), and the
        collection it comes from (its read is audited)."""
        employee, collection = await self.collect_for(upn)
        return await self._engine_request(employee, collection), collection

    async def _engine_request(self, employee: Employee, collection: Collection) -> EngineRequest:
        profile = await self.rt.directory.public_profile(employee.upn)
        facts = rank_facts(
            collection.items,
            now=collection.window_end,
            profile=profile,
            public_facts=self.rt.company_facts,
        )
        return EngineRequest(
            employee=employee,
            profile=profile,
            facts=facts,
            count=self.rt.settings.questions.count,
            now=collection.window_end,
        )

    async def _questions(
        self, employee: Employee, collection: Collection, recent: RecentHistory
    ) -> QuestionSet:
        request, withheld = _unasked(await self._engine_request(employee, collection), recent)
        profile = request.profile
        public = [
            *(profile.facts() if profile else []),
            *self.rt.company_facts,
            employee.title,
            employee.department,
        ]
        options = PipelineOptions(
            min_questions=self.rt.policy.min_questions,
            public_facts=public,
            company_facts=self.rt.company_facts,
            attacker=self.rt.attacker,
            attack_check=self._attack_check() if self.rt.attacker else None,
            fallback_to_templates=self.rt.settings.questions.on_llm_failure == "templates",
        )
        qset, _ = await build_question_set(request, self.rt.engine, options=options)
        return qset.model_copy(update={"facts_asked_recently": withheld})

    def _attack_check(self) -> AttackCheck:
        return attack_check(
            self.rt.judge, timeout=self.rt.settings.judge_timeout_seconds, clock=self.rt.clock
        )

    def _recent(self, upn: str, now: datetime) -> RecentHistory:
        """This employee's verifications of the last 24 h (rotation and attempt limits)."""
        return self.rt.db.recent_for_employee(upn, since=now - RECENT)

    async def submit(
        self, verification_id: str, body: AnswersSubmit, *, actor: str
    ) -> VerificationRow:
        row = await in_thread(self._load, verification_id)
        questions = row.questions
        answers = validate_answers(body.answers, questions)
        await in_thread(self._claim, row)
        with timed("grade"), metered() as usage:  # the judge
            grades = await self._grade_all(row, questions, answers)
        MODEL_CALLS.labels(purpose="grading").inc(usage.calls)
        meta = row.question_set
        llm_usage = meta.llm_usage.model_copy(update={"grading": ModelUsage.of(usage)})
        row.question_set = meta.model_copy(update={"llm_usage": llm_usage})
        attempts = await in_thread(self._recent, row.employee, row.created_at)
        with timed("decide"):
            decision = self._decide(row, questions, grades, attempts=attempts.failures + 1)
        note = await in_thread(self._save_decision, row, decision, grades, actor)
        await self.rt.tickets.deliver(note)
        return row

    def _claim(self, row: VerificationRow) -> None:
        """Move the row pending -> grading: exactly one submission wins (409/410 otherwise)."""
        now = self.rt.clock()
        if row.status != "pending":
            raise Conflict("this verification has already been answered; start a new one")
        if row.expires_at <= now or not self.rt.db.claim_for_grading(row.id, now):
            fresh = self._load(row.id)
            if fresh.status == "pending":
                raise Gone("this verification expired; start a new one")
            raise Conflict("this verification has already been answered; start a new one")

    def _save_decision(
        self, row: VerificationRow, decision: Decision, grades: Sequence[Grade], actor: str
    ) -> list[Base]:
        """One commit (the claim was the other): the row, its decision record, the ticket's
        note (returned, to deliver)."""
        self._finish(row, decision, grades=grades)
        note = self._ticket_note(row, self.rt.tickets.target_of(row.id), actor)
        self.rt.audit.append_all([_decided(row, actor)], verification=row, also=note)
        return note

    async def _grade_all(
        self, row: VerificationRow, questions: Sequence[Question], answers: dict[str, str]
    ) -> list[Grade]:
        tz = row.question_set.timezone
        requests = [self._request(q, answers.get(q.id, ""), row, tz) for q in questions]
        try:
            people = await self._colleagues(questions)
        except Exception as exc:  # without the directory a name cannot be checked: never allow
            log.error("directory_failed", error=type(exc).__name__)
            why = f"directory unavailable ({type(exc).__name__}): names cannot be checked"
            grades = [
                grader_failure(r, why) if r.kind is AnswerKind.PERSON else await self._grade_one(r)
                for r in requests
            ]
        else:
            grades = [
                await self._grade_one(r.model_copy(update={"people": people})) for r in requests
            ]
        try:
            return one_answer_one_fact(requests, grades)
        except Exception as exc:  # the cross-answer check failed: no answer may stand
            log.error("grader_failed", question="*", error=type(exc).__name__)
            return [grader_failure(r, type(exc).__name__) for r in requests]

    async def _colleagues(self, questions: Sequence[Question]) -> list[str] | None:
        """Everyone's name, so a spoken name is matched against the whole organisation."""
        if not any(q.kind == AnswerKind.PERSON.value for q in questions):
            return None
        return [e.name for e in await self.rt.directory.list_employees()]

    def _request(
        self,
        question: Question,
        response: str,
        row: VerificationRow,
        tz: str,
    ) -> GradeRequest:
        return GradeRequest(
            id=question.id,
            question=question.text,
            expected=question.expected,
            kind=question.kind,
            variants=question.variants,
            response=response,
            asked_at=row.created_at,
            timezone=tz,
        )

    async def _grade_one(self, request: GradeRequest) -> Grade:
        try:
            return await grade(
                request, judge=self.rt.judge, timeout=self.rt.settings.judge_timeout_seconds
            )
        except Exception as exc:  # a grader failure is recorded and can never allow
            log.error("grader_failed", question=request.id, error=type(exc).__name__)
            return grader_failure(request, type(exc).__name__)

    def _decide(
        self,
        row: VerificationRow,
        questions: Sequence[Question],
        grades: Sequence[Grade],
        *,
        attempts: int,
    ) -> Decision:
        facts = DecisionInput(
            action=row.action,
            grades=list(grades),
            questions_asked=len(questions),
            asked=[asked_question(q) for q in questions],
            signal=row.signal,
            degraded_sources=row.collection.degraded_sources,
            attempts=attempts,
        )
        try:
            return decide(self.rt.policy, facts)
        except Exception as exc:
            log.error("policy_failed", error=type(exc).__name__)
            return fail_closed(self.rt.policy, f"decision policy failed: {type(exc).__name__}")

    def _finish(self, row: VerificationRow, decision: Decision, *, grades: Sequence[Grade]) -> None:
        now = self.rt.clock()
        row.status, row.decided_at = "decided", now
        row.decision = decision
        row.grades = list(grades)
        DECISIONS.labels(action=row.action, outcome=decision.decision.value).inc()
        ticket = (row.ticket.system, row.ticket.id) if row.ticket else None
        grant = self.rt.grants.issue(
            verification_id=row.id,
            employee=row.employee,
            action=row.action,
            ticket=ticket,
            decision=decision.decision.value,
            policy=decision.policy,
        )
        row.receipt = {"token": grant.token, "jti": grant.claims.jti, "exp": grant.claims.exp}

    def get(self, verification_id: str) -> VerificationRow:
        return self._load(verification_id)

    def _load(self, verification_id: str) -> VerificationRow:
        """The row, if it is what its latest audit record says (a row changed behind deskguard
        is never served). The row and the record are two reads: a decision committed between
        them (by a concurrent submission, on any worker) makes them disagree once, so a
        disagreement is read again before it is refused; a changed row disagrees every time."""
        row = self._read(verification_id)
        for _ in range(CONSISTENT_READS - 1):
            if self.rt.audit.verification_problem(row) is None:
                return row
            row = self._read(verification_id)
        self.rt.audit.check_verification(row)  # IntegrityFailure if it still disagrees
        return row

    def _read(self, verification_id: str) -> VerificationRow:
        row = self.rt.db.get_verification(verification_id)
        if row is None:
            raise NotFound(f"no verification {verification_id!r}")
        return row


def attack_check(
    judge: Judge | None, *, timeout: float, clock: Callable[[], datetime]
) -> AttackCheck:
    """The question pipeline's attacker check as a grading function: would the grader accept
    this guess as the answer? A grader failure keeps the question (the guess did not pass).
    Only a model-written question's guesses may go to the judge; a template question's are
    graded as without a model (the configuration `deskguard eval` measures), so a template
    set calls no model."""

    async def passes(question: Question, guess: str) -> bool:
        request = GradeRequest(
            id=question.id,
            question=question.text,
            expected=question.expected,
            kind=question.kind,
            variants=question.variants,
            response=guess,
            asked_at=clock(),
        )
        try:
            written = question.engine == "llm"
            result = await grade(request, judge=judge if written else None, timeout=timeout)
        except Exception as exc:
            log.error("grader_failed", question=question.id, error=type(exc).__name__)
            return False
        return result.verdict is Verdict.CORRECT

    return passes


def _decided(row: VerificationRow, actor: str) -> Entry:
    assert row.decision is not None
    detail = {
        "decision": row.decision.decision.value,
        "policy": row.decision.policy,
        "reasons": row.decision.reasons,
        "verdicts": [g.verdict.value for g in row.grades or []],
        "model_calls": (row.question_set.llm_usage.grading or ModelUsage()).calls,
    }
    return Entry(actor, "verification.decided", row.id, detail)


def asked_question(q: Question) -> AskedQuestion:
    """What the policy weighs of an asked question besides its grade (the sweep re-decides
    recorded trials with this too)."""
    return AskedQuestion(
        id=q.id,
        fact=q.fact,
        guess_probability=q.guess_probability,
        prior=q.prior,
        knowers=named_knowers(q),
        team_reads=read_by_every_teammate(q),
        topic=q.topic,
        kind=q.kind,
    )


def _unasked(request: EngineRequest, recent: RecentHistory) -> tuple[EngineRequest, int]:
    """Withhold every fact asked about in the last 24 h, however few remain: a caller who tries
    again (an attacker who researched the first questions) never hears one again, and a set that
    comes out short escalates (the policy says why). Returns the request and how many facts
    were withheld."""
    fresh = unasked(request.facts, recent.asked())
    withheld = len(request.facts) - len(fresh)
    return request.model_copy(update={"facts": fresh}), withheld
