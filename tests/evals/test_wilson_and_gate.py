from __future__ import annotations

from dataclasses import dataclass

import pytest

from evals.gate import check_gate
from evals.metrics import wilson


@dataclass
class Case:
    successes: int
    n: int
    low: float
    high: float


# Reference values from the closed-form Wilson score interval, z = 1.96.
WILSON = [
    Case(0, 10, 0.0, 0.2775),
    Case(5, 10, 0.2366, 0.7634),
    Case(10, 10, 0.7225, 1.0),
    Case(1, 100, 0.0018, 0.0545),
    Case(0, 0, 0.0, 1.0),  # no observations: the interval says nothing
]


@pytest.mark.parametrize("case", WILSON)
def test_wilson_interval(case: Case) -> None:
    low, high = wilson(case.successes, case.n)
    assert low == pytest.approx(case.low, abs=1e-3)
    assert high == pytest.approx(case.high, abs=1e-3)


def test_wilson_interval_narrows_with_more_observations() -> None:
    small, large = wilson(5, 10), wilson(500, 1000)
    assert large[1] - large[0] < small[1] - small[0]


SUMMARY = {"default": {"genuine_pass_rate": 0.9, "attacker_pass_rate": {"osint": 0.02}}}


@pytest.mark.parametrize(
    ("baseline", "violations"),
    [
        ({"tolerance": 0.05, "configs": {"default": {"genuine_pass_rate": 0.92}}}, 0),
        # genuine fell more than the tolerance below the baseline
        ({"tolerance": 0.01, "configs": {"default": {"genuine_pass_rate": 0.95}}}, 1),
        # an attacker level rose above baseline + tolerance
        ({"tolerance": 0.0, "configs": {"default": {"attacker_pass_rate": {"osint": 0.0}}}}, 1),
        # absolute requirements of issue 6: both bounds broken
        (
            {
                "requirements": {
                    "default": {
                        "genuine_pass_rate_min": 0.95,
                        "attacker_pass_rate_max": {"osint": 0.01},
                    }
                }
            },
            2,
        ),
        # a required level that was not run is a violation, not a silent pass
        ({"requirements": {"default": {"attacker_pass_rate_max": {"injection": 0.0}}}}, 1),
        # baselines for other configurations do not apply
        ({"configs": {"other": {"genuine_pass_rate": 1.0}}}, 0),
    ],
)
def test_gate(baseline: dict, violations: int) -> None:
    assert len(check_gate(SUMMARY, baseline)) == violations
