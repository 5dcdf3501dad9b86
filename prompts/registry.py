"""Versioned prompt files: `prompts/<name>/vN.yaml`, one immutable file per version.

`get_prompt("answer_judge@v1")` loads and checks a file; `render(spec, variables)` quotes every
variable into a data block (prompts/datablocks.py) and fills the langchain-core f-string templates.
Strict both ways: a variable the template uses but was not given, or one given but not used, is an
error. langchain-core (about 1.5 s to import) is imported only when something is rendered.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prompts.datablocks import data_block
from prompts.errors import PromptNotFound, PromptVariablesError
from prompts.schemas import OUTPUT_SCHEMAS

PROMPTS_DIR = Path(__file__).parent
_VERSION = re.compile(r"^v[1-9][0-9]*$")
_FIELD = re.compile(r"(?<!\{)\{([a-z_][a-z0-9_]*)\}(?!\})")


class ModelDefaults(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(default=1024, gt=0)
    # One repair turn after invalid output (resends the prompt and the reply): affordable on a
    # hosted model, a second full-length call on a small local one.
    repair: bool = True


class PromptSpec(BaseModel):
    """One prompt version as committed. `sha256` is the hash of the file's bytes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    version: str
    description: str
    model: ModelDefaults
    output_schema: str
    system: str
    user: str
    sha256: str

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def schema_type(self) -> type[BaseModel]:
        return OUTPUT_SCHEMAS[self.output_schema]

    @property
    def variables(self) -> frozenset[str]:
        """Every `{name}` field in the two templates (`{{`/`}}` are literal braces)."""
        return frozenset(_FIELD.findall(self.system) + _FIELD.findall(self.user))


class RenderedPrompt(BaseModel):
    """Messages ready for a model. `sha256` identifies the prompt version (the file's hash);
    `rendered_sha256` identifies these exact messages (for audit records)."""

    model_config = ConfigDict(frozen=True)

    messages: tuple[dict[str, str], ...]
    sha256: str
    ref: str
    rendered_sha256: str


def list_prompts() -> list[PromptSpec]:
    """Every committed prompt version, sorted by name then version number."""
    paths = [p for p in PROMPTS_DIR.glob("*/v*.yaml") if _VERSION.match(p.stem)]
    return sorted(
        (_load(p.parent.name, p.stem) for p in paths), key=lambda s: (s.name, int(s.version[1:]))
    )


def get_prompt(ref: str) -> PromptSpec:
    """`name@vN` for one version, or `name` for its latest version."""
    name, _, version = ref.partition("@")
    if not version:
        versions = [s for s in list_prompts() if s.name == name]
        if not versions:
            raise PromptNotFound(f"no prompt named {name!r} under {PROMPTS_DIR}")
        return versions[-1]
    return _load(name, version)


@cache
def _load(name: str, version: str) -> PromptSpec:
    path = PROMPTS_DIR / name / f"{version}.yaml"
    if not _VERSION.match(version) or not re.match(r"^[a-z_]+$", name) or not path.is_file():
        raise PromptNotFound(f"no prompt {name}@{version} (expected {path})")
    raw = path.read_bytes()
    data: Any = yaml.safe_load(raw)
    try:
        spec = PromptSpec.model_validate({**data, "sha256": hashlib.sha256(raw).hexdigest()})
    except (ValidationError, TypeError) as exc:
        raise PromptNotFound(f"{path} is not a valid prompt file: {exc}") from exc
    if (spec.name, spec.version) != (name, version):
        raise PromptNotFound(f"{path} declares {spec.ref}; name and version must match the path")
    if spec.output_schema not in OUTPUT_SCHEMAS:
        raise PromptNotFound(f"{path}: unknown output_schema {spec.output_schema!r}")
    return spec


def render(spec: PromptSpec, variables: dict[str, object]) -> RenderedPrompt:
    """Fill the templates; every value becomes a quoted JSON data block."""
    missing = spec.variables - variables.keys()
    unused = variables.keys() - spec.variables
    if missing or unused:
        raise PromptVariablesError(
            f"{spec.ref}: missing variables {sorted(missing)}, unused variables {sorted(unused)}"
        )
    blocks = {name: data_block(name, value) for name, value in variables.items()}
    messages = tuple({"role": role, "content": content} for role, content in _format(spec, blocks))
    digest = hashlib.sha256(repr(messages).encode()).hexdigest()
    return RenderedPrompt(
        messages=messages, sha256=spec.sha256, ref=spec.ref, rendered_sha256=digest
    )


def _format(spec: PromptSpec, blocks: dict[str, str]) -> list[tuple[str, str]]:
    from langchain_core.prompts import ChatPromptTemplate

    template = ChatPromptTemplate.from_messages(
        [("system", spec.system), ("human", spec.user)], template_format="f-string"
    )
    if set(template.input_variables) != spec.variables:  # our field regex must agree
        raise PromptVariablesError(f"{spec.ref}: template fields {template.input_variables}")
    roles = {"system": "system", "human": "user"}
    return [(roles[m.type], str(m.content)) for m in template.format_messages(**blocks)]
