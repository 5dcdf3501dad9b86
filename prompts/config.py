"""LLM and prompt-version settings. api/settings.py nests these as DESKGUARD_LLM__MODEL,
DESKGUARD_LLM__API_BASE, DESKGUARD_LLM__API_KEY and DESKGUARD_PROMPTS__QUESTION_GENERATION, ...;
the names are a user-facing contract (see README)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr


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

    @property
    def configured(self) -> bool:
        return bool(self.model)


class PromptVersions(BaseModel):
    """The prompt version each LLM feature uses ("v1", or "name@v1")."""

    question_generation: str = "v2"
    answer_judge: str = "v2"
    attacker: str = "v1"

    def ref(self, name: str) -> str:
        """`name@vN` for one of the fields above."""
        version: str = getattr(self, name)
        return version if "@" in version else f"{name}@{version}"
