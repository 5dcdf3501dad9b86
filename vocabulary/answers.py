"""What kind of answer a question expects, and what the grader made of an answer."""

from __future__ import annotations

from enum import StrEnum


class AnswerKind(StrEnum):
    IDENTIFIER = "identifier"  # ticket keys, hashes, numbers: exact after normalisation
    PERSON = "person"  # one or several people, comma-separated
    DATETIME = "datetime"  # ISO 8601 expected value
    TEXT = "text"


class Verdict(StrEnum):
    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
