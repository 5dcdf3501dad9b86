"""What every prompt sends to the model, field by field, and to whom: the privacy reviewer's view
of the model as a recipient (`deskguard context sources` prints it next to the sources).

Each prompt variable is declared once per prompt name with its fideslang data categories
(vocabulary/fides.py); every version of a prompt is rendered from these variables, and a prompt
whose variables are not all declared is never sent (prompts/egress.py refuses it).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from prompts.config import Egress, LLMConfig
from vocabulary.fides import CONTENT, JOB_TITLE, NAME, OPERATIONS, WORKPLACE

BEHAVIOUR = "user.behavior"  # when the employee did what, and their part in it


class PromptField(BaseModel):
    model_config = ConfigDict(frozen=True)

    variable: str
    carries: str
    categories: tuple[str, ...]


class PromptManifest(BaseModel):
    prompt: str
    purpose: str
    fields: list[PromptField]


class ModelRecipient(BaseModel):
    """The configured model provider as a recipient of prompts."""

    recipient: str  # e.g. "openai at 127.0.0.1:8000", or why nothing is sent
    egress: Egress
    never_send: list[str]
    prompts: list[PromptManifest]


def _field(variable: str, carries: str, *categories: str) -> PromptField:
    return PromptField(variable=variable, carries=carries, categories=categories)


PROMPTS: dict[str, PromptManifest] = {
    m.prompt: m
    for m in [
        PromptManifest(
            prompt="question_generation",
            purpose="phrase verification questions about the employee's recent work facts",
            fields=[
                _field(
                    "employee",
                    "role and job title (v1: also department and time zone); "
                    "never the name, UPN or address",
                    JOB_TITLE,
                    WORKPLACE,
                ),
                _field("now", "the current time in the employee's time zone", BEHAVIOUR),
                _field("count", "how many questions to write", OPERATIONS),
                _field(
                    "facts",
                    "top-ranked facts under short ids (f1, f2...): kind, the "
                    "employee's part, when, a shortened title (v1: also participants by "
                    "name and role, ticket keys, repositories, short commit hashes); never "
                    "source item ids or addresses",
                    CONTENT,
                    BEHAVIOUR,
                    NAME,
                    OPERATIONS,
                ),
            ],
        ),
        PromptManifest(
            prompt="answer_judge",
            purpose="grade an answer in the uncertain band against the reference and a decoy",
            fields=[
                _field("question", "the question text as asked", CONTENT),
                _field("kind", "the answer kind (identifier, person, datetime, text)", OPERATIONS),
                _field("reference", "v1: the expected answer or a decoy", CONTENT, NAME),
                _field("reference_a", "v2: the expected answer or a decoy", CONTENT, NAME),
                _field("reference_b", "v2: the expected answer or a decoy", CONTENT, NAME),
                _field("variants", "v1: other spellings of the expected answer", CONTENT, NAME),
                _field("asked_at", "v1: when the question was asked, and the time zone", BEHAVIOUR),
                _field("answer", "what the caller said", CONTENT, NAME),
            ],
        ),
        PromptManifest(
            prompt="attacker",
            purpose="vet model-written questions against an impostor with public data only",
            fields=[
                _field(
                    "profile",
                    "the public profile without name, UPN, e-mail or leaked "
                    "record: title, department, employer, manager's name, office location, "
                    "headline, skills, public projects",
                    JOB_TITLE,
                    WORKPLACE,
                    NAME,
                ),
                _field("company_facts", "public facts about the company", WORKPLACE),
                _field("questions", "the question texts under local ids (a1, a2...)", CONTENT),
            ],
        ),
    ]
}


def declared(prompt_name: str) -> dict[str, PromptField]:
    """The declared variables of a prompt name ({} for an undeclared prompt)."""
    manifest = PROMPTS.get(prompt_name)
    return {f.variable: f for f in manifest.fields} if manifest else {}


def recipient(config: LLMConfig) -> str:
    """Who receives the prompts: the provider named by the model string, at its api_base."""
    if config.closed:
        return "nobody: DESKGUARD_LLM__EGRESS=none"
    if not config.model:
        return "nobody: no model is configured (DESKGUARD_LLM__MODEL)"
    provider = config.model.split("/", 1)[0] if "/" in config.model else "openai"
    where = urlsplit(config.api_base).netloc if config.api_base else "its public endpoint"
    return f"{provider} at {where}"


def model_recipient(config: LLMConfig) -> ModelRecipient:
    return ModelRecipient(
        recipient=recipient(config),
        egress=config.egress_mode,
        never_send=list(config.never_send),
        prompts=list(PROMPTS.values()),
    )
