"""The one module that calls a model. litellm (2-3 s and ~200 MiB to import) is imported lazily,
inside `LiteLLMClient.complete`, after pinning its cost map to the bundled copy (no network).

`complete_structured` owns the policy: an explicit time-out per attempt, a retry budget spent only
on transient failures, validation against the output schema, then ONE repair attempt that shows the
model its validation error. Clients only make single calls and map provider errors to ours.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import structlog
from pydantic import BaseModel, SecretStr, ValidationError

from prompts.config import Egress, LLMConfig
from prompts.egress import check_destination, screen
from prompts.errors import (
    LLMError,
    LLMInvalidOutput,
    LLMNotConfigured,
    LLMTimeout,
    LLMTruncated,
    LLMUnavailable,
)
from prompts.registry import ModelDefaults, RenderedPrompt

log = structlog.get_logger(__name__)
T = TypeVar("T", bound=BaseModel)
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
_GRACE_SECONDS = 2.0  # our own deadline sits just above the provider client's time-out


@dataclass(frozen=True)
class ModelRequest:
    """One call, exactly as the client must make it."""

    model: str
    messages: list[dict[str, str]]
    schema: type[BaseModel]
    temperature: float
    max_tokens: int
    timeout_seconds: float
    api_base: str | None = None
    api_key: SecretStr | None = None
    json_object_only: bool = False  # send {"type": "json_object"} instead of the schema
    schema_in_json_object: bool = False  # ... with the schema inside it (llama.cpp's servers)
    egress: Egress = "local"  # where the client may send it (prompts/egress.py)


@dataclass(frozen=True)
class ModelReply:
    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    finish_reason: str | None = None  # "length": cut off at max_tokens


class ModelClient(Protocol):
    """The seam to a model: one attempt, provider errors mapped to prompts.errors."""

    async def complete(self, request: ModelRequest) -> ModelReply: ...


@dataclass
class Usage:
    calls: int = 0  # attempts made, failed ones included
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0  # wall time spent waiting for the model

    def add(self, reply: ModelReply) -> None:
        self.prompt_tokens += reply.prompt_tokens
        self.completion_tokens += reply.completion_tokens
        self.cost_usd += reply.cost_usd


_METER: ContextVar[Usage | None] = ContextVar("deskguard_llm_meter", default=None)


@contextmanager
def metered() -> Iterator[Usage]:
    """Counts every model call made inside the block (in this task), whoever makes it: the
    question engine, the attacker check, the judge. The service meters each verification."""
    usage = Usage()
    token = _METER.set(usage)
    try:
        yield usage
    finally:
        _METER.reset(token)


@dataclass(frozen=True)
class StructuredResult(Generic[T]):
    parsed: T
    usage: Usage
    prompt: str  # name@vN
    prompt_sha256: str  # the prompt file's hash (identifies the version)
    model: str
    repaired: bool = False
    raw: list[str] = field(default_factory=list)  # every reply's text, for debugging
    rendered_sha256: str = ""  # the exact messages sent, for audit


async def complete_structured(
    config: LLMConfig,
    rendered: RenderedPrompt,
    schema: type[T],
    *,
    defaults: ModelDefaults,
    client: ModelClient | None = None,
) -> StructuredResult[T]:
    """Call the configured model and return its reply parsed as `schema`. The messages are
    screened first (prompts/egress.py): nothing undeclared or kept in by policy is sent."""
    messages = screen(config, rendered)
    if not config.model:
        raise LLMNotConfigured()
    client = client or await LiteLLMClient.create()
    mode = config.structured_output
    if mode == "json_object":  # the schema travels in the prompt
        messages.append({"role": "user", "content": schema_instruction(schema)})
    attempts = ("first", "repair") if defaults.repair else ("first",)
    usage, raw = Usage(), []
    for attempt in attempts:
        request = ModelRequest(
            model=config.model, messages=list(messages), schema=schema,
            temperature=defaults.temperature, max_tokens=defaults.max_tokens,
            timeout_seconds=config.timeout_seconds, api_base=config.api_base,
            api_key=config.api_key, json_object_only=mode != "json_schema",
            schema_in_json_object=mode == "json_object_schema", egress=config.egress_mode,
        )  # fmt: skip
        reply = await _call_with_retries(client, request, config, usage)
        raw.append(reply.content)
        if reply.finish_reason == "length":  # never "repair" a cut-off reply: it would be again
            log.warning("llm_truncated", prompt=rendered.ref, max_tokens=defaults.max_tokens)
            raise LLMTruncated(
                f"{rendered.ref}: the reply was cut off at {defaults.max_tokens} tokens",
                partial=reply.content, usage=usage,
            )  # fmt: skip
        try:
            parsed = parse_reply(reply.content, schema)
        except ValidationError as exc:
            log.warning("llm_invalid_output", prompt=rendered.ref, attempt=attempt)
            if attempt == attempts[-1]:
                raise LLMInvalidOutput(
                    f"{rendered.ref}: output failed {schema.__name__} validation"
                    f"{' after one repair attempt' if defaults.repair else ''}: {describe(exc)}"
                ) from exc
            messages += [
                {"role": "assistant", "content": reply.content},
                {"role": "user", "content": repair_message(schema, exc)},
            ]
            continue
        # Metadata only: prompts carry employee context, so their text is never logged.
        log.info("llm_call", prompt=rendered.ref, model=config.model, calls=usage.calls,
                 prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
                 seconds=round(usage.seconds, 2), repaired=attempt == "repair")  # fmt: skip
        return StructuredResult(
            parsed=parsed, usage=usage, prompt=rendered.ref, prompt_sha256=rendered.sha256,
            rendered_sha256=rendered.rendered_sha256, model=config.model,
            repaired=attempt == "repair", raw=raw,
        )  # fmt: skip
    raise AssertionError("unreachable")


async def _call_with_retries(
    client: ModelClient, request: ModelRequest, config: LLMConfig, usage: Usage
) -> ModelReply:
    """1 + num_retries attempts for transient failures; time-outs are not retried."""
    meter = _METER.get()
    for attempt in range(config.num_retries + 1):
        usage.calls += 1
        if meter is not None:
            meter.calls += 1
        started = time.monotonic()
        try:
            grace = min(_GRACE_SECONDS, config.timeout_seconds / 2)
            async with asyncio.timeout(config.timeout_seconds + grace):
                reply = await client.complete(request)
        except TimeoutError as exc:
            log.warning("llm_timeout", model=request.model, attempt=attempt + 1)
            raise LLMTimeout(f"{request.model}: no reply in {config.timeout_seconds:g} s") from exc
        except LLMUnavailable as exc:
            log.warning("llm_unavailable", model=request.model, attempt=attempt + 1,
                        retryable=exc.retryable)  # fmt: skip
            if not exc.retryable or attempt == config.num_retries:
                raise
            await asyncio.sleep(config.retry_backoff_seconds * (attempt + 1))
            continue
        finally:  # also when an outer budget cancels the call
            _spent(usage, meter, started)
        usage.add(reply)
        if meter is not None:
            meter.add(reply)
        return reply
    raise AssertionError("unreachable")


def _spent(usage: Usage, meter: Usage | None, started: float) -> None:
    elapsed = time.monotonic() - started
    usage.seconds += elapsed
    if meter is not None:
        meter.seconds += elapsed


def parse_reply(content: str, schema: type[T]) -> T:
    """Validate a reply's JSON (tolerating a ```json fence around it)."""
    match = _FENCE.match(content)
    return schema.model_validate_json(match.group(1) if match else content)


def describe(exc: ValidationError, limit: int = 1200) -> str:
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    text = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}" for e in errors)
    return text[:limit]


def schema_instruction(schema: type[BaseModel]) -> str:
    schema_json = json.dumps(schema.model_json_schema(), separators=(",", ":"))
    return f"Reply with one JSON object that matches this JSON schema: {schema_json}"


def repair_message(schema: type[BaseModel], exc: ValidationError) -> str:
    schema_json = json.dumps(schema.model_json_schema(), separators=(",", ":"))
    return (
        f"Your previous reply was not valid: {describe(exc)}. Reply again with only a JSON "
        f"object that matches this JSON schema, and nothing else: {schema_json}"
    )


class LiteLLMClient:
    """Any litellm model string: openai/..., azure/..., anthropic/..., ollama/..., or an
    OpenAI-compatible server through `api_base`."""

    @classmethod
    async def create(cls) -> LiteLLMClient:
        """Import litellm in a worker thread (seconds, once per process) so the import neither
        blocks the event loop nor counts against the first call's time-out."""
        await asyncio.to_thread(_litellm)
        return cls()

    async def complete(self, request: ModelRequest) -> ModelReply:
        await check_destination(request.api_base, request.egress)  # before any connection
        litellm = _litellm()
        try:
            litellm.get_llm_provider(model=request.model, api_base=request.api_base)
        except Exception as exc:
            raise LLMNotConfigured(f"{request.model!r} names no provider litellm knows") from exc
        try:
            response = await litellm.acompletion(**_arguments(request))
        except Exception as exc:
            raise map_litellm_error(exc, request.model) from exc
        choice = response.choices[0]
        usage = getattr(response, "usage", None)
        return ModelReply(
            content=choice.message.content or "",
            finish_reason=getattr(choice, "finish_reason", None),
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            cost_usd=_cost(litellm, response),
        )


def _arguments(request: ModelRequest) -> dict[str, Any]:
    # num_retries=0 and max_retries=0: exactly one HTTP attempt per call. litellm's own retry
    # wrapper and the OpenAI SDK's retries would otherwise multiply (2N+1 attempts for N);
    # the budget is spent in _call_with_retries instead, where it is visible and tested.
    arguments: dict[str, Any] = {
        "model": request.model,
        "messages": request.messages,
        "response_format": _response_format(request),
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
        "timeout": request.timeout_seconds,
        "num_retries": 0,
        "max_retries": 0,
    }
    if request.api_base:
        arguments["api_base"] = request.api_base
    if request.api_key is not None:
        arguments["api_key"] = request.api_key.get_secret_value()
    elif _keyless_openai_compatible(request):
        # Local OpenAI-compatible servers (vLLM, llama.cpp, LM Studio) need no key, but the
        # OpenAI SDK refuses to send a request without one.
        arguments["api_key"] = "no-key-configured"
    return arguments


def _response_format(request: ModelRequest) -> Any:
    """The schema as OpenAI-style `json_schema` (litellm converts the pydantic class), or
    `json_object`, optionally carrying the schema as llama.cpp's servers accept it (they then
    constrain generation to it with a grammar)."""
    if not request.json_object_only:
        return request.schema
    if request.schema_in_json_object:
        return {"type": "json_object", "schema": request.schema.model_json_schema()}
    return {"type": "json_object"}


def _keyless_openai_compatible(request: ModelRequest) -> bool:
    return bool(
        request.api_base
        and request.model.startswith("openai/")
        and not os.environ.get("OPENAI_API_KEY")
    )


def _litellm() -> Any:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    return litellm


def _cost(litellm: Any, response: Any) -> float:
    try:
        return float(litellm.completion_cost(completion_response=response) or 0.0)
    except Exception:  # unknown models (local servers, fine-tunes) have no price
        return 0.0


def map_litellm_error(exc: Exception, model: str) -> LLMError:
    """Provider exception -> our hierarchy. Messages never carry the key."""
    import openai

    name = type(exc).__name__
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return LLMTimeout(f"{model}: the provider timed out ({name})")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return LLMUnavailable(f"{model}: credentials rejected ({name}); check "
                              "DESKGUARD_LLM__API_KEY")  # fmt: skip
    transient = (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError)
    if isinstance(exc, transient) or getattr(exc, "status_code", 0) in (500, 502, 503, 504):
        return LLMUnavailable(f"{model}: provider unavailable ({name})", retryable=True)
    return LLMUnavailable(f"{model}: call failed ({name}: {str(exc)[:200]})")
