"""Collection runs sources concurrently, survives failing and slow ones, then filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from context.collect import collect, window_for
from context.config import CollectionConfig
from context.models import ContextItem, Employee
from tests.fakes.collect_sources import FakeConnector, failing, fake_item

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WINDOW = window_for(NOW, 7)
EMPLOYEE = Employee(
    upn="megan@contoso.com",
    name="Megan Bowen",
    title="Marketing Manager",
    department="Marketing",
    role="store_manager",
)
FAST = CollectionConfig(per_source_timeout_seconds=0.2, deadline_seconds=0.5)


def items(prefix: str, n: int = 2) -> list[ContextItem]:
    return [fake_item(f"{prefix}{i}", NOW - timedelta(days=i + 1)) for i in range(n)]


def test_window_for_is_lookback_days_ending_now() -> None:
    assert (WINDOW.start, WINDOW.end) == (NOW - timedelta(days=7), NOW)
    with pytest.raises(ValueError):
        window_for(datetime(2026, 11, 25), 7)  # naive


async def test_failing_and_slow_sources_are_recorded_others_kept() -> None:
    sources = [
        FakeConnector("cal", items("c")),
        failing("jira", "HTTP 503 from /rest/api/2/search"),
        FakeConnector("git", items("g"), delay=5),  # slower than its own time-out
    ]
    got = await collect(EMPLOYEE, sources, window=WINDOW, config=FAST)
    by_name = {s.connector: s for s in got.sources}
    assert by_name["cal"].status == "ok" and by_name["cal"].items == 2
    assert by_name["jira"].status == "failed"
    assert by_name["jira"].error == "jira: HTTP 503 from /rest/api/2/search"
    assert by_name["git"].status == "timeout"
    assert got.degraded_sources == ["jira", "git"]
    assert [i.id for i in got.items] == ["c1", "c0"]  # sorted by time
    # every attempt is audited, including the ones that failed
    assert [(a.connector, a.status) for a in got.accesses] == [
        ("cal", "ok"),
        ("jira", "failed"),
        ("git", "timeout"),
    ]


async def test_a_source_with_a_failed_part_is_degraded_and_keeps_its_items() -> None:
    """One repository of several failing: the source is partial, named with the part, counts
    among the degraded sources (the policy's source-failure rule), and what answered is kept."""
    partial = FakeConnector("git", items("g"), failures=["repo /x/y failed: exit 128"])
    got = await collect(EMPLOYEE, [FakeConnector("cal", items("c")), partial], window=WINDOW,
                        config=FAST)  # fmt: skip
    by_name = {s.connector: s for s in got.sources}
    assert (by_name["git"].status, by_name["git"].items) == ("partial", 2)
    assert by_name["git"].error == "git: repo /x/y failed: exit 128"
    assert by_name["cal"].error is None
    assert got.degraded_sources == ["git"]
    assert sorted(i.id for i in got.items) == ["c0", "c1", "g0", "g1"]
    assert [(a.connector, a.status) for a in got.accesses] == [("cal", "ok"), ("git", "ok")]


async def test_overall_deadline_cancels_sources_that_outlive_it() -> None:
    config = CollectionConfig(per_source_timeout_seconds=10, deadline_seconds=0.1)
    got = await collect(
        EMPLOYEE,
        [FakeConnector("a", items("a")), FakeConnector("b", delay=10)],
        window=WINDOW,
        config=config,
    )
    assert [s.status for s in got.sources] == ["ok", "timeout"]
    assert "deadline" in (got.sources[1].error or "")
    assert [(a.connector, a.status) for a in got.accesses] == [("a", "ok"), ("b", "timeout")]


async def test_unexpected_exception_message_is_not_stored() -> None:
    # arbitrary exceptions may embed a URL with a token: only the type is kept
    boom = FakeConnector("graph", error=RuntimeError("GET https://x?access_token=s3cr3t failed"))
    got = await collect(EMPLOYEE, [boom], window=WINDOW, config=FAST)
    assert got.sources[0].status == "failed"
    assert "s3cr3t" not in (got.sources[0].error or "")
    assert got.sources[0].error == "unexpected RuntimeError"


async def test_window_duplicates_and_privacy_are_counted() -> None:
    inside = fake_item("in", NOW - timedelta(days=1))
    before = fake_item("old", NOW - timedelta(days=30))
    private = fake_item("p", NOW - timedelta(days=2), sensitivity="private")
    source = FakeConnector("cal", [inside, before, private, inside], skipped=3)
    got = await collect(EMPLOYEE, [source], window=WINDOW, config=FAST)
    assert [i.id for i in got.items] == ["in"]
    assert got.filtered == {"outside_window": 1, "duplicate": 1, "sensitivity": 1}
    assert got.sources[0].skipped == 3


async def test_sources_run_concurrently() -> None:
    # four sources each needing 0.15 s: sequentially 0.6 s would exceed the 0.4 s deadline
    sources = [FakeConnector(f"s{i}", items(f"s{i}", 1), delay=0.15) for i in range(4)]
    config = CollectionConfig(per_source_timeout_seconds=1, deadline_seconds=0.4)
    got = await collect(EMPLOYEE, sources, window=WINDOW, config=config)
    assert got.degraded_sources == []
    assert len(got.items) == 4


async def test_no_connectors_gives_empty_collection() -> None:
    got = await collect(EMPLOYEE, [], window=WINDOW, config=FAST)
    assert got.items == [] and got.sources == [] and got.degraded_sources == []


async def test_a_source_reading_outside_its_manifest_fails_and_its_items_are_dropped() -> None:
    honest = FakeConnector("cal", [fake_item("c1", NOW - timedelta(hours=2))])
    snooping = FakeConnector("mail", [fake_item("m1", NOW - timedelta(hours=3))])
    snooping.endpoint = "/users/me/messages"  # not what its manifest declares
    got = await collect(EMPLOYEE, [honest, snooping], window=WINDOW, config=FAST)
    by_name = {s.connector: s for s in got.sources}
    assert by_name["cal"].status == "ok"
    assert by_name["mail"].status == "failed"
    assert "outside its manifest" in (by_name["mail"].error or "")
    assert [i.id for i in got.items] == ["c1"] and got.degraded_sources == ["mail"]
