"""Questions for frontline staff: the templates for shift and IT-ticket facts, the rota's
audience (every co-worker at the store), and the planner preferring what few people know."""

from __future__ import annotations

from datetime import timedelta

from context.connectors.itsm_items import it_ticket_item
from context.connectors.shift_items import (
    Origin,
    Rota,
    open_shift_item,
    shift_item,
    swap_item,
    time_off_item,
)
from context.models import ContextItem, Employee, Participant
from questions.engine import RankedFact
from questions.exposure import named_knowers, on_the_rota, read_by_every_teammate
from questions.planner import plan
from questions.templates import candidates
from tests.questions.factories import NOW

ROSA = Employee(
    upn="rosa.ortiz@example.test",
    name="Rosa Ortiz",
    title="Store Associate",
    department="Store 042",
    role="store_associate",
    timezone="America/Chicago",
)
ORIGIN = Origin("demo", Rota("Store 042 Joliet", 28), NOW)
DAY = NOW.replace(hour=13, minute=0)  # 7 am in Chicago


def week() -> list[ContextItem]:
    shifts = [
        shift_item(
            ORIGIN,
            f"s{d}",
            start=DAY - timedelta(days=d),
            end=DAY - timedelta(days=d, hours=-8),
            label="Early",
            department="Checkout",
        )
        for d in (1, 2, 4, 5)
    ]
    swap = swap_item(
        ORIGIN,
        "sw1",
        start=DAY - timedelta(days=3),
        end=None,
        partner=Participant(name="Jamal Brooks", email="jamal@example.test"),
        state="approved",
        department="Checkout",
    )
    off = time_off_item(ORIGIN, "t1", start=DAY - timedelta(days=6), end=None, state="pending")
    ticket = it_ticket_item(
        connector="demo",
        number="INC0012345",
        short_description="Handheld scanner will not charge",
        opened=NOW - timedelta(days=2, hours=3),
        resolved=None,
        category="Hardware",
        assignment_group="Store Support",
        fetched_at=NOW,
    )
    return [*shifts, swap, off, ticket]


def facts(items: list[ContextItem]) -> list[RankedFact]:
    return [RankedFact(item=i, score=1.0 - n / 100, reasons=[]) for n, i in enumerate(items)]


def test_shift_templates_ask_what_the_issue_asks() -> None:
    pool = candidates(facts(week()), ROSA, NOW)
    texts = {q.topic: q.text for q in pool}
    assert texts["shift.swap"] == "Who did you swap your Sunday shift with?"
    assert texts["shift.start"].startswith("What time did your shift start")
    assert texts["itsm.request"].startswith("What did you ask IT for")
    assert texts["shift.time_off"] == "You asked for time off recently. Which day was it for?"
    swap = next(q for q in pool if q.topic == "shift.swap")
    assert swap.expected == "Jamal Brooks" and swap.kind == "person"
    off = next(q for q in pool if q.topic == "shift.time_off")
    assert off.kind == "datetime" and len(off.expected) == 10  # a day, in Chicago
    it = next(q for q in pool if q.topic == "itsm.request")
    assert it.expected == "Handheld scanner will not charge" and "Hardware" in it.variants
    assert "shift.store" not in texts  # one store all week: the answer is their home store


def test_rota_facts_are_known_to_the_store_and_swaps_to_a_few() -> None:
    pool = candidates(facts(week()), ROSA, NOW)
    start = next(q for q in pool if q.topic == "shift.start")
    assert on_the_rota(start) and start.audience == 27
    assert start.guess_probability is not None and start.guess_probability >= 0.99
    for topic in ("shift.swap", "shift.time_off", "itsm.request"):
        q = next(q for q in pool if q.topic == topic)
        assert not on_the_rota(q)
        assert q.guess_probability is not None and q.guess_probability < 0.06, topic


def test_the_planner_asks_private_facts_first_and_fills_with_the_rota() -> None:
    pool = candidates(facts(week()), ROSA, NOW)
    chosen = plan(pool, role=ROSA.role, count=6, now=NOW)
    topics = [q.topic for q in chosen]
    assert set(topics[:2]) == {"shift.swap", "itsm.request"}  # no two share a knower
    assert "shift.time_off" in topics  # the managers' second request, after a rota fill
    assert topics.count("shift.start") == len(topics) - 3


def test_requests_are_known_to_the_stores_managers_and_tickets_to_their_it_group() -> None:
    pool = candidates(facts(week()), ROSA, NOW)
    by_topic = {q.topic: q for q in pool}
    managers = "participants:Store 042 Joliet managers"
    assert named_knowers(by_topic["shift.swap"]) == ["Jamal Brooks", managers]
    assert named_knowers(by_topic["shift.time_off"]) == [managers]  # pending: not on the rota
    assert named_knowers(by_topic["itsm.request"]) == ["participants:IT agents"]  # any queue
    for topic in ("shift.swap", "shift.time_off", "itsm.request"):
        assert not read_by_every_teammate(by_topic[topic]), topic  # a co-worker cannot read it
    assert read_by_every_teammate(by_topic["shift.start"])  # the rota is
    assert named_knowers(by_topic["shift.start"]) == []


def test_one_manager_account_holding_every_request_cannot_verify_alone() -> None:
    """The store's managers approve every swap and time off: right answers to those and the
    rota leave nothing beyond that one account; a right IT ticket answer does."""
    from api.service import asked_question
    from grading.models import AnswerKind, Grade, Verdict
    from grading.policy import bits_beyond_one_knower, load_policy

    policy = load_policy()
    pool = [
        q.model_copy(update={"id": f"q{n}"})
        for n, q in enumerate(candidates(facts(week()), ROSA, NOW))
    ]
    asked = [asked_question(q) for q in pool]

    def right(topics: set[str]) -> list[Grade]:
        return [
            Grade(id=q.id, kind=AnswerKind(q.kind), verdict=Verdict.CORRECT, score=1.0,
                  method="m", reason="r")
            for q in pool if q.topic in topics
        ]  # fmt: skip

    requests = right({"shift.swap", "shift.time_off", "shift.start"})
    assert bits_beyond_one_knower(policy, requests, asked) == 0.0
    with_ticket = right({"shift.swap", "shift.time_off", "shift.start", "itsm.request"})
    assert bits_beyond_one_knower(policy, with_ticket, asked) >= 3.0


def test_requests_older_than_six_days_are_asked_by_who_never_by_a_weekday() -> None:
    """The shift source reads two weeks: a time off or open shift 9 days ago would be answered
    "Wednesday" and read as the latest Wednesday; its swap is asked with the date spelled out."""
    old = DAY - timedelta(days=9)
    items = [
        time_off_item(ORIGIN, "t9", start=old, end=None, state="pending"),
        open_shift_item(
            ORIGIN, "o9", start=old, end=None, label="Late", department="Bakery",
            state="approved",
        ),
        swap_item(
            ORIGIN, "sw9", start=old, end=None, state="approved", department="Checkout",
            partner=Participant(name="Ines Ortega", email="ines@example.test"),
        ),
    ]  # fmt: skip
    pool = candidates(facts(items), ROSA, NOW)
    assert [q.topic for q in pool] == ["shift.swap"]
    assert pool[0].text == f"Who did you swap your {old:%A} {old.day} {old:%B} shift with?"


def test_a_second_store_or_department_is_asked_about() -> None:
    items = week()
    other = shift_item(
        Origin("demo", Rota("Store 118 Aurora", 30), NOW),
        "s9",
        start=DAY - timedelta(days=6, hours=-2),
        end=None,
        label="Mid",
        department="Bakery",
    )
    pool = candidates(facts([*items, other]), ROSA, NOW)
    stores = [q for q in pool if q.topic == "shift.store"]
    assert stores and {q.expected for q in stores} <= {"Store 042 Joliet", "Store 118 Aurora"}


def test_the_llm_engine_is_offered_shift_facts_without_the_swap_partner() -> None:
    from questions.engine import EngineRequest
    from questions.llm_grounding import offer_data, offers_for

    request = EngineRequest(employee=ROSA, profile=None, facts=facts(week()), count=6, now=NOW)
    offers = offers_for(request, top_k=10)
    data = [offer_data(o, ROSA, NOW) for o in offers]
    swap = next(d for d in data if d.get("shift") == "swap")
    assert swap["asks"] == ["people"] and "Jamal" not in str(swap)
    assert any(d.get("shift") == "time_off" and d["asks"] == ["day"] for d in data)
    assert any(d["type"] == "ticket" and "title" in d["asks"] for d in data)
