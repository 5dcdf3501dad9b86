"""LLM and prompt-version settings. api/settings.py nests these as DESKGUARD_LLM__MODEL,
DESKGUARD_LLM__API_BASE, DESKGUARD_LLM__API_KEY and DESKGUARD_PROMPTS__QUESTION_GENERATION, ...;
the names are a user-facing contract (see README)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from vocabulary.fides import CONTACT, EMAIL

# Where prompts may go: nowhere, to loopback and private addresses, or anywhere (explicitly).
Egress = Literal["none", "local", "any"]


def _split_commas(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class LLMConfig(BaseModel):
    """Which model to call. `model=None` means no model is configured: everything runs offline
    (template questions, deterministic grading) and any LLM call raises LLMNotConfigured."""

    model: str | None = None  # any litellm model string: openai/gpt-4o-mini, ollama/llama3 ...
    api_base: str | None = None  # an OpenAI-compatible endpoint, Azure resource, Ollama host
    api_key: SecretStr | None = None
    timeout_seconds: float = Field(default=20.0, gt=0)  # per attempt
    num_retries: int = Field(default=1, ge=0)  # extra attempts after a transient failure
    retry_backoff_seconds: float = Field(default=0.5, ge=0)  # wait before retry n: n * this
    # How structured output is requested: "json_schema" (OpenAI-style strict schema);
    # "json_object" for servers that only accept {"type": "json_object"}, the schema then
    # travelling in the prompt; "json_object_schema": {"type": "json_object", "schema": ...},
    # which llama.cpp's servers turn into a grammar the output must follow (no schema in the
    # prompt). The reply is validated against the schema in every mode.
    structured_output: Literal["json_schema", "json_object", "json_object_schema"] = "json_schema"
    # DESKGUARD_LLM__EGRESS (prompts/egress.py): None means "local", the default once a model
    # is configured; "any" must be set explicitly; "none" stops every model call.
    egress: Egress | None = None
    # DESKGUARD_LLM__NEVER_SEND: fideslang categories no prompt may carry (a prompt declaring
    # one is not sent; e-mail addresses are also cut out of every prompt's text).
    never_send: Annotated[list[str], NoDecode] = Field(default_factory=lambda: [CONTACT, EMAIL])

    _split = field_validator("never_send", mode="before")(_split_commas)

    @property
    def configured(self) -> bool:
        return bool(self.model)

    @property
    def egress_mode(self) -> Egress:
        return self.egress or "local"

    @property
    def closed(self) -> bool:
        """DESKGUARD_LLM__EGRESS=none: no component calls a model, whatever is configured."""
        return self.egress == "none"


class PromptVersions(BaseModel):
    """The prompt version each LLM feature uses ("v1", or "name@v1")."""

    question_generation: str = "v2"
    answer_judge: str = "v2"
    attacker: str = "v1"

    def ref(self, name: str) -> str:
        """`name@vN` for one of the fields above."""
        version: str = getattr(self, name)
        return version if "@" in version else f"{name}@{version}"
