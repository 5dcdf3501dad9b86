"""Question generation cost and overhead: LLM calls, tokens, and our own time per verification
next to the model's.

    .venv/bin/python -m bench.generate [--verifications 40] [--latency 0.8] [--concurrency 4]

Two runs over demo-tenant employees: in-process (a scripted FakeModel: render + validate + map
only) and the real litellm HTTP path against FakeOpenAIServer, which sleeps `--latency` seconds
per call to stand in for the model. "ours" = wall time minus the model's. The fake reports
tokens as characters / 4.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from typing import Any

from bench.demo_requests import demo_requests
from prompts.config import LLMConfig, PromptVersions
from prompts.datablocks import block_contents
from prompts.llm import LiteLLMClient, ModelReply
from prompts.registry import get_prompt, render
from questions.engine import EngineRequest
from questions.llm_engine import LLMQuestionEngine, generation_variables
from tests.fakes.fake_model import FakeModel
from tests.fakes.openai_server import FakeOpenAIServer, FakeReply

V1 = PromptVersions(question_generation="v1")  # this benchmark's fake writes v1 replies


def model_output(user_message: str) -> str:
    """A plausible, schema-valid reply about the first facts the prompt carried."""
    blocks = block_contents(user_message, "facts")
    facts: list[dict[str, Any]] = json.loads(blocks[0]) if blocks else []
    questions = []
    for fact in facts[:6]:
        key = fact.get("identifiers", {}).get("ticket_key")
        questions.append({
            "text": f"What was the {fact['kind']} {fact['day']} about?",
            "expected": key or fact["title"], "variants": [], "evidence": [fact["id"]],
            "kind": "identifier" if key else "text", "topic": f"{fact['kind']}.subject",
        })  # fmt: skip
    return json.dumps({"questions": questions})


def responder(latency: float) -> Any:
    def reply(body: dict[str, Any]) -> FakeReply:
        prompt = "".join(m["content"] for m in body["messages"])
        content = model_output(body["messages"][1]["content"])
        return FakeReply(content=content, delay=latency, prompt_tokens=len(prompt) // 4,
                         completion_tokens=len(content) // 4)  # fmt: skip

    return reply


async def run(
    engine: LLMQuestionEngine, batch: list[EngineRequest], concurrency: int
) -> dict[str, float]:
    gate = asyncio.Semaphore(concurrency)

    durations: list[float] = []

    async def one(request: EngineRequest) -> Any:
        async with gate:
            began = time.perf_counter()
            output = await engine.generate(request)
            durations.append(time.perf_counter() - began)
            return output

    start = time.perf_counter()
    outputs = await asyncio.gather(*(one(r) for r in batch))
    wall = time.perf_counter() - start
    durations.sort()
    return {
        "mean": sum(durations) / len(durations),
        "p95": durations[int(0.95 * (len(durations) - 1))],
        "calls": sum(o.model_calls for o in outputs),
        "prompt_tokens": sum(o.prompt_tokens for o in outputs),
        "completion_tokens": sum(o.completion_tokens for o in outputs),
        "questions": sum(len(o.questions) for o in outputs),
        "wall": wall,
    }


def row(name: str, n: int, stats: dict[str, float], latency: float, concurrency: int) -> str:
    """Per verification: its own elapsed time (mean, p95), the model's share (the fake's sleep)
    and ours (the rest: render, litellm, HTTP, validation), plus throughput."""
    ms = {k: stats[k] * 1000 for k in ("mean", "p95")}
    return (f"{name:<14} {concurrency:>4} {n:>5} {stats['calls']:>6} "
            f"{stats['prompt_tokens'] / n:>9.0f} {stats['completion_tokens'] / n:>8.0f} "
            f"{ms['mean']:>9.1f} {ms['p95']:>9.1f} {latency * 1000:>9.1f} "
            f"{ms['mean'] - latency * 1000:>9.1f} {n / stats['wall']:>8.1f}")  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verifications", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.8, help="fake model seconds per call")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    batch = demo_requests(args.verifications, 5)
    print(f"os.cpu_count()={os.cpu_count()}  verifications={len(batch)}  "
          f"latency={args.latency}s  concurrency={args.concurrency}")  # fmt: skip
    start = time.perf_counter()
    await LiteLLMClient.create()
    print(f"litellm import: {time.perf_counter() - start:.1f} s (once per process, off the loop)")
    heads = ("conc", "verif", "calls", "prompt/v", "compl/v", "mean ms", "p95 ms", "model ms",
             "ours ms", "verif/s")  # fmt: skip
    widths = (4, 5, 6, 9, 8, 9, 9, 9, 9, 8)
    print(f"{'path':<14} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))

    fake = FakeModel([_scripted(r) for r in batch])
    config = LLMConfig(model="openai/fake-model")
    stats = await run(LLMQuestionEngine(config, V1, client=fake), batch, 1)
    print(row("in-process", len(batch), stats, 0.0, 1))

    server = FakeOpenAIServer(responder=responder(args.latency)).start()
    try:
        config = LLMConfig(model="openai/fake-model", api_base=server.api_base, api_key="sk-fake")
        await LLMQuestionEngine(config, V1).generate(batch[0])  # warm-up: HTTP client, first paths
        for concurrency in sorted({1, args.concurrency}):
            stats = await run(LLMQuestionEngine(config, V1), batch, concurrency)
            print(row("litellm+http", len(batch), stats, args.latency, concurrency))
    finally:
        server.stop()


def _scripted(request: EngineRequest) -> ModelReply:
    rendered = render(get_prompt("question_generation@v1"), generation_variables(request))
    prompt = "".join(m["content"] for m in rendered.messages)
    content = model_output(rendered.messages[1]["content"])
    return ModelReply(content, prompt_tokens=len(prompt) // 4, completion_tokens=len(content) // 4)


if __name__ == "__main__":
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    asyncio.run(main())
