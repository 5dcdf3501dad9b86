"""How an answer is said before what it says: alternatives offered, things denied, corrections.

"ITOPS-4173 or 4174", "either the store closure review or the daily huddle", "maybe Tuesday,
maybe Wednesday" offer several candidates: an informed guesser covers two facts with one answer,
so the cascade grades each candidate and accepts only when all are right. "Not X", "it wasn't X",
"no, not the Joliet one" deny X: the denied part never counts for the answer, and denying the
expected answer makes it wrong. "Tuesday, no wait, Wednesday" keeps what the caller settled on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from grading.normalize import fold

# "or something", "or so": vagueness, not a second candidate.
_VAGUE_OR_RE = re.compile(
    r"\bor (something|so|thereabouts|whatever|similar|other|around then|the like|close to that)"
    r"( like that| along those lines| to that effect)?\b",
    re.IGNORECASE,
)
_CORRECTION_RE = re.compile(
    r"[,;.!]\s*(?:no,? wait|wait,? no|no sorry|sorry|i mean|or rather|actually|correction)\b[,\s]*",
    re.IGNORECASE,
)
_EITHER_RE = re.compile(r"^\s*(?:it was |it's |i think )?either\b", re.IGNORECASE)
_OR_RE = re.compile(r"\s*,?\s*\bor(?: maybe| possibly| perhaps| was it| else)?\b\s*", re.IGNORECASE)
_MAYBE_RE = re.compile(r"\b(?:maybe|perhaps|possibly)\b", re.IGNORECASE)
_THEN_MAYBE_RE = re.compile(r"[,;]\s*(?:or\s+)?(?:maybe|perhaps|possibly)\b", re.IGNORECASE)
# "X/Y" offers two; "24/11" is a date, left whole (a number on both sides).
_SLASH_RE = re.compile(r"\s*/\s*(?!\d)|(?<!\d)\s*/\s*")

# Negation: a negator, then what is denied, up to a clause boundary.
_NEGATOR = (
    r"\b(?:not|never|no longer|"
    r"(?:was|is|were|are|did|does|do|has|have|had|could|would)(?:n['’]?t| not))\b"
)
_HEDGE_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:sure|certain|positive|mistaken|remember|recall|know|quote|100|"
    r"exactly sure|quite sure|entirely sure)\b",
    re.IGNORECASE,
)
_NEGATION_RE = re.compile(_NEGATOR, re.IGNORECASE)
_BELIEF_RE = re.compile(
    r"^\s*(?:think|believe|reckon)\s+(?:that\s+)?(?:it\s+was|it's|it\s+is|they\s+were)?\s*",
    re.IGNORECASE,
)
_POINTER_RE = re.compile(r"^(?:that|this|it)(?: one)?(?: either)?\W*$", re.IGNORECASE)
_CLAUSE_RE = re.compile(r"[,;.!?]|\b(?:but|rather|instead)\b", re.IGNORECASE)
_BOUNDARY_RE = re.compile(
    r"[,;.!?]|\b(?:but|rather|instead|it was|it's|it is|that was|was it)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Reading:
    affirmed: str  # what the caller says it was (denied parts removed, corrections applied)
    denied: list[str] = field(default_factory=list)  # what the caller says it was not
    candidates: list[str] = field(default_factory=list)  # 2+ when alternatives are offered


def _settled(response: str) -> str:
    """After a self-correction, only what the caller settled on."""
    parts = _CORRECTION_RE.split(response)
    last = parts[-1].strip()
    return last if len(parts) > 1 and last else response


def _negations(text: str) -> tuple[str, list[str]]:
    """The text with denied spans cut out, and the spans."""
    denied: list[str] = []
    kept: list[str] = []
    pos = 0
    for m in _NEGATION_RE.finditer(text):
        if m.start() < pos:
            continue
        rest = text[m.end() :]
        if _HEDGE_AFTER.match(rest):
            continue  # "not sure", "don't remember exactly": about the caller, not the answer
        belief = _BELIEF_RE.match(rest)  # "don't think it was X": X is denied
        if belief:
            rest = rest[belief.end() :]
        end = (_CLAUSE_RE if belief else _BOUNDARY_RE).search(rest)
        start = m.end() + (belief.end() if belief else 0)
        span_end = start + (end.start() if end else len(rest))
        before, span = text[pos : m.start()], text[start:span_end].strip()
        if _POINTER_RE.match(span):  # "OPS-1423? no, not that one": denies what came before
            span, before = " ".join([*kept, before]).strip(), ""
            kept = []
        kept.append(before)
        if span:
            denied.append(span)
        pos = span_end
    kept.append(text[pos:])
    return " ".join(k.strip() for k in kept if k.strip()), denied


def _alternatives(text: str, or_is_literal: bool, slash_is_literal: bool) -> list[str]:
    text = _EITHER_RE.sub("", _VAGUE_OR_RE.sub("", text))
    parts = [text] if or_is_literal else _OR_RE.split(text)
    if len(parts) > 1:  # "A, B or C": the commas list candidates too
        parts = [p for part in parts for p in re.split(r"[,;]", part)]
    if len(_MAYBE_RE.findall(text)) >= 2:  # "maybe X, maybe Y"
        parts = [p for part in parts for p in _MAYBE_RE.split(part)]
    parts = [p for part in parts for p in _THEN_MAYBE_RE.split(part)]  # "X, maybe Y"
    if not slash_is_literal:
        parts = [p for part in parts for p in _SLASH_RE.split(part)]
    return [c for c in (p.strip(" ,;.?!") for p in parts) if re.search(r"\w", c)]


def _has_word(pattern: str, texts: list[str]) -> bool:
    return any(re.search(pattern, fold(t)) for t in texts)


def read_answer(response: str, expected: list[str]) -> Reading:
    """`expected`: the expected answer and its variants (their own "or", "/" or "not" are
    words of the answer, not alternatives or negations)."""
    text = _settled(response)
    denied: list[str] = []
    if not _has_word(_NEGATOR, expected):
        text, denied = _negations(text)
    candidates = _alternatives(
        text,
        or_is_literal=_has_word(r"\bor\b", expected),
        slash_is_literal=_has_word(r"/", expected),
    )
    return Reading(text, denied, candidates if len(candidates) > 1 else [])
