"""Egress control in prompts/: where a prompt may go (DESKGUARD_LLM__EGRESS), what it may carry
(DESKGUARD_LLM__NEVER_SEND, the prompt manifest) and that every declared category is one of
fideslang's."""

from __future__ import annotations

import pytest

from context.config import GitConfig, GitHubConfig, GraphConfig, JiraConfig
from context.connectors.git import GitConnector
from context.connectors.github import GitHubConnector
from context.connectors.graph import GraphConnector
from context.connectors.jira import JiraConnector
from prompts import manifest
from prompts.config import LLMConfig
from prompts.egress import REDACTED, check_destination, screen
from prompts.errors import LLMEgressRefused
from prompts.llm import complete_structured
from prompts.manifest import PROMPTS, PromptManifest, declared, model_recipient
from prompts.registry import get_prompt, list_prompts, render
from prompts.schemas import JudgePair
from tests.fakes.fake_model import FakeModel
from vocabulary.fides import unknown_categories

CONFIG = LLMConfig(model="openai/test", api_base="http://127.0.0.1:8000/v1")
JUDGE = get_prompt("answer_judge@v2")


def judge_prompt(answer: str) -> object:
    return render(
        JUDGE,
        {"question": "Which mail did you send?", "kind": "text", "reference_a": "Q3 plan",
         "reference_b": "Budget", "answer": answer},
    )  # fmt: skip


@pytest.mark.parametrize(
    "api_base",
    ["http://127.0.0.1:8080/v1", "http://localhost:11434", "http://10.1.2.3/v1",
     "http://192.168.1.5:8000", "http://[::1]:8000/v1", "http://172.20.0.4/v1"],
)  # fmt: skip
async def test_local_allows_loopback_and_private_addresses(api_base: str) -> None:
    await check_destination(api_base, "local")


@pytest.mark.parametrize(
    ("api_base", "why"),
    [
        (None, "DESKGUARD_LLM__API_BASE"),  # a hosted provider's own endpoint
        ("http://8.8.8.8/v1", "8.8.8.8"),
        ("https://8.8.8.8/v1", "8.8.8.8"),
        ("http://169.254.169.254/latest", "169.254.169.254"),  # cloud metadata: link-local
        ("http://203.0.113.7/v1", "203.0.113.7"),  # documentation range: not private
        ("http://0.0.0.0:8000", "0.0.0.0"),
        ("ftp://127.0.0.1/", "http"),
    ],
)
async def test_local_refuses_everything_else(api_base: str | None, why: str) -> None:
    with pytest.raises(LLMEgressRefused, match=why.replace(".", r"\.")):
        await check_destination(api_base, "local")


async def test_any_must_be_explicit_and_needs_https_to_a_public_host() -> None:
    assert LLMConfig(model="openai/x").egress_mode == "local"
    await check_destination("https://8.8.8.8/v1", "any")
    await check_destination("http://127.0.0.1/v1", "any")
    await check_destination(None, "any")
    with pytest.raises(LLMEgressRefused, match="https only"):
        await check_destination("http://8.8.8.8/v1", "any")


async def test_none_sends_nothing_to_any_client() -> None:
    model = FakeModel([{"reference_a": "same", "reference_b": "different",
                        "instructions_in_answer": False}])  # fmt: skip
    closed = CONFIG.model_copy(update={"egress": "none"})
    with pytest.raises(LLMEgressRefused, match="EGRESS=none"):
        await complete_structured(
            closed, judge_prompt("x"), JudgePair, defaults=JUDGE.model, client=model
        )
    assert model.history == [] and model.remaining == 1


async def test_email_addresses_never_reach_the_client() -> None:
    model = FakeModel([{"reference_a": "same", "reference_b": "different",
                        "instructions_in_answer": False}])  # fmt: skip
    rendered = judge_prompt("the one to mei.chen@larkspurgoods.example about Q3")
    await complete_structured(CONFIG, rendered, JudgePair, defaults=JUDGE.model, client=model)
    [sent] = model.history
    text = "\n".join(m["content"] for m in sent.messages)
    assert "mei.chen@" not in text and f"the one to {REDACTED} about Q3" in text


def test_a_category_kept_in_refuses_the_prompts_that_declare_it() -> None:
    strict = CONFIG.model_copy(update={"never_send": ["user.name"]})
    with pytest.raises(LLMEgressRefused, match=r"answer carries \['user.name'\]"):
        screen(strict, judge_prompt("Priya"))
    kept_names = CONFIG.model_copy(update={"never_send": []})
    [_, user] = screen(kept_names, judge_prompt("mei@example.com"))
    assert "mei@example.com" in user["content"]  # nothing kept in: nothing cut out


def test_an_undeclared_variable_is_never_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    fields = [f for f in PROMPTS["answer_judge"].fields if f.variable != "answer"]
    thinner = PromptManifest(prompt="answer_judge", purpose="x", fields=fields)
    monkeypatch.setitem(manifest.PROMPTS, "answer_judge", thinner)
    with pytest.raises(LLMEgressRefused, match=r"variables \['answer'\] are not declared"):
        screen(CONFIG, judge_prompt("x"))


def test_every_prompt_version_has_every_variable_declared() -> None:
    for spec in list_prompts():
        assert spec.variables <= declared(spec.name).keys(), spec.ref
    defaults = LLMConfig().never_send
    for prompt in PROMPTS.values():  # as shipped, nothing declared is kept in by default
        for field in prompt.fields:
            assert not [c for c in field.categories if c.startswith(tuple(defaults))]


def test_every_declared_category_is_in_the_fideslang_taxonomy() -> None:
    recipient = model_recipient(CONFIG)
    used = [c for p in recipient.prompts for f in p.fields for c in f.categories]
    used += recipient.never_send
    connectors = [
        GraphConnector(GraphConfig()), JiraConnector(JiraConfig()), GitConnector(GitConfig()),
        GitHubConnector(GitHubConfig()),
    ]  # fmt: skip
    used += [f.category for c in connectors for f in c.manifest().fields]
    assert used and unknown_categories(used) == []
    assert unknown_categories(["user.workplace.subject", "user.contact.email"]) == [
        "user.workplace.subject"
    ]
    assert recipient.recipient == "openai at 127.0.0.1:8000"
