"""Data categories in fideslang's taxonomy (https://ethyca.github.io/fideslang/): the words the
source manifests and the prompt manifests use for what they read and what they send.

Categories are dotted keys (`user.contact.email`); a key covers itself and everything below it
(`user.contact` covers `user.contact.email`). The taxonomy is fideslang's own default, loaded
lazily (the package takes a few hundred milliseconds to import).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

CONTENT = "user.content.private"  # what people wrote: subjects, titles, commit messages
CONTACT = "user.contact"
EMAIL = "user.contact.email"
NAME = "user.name"
JOB_TITLE = "user.job_title"
WORKPLACE = "user.workplace"
UNIQUE_ID = "user.unique_id"
OPERATIONS = "system.operations"


@cache
def taxonomy_categories() -> frozenset[str]:
    """Every data category fideslang's default taxonomy defines."""
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    return frozenset(category.fides_key for category in DEFAULT_TAXONOMY.data_category)


def unknown_categories(keys: Iterable[str]) -> list[str]:
    """The keys that are not categories of the taxonomy, sorted."""
    known = taxonomy_categories()
    return sorted({key for key in keys if key not in known})


def covers(ancestor: str, key: str) -> bool:
    """`user.contact` covers `user.contact` and `user.contact.email`, not `user.contacts`."""
    return key == ancestor or key.startswith(f"{ancestor}.")


def covered_by_any(key: str, ancestors: Iterable[str]) -> bool:
    return any(covers(ancestor, key) for ancestor in ancestors)
