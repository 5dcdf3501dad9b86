"""The privacy filter drops private, cancelled and sensitive items and minimises the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from context.config import CollectionConfig
from context.models import Sensitivity
from context.privacy import filter_items
from tests.fakes.collect_sources import fake_item

WHEN = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
PATTERNS = CollectionConfig().sensitive_patterns


@dataclass
class Case:
    title: str
    kw: dict[str, object] = field(default_factory=dict)
    reason: str | None = None  # None: kept


CASES = [
    Case("Sprint 25 Daily Standup"),
    Case("1:1 with Nestor", {"sensitivity": Sensitivity.PRIVATE}, "sensitivity"),
    Case("Lunch", {"sensitivity": Sensitivity.PERSONAL}, "sensitivity"),
    Case("Board prep", {"sensitivity": Sensitivity.CONFIDENTIAL}, "sensitivity"),
    Case("Quarterly planning", {"cancelled": True}, "cancelled"),
    # special categories in any case; "Healthcheck dashboard" is work, not health
    Case("DENTIST appointment", reason="special_category:health"),
    Case("Healthcheck dashboard review"),
    Case("Compensation review - Q4", reason="special_category:pay"),
    Case("Arzttermin", reason="special_category:health"),  # a German compound
    Case("Follow-up appointment", reason="special_category:uncertain"),  # personal, no work word
    # a configured extra pattern still applies
    Case("Interview loop: backend candidate", reason="sensitive_title"),
    # a clinic named only in the location
    Case("Follow-up", {"extra": {"location": "Riverside Clinic"}}, "special_category:health"),
    # a private AND sensitive item counts once, under the first reason
    Case("Therapy", {"sensitivity": Sensitivity.PRIVATE}, "sensitivity"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.title for c in CASES])
def test_each_item_kept_or_dropped_for_its_reason(case: Case) -> None:
    item = fake_item("e1", WHEN, case.title, **case.kw)
    kept, dropped = filter_items([item], sensitive_patterns=PATTERNS)
    if case.reason is None:
        assert [k.id for k in kept] == ["e1"] and dropped == {}
    else:
        assert kept == [] and dropped == {case.reason: 1}


def test_counts_accumulate_per_reason() -> None:
    items = [fake_item(f"e{i}", WHEN, c.title, **c.kw) for i, c in enumerate(CASES)]
    kept, dropped = filter_items(items, sensitive_patterns=PATTERNS)
    assert len(kept) == 2
    assert dropped == {
        "sensitivity": 4,
        "cancelled": 1,
        "special_category:health": 3,
        "special_category:pay": 1,
        "special_category:uncertain": 1,
        "sensitive_title": 1,
    }


def test_categories_can_be_narrowed_but_uncertain_always_drops() -> None:
    items = [
        fake_item("p", WHEN, "Payslip query"),
        fake_item("h", WHEN, "Physiotherapy"),
        fake_item("u", WHEN, "Personal"),
    ]
    kept, dropped = filter_items(items, sensitive_patterns=[], special_categories=["health"])
    assert [k.id for k in kept] == ["p"]
    assert dropped == {"special_category:health": 1, "special_category:uncertain": 1}


def test_unknown_identifier_and_extra_keys_are_removed() -> None:
    item = fake_item(
        "t1",
        WHEN,
        "LUCENE-7000 moved to Done",
        identifiers={"ticket_key": "LUCENE-7000", "web_url": "https://x/secret"},
        extra={"issue_type": "Bug", "body": "stack trace with password=hunter2"},
    )
    (kept,), _ = filter_items([item], sensitive_patterns=[])
    assert kept.identifiers == {"ticket_key": "LUCENE-7000"}
    assert kept.extra == {"issue_type": "Bug"}


def test_invalid_pattern_names_the_pattern() -> None:
    with pytest.raises(ValueError, match=r"\(unclosed"):
        filter_items([], sensitive_patterns=["(unclosed"])
