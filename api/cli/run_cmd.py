"""`deskguard demo | serve | grade`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from api.cli.common import run
from api.errors import InvalidInput


def demo() -> None:
    """Run the end-to-end demo on the embedded demo tenant (offline, no API key needed)."""
    from api.demo import DemoRun
    from api.settings import get_settings

    outcomes = DemoRun(get_settings()).run()
    if not all(o.ok for o in outcomes):
        bad = "; ".join(
            f"{o.title}: got {o.decision}, expected {o.expectation}" for o in outcomes if not o.ok
        )
        raise SystemExit(f"demo did not behave as expected: {bad}")
    print("All four calls went as expected.")


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8080, min=1, max=65535, help="Port."),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        help="Worker processes sharing the port (uvicorn); each has its own database pool.",
    ),
    no_migrate: bool = typer.Option(
        False, "--no-migrate", help="Do not upgrade the database schema at start."
    ),
) -> None:
    """Start the HTTP API (on the demo tenant unless DESKGUARD_CONNECTORS says otherwise)."""
    from api.logging import configure_logging
    from api.main import create_app
    from api.runtime import build_runtime
    from api.serving import WORKER_APP, run_uvicorn
    from api.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log_level, json_logs=settings.log_format == "json")
    # Built here whatever the number of workers: the schema is upgraded once, and a bad
    # setting fails now; several workers then build their own (api/serving.py).
    app = create_app(build_runtime(settings, migrate=not no_migrate))
    each = f"{workers} workers" if workers > 1 else "1 worker"
    print(
        f"deskguard on http://{host}:{port} ({each}; connectors: {','.join(settings.connectors)}); "
        f"create a key with: deskguard keys create --role helpdesk",
        file=sys.stderr,
    )
    print(f"help-desk console: http://{host}:{port}/console", file=sys.stderr, flush=True)
    run_uvicorn(app if workers == 1 else WORKER_APP, host=host, port=port, workers=workers)


def grade(
    input_path: Path = typer.Option(..., "--input", help="Grade lines (JSONL); - for stdin."),
) -> None:
    """Grade answers: JSON lines in, JSON lines out; with labels, a confusion summary on stderr."""
    from api.runtime import build_judge
    from api.settings import get_settings
    from grading.batch import LabelledResult, grade_stream, summarise

    if str(input_path) != "-" and not input_path.is_file():
        raise InvalidInput(f"no such file: {input_path}")
    labelled: list[LabelledResult] = []
    handle = sys.stdin if str(input_path) == "-" else input_path.open(encoding="utf-8")
    settings = get_settings()
    timeout = settings.judge_timeout_seconds  # DESKGUARD_JUDGE_TIMEOUT_SECONDS, as the service
    judge = build_judge(settings)
    if judge is not None and not settings.llm.closed:
        from prompts.llm import LiteLLMClient

        run(LiteLLMClient.create())  # the import (seconds) is not the judge's time
    with handle:
        for out, result in grade_stream(handle, judge=judge, timeout=timeout):
            print(out, flush=True)
            if result is not None:
                labelled.append(result)
    if labelled:
        print(summarise(labelled).model_dump_json(indent=2), file=sys.stderr)
