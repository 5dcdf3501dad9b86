"""One answer cannot be two facts: sprays of one known fact are caught, genuine sets are not.

Each row is one verification's text and identifier answers with what the rule must do. The
traps are the colleague who knows one subject or ticket of the employee's and says it to every
question of its kind; the genuine rows are the real employee, whose facts look alike but are
told apart."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from grading.cascade import grade_sync
from grading.models import AnswerKind, Grade, GradeFlag, GradeRequest, Verdict
from grading.reuse import one_answer_one_fact

T, ID, P, DT = AnswerKind.TEXT, AnswerKind.IDENTIFIER, AnswerKind.PERSON, AnswerKind.DATETIME


@dataclass(frozen=True)
class Row:
    name: str
    asked: tuple[tuple[AnswerKind, str, str], ...]  # (kind, expected, what the caller said)
    voided: frozenset[int]  # positions the rule must make incorrect


def row(name: str, voided: set[int], *asked: tuple[AnswerKind, str, str]) -> Row:
    return Row(name, asked, frozenset(voided))


SUBJECT_A = "Canary results for store 263"
SUBJECT_B = "Q3 vendor invoice backlog"
SUBJECT_C = "Shrink report for the Joliet stores"
ROWS = [
    # Traps: one known fact said to several questions.
    row("one subject to three subject questions", {0, 1, 2},
        (T, SUBJECT_A, SUBJECT_A), (T, SUBJECT_B, SUBJECT_A), (T, SUBJECT_C, SUBJECT_A)),
    row("one subject reworded per question", {0, 1},
        (T, SUBJECT_A, "the canary results for store 263"),
        (T, SUBJECT_B, "canary results, store 263 I think")),
    row("one ticket to two ticket questions", {0, 1},
        (ID, "ITOPS-4173", "ITOPS-4173"), (ID, "ITOPS-4180", "it was ITOPS-4173")),
    row("one commit hash to two commit questions", {0, 1},
        (ID, "3f9c2ab", "3f9c2ab"), (ID, "a71d0e4", "3f9c2ab")),
    row("the spray voids only the sprayed pair, not an unrelated right answer", {0, 1},
        (T, SUBJECT_A, SUBJECT_A), (T, SUBJECT_B, SUBJECT_A), (T, SUBJECT_C, SUBJECT_C)),
    row("one subject that answers nothing, said to two questions for its shared words", {0, 1},
        (T, "Re: ocean container delay for small kitchen appliances",
         "Safety stock change for small kitchen appliances"),
        (T, "Re: Polywood first cost increase on small kitchen appliances",
         "Safety stock change for small kitchen appliances")),
    row("the vague common part said to two look-alike subjects", {0, 1},
        (T, "Vendor scorecard: Polywood", "vendor scorecard"),
        (T, "Vendor scorecard: Purina", "um, vendor scorecard")),
    row("a meeting title said for a mail subject question too", {0, 1},
        (T, "Line review: patio furniture", "line review patio furniture"),
        (T, "Open-to-buy for holiday lighting", "Line review: patio furniture")),
    row("a declined meeting's title said to the organised-meeting question", {0, 1},
        (T, "Design review: offline card auth", "design review offline card auth"),
        (T, "Load test results: tender service at peak", "the offline card auth design review")),
    row("a ticket key without its project, said twice", {0, 1},
        (ID, "FIN-4412", "4412"), (ID, "FIN-4471", "the 4412 one")),
    row("one ticket key to three ticket questions", {0, 1, 2},
        (ID, "OPS-1423", "OPS-1423"), (ID, "OPS-1519", "OPS-1423"), (ID, "OPS-1602", "OPS-1423")),
    row("a repository said to two repository questions", {0, 1},
        (ID, "pos-gateway", "pos-gateway"), (ID, "inventory-sync", "pos-gateway")),
    row("a commit subject said to two commit questions", {0, 1},
        (T, "Fix race in inventory sync scheduler", "fix race in inventory sync scheduler"),
        (T, "Add retry budget to tender client", "fix the race in the inventory sync scheduler")),
    row("a subject with a typo sprayed", {0, 1},
        (T, "Rollback plan for pos-gateway wk 48", "rollback plan for pos-gateway wk 48"),
        (T, "Quarterly access review for Workday", "rolback plan for pos-gateway wk 48")),
    row("a spray of a subject that is no one's answer, three times", {0, 1, 2},
        (T, "Cycle count results for small kitchen appliances", "Cycle count results for pet food"),
        (T, "Cycle count results for holiday lighting", "cycle count results for pet food"),
        (T, "Re: roof leak over aisle 12, store 417", "Cycle count results for pet food")),
    row("the commonest subject of the department said twice", {0, 1},
        (T, "Weekly sales recap: store 300", "weekly sales recap"),
        (T, "Weekly sales recap: store 373", "weekly sales recap")),
    row("a vendor's thread said for two vendor threads", {0, 1},
        (T, "Re: $48K accrual for Verifone", "accrual for Verifone"),
        (T, "Re: $48K accrual for Blue Yonder", "the accrual for verifone")),
    row("an answer said twice with different fillers", {0, 1},
        (T, "Stale service accounts in Workday: owners needed", "um, stale service accounts"),
        (T, "Stale service accounts in Tableau: owners needed", "I think stale service accounts")),
    row("a known subject said for a subject and a declined meeting", {0, 1},
        (T, "Shrink numbers for store 071, wk 47", "shrink numbers store 071 wk 47"),
        (T, "Loss prevention sync", "shrink numbers, store 071 wk 47")),
    row("a right hash and the same hash for another commit", {0, 1},
        (ID, "9be41c7", "9be41c7"), (ID, "04d2f8a", "I believe 9be41c7")),
    # Genuine: look-alike facts told apart, or repeats the rule must not touch.
    row("three distinct right subjects", set(),
        (T, SUBJECT_A, SUBJECT_A), (T, SUBJECT_B, "the q3 vendor invoice backlog"),
        (T, SUBJECT_C, "shrink report for joliet")),
    row("the same vendor named in two different subjects", set(),
        (T, "Re: $48K accrual for Verifone", "48k accrual for verifone"),
        (T, "Verifone cost negotiation", "verifone cost negotiation")),
    row("a wrong answer that is no other question's answer", set(),
        (T, SUBJECT_A, SUBJECT_A), (T, SUBJECT_B, "something about invoices maybe the budget")),
    row("two tickets of one project, each right", set(),
        (ID, "FIN-4412", "4412"), (ID, "FIN-4471", "FIN-4471")),
    row("a vague right answer and a full right one", set(),
        (T, "Re: XPO driver turned away at receiving", "re xpo driver turned away at receiving"),
        (T, "Re: J.B. Hunt driver turned away at receiving", "J.B. Hunt driver turned away")),
    row("two subjects that differ only in the store number, both right", set(),
        (T, SUBJECT_A, SUBJECT_A), (T, "Canary results for store 509", "canary results for 509")),
    row("two neighbouring tickets, both right", set(),
        (ID, "ITOPS-4173", "ITOPS-4173"), (ID, "ITOPS-4174", "4174")),
    row("the same meeting asked twice and answered twice", set(),
        (T, SUBJECT_A, SUBJECT_A), (T, SUBJECT_A, SUBJECT_A)),
    row("a vague answer and a specific one (seen in the evaluation)", set(),
        (T, "Re: night shift differential at Joliet DC", "I think it was night shift diff at dc"),
        (T, "Re: night shift differential at Dallas DC", "um, re night shift difefrential dallas")),
    row("a partial recall and the full subject", set(),
        (T, "Re: SKU 2290114 stuck in customs", "um, re sku 2290114 stuck customs"),
        (T, "Re: SKU 4417302 stuck in customs", "it was sku stuck customs")),
    row("one person named for two meetings", set(),
        (P, "Daniel Okafor", "Daniel Okafor"), (P, "Daniel Okafor, Mia Chen", "Daniel Okafor")),
    row("one time said for two questions", set(),
        (DT, "2026-11-30T15:00:00+00:00", "yesterday at 3"),
        (DT, "2026-11-30T15:30:00+00:00", "yesterday at 3")),
    row("don't know twice", set(),
        (T, SUBJECT_A, "I don't know"), (T, SUBJECT_B, "I don't know")),
    row("a text and an identifier answer that read alike", set(),
        (T, "ITOPS-4173 printer queue", "ITOPS-4173"), (ID, "ITOPS-4173", "ITOPS-4173")),
]  # fmt: skip


def requests_of(r: Row) -> list[GradeRequest]:
    return [
        GradeRequest(id=f"q{i}", question="?", expected=expected, kind=kind, response=said,
                     asked_at="2026-12-01T09:00:00+00:00", timezone="UTC")
        for i, (kind, expected, said) in enumerate(r.asked)
    ]  # fmt: skip


def regrade(r: Row) -> tuple[list[Grade], list[Grade]]:
    requests = requests_of(r)
    alone = [grade_sync(q) for q in requests]
    return alone, one_answer_one_fact(requests, alone)


@pytest.mark.parametrize("r", ROWS, ids=[r.name for r in ROWS])
def test_reused_answers_are_voided_and_nothing_else(r: Row) -> None:
    alone, together = regrade(r)
    voided = {i for i, g in enumerate(together) if GradeFlag.REUSED_ANSWER.value in g.flags}
    assert voided == r.voided
    for i, (before, after) in enumerate(zip(alone, together, strict=True)):
        if i in r.voided:
            assert (after.verdict, after.score, after.method) == (
                Verdict.INCORRECT,
                0.0,
                "reused_answer",
            )
            assert "one answer cannot be two facts" in after.reason
        else:
            assert after == before


def test_a_spray_had_one_right_answer_before_the_rule() -> None:
    """The trap is real: graded one by one, the spray scores a correct."""
    alone, together = regrade(ROWS[0])
    assert [g.verdict for g in alone].count(Verdict.CORRECT) == 1
    assert all(g.verdict is Verdict.INCORRECT for g in together)


def test_the_genuine_look_alikes_were_right_on_their_own() -> None:
    for r in ROWS[25:28]:
        alone, _ = regrade(r)
        assert all(g.verdict is Verdict.CORRECT for g in alone), r.name


def test_the_reason_names_the_other_question() -> None:
    _, together = regrade(ROWS[2])
    assert "question q1" in together[0].reason and "question q0" in together[1].reason
