"""Egress control through the whole service, against the fake OpenAI-compatible server on
127.0.0.1: what reaches the model (no UPN, no e-mail address, no source item id), that a
template set makes no model call, and that DESKGUARD_LLM__EGRESS=none makes none at all while
the judge's uncertain band escalates."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.settings import QuestionSettings
from prompts.config import LLMConfig
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for
from tests.api.test_llm_integration import (
    kinds_of_prompt,
    responder,
    trust_the_judge,
    uncertain_answer,
)
from tests.fakes.openai_server import FakeOpenAIServer

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture
def model() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer(responder=responder).start()
    yield server
    server.stop()


def deskguard(
    demo_data_dir: Path, tmp_path: Path, server: FakeOpenAIServer, **llm: Any
) -> Deskguard:
    engine = llm.pop("engine", "auto")
    config = LLMConfig(
        model="openai/fake-model", api_base=server.api_base, timeout_seconds=5, num_retries=0,
        **llm,
    )  # fmt: skip
    settings = settings_for(demo_data_dir).model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'egress.db'}",
            "llm": config,
            "questions": QuestionSettings(engine=engine),
        }
    )
    if not config.closed:
        trust_the_judge(settings)
    return make_deskguard(settings, Clock())


def vague_answers(truth: dict[str, Any]) -> list[dict[str, str]]:
    """Right answers but one, which lands in the grader's uncertain band."""
    text_q, vague = uncertain_answer(truth)
    return [
        {"question_id": q["id"], "response": vague if q is text_q else q["expected"]}
        for q in truth["question_details"]
    ]


def test_no_upn_address_or_source_item_id_reaches_the_model(
    model: FakeOpenAIServer, demo_data_dir: Path, tmp_path: Path
) -> None:
    dg = deskguard(demo_data_dir, tmp_path, model)
    upn = dg.employee("it_admin")
    started = dg.start(upn, signal={"score": 0.1})
    truth = dg.truth(started["id"])
    dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": vague_answers(truth)},
        headers=dg.keys["helpdesk"],
    )
    kinds = set(kinds_of_prompt(model))
    assert {"generate", "attacker", "judge"} <= kinds  # every prompt was seen
    evidence = {e for q in truth["question_details"] for e in q["evidence"]}
    assert evidence
    for request in model.requests:
        text = request.text()
        assert upn.lower() not in text.lower()
        assert not ADDRESS.findall(text), ADDRESS.findall(text)
        assert not [e for e in evidence if e in text]
    attacker = next(r for r in model.requests if kinds_of_prompt_one(r.body) == "attacker")
    profile = json.loads(re.search(r'<data name="profile">\n(.*?)\n</data>', attacker.text(),
                                   re.S).group(1))  # type: ignore[union-attr]  # fmt: skip
    assert profile is not None and not {"upn", "name", "leaked"} & set(profile)


def kinds_of_prompt_one(body: dict[str, Any]) -> str:
    system = body["messages"][0]["content"]
    return "attacker" if "red-team" in system else "other"


def test_template_questions_make_no_model_call_at_the_start(
    model: FakeOpenAIServer, demo_data_dir: Path, tmp_path: Path
) -> None:
    dg = deskguard(demo_data_dir, tmp_path, model, engine="template")
    truth = dg.truth(dg.start(dg.employee("it_admin"))["id"])
    assert truth["engine"] == "template" and len(truth["question_details"]) >= 4
    assert model.requests == []  # no attacker call, no judge call on the attacker's guesses


def test_egress_none_calls_no_model_and_the_uncertain_band_escalates(
    model: FakeOpenAIServer, demo_data_dir: Path, tmp_path: Path
) -> None:
    dg = deskguard(demo_data_dir, tmp_path, model, egress="none")
    started = dg.start(dg.employee("it_admin"), signal={"score": 0.1})
    truth = dg.truth(started["id"])
    assert truth["engine"] == "template"
    decided = dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": vague_answers(truth)},
        headers=dg.keys["helpdesk"],
    ).json()
    assert model.requests == []
    grades = dg.truth(started["id"])["grades"]
    assert any("judge_unavailable" in g["flags"] for g in grades)
    assert decided["decision"] == "escalate"


def test_a_public_api_base_is_refused_under_the_default_egress(
    model: FakeOpenAIServer, demo_data_dir: Path, tmp_path: Path
) -> None:
    dg = deskguard(demo_data_dir, tmp_path, model)
    public = dg.runtime.settings.llm.model_copy(update={"api_base": "http://8.8.8.8/v1"})
    dg.runtime.engine.config = public  # type: ignore[attr-defined]
    truth = dg.truth(dg.start(dg.employee("it_admin"))["id"])
    assert "EGRESS=local" in (truth["generation"]["fallback_reason"] or "")
    assert all(q["engine"] == "template" for q in truth["question_details"])
