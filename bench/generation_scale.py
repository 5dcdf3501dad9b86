"""Template question generation against the number of context items (issue 17: linear, under
0.05 ms per item). No sources, no model: the ranked facts are built once, then the pipeline
(templates, checks, planner, refill) runs on them.

Run: .venv/bin/python -m bench.generation_scale [--items 25,50,100,200,400] [--repeat 20]
Per size: the median milliseconds of one question set, per item, and the ratio to the
smallest size's per-item cost (1.0 = linear). Items are a synthetic organisation's work
(calendar, mail, Jira, git), several colleagues' pooled as one busy employee's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from datetime import UTC, datetime

from context.config import CollectionConfig
from context.demo import build_org
from context.models import ContextItem
from context.privacy import filter_items
from questions.engine import EngineRequest
from questions.facts import rank_facts
from questions.pipeline import PipelineOptions, build_question_set
from questions.templates import TemplateEngine

NOW = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)


def pooled_items(wanted: int) -> tuple[list[ContextItem], EngineRequest]:
    """`wanted` filtered items of the first employees of the directory, as if one employee's."""
    org = build_org(seed=11, now=NOW, size=200)
    patterns = CollectionConfig().sensitive_patterns
    employee = org.employees[0]
    items: list[ContextItem] = []
    for other in org.employees:
        kept, _ = filter_items(org.items(other.upn), sensitive_patterns=patterns)
        items += kept
        if len(items) >= wanted:
            break
    items = items[:wanted]
    facts = rank_facts(items, now=NOW, profile=org.profile(employee.upn))
    request = EngineRequest(employee=employee, profile=None, facts=facts, count=7, now=NOW)
    return items, request


def median_ms(request: EngineRequest, repeat: int) -> float:
    engine, options = TemplateEngine(), PipelineOptions(min_questions=4)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        asyncio.run(build_question_set(request, engine, options=options))
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", default="25,50,100,200,400")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, os.cpu_count()={os.cpu_count()}")
    print(f"{'items':>6} {'facts':>6} {'ms/set':>8} {'ms/item':>8} {'vs smallest':>11}")
    first: float | None = None
    for size in (int(n) for n in args.items.split(",")):
        items, request = pooled_items(size)
        ms = median_ms(request, args.repeat)
        per_item = ms / max(len(items), 1)
        first = first or per_item
        print(
            f"{len(items):>6} {len(request.facts):>6} {ms:>8.2f} {per_item:>8.3f} "
            f"{per_item / first:>11.2f}"
        )


if __name__ == "__main__":
    main()
