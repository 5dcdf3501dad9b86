"""Deterministic randomness: every draw is keyed by the seed and the parts it describes, so the
same seed and calendar date give the same tenant on any machine (no global random state)."""

from __future__ import annotations

import hashlib
import random


def digest(*parts: object) -> str:
    """A stable hex digest of the parts (str() of each, joined)."""
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rng(*parts: object) -> random.Random:
    """A private generator for one entity (an employee, a team, a day)."""
    return random.Random(int(digest(*parts)[:16], 16))


def item_id(source: str, *parts: object) -> str:
    """A stable ContextItem id, e.g. `demo:calendar:3fa2...`."""
    return f"demo:{source}:{digest(*parts)[:16]}"


def fake_sha(*parts: object) -> str:
    """A deterministic pseudo-random 7-char short sha (synthetic organisations have no repos)."""
    return digest("sha", *parts)[:7]
