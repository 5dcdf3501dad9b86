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
RUN = {"employees": 200, "seed": 7}
HELD = {"genuine_pass_rate": 0.92, "attacker_pass_rate": {"osint": 0.02}}


def held(**configs: dict) -> dict:
    """A baseline of this run's size and seed holding `configs`."""
    return {**RUN, "tolerance": 0.05, "configs": configs}


@pytest.mark.parametrize(
    ("baseline", "violations"),
    [
        (held(default=HELD), 0),
        # genuine fell more than the tolerance below the baseline
        ({**held(default=HELD | {"genuine_pass_rate": 0.95}), "tolerance": 0.01}, 1),
        # an attacker level rose above baseline + tolerance
        (
            {
                **held(default={"genuine_pass_rate": 0.9, "attacker_pass_rate": {"osint": 0.0}}),
                "tolerance": 0.01,
            },
            1,
        ),
        # absolute requirements of issue 6: both bounds broken
        (
            {
                **held(default=HELD),
                "requirements": {
                    "default": {
                        "genuine_pass_rate_min": 0.95,
                        "attacker_pass_rate_max": {"osint": 0.01},
                    }
                },
            },
            2,
        ),
        # a required level that was not run is a violation, not a silent pass
        (
            {
                **held(default=HELD),
                "requirements": {"default": {"attacker_pass_rate_max": {"injection": 0.0}}},
            },
            1,
        ),
        # the baseline holds only another configuration: nothing to compare, so it fails
        (held(other=HELD), 1),
        # an empty baseline checks nothing: it fails rather than passes
        ({**RUN, "configs": {}}, 1),
        # a level the run measured but the baseline has no number for
        (held(default={"genuine_pass_rate": 0.92, "attacker_pass_rate": {}}), 1),
        # a level the baseline has a number for but the run did not measure
        (held(default=HELD | {"attacker_pass_rate": {"osint": 0.02, "stuffer": 0.0}}), 1),
        # no genuine pass rate recorded for the configuration
        (held(default={"attacker_pass_rate": {"osint": 0.02}}), 1),
        # another organisation size, another seed: two violations, whatever the numbers
        ({**held(default=HELD), "employees": 1000, "seed": 11}, 2),
        # a baseline that does not say which run it holds
        ({"tolerance": 0.05, "configs": {"default": HELD}}, 2),
    ],
)
def test_gate(baseline: dict, violations: int) -> None:
    found = check_gate(SUMMARY, baseline, **RUN)
    assert len(found) == violations, found


def test_gate_says_how_to_rerun_on_a_size_mismatch() -> None:
    found = check_gate(SUMMARY, {**held(default=HELD), "employees": 1000}, **RUN)
    assert found == [
        "this run has employees 200 but the baseline was measured with 1000; run with "
        "--employees 1000 or record a baseline for this run"
    ]
