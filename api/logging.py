"""Structured logs to stderr (stdout is reserved for command output such as JSON). `serve` logs
JSON lines; every line of a request carries its `request_id` (bound by api/middleware.py), and
the standard library's loggers (uvicorn, SQLAlchemy, Alembic) go through the same renderer."""

from __future__ import annotations

import logging
import sys

import structlog

from api.errors import ConfigurationError

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def level_number(level: str) -> int:
    """A level name in any case ("info", "INFO") as logging's number."""
    name = level.strip().upper()
    if name not in LEVELS:
        raise ConfigurationError(
            f"DESKGUARD_LOG_LEVEL={level!r} is not a log level; use one of {', '.join(LEVELS)}"
        )
    return logging.getLevelNamesMapping()[name]


SHARED: list[structlog.types.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _stderr_logger(*args: object) -> structlog.PrintLogger:
    return structlog.PrintLogger(file=sys.stderr)  # the current stderr, looked up per line


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (a replaced or closed stream is never kept)."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def configure_logging(level: str = "INFO", *, json_logs: bool = False) -> None:
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if json_logs
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    numeric = level_number(level)
    structlog.configure(
        processors=[*SHARED, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    handler = _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*SHARED, structlog.stdlib.add_logger_name],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
