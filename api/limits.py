"""Throttling and velocity: sliding-window counts of distinct members per key. Kept in the
database, or in Redis when DESKGUARD_REDIS_URL is set so replicas share them.

One operation serves both needs: `add(key, member)` records a member under a key and answers
how many distinct members the key saw within the window. A rate limit adds a fresh member per
event (so it counts events); a velocity check adds the employee (so it counts employees per
caller number or ticket)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Protocol

import structlog
from sqlalchemy import delete, func, select

from api.errors import LimitsUnavailable, RateLimited
from api.metrics import RATE_LIMITED
from api.settings import LimitSettings
from api.storage import Database, LimitHitRow

log = structlog.get_logger(__name__)


class LimitStore(Protocol):
    def add(self, key: str, member: str, *, now: datetime, window: timedelta) -> int: ...

    def count(self, key: str, *, now: datetime, window: timedelta) -> int: ...


class DatabaseLimits:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, key: str, member: str, *, now: datetime, window: timedelta) -> int:
        with self.db.session() as session, session.begin():
            session.execute(
                delete(LimitHitRow).where(LimitHitRow.key == key, LimitHitRow.at <= now - window)
            )
            session.add(LimitHitRow(key=key, member=member, at=now))
        return self.count(key, now=now, window=window)

    def count(self, key: str, *, now: datetime, window: timedelta) -> int:
        query = select(func.count(func.distinct(LimitHitRow.member))).where(
            LimitHitRow.key == key, LimitHitRow.at > now - window
        )
        with self.db.session() as session:
            return int(session.scalar(query) or 0)


class RedisLimits:
    """A sorted set per key: member -> time seen (seconds); old members trimmed on each call.
    Redis failing is a failure (503 limits_unavailable), never a limit that does not apply."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self._errors = (redis.RedisError,)

    def add(self, key: str, member: str, *, now: datetime, window: timedelta) -> int:
        name, at = self.prefix + key, now.timestamp()
        pipe = self.redis.pipeline(transaction=True)
        pipe.zadd(name, {member: at})
        pipe.zremrangebyscore(name, "-inf", at - window.total_seconds())
        pipe.zcard(name)
        pipe.expire(name, int(window.total_seconds()) + 1)
        try:
            return int(pipe.execute()[2])
        except self._errors as exc:
            raise _unavailable(exc) from None

    def count(self, key: str, *, now: datetime, window: timedelta) -> int:
        name, at = self.prefix + key, now.timestamp()
        try:
            return int(self.redis.zcount(name, f"({at - window.total_seconds()}", "+inf"))
        except self._errors as exc:
            raise _unavailable(exc) from None

    def ping(self) -> None:
        try:
            self.redis.ping()
        except self._errors as exc:
            raise _unavailable(exc) from None


def _unavailable(exc: Exception) -> LimitsUnavailable:
    log.error("limits_unavailable", error=type(exc).__name__)
    return LimitsUnavailable(
        "the shared rate-limit store did not answer; nothing was started: try again"
    )


def event() -> str:
    """A fresh member: each event counts once."""
    return uuid.uuid4().hex


class Throttle:
    """The limits and velocity counts of one request, against one store."""

    def __init__(self, store: LimitStore, settings: LimitSettings, now: datetime) -> None:
        self.store, self.settings, self.now = store, settings, now

    def refuse_if_locked_out(self, client: str) -> None:
        """Too many failed authentications from this address: 429 before the key is looked at."""
        window = timedelta(seconds=self.settings.auth_window_seconds)
        limit = self.settings.auth_failures_per_client
        if limit and self.store.count(f"auth:{client}", now=self.now, window=window) >= limit:
            raise _limited("auth", "too many failed authentications from this address", window)

    def authentication_failed(self, client: str) -> None:
        window = timedelta(seconds=self.settings.auth_window_seconds)
        self.store.add(f"auth:{client}", event(), now=self.now, window=window)

    def start(self, *, employee: str, ticket: str | None, caller: str | None, agent: str) -> None:
        """Counts this start against each limit; 429 when one is exceeded."""
        window = timedelta(seconds=self.settings.window_seconds)
        s = self.settings
        for limit, key, most in (
            ("employee", employee, s.starts_per_employee),
            ("ticket", ticket, s.starts_per_ticket),
            ("caller", caller, s.starts_per_caller),
            ("agent", agent, s.starts_per_agent),
        ):
            if key is None or not most:
                continue
            if self.store.add(f"start:{limit}:{key}", event(), now=self.now, window=window) > most:
                raise _limited(limit, f"too many verifications started per {limit}", window)

    def employees_per(self, kind: str, key: str | None, employee: str, window: timedelta) -> int:
        """Distinct employees verified under this caller number or ticket, this one included."""
        if key is None:
            return 0
        return self.store.add(f"velocity:{kind}:{key}", employee, now=self.now, window=window)


def _limited(limit: str, message: str, window: timedelta) -> RateLimited:
    RATE_LIMITED.labels(limit=limit).inc()
    log.warning("rate_limited", limit=limit)
    return RateLimited(f"{message}; try again later", retry_after=int(window.total_seconds()))
