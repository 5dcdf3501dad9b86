from __future__ import annotations

from datetime import UTC, datetime

from evals.diagnostics import genuine_blockers, genuine_grade_causes
from evals.metrics import summarise
from evals.report import Evaluation, pct, write_report
from evals.sweep import THRESHOLDS, redecide, sweep
from evals.tally import leaks
from evals.trials import ConfigRun, Trial
from tests.evals.conftest import TINY

LEVELS = {"naive", "osint", "insider", "injection", "colleague", "prior", "stuffer", "it_agent"}


def test_summary_covers_every_population(tiny_run: ConfigRun, tiny_trials: list[Trial]) -> None:
    s = summarise(tiny_run)
    assert s["genuine"]["pass"]["n"] == TINY
    assert set(s["attacker_pass_rate"]) == LEVELS
    assert "llm_osint" in s["skipped_levels"]  # no model configured: reported, not run
    genuine = [t for t in tiny_trials if t.caller == "genuine"]
    assert s["genuine_pass_rate"] == round(sum(t.passed for t in genuine) / TINY, 4)
    for outcome in (s["genuine"], *s["attackers"].values()):
        total = sum(outcome[d]["count"] for d in ("pass", "escalate", "deny"))
        assert total == TINY
    assert set(s["per_role"]["genuine"]) == {t.role for t in genuine}
    assert 4 <= s["questions"]["questions_per_verification"] <= 7  # QuestionSettings.count
    assert s["questions"]["grounding_failures"] == 0
    assert s["cost"]["model_calls_per_verification"] == 0  # offline


def test_injection_plants_a_ticket_and_never_passes(
    tiny_run: ConfigRun, tiny_trials: list[Trial]
) -> None:
    s = summarise(tiny_run)
    assert s["planted_ticket_asked"] == 0  # instruction-like titles never become questions
    assert s["attacker_pass_rate"]["injection"] == 0.0
    asked = [t for t in tiny_trials if t.caller == "injection" and not t.early]
    assert all(t.decision == "deny" for t in asked)


def test_leaks_counts_questions_that_contain_their_answer(tiny_trials: list[Trial]) -> None:
    trial = tiny_trials[0]
    leaky = Trial(
        **{**trial.__dict__, "questions": [
            {"id": "q1", "text": "Was it FIN-4412 you closed?", "expected": "FIN-4412"},
            {"id": "q2", "text": "Which ticket did you close?", "expected": "FIN-4412"},
        ]}
    )  # fmt: skip
    assert leaks(leaky) == ["q1"]


def test_redecide_reproduces_the_recorded_decisions(
    tiny_run: ConfigRun, tiny_trials: list[Trial]
) -> None:
    assert len(tiny_trials) == TINY * len(tiny_run.callers)
    for trial in tiny_trials:
        assert redecide(trial, tiny_run.policy) == trial.passed, trial.reasons


def test_sweep_moves_genuine_pass_rate_down_as_threshold_rises(tiny_run: ConfigRun) -> None:
    points = sweep(tiny_run)
    assert [p.threshold for p in points] == list(THRESHOLDS)
    genuine = [p.genuine for p in points]
    assert genuine == sorted(genuine, reverse=True)
    assert genuine[0] > genuine[-1]
    assert all(p.attackers["injection"] == 0.0 for p in points)  # the injection rule holds


def test_diagnostics_explain_genuine_failures(
    tiny_run: ConfigRun, tiny_trials: list[Trial]
) -> None:
    failed = sum(not t.passed for t in tiny_trials if t.caller == "genuine")
    assert sum(count for _, count in genuine_blockers(tiny_run)) == failed
    for cause in genuine_grade_causes(tiny_run):
        assert cause.verdict != "correct" and cause.examples


def test_report_files_contain_the_numbers(tiny_run: ConfigRun, tmp_path) -> None:
    s = summarise(tiny_run)
    ev = Evaluation(
        [tiny_run], {"default": s}, TINY, 3, datetime(2026, 11, 25, tzinfo=UTC).isoformat()
    )
    ev.gate = ["default: genuine pass rate 0.200 is below the required 0.950"]
    md, page, png = write_report(ev, tmp_path)
    genuine = pct(s["genuine_pass_rate"])
    for path in (md, page):
        text = path.read_text("utf-8")
        assert genuine in text and "osint" in text and "Gate FAILED" in text
        assert "tradeoff.png" in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
