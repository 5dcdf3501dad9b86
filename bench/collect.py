"""Concurrent collection: does `collect` cost the slowest source, not the sum of all of them?

    .venv/bin/python -m bench.collect [--sources 4] [--latency 0.2] [--repeat 5]

Each fake source answers after `--latency` seconds with a few items. Prints the collection time
(median of `--repeat` runs) next to the sum and the maximum of the source latencies, our own
overhead (collection minus the maximum) and os.cpu_count(), so numbers from different machines
compare.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

from context.collect import collect, window_for
from context.config import CollectionConfig
from context.models import Employee
from tests.fakes.collect_sources import FakeConnector, fake_item

NOW = datetime.now(UTC)
EMPLOYEE = Employee(
    upn="bench@example.com", name="Bench Mark", title="Engineer", department="R&D", role="engineer"
)


def sources(count: int, latency: float) -> list[FakeConnector]:
    return [
        FakeConnector(
            f"source{n}",
            [fake_item(f"s{n}-{i}", NOW - timedelta(hours=i + 1)) for i in range(5)],
            delay=latency,
        )
        for n in range(count)
    ]


async def one_run(count: int, latency: float) -> tuple[float, int]:
    config = CollectionConfig(
        per_source_timeout_seconds=latency * 10, deadline_seconds=latency * 20
    )
    started = time.perf_counter()
    got = await collect(EMPLOYEE, sources(count, latency), window=window_for(NOW, 7), config=config)
    return time.perf_counter() - started, len(got.items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs = [asyncio.run(one_run(args.sources, args.latency)) for _ in range(args.repeat)]
    elapsed = statistics.median(t for t, _ in runs)
    total, slowest = args.sources * args.latency, args.latency
    print(f"sources={args.sources} latency_each={args.latency * 1000:.0f}ms items={runs[0][1]}")
    print(f"collection (median of {args.repeat}): {elapsed * 1000:.1f} ms")
    print(f"sum of source latencies:          {total * 1000:.1f} ms")
    print(f"max of source latencies:          {slowest * 1000:.1f} ms")
    print(f"overhead (collection - max):      {(elapsed - slowest) * 1000:.1f} ms")
    print(f"os.cpu_count(): {os.cpu_count()}")


if __name__ == "__main__":
    main()
