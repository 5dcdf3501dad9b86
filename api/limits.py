"""Throttling and velocity: sliding-window counts of distinct members per key. Kept in the
database, or in Redis when DESKGUARD_REDIS_URL is set so replicas share them.

One operation serves both needs: `add_all(hits)` records each hit's member under its key and
answers how many distinct members each key saw within its window, in one write (one commit, or
one Redis transaction) however many keys a request counts. A rate limit adds a fresh member per
event (so it counts events); a velocity check adds the employee (so it counts employees per
caller number or ticket)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import structlog
from sqlalchemy import Select, delete, func, select

from api.errors import LimitsUnavailable, RateLimited
from api.metrics import RATE_LIMITED
from api.settings import LimitSettings
from api.storage import Database, LimitHitRow

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Hit:
    key: str
    member: str
    window: timedelta


class LimitStore(Protocol):
    def add_all(self, hits: Sequence[Hit], *, now: datetime) -> list[int]: ...

    def count(self, key: str, *, now: datetime, window: timedelta) -> int: ...


class DatabaseLimits:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_all(self, hits: Sequence[Hit], *, now: datetime) -> list[int]:
        """Every hit recorded and every key counted in one transaction."""
        with self.db.session() as session, session.begin():
            for hit in hits:
                old = LimitHitRow.key == hit.key, LimitHitRow.at <= now - hit.window
                session.execute(delete(LimitHitRow).where(*old))
                session.add(LimitHitRow(key=hit.key, member=hit.member, at=now))
            session.flush()
            return [int(session.scalar(_distinct(h.key, now, h.window)) or 0) for h in hits]

    def count(self, key: str, *, now: datetime, window: timedelta) -> int:
        with self.db.session() as session:
            return int(session.scalar(_distinct(key, now, window)) or 0)


def _distinct(key: str, now: datetime, window: timedelta) -> Select[int]:
    return select(func.count(func.distinct(LimitHitRow.member))).where(
        LimitHitRow.key == key, LimitHitRow.at > now - window
    )


class RedisLimits:
    """A sorted set per key: member -> time seen (seconds); old members trimmed on each call.
    Redis failing is a failure (503 limits_unavailable), never a limit that does not apply."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self._errors = (redis.RedisError,)

    def add_all(self, hits: Sequence[Hit], *, now: datetime) -> list[int]:
        """Every hit in one MULTI/EXEC transaction (one round trip)."""
        at = now.timestamp()
        pipe = self.redis.pipeline(transaction=True)
        for hit in hits:
            name = self.prefix + hit.key
            pipe.zadd(name, {hit.member: at})
            pipe.zremrangebyscore(name, "-inf", at - hit.window.total_seconds())
            pipe.zcard(name)
            pipe.expire(name, int(hit.window.total_seconds()) + 1)
        try:
            replies = pipe.execute() if hits else []
        except self._errors as exc:
            raise _unavailable(exc) from None
        return [int(replies[4 * n + 2]) for n in range(len(hits))]

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
        self.store.add_all([Hit(f"auth:{client}", event(), window)], now=self.now)

    def start(
        self,
        *,
        employee: str,
        ticket: str | None,
        caller: str | None,
        agent: str,
        velocity_window: timedelta,
    ) -> Velocity:
        """Counts this start against each limit and the employee against its calling number and
        ticket, in one write; 429 when a limit is exceeded, else the velocity counts."""
        window = timedelta(seconds=self.settings.window_seconds)
        s = self.settings
        limits = [
            (limit, Hit(f"start:{limit}:{key}", event(), window), most)
            for limit, key, most in (
                ("employee", employee, s.starts_per_employee),
                ("ticket", ticket, s.starts_per_ticket),
                ("caller", caller, s.starts_per_caller),
                ("agent", agent, s.starts_per_agent),
            )
            if key is not None and most
        ]
        velocity = [
            (kind, Hit(f"velocity:{kind}:{key}", employee, velocity_window))
            for kind, key in (("caller", caller), ("ticket", ticket))
            if key is not None
        ]
        hits = [hit for _, hit, _ in limits] + [hit for _, hit in velocity]
        counts = self.store.add_all(hits, now=self.now)
        for (limit, _, most), seen in zip(limits, counts, strict=False):
            if seen > most:
                raise _limited(limit, f"too many verifications started per {limit}", window)
        seen_by = dict(zip((kind for kind, _ in velocity), counts[len(limits) :], strict=True))
        return Velocity(
            employees_per_caller=seen_by.get("caller", 0),
            employees_per_ticket=seen_by.get("ticket", 0),
        )


@dataclass(frozen=True)
class Velocity:
    """Distinct employees verified under this start's calling number and ticket in the
    policy's window, this one included (0: none given)."""

    employees_per_caller: int = 0
    employees_per_ticket: int = 0


def _limited(limit: str, message: str, window: timedelta) -> RateLimited:
    RATE_LIMITED.labels(limit=limit).inc()
    log.warning("rate_limited", limit=limit)
    return RateLimited(f"{message}; try again later", retry_after=int(window.total_seconds()))
