"""answer_judge@v2 with a scripted FakeModel: one call grades the true and the decoy reference,
the true one's position is hashed, and the cascade follows the judge only as far as its
calibration trusts it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from grading.calibration import (
    CALIBRATION_SET,
    calibrate,
    recorded_trust,
    save,
)
from grading.cascade import counterfactual_reference, grade, match_deterministic
from grading.judge import LLMJudge, true_is_b
from grading.models import AnswerKind, GradeRequest, Verdict
from grading.trust import JudgeTrust
from prompts.config import LLMConfig, PromptVersions
from prompts.datablocks import block_contents
from tests.fakes.fake_model import FakeModel

CONFIG = LLMConfig(model="openai/test-judge", retry_backoff_seconds=0)
V2 = PromptVersions(answer_judge="v2")
BAND = GradeRequest(
    id="q1", question="What was the meeting you organised yesterday at 3 pm about?",
    expected="Hiring plan for the data team", kind=AnswerKind.TEXT, response="hiring",
)  # fmt: skip


def pair(real: str, decoy: str, request: GradeRequest = BAND, flagged: bool = False) -> dict:
    """The model's reply naming `real` for the true reference, wherever the hash put it."""
    a, b = (decoy, real) if true_is_b(request) else (real, decoy)
    return {"reference_a": a, "reference_b": b, "instructions_in_answer": flagged}


def judge_with(replies: list[dict], trust: JudgeTrust | None = None) -> tuple[LLMJudge, FakeModel]:
    model = FakeModel(replies)
    return LLMJudge(CONFIG, V2, client=model, trust=trust), model


def test_the_band_example_is_in_the_band() -> None:
    assert match_deterministic(BAND).uncertain


@dataclass
class Case:
    real: str
    decoy: str
    flagged: bool
    verdict: Verdict
    flag: str | None = None


@pytest.mark.parametrize(
    "case",
    [
        Case("same", "different", False, Verdict.CORRECT),
        Case("partly", "different", False, Verdict.PARTIAL),
        Case("different", "different", False, Verdict.INCORRECT),
        # fits the decoy as well: over-general or manipulative
        Case("same", "same", False, Verdict.INCORRECT, "counterfactual"),
        Case("same", "partly", False, Verdict.INCORRECT, "counterfactual"),
        # the model says it matches but that the answer instructs the grader: never correct
        Case("same", "different", True, Verdict.INCORRECT),
    ],
)
async def test_one_call_grades_both_references(case: Case) -> None:
    judge, model = judge_with([pair(case.real, case.decoy, flagged=case.flagged)])
    result = await grade(BAND, judge=judge)
    assert result.verdict is case.verdict and len(model.history) == 1
    assert case.flag is None or case.flag in result.flags
    assert result.grader and result.grader.endswith("llm:answer_judge@v2")


async def test_the_true_reference_is_a_or_b_by_hash_and_the_answer_is_data() -> None:
    for request in (BAND, BAND.model_copy(update={"id": "q2", "response": "hiring 'plans'"})):
        judge, model = judge_with([pair("different", "different", request)])
        await grade(request, judge=judge)
        user = model.history[0].messages[1]["content"]
        a, b = (json.loads(block_contents(user, n)[0]) for n in ("reference_a", "reference_b"))
        decoy = counterfactual_reference(request)
        assert (a, b) == (
            (decoy, request.expected) if true_is_b(request) else (request.expected, decoy)
        )
        assert json.loads(block_contents(user, "answer")[0]) == request.response
        assert user.count("</data>") == 5
    positions = {true_is_b(BAND.model_copy(update={"id": f"q{n}"})) for n in range(20)}
    assert positions == {True, False}  # both positions occur


@pytest.mark.parametrize(
    ("trust", "said", "verdict", "flag"),
    [
        # not trusted to reject: a weak model's "different" cannot fail a genuine answer
        (JudgeTrust(accept=True, reject=False, why="t"), "different", Verdict.PARTIAL,
         "judge_not_followed"),
        # not trusted to accept: its "same" does not pass the answer
        (JudgeTrust(accept=False, reject=True, why="t"), "same", Verdict.PARTIAL,
         "judge_not_followed"),
        (JudgeTrust(accept=True, reject=True, why="t"), "different", Verdict.INCORRECT, None),
    ],
)  # fmt: skip
async def test_the_judge_is_followed_only_where_it_is_trusted(
    trust: JudgeTrust, said: str, verdict: Verdict, flag: str | None
) -> None:
    judge, _ = judge_with([pair(said, "different")], trust)
    result = await grade(BAND, judge=judge)
    assert result.verdict is verdict and result.score <= 0.6
    assert flag is None or flag in result.flags


async def test_a_judge_trusted_nowhere_is_not_called() -> None:
    judge, model = judge_with([], JudgeTrust.none("not calibrated"))
    result = await grade(BAND, judge=judge)
    assert result.verdict is Verdict.PARTIAL and model.history == []
    assert "not calibrated" in result.reason and "judge_not_used" in result.flags


def calibration_requests() -> list[GradeRequest]:
    lines = CALIBRATION_SET.read_text("utf-8").splitlines()
    return [GradeRequest.model_validate(json.loads(line)) for line in lines if line.strip()]


def test_the_calibration_set_is_all_band_and_labelled_both_ways() -> None:
    requests = calibration_requests()
    assert len(requests) >= 12 and all(match_deterministic(r).uncertain for r in requests)
    labels = {r.label for r in requests}
    assert Verdict.INCORRECT in labels and labels & {Verdict.CORRECT, Verdict.PARTIAL}


def scripted(says: str) -> FakeModel:
    """A judge model that says `says` to the true reference and "different" to the decoy."""
    return FakeModel([pair(says, "different", r) for r in calibration_requests()])


async def test_an_always_incorrect_model_is_never_trusted_to_reject(tmp_path: Path) -> None:
    judge = LLMJudge(CONFIG, V2, client=scripted("different"))
    report = await calibrate(judge, judge.calibration_key, timeout=5)
    assert report.rescued == 0 and report.false_accepts == 0
    assert (report.trust.accept, report.trust.reject) == (True, False)
    save(report, tmp_path)
    trust = recorded_trust(tmp_path, judge.calibration_key)
    assert trust == report.trust and judge.trust.why == "no calibration applied"
    # then a genuine partial answer stays partial instead of failing
    judge.client, judge.trust = scripted("different"), trust
    assert (await grade(BAND, judge=judge)).verdict is Verdict.PARTIAL


async def test_an_always_correct_model_is_never_trusted_to_accept() -> None:
    judge = LLMJudge(CONFIG, V2, client=scripted("same"))
    report = await calibrate(judge, judge.calibration_key, timeout=5)
    assert report.false_accepts > 0 and not report.trust.accept
    assert report.rescue_rate == 1.0 and report.trust.reject


def test_without_a_record_the_judge_is_trusted_nowhere(tmp_path: Path) -> None:
    trust = recorded_trust(tmp_path, "openai/x|answer_judge@v2|abc")
    assert not trust.used and "deskguard judge calibrate" in trust.why
