"""The gate: fail when a metric crosses the committed baseline (evals/baseline.json).

Two kinds of check, both read from the baseline file:
- regression: per configuration, the genuine pass rate may not fall, and no attacker level's pass
  rate may rise, by more than `tolerance` (absolute);
- requirements: absolute bounds (issue 6: on the default offline configuration, genuine pass
  rate >= 95%, osint attacker pass rate <= 1%, injection attacker pass rate 0%).

The gate fails on what it cannot compare rather than passing while checking nothing: a run of
another size or seed than the baseline's, a configuration the baseline holds no entry for, an
attacker level the run measured that the baseline has no number for, and a level the baseline
has a number for that the run did not measure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BASELINE = Path(__file__).with_name("baseline.json")


def load_baseline(path: Path | None = None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((path or BASELINE).read_text("utf-8"))
    return data


def _regressions(name: str, got: dict[str, Any], base: dict[str, Any], tol: float) -> list[str]:
    out = []
    genuine, floor = got["genuine_pass_rate"], base.get("genuine_pass_rate")
    if floor is None:
        out.append(f"{name}: the baseline records no genuine pass rate to compare with")
    elif genuine < floor - tol:
        out.append(
            f"{name}: genuine pass rate {genuine:.3f} fell below baseline {floor:.3f} "
            f"- tolerance {tol:.3f}"
        )
    ceilings: dict[str, float] = base.get("attacker_pass_rate", {})
    for level, value in got["attacker_pass_rate"].items():
        ceiling = ceilings.get(level)
        if ceiling is None:
            out.append(
                f"{name}: the baseline has no {level} attacker pass rate to compare with; "
                "record one (deskguard eval --write-baseline)"
            )
        elif value > ceiling + tol:
            out.append(
                f"{name}: {level} attacker pass rate {value:.3f} rose above baseline "
                f"{ceiling:.3f} + tolerance {tol:.3f}"
            )
    for level in sorted(set(ceilings) - set(got["attacker_pass_rate"])):
        why = got.get("skipped_levels", {}).get(level, "not run")
        out.append(
            f"{name}: the baseline has a {level} attacker pass rate but the run has none ({why})"
        )
    return out


def _run_matches(baseline: dict[str, Any], employees: int, seed: int) -> list[str]:
    """The run must be the baseline's experiment: the same organisation size and seed."""
    out = []
    for what, value in (("employees", employees), ("seed", seed)):
        recorded = baseline.get(what)
        if recorded is None:
            out.append(f"the baseline records no {what}; it cannot say which run it holds")
        elif recorded != value:
            out.append(
                f"this run has {what} {value} but the baseline was measured with {recorded}; "
                f"run with --{what} {recorded} or record a baseline for this run"
            )
    return out


def _requirements(name: str, got: dict[str, Any], req: dict[str, Any]) -> list[str]:
    out = []
    minimum = req.get("genuine_pass_rate_min")
    if minimum is not None and got["genuine_pass_rate"] < minimum:
        out.append(
            f"{name}: genuine pass rate {got['genuine_pass_rate']:.3f} is below the "
            f"required {minimum:.3f}"
        )
    for level, maximum in req.get("attacker_pass_rate_max", {}).items():
        value = got["attacker_pass_rate"].get(level)
        if value is None:
            out.append(f"{name}: {level} attackers were not run; the requirement needs them")
        elif value > maximum:
            out.append(
                f"{name}: {level} attacker pass rate {value:.3f} exceeds the required "
                f"maximum {maximum:.3f}"
            )
    return out


def check_gate(
    summaries: dict[str, dict[str, Any]], baseline: dict[str, Any], *, employees: int, seed: int
) -> list[str]:
    """Every violation as a readable line; [] when the gate passes."""
    tol = float(baseline.get("tolerance", 0.0))
    violations = _run_matches(baseline, employees, seed)
    for name, got in summaries.items():
        base = baseline.get("configs", {}).get(name)
        req = baseline.get("requirements", {}).get(name)
        if base is None:
            violations.append(
                f"{name}: the baseline holds no entry for this configuration; nothing to compare "
                "with (record one with deskguard eval --write-baseline)"
            )
        else:
            violations += _regressions(name, got, base, tol)
        if req is not None:
            violations += _requirements(name, got, req)
    return violations


def baseline_from(
    summaries: dict[str, dict[str, Any]],
    *,
    employees: int,
    seed: int,
    tolerance: float,
    requirements: dict[str, Any],
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """A new baseline recording these results (for `deskguard eval --write-baseline`)."""
    return {
        "notes": list(notes or []),
        "employees": employees,
        "seed": seed,
        "tolerance": tolerance,
        "requirements": requirements,
        "configs": {
            name: {
                "genuine_pass_rate": s["genuine_pass_rate"],
                "attacker_pass_rate": s["attacker_pass_rate"],
            }
            for name, s in summaries.items()
        },
    }
