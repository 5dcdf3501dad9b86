"""The privacy filter: what leaves collection is normal-sensitivity, not cancelled, not about a
special category of personal data or another sensitive matter (context/special_categories.py, in
five languages, on the title and every free-text field) nor a configured pattern, not of uncertain
nature, and carries only the fields a question can use.

Every drop is counted by reason so the privacy reviewer can see what was excluded and why."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from context.models import ContextItem, Sensitivity
from context.special_categories import Lexicon, default_lexicon

# The typed keys a question can ask for exactly, and the few other fields it may use. Anything a
# connector adds beyond these (a body, a web link, a raw payload) never reaches a question.
ALLOWED_IDENTIFIERS: frozenset[str] = frozenset(
    {"ticket_key", "project", "repository", "branch", "sha", "status_from", "status_to", "store"}
)
ALLOWED_EXTRA: frozenset[str] = frozenset(
    {"location", "files", "issue_type", "meeting_response"}
    # shift facts (context/connectors/shift_items.py) and IT tickets (itsm_items.py)
    | {"shift_event", "store", "department", "state", "category", "assignment_group"}
    | {"resolved_at"}
)

DROP_SENSITIVITY = "sensitivity"
DROP_CANCELLED = "cancelled"
DROP_SENSITIVE_TITLE = "sensitive_title"  # a configured extra pattern
DROP_SPECIAL = "special_category"  # reasons read "special_category:health", ...
# Free-text extras a classifier reads besides the title (file paths are code, not prose).
FREE_TEXT_EXTRA: frozenset[str] = frozenset({"location", "issue_type"})


def compile_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """Compile sensitive-title patterns case-insensitively; a bad pattern is a configuration
    error and says which one."""
    compiled: list[re.Pattern[str]] = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise ValueError(f"invalid sensitive pattern {pattern!r}: {exc}") from exc
    return compiled


def drop_reason(
    item: ContextItem,
    patterns: Sequence[re.Pattern[str]],
    lexicon: Lexicon | None = None,
    categories: Collection[str] | None = None,
) -> str | None:
    """Why an item must not be used, or None when it may. `categories` limits which special
    categories drop an item (None: all, and `uncertain` always counts)."""
    if item.sensitivity is not Sensitivity.NORMAL:
        return DROP_SENSITIVITY
    if item.cancelled:
        return DROP_CANCELLED
    texts = [item.title, *(v for k, v in item.extra.items() if k in FREE_TEXT_EXTRA)]
    found = (lexicon or default_lexicon()).classify(*texts)
    if found and (
        categories is None or found.category in categories or found.category == "uncertain"
    ):
        return f"{DROP_SPECIAL}:{found.category}"
    if any(p.search(text) for p in patterns for text in texts):
        return DROP_SENSITIVE_TITLE
    return None


def minimise(item: ContextItem) -> ContextItem:
    """Keep only whitelisted identifier and extra keys."""
    identifiers = {k: v for k, v in item.identifiers.items() if k in ALLOWED_IDENTIFIERS}
    extra = {k: v for k, v in item.extra.items() if k in ALLOWED_EXTRA}
    if identifiers == item.identifiers and extra == item.extra:
        return item
    return item.model_copy(update={"identifiers": identifiers, "extra": extra})


def filter_items(
    items: Iterable[ContextItem],
    *,
    sensitive_patterns: Sequence[str],
    special_categories: Collection[str] | None = None,
) -> tuple[list[ContextItem], dict[str, int]]:
    """Return the items a question may use (minimised) and the count dropped per reason."""
    patterns = compile_patterns(sensitive_patterns)
    lexicon = default_lexicon()
    kept: list[ContextItem] = []
    dropped: Counter[str] = Counter()
    for item in items:
        reason = drop_reason(item, patterns, lexicon, special_categories)
        if reason is None:
            kept.append(minimise(item))
        else:
            dropped[reason] += 1
    return kept, dict(dropped)
