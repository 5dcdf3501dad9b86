"""The gate: fail when a metric crosses the committed baseline (evals/baseline.json).

Two kinds of check, both read from the baseline file:
- regression: per configuration present in both the run and the baseline, the genuine pass rate
  may not fall, and no attacker level's pass rate may rise, by more than `tolerance` (absolute);
- requirements: absolute bounds (issue 6: on the default offline configuration, genuine pass
  rate >= 95%, osint attacker pass rate <= 1%, injection attacker pass rate 0%).
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
    if floor is not None and genuine < floor - tol:
        out.append(
            f"{name}: genuine pass rate {genuine:.3f} fell below baseline {floor:.3f} "
            f"- tolerance {tol:.3f}"
        )
    for level, ceiling in base.get("attacker_pass_rate", {}).items():
        value = got["attacker_pass_rate"].get(level)
        if value is not None and value > ceiling + tol:
            out.append(
                f"{name}: {level} attacker pass rate {value:.3f} rose above baseline "
                f"{ceiling:.3f} + tolerance {tol:.3f}"
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


def check_gate(summaries: dict[str, dict[str, Any]], baseline: dict[str, Any]) -> list[str]:
    """Every violation as a readable line; [] when the gate passes."""
    tol = float(baseline.get("tolerance", 0.0))
    violations: list[str] = []
    for name, got in summaries.items():
        base = baseline.get("configs", {}).get(name)
        if base is not None:
            violations += _regressions(name, got, base, tol)
        req = baseline.get("requirements", {}).get(name)
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
) -> dict[str, Any]:
    """A new baseline recording these results (for `deskguard eval --write-baseline`)."""
    return {
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
