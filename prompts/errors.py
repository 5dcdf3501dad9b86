"""One exception hierarchy for everything prompts/ does. Callers catch `LLMError`; the question
pipeline falls back to templates and the grading cascade turns it into a conservative verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prompts.llm import Usage


class LLMError(Exception):
    """Root: any failure to render a prompt or get a usable answer from a model."""


class LLMNotConfigured(LLMError):
    """No model (or an unusable model string) is configured. The message says how to fix it."""

    def __init__(self, detail: str = "no model is configured") -> None:
        super().__init__(
            f"{detail}: set DESKGUARD_LLM__MODEL to a litellm model string (e.g. "
            "openai/gpt-4o-mini, azure/<deployment>, anthropic/claude-3-5-haiku-latest, "
            "ollama/llama3.1) and, if needed, DESKGUARD_LLM__API_BASE and DESKGUARD_LLM__API_KEY"
        )


class LLMUnavailable(LLMError):
    """The provider could not be reached or refused the call. `retryable` marks transient
    failures (connection errors, rate limits, 5xx) that the retry budget may spend attempts on."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class LLMTimeout(LLMError):
    """An attempt took longer than `LLMConfig.timeout_seconds`. Not retried: the budget is spent."""


class LLMInvalidOutput(LLMError):
    """The model's output did not validate against the schema, even after one repair attempt."""


class LLMTruncated(LLMInvalidOutput):
    """The reply hit max_tokens and was cut off (finish_reason "length"). `partial` is what
    arrived: a caller may salvage its complete parts; a repair would be cut off again."""

    def __init__(self, message: str, *, partial: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.partial = partial
        self.usage = usage


class PromptError(LLMError):
    """A prompt could not be found or rendered (a programming or deployment error)."""


class PromptNotFound(PromptError):
    pass


class PromptVariablesError(PromptError):
    """The variables given to `render` are not exactly the ones the template uses."""


class LLMEgressRefused(LLMError):
    """The call would send data where DESKGUARD_LLM__EGRESS or DESKGUARD_LLM__NEVER_SEND does
    not allow it (no model calls at all, a public address under `local`, a category that never
    leaves). Nothing was sent."""
