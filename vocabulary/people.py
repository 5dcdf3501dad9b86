"""How a list of people is written in an expected answer: "Alice Jones, Bob Smith",
"Alice Jones and Bob Smith" and "Alice Jones & Bob Smith" name the same two people. The question
checks and the grader both read expected answers through `split_people`."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r",|&|\band\b", re.IGNORECASE)


def split_people(expected: str) -> list[str]:
    """The names in an expected answer, stripped, in order."""
    return [name.strip() for name in _SEPARATORS.split(expected) if name.strip()]
