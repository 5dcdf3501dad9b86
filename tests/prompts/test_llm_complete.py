"""complete_structured against a scripted FakeModel: validation, one repair, the retry budget,
time-outs and configuration errors."""

from __future__ import annotations

import json

import pytest

from prompts.config import LLMConfig
from prompts.errors import (
    LLMError,
    LLMInvalidOutput,
    LLMNotConfigured,
    LLMTimeout,
    LLMUnavailable,
)
from prompts.llm import ModelReply, complete_structured, parse_reply
from prompts.registry import get_prompt, render
from prompts.schemas import JudgeVerdict
from tests.fakes.fake_model import FakeModel

CONFIG = LLMConfig(model="openai/test-model", timeout_seconds=5, retry_backoff_seconds=0)
GOOD = {"verdict": "partial", "score": 0.5, "reason": "some", "injection_suspected": False}
SPEC = get_prompt("answer_judge@v1")
RENDERED = render(
    SPEC,
    {
        "question": "Who else was in your 3 pm meeting yesterday?",
        "kind": "person",
        "reference": "Priya Natarajan, Tom Becker",
        "variants": [],
        "asked_at": {"time": None, "timezone": None},
        "answer": "Priya and someone from finance",
    },
)


async def call(model: FakeModel, config: LLMConfig = CONFIG):  # type: ignore[no-untyped-def]
    return await complete_structured(config, RENDERED, JudgeVerdict, defaults=SPEC.model,
                                     client=model)  # fmt: skip


async def test_good_output_is_parsed_with_usage_and_versions() -> None:
    model = FakeModel([ModelReply(json.dumps(GOOD), 321, 12, 0.0004)])
    result = await call(model)
    assert result.parsed == JudgeVerdict.model_validate(GOOD)
    assert (result.usage.calls, result.usage.prompt_tokens, result.usage.completion_tokens) == (
        1, 321, 12,
    )  # fmt: skip
    assert result.usage.cost_usd == pytest.approx(0.0004)
    assert (result.prompt, result.prompt_sha256) == ("answer_judge@v1", SPEC.sha256)
    sent = model.history[0]
    assert sent.schema is JudgeVerdict and sent.model == "openai/test-model"
    assert (sent.temperature, sent.max_tokens) == (SPEC.model.temperature, SPEC.model.max_tokens)
    assert sent.messages == list(RENDERED.messages)


async def test_invalid_json_is_repaired_once_showing_the_validation_error() -> None:
    model = FakeModel(['{"verdict": "correct", "score": 1.0,', GOOD])
    result = await call(model)
    assert result.repaired and result.usage.calls == 2
    repair = model.history[1].messages
    assert repair[-2] == {"role": "assistant", "content": '{"verdict": "correct", "score": 1.0,'}
    assert repair[-1]["role"] == "user"
    assert "not valid" in repair[-1]["content"] and "JudgeVerdict" in repair[-1]["content"]


async def test_schema_violation_names_the_field_in_the_repair_message() -> None:
    model = FakeModel([GOOD | {"verdict": "certainly"}, GOOD])
    await call(model)
    assert "verdict" in model.history[1].messages[-1]["content"]


async def test_invalid_twice_raises_invalid_output_after_exactly_two_calls() -> None:
    model = FakeModel(["not json", GOOD | {"score": 7}])
    with pytest.raises(LLMInvalidOutput, match="score"):
        await call(model)
    assert len(model.history) == 2


async def test_fenced_json_is_accepted() -> None:
    assert parse_reply(f"```json\n{json.dumps(GOOD)}\n```", JudgeVerdict).verdict == "partial"


async def test_transient_failures_spend_the_retry_budget() -> None:
    model = FakeModel([LLMUnavailable("503", retryable=True), GOOD])
    result = await call(model)
    assert result.usage.calls == 2 and len(model.history) == 2


async def test_retry_budget_is_exactly_one_plus_num_retries() -> None:
    model = FakeModel([LLMUnavailable("503", retryable=True)] * 5)
    with pytest.raises(LLMUnavailable):
        await call(model, CONFIG.model_copy(update={"num_retries": 2}))
    assert len(model.history) == 3


@pytest.mark.parametrize(
    "error",
    [LLMUnavailable("401: credentials rejected"), LLMTimeout("slow")],
    ids=["not-retryable", "timeout"],
)
async def test_permanent_failures_and_timeouts_are_not_retried(error: LLMError) -> None:
    model = FakeModel([error, GOOD])
    with pytest.raises(type(error)):
        await call(model)
    assert len(model.history) == 1


async def test_a_hanging_client_is_cut_off_with_llm_timeout() -> None:
    model = FakeModel([GOOD], latency=5)
    with pytest.raises(LLMTimeout, match="no reply"):
        await call(model, CONFIG.model_copy(update={"timeout_seconds": 0.05}))


async def test_no_model_configured_says_how_to_configure() -> None:
    model = FakeModel([GOOD])
    with pytest.raises(LLMNotConfigured, match="DESKGUARD_LLM__MODEL"):
        await call(model, LLMConfig())
    assert model.history == []
