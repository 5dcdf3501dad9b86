"""Evaluation configurations: which engine, question count, policy and Settings overrides to run.

A configuration is a small YAML file:

    name: llm-v2
    questions_engine: llm          # auto | template | llm
    question_count: 5
    policy_path: grading/policies/decision_v1.yaml
    action: password_reset         # the action every simulated call asks for
    settings:                      # any other Settings field, nested as in the environment
      prompts: {question_generation: v2}
    environment: true              # also read DESKGUARD_* (e.g. the LLM key); default false

With no file, `default_config()` is the default offline configuration (template questions,
deterministic grading, the packaged policy).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from api.settings import Settings

DEFAULT_NAME = "default"


class EvalConfigError(ValueError):
    """A configuration file that cannot be used; the message says which field and why."""


class EvalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = DEFAULT_NAME
    questions_engine: Literal["auto", "template", "llm"] = "template"
    question_count: int = Field(default=7, ge=4, le=10)  # the service's default
    policy_path: Path | None = None
    action: str = "password_reset"
    settings: dict[str, Any] = Field(default_factory=dict)
    # False: only this file decides (reproducible). True: DESKGUARD_* variables apply underneath
    # the file, so secrets such as DESKGUARD_LLM__API_KEY stay out of it.
    environment: bool = False

    def build_settings(self, data_dir: Path, *, database_url: str | None = None) -> Settings:
        """Settings for this configuration, with its own data directory and database (by
        default a SQLite file there; the runner passes an in-memory one)."""
        values: dict[str, Any] = dict(self.settings)
        questions = dict(values.pop("questions", {}) or {})
        questions.update(engine=self.questions_engine, count=self.question_count)
        values.update(
            questions=questions,
            data_dir=data_dir,
            database_url=database_url or f"sqlite:///{data_dir / 'eval.db'}",
            connectors=["demo"],
            # One simulated agent calls about every employee at one instant: the eval measures
            # decisions, so start limits are off and counts stay in its own database.
            limits={**(values.get("limits") or {}), **dict.fromkeys(NO_START_LIMITS, 0)},
            redis_url=None,
        )
        if self.policy_path is not None:
            values["policy_path"] = self.policy_path
        if self.environment:
            return Settings(**values)
        return _FileOnlySettings(**values)


NO_START_LIMITS = (
    "starts_per_employee",
    "starts_per_ticket",
    "starts_per_caller",
    "starts_per_agent",
)


class _FileOnlySettings(Settings):
    """Settings that ignore DESKGUARD_* variables and .env files."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def default_config() -> EvalConfig:
    return EvalConfig()


def load_config(path: Path) -> EvalConfig:
    """Read one YAML configuration; a missing `name` defaults to the file's stem."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise EvalConfigError(f"cannot read evaluation config {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise EvalConfigError(f"{path}: expected a mapping at the top level")
    raw.setdefault("name", path.stem)
    policy = raw.get("policy_path")
    if policy and not Path(policy).is_absolute() and not Path(policy).exists():
        raw["policy_path"] = str(path.parent / policy)  # relative to the config file
    try:
        return EvalConfig.model_validate(raw)
    except ValueError as exc:
        raise EvalConfigError(f"{path}: {exc}") from None


def load_configs(paths: list[Path] | None) -> list[EvalConfig]:
    configs = [load_config(p) for p in paths] if paths else [default_config()]
    names = [c.name for c in configs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise EvalConfigError(f"two configurations share the name(s) {duplicates}; rename one")
    return configs
