"""Structured logs to stderr (stdout is reserved for command output such as JSON)."""

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


def configure_logging(level: str = "INFO", *, json_logs: bool = False) -> None:
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if json_logs
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level_number(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
