"""The LLM path against a running local model (not in CI): question generation per
verification and the judge's calibration.

    /work/shared/tools/serve-local-model.sh 18431   # or any OpenAI-compatible server
    .venv/bin/python -m bench.llm_local --api-base http://127.0.0.1:18431/v1 [--verifications 5]
        [--structured json_object_schema] [--judge] [--judge-labelled]

Per verification: prompt and completion tokens, seconds waiting for the model, how many
questions the model proposed and how many of them passed every check into the set, and whether
the set fell back to templates. With --judge: answer_judge@v2 on the calibration set
(agreement, false accepts, genuine answers rescued); --judge-labelled adds the labelled set's
band answers (tests/grading/data/labelled.jsonl). Prints the core count: numbers from a shared
2-core machine are not a server's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from pathlib import Path

from bench.demo_requests import demo_requests
from grading.batch import parse_line
from grading.calibration import CALIBRATION_SET, calibrate
from grading.cascade import match_deterministic
from grading.judge import LLMJudge
from prompts.config import LLMConfig, PromptVersions
from questions.engine import EngineOutput
from questions.llm_engine import LLMQuestionEngine
from questions.pipeline import PipelineOptions, build_question_set

LABELLED = Path(__file__).parents[1] / "tests" / "grading" / "data" / "labelled.jsonl"


async def generation(config: LLMConfig, args: argparse.Namespace) -> None:
    versions = PromptVersions(question_generation=args.prompt)
    engine = LLMQuestionEngine(config, versions, budget_seconds=args.budget)
    print(f"{'employee':<34} {'prompt':>6} {'compl':>6} {'sec':>6} {'proposed':>8} "
          f"{'kept':>5} {'fallback'}")  # fmt: skip
    seconds, kept_total, proposed_total, in_set, fallbacks = [], 0, 0, [], 0
    for request in demo_requests(args.verifications, args.questions):
        started = time.monotonic()
        qset, output = await build_question_set(
            request, engine, options=PipelineOptions(min_questions=4)
        )
        elapsed = time.monotonic() - started
        kept = sum(q.engine == "llm" for q in qset.questions)
        proposed = model_proposed(output, fell_back=qset.fallback_reason is not None)
        fallbacks += qset.fallback_reason is not None
        seconds.append(elapsed)
        kept_total, proposed_total = kept_total + kept, proposed_total + proposed
        in_set.append(kept / max(len(qset.questions), 1))
        print(f"{request.employee.upn:<34} {output.prompt_tokens:>6} {output.completion_tokens:>6} "
              f"{elapsed:>6.1f} {proposed:>8} {kept:>5} {qset.fallback_reason or '-'}")  # fmt: skip
        for q in qset.questions:
            print(f"    [{q.engine}] {q.text}  -> {q.expected!r}")
        for d in qset.dropped:
            print(f"    dropped {d.check}: {d.reason[:100]}  ({d.text[:60]})")
    n = len(seconds)
    print(f"verifications {n}: mean {statistics.mean(seconds):.1f} s, max {max(seconds):.1f} s; "
          f"model questions kept {kept_total}/{proposed_total} of proposed; model-written "
          f"{statistics.mean(in_set):.0%} of the questions asked; "
          f"fallback {fallbacks}/{n}")  # fmt: skip


def model_proposed(output: EngineOutput, *, fell_back: bool) -> int:
    """Questions the model proposed: kept or dropped by the engine (a refused variant leaves its
    question in; a truncation note is none); after a fallback the output is the templates'."""
    if fell_back:
        return 0
    notes = ("variant", "truncated")
    return len(output.questions) + sum(d.check not in notes for d in output.dropped)


async def judging(config: LLMConfig, args: argparse.Namespace) -> None:
    judge = LLMJudge(config, PromptVersions(answer_judge=args.judge_prompt))
    sets = [("calibration", CALIBRATION_SET)]
    if args.judge_labelled:
        band = [line for line in LABELLED.read_text("utf-8").splitlines()
                if line.strip() and match_deterministic(parse_line(line)).uncertain]  # fmt: skip
        path = Path("/tmp/deskguard-labelled-band.jsonl")
        path.write_text("\n".join(band) + "\n", "utf-8")
        sets.append(("labelled band", path))
    for name, path in sets:
        report = await calibrate(
            judge, judge.calibration_key, timeout=args.judge_timeout, path=path
        )
        print(f"judge {judge.spec.ref} on the {name} set ({report.items} answers, "
              f"{report.seconds:.0f} s): agreement {report.agreement:.0%}, false accepts "
              f"{report.false_accepts}/{report.wrong_items}, rescued {report.rescued}/"
              f"{report.genuine} genuine, errors {report.errors}; trust: accept="
              f"{report.trust.accept} reject={report.trust.reject}")  # fmt: skip
        for miss in report.misses:
            print(f"    {miss}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-base", default="http://127.0.0.1:18431/v1")
    parser.add_argument("--model", default="openai/local")
    parser.add_argument("--structured", default="json_object_schema")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--budget", type=float, default=None)
    parser.add_argument("--verifications", type=int, default=5)
    parser.add_argument("--questions", type=int, default=6)
    parser.add_argument("--prompt", default="v2")
    parser.add_argument("--judge", action="store_true")
    parser.add_argument("--judge-only", action="store_true")
    parser.add_argument("--judge-labelled", action="store_true")
    parser.add_argument("--judge-prompt", default="v2")
    parser.add_argument("--judge-timeout", type=float, default=120.0)
    args = parser.parse_args()
    config = LLMConfig(
        model=args.model, api_base=args.api_base, api_key="x", timeout_seconds=args.timeout,
        num_retries=0, structured_output=args.structured,
    )  # fmt: skip
    print(f"os.cpu_count()={os.cpu_count()} model={args.model} at {args.api_base} "
          f"structured_output={args.structured}")  # fmt: skip
    if not args.judge_only:
        await generation(config, args)
    if args.judge or args.judge_only:
        await judging(config, args)


if __name__ == "__main__":
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    asyncio.run(main())
