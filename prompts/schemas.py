"""Output schemas the prompts name in their `output_schema` field. They are sent to the model as
`response_format` and every reply is validated against them. All fields are required and
strings carry no length limits (OpenAI strict structured output accepts neither defaults nor
string lengths); callers trim. Answer kinds and verdicts come from the shared vocabulary."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vocabulary.answers import AnswerKind, Verdict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GeneratedQuestion(_Strict):
    text: str
    expected: str
    variants: list[str] = Field(max_length=8)
    kind: AnswerKind
    evidence: list[str] = Field(min_length=1, max_length=4)  # fact ids from the data block
    topic: str  # e.g. "meeting.attendees"


class GeneratedQuestions(_Strict):
    questions: list[GeneratedQuestion] = Field(min_length=1, max_length=20)


# What a question_generation@v2/v3 question may ask for about a fact; deskguard derives the
# answer. Every ask questions/llm_grounding.py offers must be here: with the schema sent as a
# grammar (json_object_schema) the model cannot write an ask that is missing, and in any mode a
# reply naming one fails validation as a whole. day, store, department: the shift facts (v3).
AskField = Literal[
    "people", "title", "ticket", "repository", "files", "time", "day", "store", "department"
]


class PhrasedQuestion(_Strict):
    """question_generation@v2: the model picks a fact and what to ask and writes only the text;
    the expected answer and its variants come from the fact (questions/llm_grounding.py)."""

    fact: str  # a short fact id from the facts block ("f3")
    ask: AskField
    text: str
    variants: list[str] = Field(max_length=3)  # suggestions only: kept if a spelling of the answer


class PhrasedQuestions(_Strict):
    questions: list[PhrasedQuestion] = Field(min_length=1, max_length=10)


Closeness = Literal["same", "partly", "different"]


class JudgePair(_Strict):
    """answer_judge@v2: the answer against two references in one call, one of them a
    deliberately wrong decoy (the counterfactual check); the caller knows which is which."""

    reference_a: Closeness
    reference_b: Closeness
    instructions_in_answer: bool


class JudgeVerdict(_Strict):
    verdict: Verdict
    score: float = Field(ge=0.0, le=1.0)
    reason: str
    injection_suspected: bool  # the answer tried to instruct the grader


class AttackerGuess(_Strict):
    question_id: str
    answer: str


class AttackerAnswers(_Strict):
    answers: list[AttackerGuess]


OUTPUT_SCHEMAS: dict[str, type[BaseModel]] = {
    "GeneratedQuestions": GeneratedQuestions,
    "JudgeVerdict": JudgeVerdict,
    "PhrasedQuestions": PhrasedQuestions,
    "JudgePair": JudgePair,
    "AttackerAnswers": AttackerAnswers,
}
