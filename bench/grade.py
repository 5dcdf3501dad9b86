"""Deterministic grading throughput over the labelled set, and how much of it needs the judge.

Run: .venv/bin/python bench/grade.py [--repeat N]
Prints answers per second on the deterministic path (no judge, no network), the share of the
labelled set that lands in the uncertain band (what would be sent to an LLM judge), and
os.cpu_count() so numbers from different machines can be compared.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections import Counter
from pathlib import Path

from grading.batch import parse_line
from grading.cascade import GRADER_VERSION, match_deterministic
from grading.models import GradeRequest

DATA = Path(__file__).resolve().parents[1] / "tests" / "grading" / "data" / "labelled.jsonl"


def load() -> list[GradeRequest]:
    return [parse_line(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]


def run_once(requests: list[GradeRequest]) -> float:
    start = time.perf_counter()
    for request in requests:
        match_deterministic(request)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the labelled set")
    args = parser.parse_args()
    requests = load()
    run_once(requests)  # warm caches (nickname table, compiled regexes)
    timings = [run_once(requests) for _ in range(args.repeat)]
    rates = [len(requests) / t for t in timings]
    band = Counter(r.kind.value for r in requests if match_deterministic(r).uncertain)
    by_kind = Counter(r.kind.value for r in requests)
    print(f"grader            {GRADER_VERSION}")
    print(f"python            {platform.python_version()} on {platform.machine()}")
    print(f"os.cpu_count()    {os.cpu_count()}")
    print(f"answers per pass  {len(requests)} ({dict(by_kind)})")
    print(f"passes            {args.repeat}")
    print(f"answers/second    median {statistics.median(rates):,.0f}, "
          f"min {min(rates):,.0f}, max {max(rates):,.0f} (single thread)")  # fmt: skip
    share = sum(band.values()) / len(requests)
    print(f"judge band        {sum(band.values())}/{len(requests)} = {share:.1%} ({dict(band)})")


if __name__ == "__main__":
    main()
