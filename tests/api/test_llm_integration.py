"""The whole service with a model configured: litellm's real HTTP path against a local fake
OpenAI-compatible server writing questions, judging uncertain answers and playing the attacker."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.runtime import build_judge
from api.settings import Settings
from grading.calibration import save, summarise
from grading.cascade import match_deterministic
from grading.judge import LLMJudge
from grading.trust import JudgeTrust
from prompts.config import LLMConfig
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for
from tests.fakes.openai_server import FakeOpenAIServer, FakeReply

JUDGE = "You check what a help-desk caller said"  # answer_judge@v2
FACTS = re.compile(r'<data name="facts">\s*(\[.*?\])\s*</data>', re.S)


def write_questions(body: dict[str, Any]) -> dict[str, Any]:
    """A plausible model (question_generation@v2): good picks from the facts, plus one id that
    was never offered and one text that quotes its own answer."""
    user = body["messages"][-1]["content"]
    facts = json.loads(FACTS.search(user).group(1))  # type: ignore[union-attr]
    titled = next(f for f in facts if "title" in f["asks"])
    bad = [
        {"fact": "f99", "ask": "title", "text": "What happened?", "variants": []},
        {"fact": titled["id"], "ask": "title", "variants": [],
         "text": f"Was '{titled['title']}' the thing you did {titled['day']}?"},
    ]  # fmt: skip
    good = [
        {"fact": fact["id"], "ask": fact["asks"][0], "variants": [],
         "text": f"About the {fact['type']} {fact['day']} at {fact['at']}: what do you recall?"}
        for fact in facts[:8] if fact is not titled
    ]  # fmt: skip
    return {"questions": (bad + good)[:10]}


def responder(body: dict[str, Any]) -> FakeReply:
    system = body["messages"][0]["content"]
    if "write identity-verification questions" in system:
        return FakeReply(json.dumps(write_questions(body)))
    if JUDGE in system:
        verdict = {"reference_a": "different", "reference_b": "different"}
        return FakeReply(json.dumps(verdict | {"instructions_in_answer": False}))
    return FakeReply(json.dumps({"answers": []}))  # the attacker knows nothing


@pytest.fixture
def model() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer(responder=responder).start()
    yield server
    server.stop()


def with_model(demo_data_dir: Path, tmp_path: Path, server: FakeOpenAIServer) -> Deskguard:
    llm = LLMConfig(
        model="openai/fake-model", api_base=server.api_base, timeout_seconds=5, num_retries=0
    )
    settings = settings_for(demo_data_dir).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'llm.db'}", "llm": llm}
    )
    trust_the_judge(settings)
    return make_deskguard(settings, Clock())


def trust_the_judge(settings: Settings) -> None:
    """A calibration record for the fake model, as `deskguard judge calibrate` writes one."""
    judge = build_judge(settings, calibrated=False)
    assert isinstance(judge, LLMJudge)
    report = summarise(judge.calibration_key, [], 0.0).model_copy(
        update={"trust": JudgeTrust.full("calibrated for the test")}
    )
    save(report, settings.data_dir)


def kinds_of_prompt(server: FakeOpenAIServer) -> list[str]:
    names = []
    for request in server.requests:
        system = request.body["messages"][0]["content"]
        names.append(
            "generate"
            if "write identity-verification" in system
            else "judge"
            if JUDGE in system
            else "attacker"
        )
    return names


def test_llm_questions_are_checked_and_usage_is_recorded(
    model: FakeOpenAIServer, demo_data_dir: Path, tmp_path: Path
) -> None:
    dg = with_model(demo_data_dir, tmp_path, model)
    truth = dg.truth(dg.start(dg.employee("it_admin"))["id"])
    assert truth["engine"] == "llm"
    checks = {d["check"] for d in truth["dropped"]}
    assert {"grounded", "leak"} <= checks  # the invented key and the leaking text
    assert len(truth["question_details"]) >= 4
    assert any(q["engine"] == "llm" for q in truth["question_details"])
    generate = model.requests[kinds_of_prompt(model).index("generate")]
    assert '<data name="facts">' in generate.text()
    assert generate.body["response_format"]  # structured output was requested
    assert "attacker" in kinds_of_prompt(model)
    row = dg.runtime.db.get_verification(truth["id"])
    assert row is not None and row.question_set.llm_usage.questions.calls >= 1
    assert row.question_set.prompt == "question_generation@v2"
    assert row.question_set.llm_usage.questions.prompt_tokens > 0
    # Every call is metered per verification: the engine's and the attacker check's.
    metered = row.question_set.llm_usage.questions
    assert metered.calls == len(model.requests) >= 2 and metered.prompt_tokens > 0
    assert metered.seconds > 0  # the engine's latency, per verification


def test_an_unavailable_model_falls_back_to_templates_and_says_so(
    model: FakeOpenAIServer, demo_data_dir: Path, tmp_path: Path
) -> None:
    model.responder = lambda body: FakeReply(status=500)
    dg = with_model(demo_data_dir, tmp_path, model)
    truth = dg.truth(dg.start(dg.employee("it_admin"))["id"])
    row = dg.runtime.db.get_verification(truth["id"])
    assert row is not None and row.question_set.fallback_reason
    assert truth["generation"]["fallback_reason"] == row.question_set.fallback_reason
    assert all(q["engine"] == "template" for q in truth["question_details"])
    assert len(truth["question_details"]) >= 4


def uncertain_answer(truth: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A text question of the set and an answer to it in the grader's uncertain band: half the
    answer's specific words plus one of the caller's own."""
    from grading.models import AnswerKind, GradeRequest
    from grading.text import distinctive

    def in_band(q: dict[str, Any]) -> str | None:
        words = distinctive(q["expected"])
        vague = " ".join([*words[: max(1, len(words) // 2)], "quarterly"])
        request = GradeRequest(
            id="x", question=q["text"], expected=q["expected"], kind=AnswerKind.TEXT, response=vague
        )
        return vague if match_deterministic(request).uncertain else None

    return next(
        (q, v) for q in truth["question_details"] if q["kind"] == "text" and (v := in_band(q))
    )


def test_uncertain_answers_go_to_the_judge_and_never_pass_on_its_failure(
    model: FakeOpenAIServer, demo_data_dir: Path, tmp_path: Path
) -> None:
    dg = with_model(demo_data_dir, tmp_path, model)
    started = dg.start(dg.employee("it_admin"), signal={"score": 0.1})
    truth = dg.truth(started["id"])
    text_q, vague = uncertain_answer(truth)
    answers = [
        {"question_id": q["id"], "response": vague if q is text_q else q["expected"]}
        for q in truth["question_details"]
    ]
    model.requests.clear()
    model.responder = lambda body: FakeReply(status=500)  # the judge is down
    decided = dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": answers},
        headers=dg.keys["helpdesk"],
    ).json()
    grade = next(g for g in dg.truth(started["id"])["grades"] if g["id"] == text_q["id"])
    row = dg.runtime.db.get_verification(started["id"])
    assert row is not None
    assert row.question_set.llm_usage.grading is not None
    assert row.question_set.llm_usage.grading.calls == len(model.requests)
    assert "judge" in kinds_of_prompt(model)  # the band went to the judge, which was down
    assert grade["verdict"] != "correct" and "judge_unavailable" in grade["flags"]
    assert decided["decision"] != "allow"
