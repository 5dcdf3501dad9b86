"""question_generation@v2: the model phrases, deskguard grounds.

Each fact goes to the model under a short id ("f3") with its "asks": what a question may ask
about it, one per template shape the fact supports (questions/templates.py). The model returns
(fact id, ask, text, suggested variants); the expected answer, its kind, evidence and the
code-derived variants are the template candidate's, so nothing the model writes reaches what
the grader accepts except suggested variants that are provably spellings of the same value
(questions/variants.py). Unknown ids, asks a fact does not offer, repeated facts and texts that
carry instructions are dropped with their reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError
from pydantic_core import from_json

from context.models import SHIFT_EVENT, ContextItem, Employee
from prompts.schemas import AskField, PhrasedQuestion, PhrasedQuestions
from questions.engine import EngineRequest
from questions.facts import distinctive_words, words
from questions.models import DroppedQuestion, Question
from questions.phrasing import clock, day_phrase, when_phrase
from questions.templates import candidates
from questions.variants import screen_variants
from vocabulary.injection import addresses_a_machine
from vocabulary.words import STOPWORDS

# The answer each template topic asks for, in the words the prompt offers.
ASK_OF_TOPIC: dict[str, AskField] = {
    "meeting.attendees": "people",
    "meeting.subject": "title",
    "mail.subject": "title",
    "ticket.summary": "title",
    "commit.subject": "title",
    "ticket.transition": "ticket",
    "commit.repository": "repository",
    "commit.files": "files",
    "ticket.moved_at": "time",
    # frontline facts (issue 16): shifts and the employee's own IT tickets
    "shift.swap": "people",
    "shift.start": "time",
    "shift.time_off": "day",
    "shift.open_shift": "day",
    "shift.store": "store",
    "shift.department": "department",
    "itsm.request": "title",
}
MAX_TEXT = 240
TITLE_CHARS = 90  # enough to tell facts apart; the model never needs a whole title


@dataclass(frozen=True)
class Offer:
    """One fact as offered to the model: its short id and the candidate behind each ask."""

    short_id: str
    item: ContextItem
    asks: dict[str, Question] = field(default_factory=dict)


def offers_for(request: EngineRequest, top_k: int) -> list[Offer]:
    """The best `top_k` facts that some question can be asked about, with their asks."""
    by_item: dict[str, dict[str, Question]] = {}
    for candidate in candidates(request.facts, request.employee, request.now):
        ask = ASK_OF_TOPIC.get(candidate.topic)
        if ask and candidate.evidence:
            by_item.setdefault(candidate.evidence[0], {}).setdefault(ask, candidate)
    out: list[Offer] = []
    for fact in request.facts:
        asks = by_item.get(fact.item.id)
        if asks and len(out) < top_k:
            out.append(Offer(f"f{len(out) + 1}", fact.item, asks))
    return out


def offer_data(offer: Offer, employee: Employee, now: datetime) -> dict[str, object]:
    """What the model sees of a fact: kind, the employee's part, when, a short title and the
    asks. No participants, addresses, ticket keys or hashes: the model needs none of them to
    phrase a question, and each is an answer or personal data."""
    item, tz = offer.item, employee.timezone
    data: dict[str, object] = {
        "id": offer.short_id,
        "type": item.kind.value,
        "you": item.involvement.value,
        "day": when_phrase(item.when, now, tz),
        "at": clock(item.when, tz),
        "title": item.title[:TITLE_CHARS],
    }
    if "status_to" in item.identifiers:
        data["moved_to"] = item.identifiers["status_to"]
    event = item.extra.get(SHIFT_EVENT)
    if event is not None:  # a shift fact: what it was, never who (a swap's title names them)
        data["shift"] = event
        data["title"] = {"swap": "shift swap", "time_off": "time off"}.get(event, data["title"])
    return {**_withhold_answers(data, offer, now, tz), "asks": list(offer.asks)}


def _withhold_answers(
    data: dict[str, object], offer: Offer, now: datetime, tz: str
) -> dict[str, object]:
    """When a fact's time or day is what is asked, the model is not told it: a text referring
    to the fact "by when it happened" would state the answer."""
    if "time" in offer.asks:  # the day without its part, nor a label ("Early" narrows the time)
        data.update(day=day_phrase(offer.item.when, now, tz), at=None, title=None)
    if "day" in offer.asks:
        data.update(day="recently", at=None)
    return {key: value for key, value in data.items() if value is not None}


def salvage(partial: str) -> PhrasedQuestions | None:
    """The complete questions of a reply cut off at max_tokens (None: not one is complete)."""
    try:
        data = from_json(partial, allow_partial=True)
    except ValueError:
        return None
    items = data.get("questions", []) if isinstance(data, dict) else []
    whole: list[PhrasedQuestion] = []
    for item in items if isinstance(items, list) else []:
        try:
            whole.append(PhrasedQuestion.model_validate(item))
        except ValidationError:
            break  # the one that was being written when the reply was cut off
    return PhrasedQuestions(questions=whole) if whole else None


def _problem(
    phrased: PhrasedQuestion, text: str, offer: Offer | None, seen: set[str]
) -> str | None:
    if offer is None:
        return f"grounded:fact id {phrased.fact!r} was not among the facts offered"
    if phrased.ask not in offer.asks:
        asks = ", ".join(offer.asks)
        return f"grounded:{offer.short_id} offers no {phrased.ask!r} question ({asks})"
    if offer.item.id in seen:
        return "duplicate:a second question on the same fact"
    if not text or len(text) > MAX_TEXT:
        return f"text:question text empty or longer than {MAX_TEXT} characters"
    if addresses_a_machine(text):
        return "text:the question text carries instructions"
    return None


def _wording_problem(text: str, offer: Offer, ask: str, offers: Sequence[Offer]) -> str | None:
    """Stricter than questions/checks.py's leak check (most of an answer's words): a model shown
    the titles tends to name part of one ("the email you sent to Dallas DC"), its own answer's
    (each such word is one an impostor no longer needs to know) or another fact's (the caller
    is pointed at a different item). Words of the template's own text for the fact, and
    function words, are the question's own."""
    base = offer.asks[ask]
    said = set(words(text)) - set(words(base.text)) - STOPWORDS
    answer = {w for value in (base.expected, *base.variants) for w in distinctive_words(value)}
    if revealed := sorted(said & answer):
        return f"leak:the text repeats words of its answer ({', '.join(revealed)})"
    own = set(distinctive_words(offer.item.title))
    elsewhere = {w for o in offers if o is not offer for w in distinctive_words(o.item.title)}
    if borrowed := sorted(said & (elsewhere - own)):
        return f"confused:the text names words of another fact ({', '.join(borrowed)})"
    return None


def ground(
    parsed: PhrasedQuestions, offers: Sequence[Offer], request: EngineRequest
) -> tuple[list[Question], list[DroppedQuestion]]:
    """The model's picks as grounded Questions, and what was dropped and why."""
    by_id = {offer.short_id: offer for offer in offers}
    questions: list[Question] = []
    dropped: list[DroppedQuestion] = []
    seen: set[str] = set()
    for index, phrased in enumerate(parsed.questions, start=1):
        text = " ".join(phrased.text.split())
        offer = by_id.get(phrased.fact.strip())
        problem = _problem(phrased, text, offer, seen)
        if problem is None and offer is not None:
            problem = _wording_problem(text, offer, phrased.ask, offers)
        if problem is not None or offer is None:
            check, _, reason = (problem or "grounded:no fact").partition(":")
            dropped.append(DroppedQuestion(text=text or "(empty)", check=check, reason=reason))
            continue
        seen.add(offer.item.id)
        base = offer.asks[phrased.ask]
        others = [f.item for f in request.facts if f.item.id not in base.evidence]
        kept, refused = screen_variants(
            phrased.variants, expected=base.expected, kind=base.kind, others=others
        )
        dropped += [DroppedQuestion(text=text, check="variant", reason=r) for r in refused]
        update = {"id": f"llm{index}", "text": text, "engine": "llm",
                  "variants": list(dict.fromkeys([*base.variants, *kept]))}  # fmt: skip
        questions.append(base.model_copy(update=update))
    return questions, dropped
