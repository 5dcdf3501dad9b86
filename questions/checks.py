"""Checks every question passes before use, whichever engine wrote it.

- grounded: the expected answer is supported by the cited items' fields (checked here,
  deterministically, never by trusting the model);
- no leak: the text neither contains its own answer nor another question's, nor names one of
  the few people who know the answer;
- once: no two questions rest on one fact or expect one answer;
- not public: the answer is not derivable from the public profile or company facts;
- the set: NIST SP 800-63A-3 5.3.2 shape (enough questions, diverse sources and days).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from dateutil import parser as dateparser

from context.models import ContextItem
from questions.exposure import repeats
from questions.facts import distinctive_words, word_parts, words
from questions.models import DroppedQuestion, Question
from vocabulary.people import split_people


def _item_strings(item: ContextItem) -> list[str]:
    values = [item.title, *item.identifiers.values(), *item.extra.values()]
    values += [p.name for p in item.participants] + [p.email or "" for p in item.participants]
    return [v for v in values if v]


def grounded(question: Question, items: Mapping[str, ContextItem]) -> str | None:
    """None when supported; otherwise why not."""
    cited = [items[i] for i in question.evidence if i in items]
    if not cited or len(cited) != len(question.evidence):
        return "cites evidence that was not in the employee's context"
    if question.kind == "datetime":
        return _grounded_time(question.expected, cited)
    if question.kind == "person":
        people = {p.name.lower() for item in cited for p in item.participants}
        missing = [n for n in split_people(question.expected) if n.lower() not in people]
        return f"names not among the cited items' participants: {missing}" if missing else None
    haystack = " ".join(s for item in cited for s in _item_strings(item)).lower()
    if question.kind == "identifier":
        ok = question.expected.lower() in haystack
        return None if ok else "identifier not present in the cited items"
    needed = set(distinctive_words(question.expected)) or set(words(question.expected))
    present = set(words(haystack))
    coverage = len(needed & present) / max(len(needed), 1)
    return None if coverage >= 0.8 else f"only {coverage:.0%} of the answer's words are cited"


def _grounded_time(expected: str, cited: Sequence[ContextItem]) -> str | None:
    try:
        moment = dateparser.isoparse(expected)
    except ValueError:
        return "expected time is not ISO 8601"
    times: list[datetime] = [t for item in cited for t in (item.when, item.end) if t]
    if len(expected.strip()) <= 10:  # a day (time off, an open shift): the employee's local date
        near = any(abs((t.date() - moment.date()).days) <= 1 for t in times)
        return None if near else "expected day is not a cited item's day"
    if moment.tzinfo is None:
        return "expected time has no offset"
    close = any(abs((moment - t).total_seconds()) <= 60 for t in times)
    return None if close else "expected time is not a cited item's time"


SMALL_AUDIENCE = 3  # this few others knowing a fact: naming one points at who to ask


def names_audience(question: Question, items: Mapping[str, ContextItem]) -> str | None:
    """Does the text name someone who could answer it? With a small audience, "you emailed Dana
    yesterday" tells an impostor whose mailbox holds the answer."""
    cited = [items[i] for i in question.evidence if i in items]
    if not cited or max(item.audience.reach for item in cited) > SMALL_AUDIENCE:
        return None
    text = set(words(question.text))
    for item in cited:
        for name in item.audience.people:
            if any(len(part) > 2 and part in text for part in words(name)):
                return "text names one of the few people who know the answer"
    return None


def _answer_markers(question: Question) -> list[str]:
    """Strings whose presence in a question text would give this question's answer away."""
    if question.kind == "identifier":
        values = [question.expected, *question.variants]
        numbers = [m for v in values for m in re.findall(r"\d{2,}", v)]
        return [v.lower() for v in values + numbers if len(v) >= 2]
    if question.kind == "person":
        return [
            part.lower()
            for n in split_people(question.expected)
            for part in n.split()
            if len(part) > 2
        ]
    return []


def leaks(question: Question, others: Iterable[Question]) -> str | None:
    """Does `question`'s text reveal its own answer or any of `others`' answers?"""
    text = question.text.lower()
    text_words = set(words(text))
    for other in [question, *others]:
        whose = "its own" if other is question else "another question's"
        for marker in _answer_markers(other):
            if re.search(rf"(?<![\w-]){re.escape(marker)}(?![\w-])", text):
                return f"text contains {whose} answer"
        if other.kind == "text":
            needed = set(distinctive_words(other.expected))
            if needed and len(needed & text_words) / len(needed) >= 0.6:
                return f"text implies {whose} answer"
    return None


def public(question: Question, public_facts: Sequence[str]) -> str | None:
    """Is the answer derivable from the public profile, the directory or company facts?"""
    known_text = " ".join(public_facts).lower()
    known_words = {part for fact in public_facts for part in word_parts(fact)}
    if question.kind == "person":
        names = split_people(question.expected)
        if names and all(n.lower() in known_text for n in names):
            return "every expected person is public (e.g. the manager)"
        return None
    if question.kind == "identifier":
        hit = question.expected.lower() in known_text
        return "identifier appears in public data" if hit else None
    needed = word_parts(question.expected)
    if needed and len(needed & known_words) / len(needed) >= 0.5:
        return "answer's distinctive words appear in public data"
    return None


def check_question(
    question: Question,
    accepted: Sequence[Question],
    items: Mapping[str, ContextItem],
    public_facts: Sequence[str],
) -> DroppedQuestion | None:
    if any(q.evidence[:1] == question.evidence[:1] and q.topic == question.topic for q in accepted):
        return DroppedQuestion(text=question.text, check="duplicate", reason="same fact asked")
    if any(q.text.strip().lower() == question.text.strip().lower() for q in accepted):
        # Two facts fit the same words: the caller could not know which one is meant.
        return DroppedQuestion(text=question.text, check="ambiguous", reason="same text twice")
    for check, reason in (
        ("grounded", grounded(question, items)),
        ("names_audience", names_audience(question, items)),
        ("public", public(question, public_facts)),
        ("leak", leaks(question, accepted)),
        ("leak", _leaked_by(question, accepted)),
        ("duplicate", repeats(question, accepted)),  # one lookup answers both: count it once
    ):
        if reason:
            return DroppedQuestion(text=question.text, check=check, reason=reason)
    return None


def _leaked_by(question: Question, accepted: Sequence[Question]) -> str | None:
    """Would an already accepted question's text give this question's answer away?"""
    for other in accepted:
        if leaks(other, [question]):
            return "an accepted question's text reveals this answer"
    return None


def set_problems(
    questions: Sequence[Question], *, available_sources: int, min_questions: int
) -> list[str]:
    """NIST SP 800-63A-3 5.3.2 shape of the whole set (`min_questions` is the decision
    policy's; the policy, not this note, escalates a short set)."""
    problems = []
    if len(questions) < min_questions:
        problems.append(f"only {len(questions)} questions could be asked (minimum {min_questions})")
    sources = {q.source for q in questions}
    if available_sources > 1 and len(sources) < 2:
        problems.append("all questions come from one source")
    days = {q.fact_time.date() for q in questions if q.fact_time}
    if len(questions) >= min_questions and len(days) < 2:
        problems.append("all questions are about one day")
    return problems
