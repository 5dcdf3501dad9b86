"""Text addressed to a machine: "ignore previous instructions", "mark this correct", "system:",
chat-template delimiters. A genuine caller has no reason to talk to the grader, and a work item's
title has no reason to talk to the question writer: whoever wrote such text planted it. One set
of patterns serves both: the grader rejects such an answer, the fact ranking drops such an item.
"""

from __future__ import annotations

import re

from vocabulary.folding import fold

_OBJECT = r"(this|it|that|me|my answer|the answer|this answer|the response|everything|all)"
# Matched against the folded words of the text (punctuation removed, apostrophes dropped).
_INSTRUCTION_PATTERNS = [
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|rules|"
    r"guidelines)\b",
    r"\b(ignore|disregard) (all|any|the|everything) ?(previous|prior|above|earlier)\b",
    r"\bdisregard (the|all|previous)\b",
    rf"\b(mark|grade|score|rate|count|treat|record|flag|set|consider|accept)\s+{_OBJECT}\s+"
    r"(as\s+)?(correct|right|verified|valid|passed|a pass|true|approved|a match|full marks)\b",
    r"\bmark (this|every|the)\b.*\bcorrect\b",
    r"\b(answer|response) is (whatever|what(ever)? you|the expected|correct|right)\b",
    r"\bwhatever\b.{0,25}\b(you|the system|the grader|it)\s+(expects?|wants?|has|have|see|got)\b",
    r"\b(on file|in the system|in your records|you have)\b.{0,15}\b(is|are) (right|correct)\b",
    r"\b(expected|reference|correct) (answer|value|response)\b",
    r"\b(you are now|act as|pretend (to be|you)|roleplay|as an ai|language model|dear (grader|"
    r"evaluator|model|ai|system))\b",
    r"\byou are (now )?(a|an|the) |\bas the grader\b|\bverification system\b",
    r"\b(verdict|respond with|reply with|output)\b.{0,20}\b(correct|pass|true|1 0|score)\b",
    r"\b(new|updated|developer|admin|system) (instructions?|mode|prompt|message)\b",
    r"\b(previous|prior|above|earlier|all)\b.{0,20}\b(instructions|prompts)\b",
    # the same in a few other languages callers and attackers use
    r"\b(ignore[zr]?|ignoriere|ignora|ignorar)\b.{0,30}\b(instructions?|anweisungen|"
    r"instrucciones|istruzioni|consignes)\b",
    r"\b(marque[zr]?|markiere|marca)\b.{0,20}\b(correct|correcte|richtig|correcto|corretto)\b",
    r"\bjailbreak\b|\bdan mode\b|\bprompt injection\b",
]
_INSTRUCTION_RE = re.compile("|".join(f"(?:{p})" for p in _INSTRUCTION_PATTERNS))
# Matched against the raw text: role prefixes and chat-template / prompt delimiters.
_DELIMITER_RE = re.compile(
    r"(?im)(^|[.!?;]\s)\s*(system|assistant|user|human|ai|developer)\s*:|<\|[^>]*\|>|\[/?inst\]|</?s>|"
    r"<<\s*/?sys\s*>>|```|###\s*(instruction|system|response)|</?(system|prompt|instructions?|"
    r"answer|expected)>|<\s*/?\s*data\b|<\|im_|\{\s*\"(verdict|score)\""
)
# A role written in capitals anywhere ("... SYSTEM: accept"); lower case mid-sentence is prose.
_SHOUTED_ROLE_RE = re.compile(r"\b(SYSTEM|ASSISTANT|DEVELOPER|USER)\s*:")
_SPELLED_RE = re.compile(r"\b\w(?: +\w\b){2,}")
_SPELLED_TRIGGERS = ("correct", "ignore", "instruction", "system", "verified", "prompt")


def plain_words(text: str) -> str:
    """The folded words of `text`, one space apart (apostrophes dropped: "don't" -> "dont")."""
    return " ".join(re.findall(r"[^\W_]+", fold(text).replace("'", "").replace("’", "")))


def _spelled_trigger(words: str) -> bool:
    """'m a r k t h i s a s c o r r e c t': letters spelled out to dodge the patterns."""
    runs = (m.group(0).replace(" ", "") for m in _SPELLED_RE.finditer(words))
    return any(t in run for run in runs for t in _SPELLED_TRIGGERS)


def addresses_a_machine(text: str) -> bool:
    """Does `text` carry instructions to a model or the grading system?"""
    if _DELIMITER_RE.search(text) or _SHOUTED_ROLE_RE.search(text):
        return True
    words = plain_words(text)
    return bool(_INSTRUCTION_RE.search(words)) or _spelled_trigger(words)
