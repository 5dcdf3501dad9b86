"""The load benchmark's server: `deskguard serve`'s app over a large synthetic organisation.

    python -m bench.synthetic_tenant --port P [--workers N]

Bench-side wiring only: the product serves the demo tenant or real connectors; this serves
`context.demo.build_org(seed, now, size)` (what `deskguard eval` builds, evals/runner.py
make_org) through `build_runtime(org=...)`, run by uvicorn as `deskguard serve` runs it
(api/serving.py). The organisation comes from BENCH_EMPLOYEES, BENCH_SEED and BENCH_NOW (ISO
8601, so every worker builds the same one); settings from DESKGUARD_* as usual; the schema is
upgraded by the caller beforehand.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime

from fastapi import FastAPI

FACTORY = "bench.synthetic_tenant:app"


def app() -> FastAPI:
    """One worker's app (uvicorn's factory)."""
    from api.logging import configure_logging
    from api.main import create_app
    from api.runtime import build_runtime
    from api.settings import get_settings
    from context.demo import build_org

    settings = get_settings()
    configure_logging(settings.log_level, json_logs=True)
    org = build_org(
        seed=int(os.environ["BENCH_SEED"]),
        now=datetime.fromisoformat(os.environ["BENCH_NOW"]),
        size=int(os.environ["BENCH_EMPLOYEES"]),
    )
    return create_app(build_runtime(settings, org=org, migrate=False))


def main() -> None:
    from api.serving import run_uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    served = app() if args.workers == 1 else FACTORY  # as `deskguard serve` does
    run_uvicorn(served, host="127.0.0.1", port=args.port, workers=args.workers)


if __name__ == "__main__":
    main()
