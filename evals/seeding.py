"""Seeded randomness for simulated callers: the same parts always give the same draws."""

from __future__ import annotations

import hashlib
import random


def stable_rng(*parts: object) -> random.Random:
    """A generator seeded by the parts' text, identical across runs and configurations."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))
