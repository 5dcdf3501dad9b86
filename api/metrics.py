"""Prometheus metrics, defined once (scraped at GET /metrics)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from prometheus_client import Counter, Histogram

Stage = Literal["collect", "generate", "grade", "decide"]

DECISIONS = Counter(
    "deskguard_decisions_total", "Decisions by action and outcome", ["action", "outcome"]
)
STAGE_SECONDS = Histogram(
    "deskguard_stage_seconds",
    "Latency of each verification stage",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SOURCE_FAILURES = Counter(
    "deskguard_source_failures_total", "Context sources that failed or timed out", ["connector"]
)
MODEL_CALLS = Counter("deskguard_model_calls_total", "Model calls by purpose", ["purpose"])
RATE_LIMITED = Counter("deskguard_rate_limited_total", "Requests refused by a limit", ["limit"])
AUTH_FAILURES = Counter("deskguard_auth_failures_total", "Failed authentications", ["reason"])
HTTP_ERRORS = Counter("deskguard_http_errors_total", "Error responses by code", ["code"])


@contextmanager
def timed(stage: Stage) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        STAGE_SECONDS.labels(stage=stage).observe(time.perf_counter() - started)
