"""The evaluation report: report.md, report.html and tradeoff.png in one output directory."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals import diagnostics
from evals.document import Block, Code, Heading, Image, Para, Table, to_html, to_markdown
from evals.memory import MemoryModel
from evals.metrics import wilson
from evals.plot import plot_tradeoff
from evals.sweep import SweepPoint, count_sweep, sweep
from evals.trials import GENUINE, ConfigRun

PLOT = "tradeoff.png"
OSINT_NOTE = (
    "Read the osint level with care: it answers with questions/attacker.py's HeuristicAttacker, "
    "the same heuristic the question pipeline vets questions against when no model is "
    "configured, so its pass rate is low partly by construction. The colleague, prior, "
    "stuffer and it_agent levels are the independent checks: built from the organisation's "
    "records alone, they import nothing from questions/ or grading/."
)


@dataclass
class Evaluation:
    """Everything one `deskguard eval` produced."""

    runs: list[ConfigRun]
    summaries: dict[str, dict[str, Any]]
    employees: int
    seed: int
    now: str
    gate: list[str] | None = None  # violations when --gate was given ([] = passed)
    curves: dict[str, list[SweepPoint]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"employees": self.employees, "seed": self.seed, "now": self.now}
        out["configs"] = self.summaries
        if self.gate is not None:
            out["gate"] = {"passed": not self.gate, "violations": self.gate}
        return out


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def pct_ci(entry: dict[str, Any]) -> str:
    low, high = entry["ci95"]
    return f"{pct(entry['rate'])} [{pct(low)}, {pct(high)}] (n={entry['n']})"


def summary_blocks(ev: Evaluation) -> list[Block]:
    levels = sorted({lvl for s in ev.summaries.values() for lvl in s["attacker_pass_rate"]})
    rows = []
    for name, s in ev.summaries.items():
        attackers = [
            pct_ci(s["attackers"][lvl]["pass"]) if lvl in s["attackers"] else "skipped"
            for lvl in levels
        ]
        genuine = s["genuine"]
        rows.append(
            [
                name,
                s["engine"],
                s["policy"],
                pct_ci(genuine["pass"]),
                pct(genuine["escalate"]["rate"]),
                *attackers,
            ]
        )
    headers = ["config", "engine", "policy", "genuine pass [95% CI]", "genuine escalated"]
    headers += [f"{lvl} pass [95% CI]" for lvl in levels]
    blocks: list[Block] = [Heading(2, "Summary"), Table(headers, rows)]
    for name, s in ev.summaries.items():
        for level, why in s["skipped_levels"].items():
            blocks.append(Para(f"{name}: {level} skipped: {why}."))
    if ev.gate is not None:
        blocks.append(Heading(2, "Gate"))
        verdict = "PASSED" if not ev.gate else "FAILED"
        blocks.append(Para(f"Gate {verdict}."))
        blocks += [Para(f"- {v}") for v in ev.gate]
    return blocks


def sweep_blocks(ev: Evaluation) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "Trade-off as the threshold moves"),
        Para(
            "Recorded grades re-decided (not re-graded) with the action's min_score set to each "
            "threshold and the count rules relaxed; see evals/sweep.py."
        ),
        Image(PLOT, "genuine pass rate against attacker pass rate"),
    ]
    for name, points in ev.curves.items():
        levels = sorted({lvl for p in points for lvl in p.attackers})
        rows = [
            [f"{p.threshold:.2f}", pct(p.genuine), *(pct(p.attackers[lvl]) for lvl in levels)]
            for p in points
        ]
        blocks += [Heading(3, f"{name}: sweep"), Table(["min_score", "genuine", *levels], rows)]
    for run in ev.runs:
        blocks += count_blocks(run)
    return blocks


def count_blocks(run: ConfigRun) -> list[Block]:
    """The configured policy with the action's count rules moved: pass rates with Wilson bounds."""
    points = count_sweep(run)
    levels = [c for c in run.callers if c != GENUINE]
    rows = []
    for r in points:
        cells = [_count_cell(r.point.counts[c]) for c in (GENUINE, *levels)]
        rows.append([r.min_correct, r.max_incorrect, *cells])
    return [
        Heading(
            3,
            f"{run.config.name}: {run.config.action} count rules (the rest as configured)",
        ),
        Table(["min_correct", "max_incorrect", GENUINE, *levels], rows),
    ]


def _count_cell(counts: tuple[int, int]) -> str:
    allowed, n = counts
    return f"{pct(allowed / n if n else 0.0)} (<= {pct(wilson(allowed, n)[1])})"


def config_blocks(run: ConfigRun, s: dict[str, Any]) -> list[Block]:
    name = run.config.name
    callers = [(GENUINE, s["genuine"]), *s["attackers"].items()]
    outcome_rows = [
        [
            c,
            o["pass"]["n"],
            pct_ci(o["pass"]),
            pct(o["escalate"]["rate"]),
            pct(o["deny"]["rate"]),
            o["early_escalations"],
        ]
        for c, o in callers
    ]
    roles = sorted({r for per in s["per_role"].values() for r in per})
    role_rows = [
        [
            role,
            *(_role_cell(s["per_role"][c].get(role)) for c, _ in callers),
        ]
        for role in roles
    ]
    families = [f for f in ("frontline", "office", "it") if f in s["per_family"][GENUINE]]
    family_rows = [
        [family, *(_role_cell(s["per_family"][c].get(family)) for c, _ in callers)]
        for family in families
    ]
    q, cost = s["questions"], s["cost"]
    quality_rows = [
        ["questions per verification", q["questions_per_verification"]],
        ["leaked questions (text contains its answer)", q["leaked_questions"]],
        ["grounding failures (asked questions failing a re-check)", q["grounding_failures"]],
        ["dropped by check", json.dumps(q["dropped_by_check"])],
        ["question topics asked", json.dumps(q["topics"])],
        ["planted ticket asked about (injection)", s["planted_ticket_asked"]],
        ["model calls per verification", cost["model_calls_per_verification"]],
        ["tokens per verification (all model calls)", cost["tokens_per_verification"]],
        [
            "latency p50 / p95 (ms, start + submit)",
            f"{cost['latency_ms']['p50']} / {cost['latency_ms']['p95']}",
        ],
        ['genuine answers that were "I don\'t remember"', pct(diagnostics.dont_know_share(run))],
    ]
    return [
        Heading(2, f"Configuration {name} ({s['engine']}, {s['policy']}, {s['action']})"),
        Table(
            ["caller", "n", "pass [95% CI]", "escalate", "deny", "decided before asking"],
            outcome_rows,
        ),
        Heading(3, "Pass rate per role family"),
        Table(["family", *(c for c, _ in callers)], family_rows),
        Heading(3, "Pass rate per role"),
        Table(["role", *(c for c, _ in callers)], role_rows),
        Heading(3, "Questions, cost, latency"),
        Table(["metric", "value"], quality_rows),
        *guess_blocks(s),
        *failure_blocks(run),
    ]


def guess_blocks(s: dict[str, Any]) -> list[Block]:
    """Attackers' guess rate per answer kind: the evidence for the policy's guess_probability."""
    rows = [
        [kind, g["n"], pct(g["rate"]), pct(g["upper95"])]
        for kind, g in s["attacker_guess_rate_by_kind"].items()
    ]
    topics = [
        [topic, g["n"], pct(g["rate"]), pct(g["upper95"])]
        for topic, g in s.get("attacker_guess_rate_by_topic", {}).items()
    ]
    return [
        Heading(3, "Attacker guess rate per answer kind (partial counts half)"),
        Para("The policy's guess_probability should be at least the upper bound."),
        Table(["kind", "answers", "guess rate", "upper 95%"], rows),
        Heading(3, "Attacker guess rate per question topic"),
        Para("The evidence for the policy's topic_guess_probability (decision_v6.yaml on)."),
        Table(["topic", "answers", "guess rate", "upper 95%"], topics),
    ]


def _role_cell(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "-"
    return f"{pct_ci(entry)}; escalated {pct(entry['escalation_rate'])}"


def failure_blocks(run: ConfigRun) -> list[Block]:
    blockers = diagnostics.genuine_blockers(run)
    causes = diagnostics.genuine_grade_causes(run)
    rows = [
        [
            c.topic,
            c.verdict,
            c.method,
            c.count,
            "; ".join(f"said {e['said']!r} for {e['expected']!r}" for e in c.examples),
        ]
        for c in causes
    ]
    blocks: list[Block] = [
        Heading(3, "Why genuine callers were not allowed"),
        Table(["first reason of the decision", "calls"], [list(b) for b in blockers]),
        Heading(3, 'Truthful answers not graded correct (excluding "I don\'t remember")'),
        Table(["question topic", "verdict", "grader", "count", "examples"], rows),
        Heading(3, "Attacker calls that were allowed"),
    ]
    passes = diagnostics.attacker_passes(run)
    if not passes:
        return [*blocks, Para("None.")]
    for p in passes[:10]:
        blocks.append(Para(f"{p['level']} as {p['employee']} ({p['role']}):"))
        blocks.append(
            Table(
                ["question", "expected", "said", "verdict"],
                [[a["question"], a["expected"], a["said"], a["verdict"]] for a in p["answers"]],
            )
        )
    return blocks


def build_blocks(ev: Evaluation, memory: MemoryModel) -> list[Block]:
    blocks: list[Block] = [
        Heading(1, "deskguard evaluation"),
        Para(
            f"Synthetic organisation of {ev.employees} employees (seed {ev.seed}), evaluated at "
            f"{ev.now}; one call per employee per caller kind and configuration. Pass = allow. "
            f"Intervals are Wilson 95%."
        ),
        Para(OSINT_NOTE),
        *summary_blocks(ev),
        *sweep_blocks(ev),
    ]
    for run in ev.runs:
        blocks += config_blocks(run, ev.summaries[run.config.name])
    blocks += [
        Heading(2, "Genuine caller memory model (assumed parameters; see evals/memory.py)"),
        Code(json.dumps(memory.describe(), indent=2)),
    ]
    return blocks


def write_report(ev: Evaluation, out_dir: Path, memory: MemoryModel | None = None) -> list[Path]:
    """Write report.md, report.html and tradeoff.png; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if not ev.curves:
        ev.curves = {run.config.name: sweep(run) for run in ev.runs}
    png = plot_tradeoff(ev.curves, ev.summaries, out_dir / PLOT)
    blocks = build_blocks(ev, memory or MemoryModel())
    md = out_dir / "report.md"
    md.write_text(to_markdown(blocks), "utf-8")
    page = out_dir / "report.html"
    page.write_text(to_html(blocks, "deskguard evaluation"), "utf-8")
    return [md, page, png]


def summaries_of(runs: Sequence[ConfigRun]) -> dict[str, dict[str, Any]]:
    from evals.metrics import summarise

    return {run.config.name: summarise(run) for run in runs}
