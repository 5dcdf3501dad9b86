"""`deskguard serve`: uvicorn, in this process or in N worker processes (`--workers N`).

One worker serves the app built here. Several share the listening socket, each building its
own runtime (its own connection pool and worker threads) from the same DESKGUARD_* settings
through `worker_app`; the schema is upgraded once here first, and the runtime built here once
too (a bad setting fails before any worker starts; the demo tenant's repositories exist before
the workers read them). What several workers share lives in the database (limits, the audit
chain, grading claims), as it does for several replicas: SQLite in WAL mode, or PostgreSQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

WORKER_APP = "api.serving:worker_app"


def worker_app() -> FastAPI:
    """The app of one worker process (uvicorn's factory): settings from the environment, the
    schema already upgraded by the parent."""
    from api.logging import configure_logging
    from api.main import create_app
    from api.runtime import build_runtime
    from api.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log_level, json_logs=settings.log_format == "json")
    return create_app(build_runtime(settings, migrate=False))


def run_uvicorn(app: FastAPI | str, *, host: str, port: int, workers: int) -> None:
    """uvicorn as deskguard runs it. `app` is the app (one worker) or the import string of an
    app factory (any number of workers). uvicorn's own loggers go through ours (JSON); the
    access line is api/middleware.py's. proxy_headers off: uvicorn would otherwise believe
    X-Forwarded-For from 127.0.0.1 whatever DESKGUARD_TRUSTED_PROXIES says
    (api/client_address.py is the one home of that rule)."""
    import uvicorn

    factory = isinstance(app, str)
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=workers if factory else None,
        factory=factory,
        log_config=None,
        access_log=False,
        proxy_headers=False,
    )
