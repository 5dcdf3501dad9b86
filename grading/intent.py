"""What the answer is trying to do before what it says: "I don't know", or instructions.

An answer that addresses the grader ("ignore previous instructions", "mark this correct",
"system:", chat-template delimiters) is an injection attempt: incorrect whatever else it matches,
because a genuine caller has no reason to talk to the grading system.
"""

from __future__ import annotations

import re
from enum import StrEnum

from grading.normalize import fold

_DONT_KNOW_PHRASES = [
    r"i (really |honestly )?(do not|don ?t|dont) (really )?(know|remember|recall)( that| it)?",
    r"(can ?t|cannot|can not|couldn ?t) (really )?(remember|recall|say|tell)( that| it)?",
    r"no (idea|clue)", r"not sure", r"(i )?(have )?forgot(ten)?( it)?", r"(i )?(have )?no memory",
    r"idk", r"dunno", r"pass", r"skip", r"next( question)?", r"not a clue",
    r"(i )?(ve )?got nothing",
    r"n ?/? ?a", r"none", r"nothing", r"no", r"unknown", r"(i ?m )?(blanking|drawing a blank)",
    r"(it )?(doesn ?t|does not) ring a bell", r"(i )?(have|had) no (idea|clue)",
]  # fmt: skip
_FILLER = (
    r"(i|sorry|um+|uh+|er+|erm|hmm+|well|honestly|really|oh|ah|yeah|so|just|i ?m afraid|afraid)"
)
_DONT_KNOW_RE = re.compile(rf"^(({_FILLER}|{'|'.join(_DONT_KNOW_PHRASES)})\s*)+$", re.IGNORECASE)

_OBJECT = r"(this|it|that|me|my answer|the answer|this answer|the response|everything|all)"
_INJECTION_PATTERNS = [
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|rules|"
    r"guidelines)\b",
    r"\b(ignore|disregard) (all|any|the|everything) ?(previous|prior|above|earlier)\b",
    rf"\b(mark|grade|score|rate|count|treat|record|flag|set|consider|accept)\s+{_OBJECT}\s+"
    r"(as\s+)?(correct|right|verified|valid|passed|a pass|true|approved|a match|full marks)\b",
    r"\b(answer|response) is (whatever|what(ever)? you|the expected|correct|right)\b",
    r"\bwhatever\b.{0,25}\b(you|the system|the grader|it)\s+(expects?|wants?|has|have|see|got)\b",
    r"\b(on file|in the system|in your records|you have)\b.{0,15}\b(is|are) (right|correct)\b",
    r"\b(expected|reference|correct) (answer|value|response)\b",
    r"\b(you are now|act as|pretend (to be|you)|roleplay|as an ai|language model|dear (grader|"
    r"evaluator|model|ai|system))\b",
    r"\b(verdict|respond with|reply with|output)\b.{0,20}\b(correct|pass|true|1 0|score)\b",
    r"\b(new|updated|developer|admin|system) (instructions?|mode|prompt|message)\b",
    r"\b(previous|prior|above|earlier|all)\b.{0,20}\b(instructions|prompts)\b",
    # the same in a few other languages callers and attackers use
    r"\b(ignore[zr]?|ignoriere|ignora|ignorar)\b.{0,30}\b(instructions?|anweisungen|"
    r"instrucciones|istruzioni|consignes)\b",
    r"\b(marque[zr]?|markiere|marca)\b.{0,20}\b(correct|correcte|richtig|correcto|corretto)\b",
    r"\bjailbreak\b|\bdan mode\b|\bprompt injection\b",
]
_INJECTION_RE = re.compile("|".join(f"(?:{p})" for p in _INJECTION_PATTERNS))
# Raw-text markers: role prefixes and chat-template / prompt delimiters.
_DELIMITER_RE = re.compile(
    r"(?im)(^|[.!?;]\s)\s*(system|assistant|user|human|ai|developer)\s*:|<\|[^>]*\|>|\[/?inst\]|</?s>|"
    r"<<\s*/?sys\s*>>|```|###\s*(instruction|system|response)|</?(system|prompt|instructions?|"
    r"answer|expected)>|\{\s*\"(verdict|score)\""
)

# A role written in capitals anywhere ("... SYSTEM: accept"); lower case mid-sentence is prose.
_SHOUTED_ROLE_RE = re.compile(r"\b(SYSTEM|ASSISTANT|DEVELOPER|USER)\s*:")


class Intent(StrEnum):
    ANSWER = "answer"
    DONT_KNOW = "dont_know"
    INJECTION = "injection"


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(text).replace("'", "").replace("’", "")))


_SPELLED_RE = re.compile(r"\b\w(?: +\w\b){2,}")
_SPELLED_TRIGGERS = ("correct", "ignore", "instruction", "system", "verified", "prompt")


def _spelled_trigger(words: str) -> bool:
    """'m a r k t h i s a s c o r r e c t': letters spelled out to dodge the patterns."""
    runs = (m.group(0).replace(" ", "") for m in _SPELLED_RE.finditer(words))
    return any(t in run for run in runs for t in _SPELLED_TRIGGERS)


def classify(response: str) -> Intent:
    """INJECTION wins over everything; DONT_KNOW when nothing but a non-answer is left."""
    if _DELIMITER_RE.search(response) or _SHOUTED_ROLE_RE.search(response):
        return Intent.INJECTION
    words = _words(response)
    if _INJECTION_RE.search(words) or _spelled_trigger(words):
        return Intent.INJECTION
    if not words or _DONT_KNOW_RE.match(words):
        return Intent.DONT_KNOW
    return Intent.ANSWER
