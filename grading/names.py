"""Is a spoken first name another person's name rather than a slip for the expected one?

A one-letter difference is usually a typo ("Alise" for Alice) but sometimes another name
entirely: Robert / Roberta, Paul / Paula, Daniel / Daniela, Alejandro / Alejandra. Two checks
work without any directory:

- a gendered ending: the names share a stem and differ only in a final vowel ("-a", "-o", "-e")
  -> a different person, never a typo;
- a known first name: the spoken name is itself a first name in the `nicknames` dataset
  (carltonnorthern/nicknames, about 2,500 English given names) or the curated nickname table,
  and not a form of the expected name -> another name, which only a reviewer may accept.
"""

from __future__ import annotations

import re
from functools import cache

from grading.nicknames import forms, table_names

_ENDING_RE = re.compile(r"^(.*?[^aeiouy])([aeiouy]*)$")


@cache
def known_first_names() -> frozenset[str]:
    """Every first name of the nicknames dataset and of the curated table (folded)."""
    from nicknames import name_triplets

    names = {n for t in name_triplets() for n in (t.name1, t.name2)}
    return frozenset(n.casefold() for n in names | set(table_names()) if n.isalpha())


@cache
def _dataset_relations() -> dict[str, frozenset[str]]:
    """name -> its nicknames and canonical names in the dataset (one hop, both ways)."""
    from nicknames import name_triplets

    out: dict[str, set[str]] = {}
    for t in name_triplets():
        out.setdefault(t.name1, set()).add(t.name2)
        out.setdefault(t.name2, set()).add(t.name1)
    return {name: frozenset(related) for name, related in out.items()}


def _related(a: str, b: str) -> bool:
    """One hop apart in the dataset ("Katarina" / "Catherine"). The dataset is generous (it
    relates Louis and Louise), so this only excuses a known name, never a gendered pair."""
    return b in forms(a) or b in _dataset_relations().get(a, frozenset())


def gendered_pair(a: str, b: str) -> bool:
    """Robert/Roberta, Alejandro/Alejandra, Louis/Louise: one stem, different final vowels."""
    ma, mb = _ENDING_RE.match(a), _ENDING_RE.match(b)
    if ma is None or mb is None or a == b or b in forms(a):
        return False
    return ma.group(1) == mb.group(1) and len(ma.group(1)) >= 3


def another_known_name(expected: str, said: str, extra: frozenset[str] = frozenset()) -> bool:
    """`said` is a first name in its own right (in the lists or in `extra`, the directory's
    first names), not a form of `expected`."""
    known = said in known_first_names() or said in extra
    return said != expected and known and not _related(expected, said)
