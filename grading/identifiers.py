"""Identifiers (ticket keys, short commit hashes, numbers): exact after normalisation.

"1423", "ops 1423" and "the VPN cert thing, fourteen twenty-three" all match OPS-1423; OPS-1432
never does, and neither does an answer that hedges between several candidates of the same shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grading.match import Match
from grading.models import Verdict
from grading.normalize import fold, normalize

_TICKET_RE = re.compile(r"^([a-z][a-z0-9]*)[\s\-_]*(\d+)$")
_SHA_RE = re.compile(r"^[0-9a-f]{7,40}$")
_GLUED_RE = re.compile(r"^([a-z]{2,10})(\d+)$")
MIN_SHA_PREFIX = 5


@dataclass(frozen=True)
class _Candidates:
    words: list[str]  # normalised tokens of the answer
    numbers: list[str]  # digit runs, with spoken digit groups joined ("14 23" -> "1423")


def _candidates(response: str) -> _Candidates:
    words = normalize(response).split()
    # "ops1423" typed without a separator: keep the word, add its parts.
    words += [part for w in words if (m := _GLUED_RE.match(w)) for part in m.groups()]
    numbers = [w for w in words if w.isdigit()]
    run: list[str] = []
    for word in [*words, ""]:
        if word.isdigit() and len(word) <= 2:
            run.append(word)
            continue
        if len(run) > 1:
            numbers.append("".join(run))
        run = []
    return _Candidates(words, numbers)


def _strip_zeros(number: str) -> str:
    return number.lstrip("0") or "0"


def _match_number(number: str, project: str | None, found: _Candidates) -> Match | None:
    target = _strip_zeros(number)
    hits = [n for n in found.numbers if _strip_zeros(n) == target]
    # A different number of the same length is a competing guess ("1423 or 1432").
    rivals = {n for n in found.numbers if len(n) == len(number) and _strip_zeros(n) != target}
    if not hits:
        return None
    if rivals:
        reason = f"several candidate identifiers ({number}, {sorted(rivals)[0]}): a hedge"
        return Match(Verdict.INCORRECT, 0.0, "identifier.hedged", reason, flags=("hedged",))
    if project is not None:
        label = f"{project.upper()}-{number}"
        how = "with project key" if project in found.words else "by number"
        return Match(Verdict.CORRECT, 1.0, "identifier.exact", f"identifier {label} matched {how}")
    return Match(Verdict.CORRECT, 1.0, "identifier.exact", f"number {number} matched exactly")


_KEY_IN_TEXT_RE = re.compile(
    r"\b([A-Za-z][A-Za-z0-9]{0,9})(?:-|_| ?#)(\d+)\b"  # DEV-1423, dev_1423, DEV #1423
    r"|\b([A-Z][A-Z0-9]{1,9}) (\d+)\b"  # DEV 1423 (upper case: a key, not a word)
    r"|\b([A-Za-z]{2,10})(\d+)\b"  # dev1423
)


def _wrong_project(project: str, number: str, response: str) -> bool:
    """'DEV-1423' for OPS-1423: a written key with another project in front of the number."""
    for m in _KEY_IN_TEXT_RE.finditer(response):
        prefix, digits = next((a, b) for a, b in _pairs(m.groups()) if a is not None)
        if _strip_zeros(digits) == _strip_zeros(number) and fold(prefix) != project:
            return True
    return False


def _pairs(groups: tuple[str | None, ...]) -> list[tuple[str | None, str]]:
    return [(groups[i], groups[i + 1] or "") for i in range(0, len(groups), 2)]


def _match_sha(sha: str, found: _Candidates) -> Match | None:
    compact = "".join(w for w in found.words if len(w) <= 4 and _is_hex(w))
    options = [w for w in found.words if _is_hex(w)] + ([compact] if compact else [])
    rivals = [w for w in options if _hash_like(w) and not _same_sha(sha, w)]
    for option in options:
        if len(option) < MIN_SHA_PREFIX or not _same_sha(sha, option):
            continue
        if rivals:  # "9f3c2ab or 9f3d2ab": two hashes for one commit
            reason = f"several commit hashes ({option[:12]}, {rivals[0][:12]}): a hedge"
            return Match(Verdict.INCORRECT, 0.0, "identifier.hedged", reason, flags=("hedged",))
        reason = f"commit hash prefix {option[:12]} matches ({len(option)} characters)"
        return Match(Verdict.CORRECT, 1.0, "identifier.sha_prefix", reason)
    return None


def _same_sha(sha: str, option: str) -> bool:
    return sha.startswith(option) or option.startswith(sha)


def _hash_like(word: str) -> bool:
    """A hex run long enough to be a short hash, with a digit and a letter (not "added", "42")."""
    return (
        len(word) >= MIN_SHA_PREFIX
        and _is_hex(word)
        and any(c.isdigit() for c in word)
        and any(c.isalpha() for c in word)
    )


def _is_hex(word: str) -> bool:
    return all(ch in "0123456789abcdef" for ch in word)


def _match_one(expected: str, found: _Candidates, response: str) -> Match | None:
    key = " ".join(normalize(expected).split())
    ticket = _TICKET_RE.match(key)
    if ticket and not _SHA_RE.match(key.replace(" ", "")):
        project, number = ticket.group(1), ticket.group(2)
        if project.isdigit():
            project = ""
        if project and _wrong_project(project, number, response):
            return Match(Verdict.INCORRECT, 0.0, "identifier.project", "ticket in another project")
        return _match_number(number, project or None, found)
    if key.isdigit():
        return _match_number(key, None, found)
    if _SHA_RE.match(key):
        return _match_sha(key, found)
    compact_expected = re.sub(r"\W", "", fold(expected))
    compact_answer = re.sub(r"\W", "", " ".join(found.words))
    if compact_expected and compact_expected in compact_answer:
        return Match(Verdict.CORRECT, 1.0, "identifier.exact", "identifier matched exactly")
    return None


def match_identifier(expected: str, variants: list[str], response: str) -> Match:
    found = _candidates(response)
    for option in [expected, *variants]:
        result = _match_one(option, found, response)
        if result is not None:
            return result
    if found.numbers or any(_is_hex(w) and len(w) >= MIN_SHA_PREFIX for w in found.words):
        reason = "the identifier given does not match (a different number or hash)"
    else:
        reason = "no identifier found in the answer"
    return Match(Verdict.INCORRECT, 0.0, "identifier.mismatch", reason)
