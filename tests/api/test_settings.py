"""The DESKGUARD_* environment names are a user-facing contract (README, ARCHITECTURE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings

CONTRACT = {
    "DESKGUARD_DATA_DIR": "/srv/deskguard",
    "DESKGUARD_DATABASE_URL": "postgresql+psycopg://dg@db/deskguard",
    "DESKGUARD_CONNECTORS": "graph,jira,git",
    "DESKGUARD_GRAPH__BASE_URL": "https://graph.microsoft.us/v1.0",
    "DESKGUARD_GRAPH__TENANT_ID": "tenant",
    "DESKGUARD_GRAPH__CLIENT_ID": "client",
    "DESKGUARD_GRAPH__CLIENT_SECRET": "graph-secret",
    "DESKGUARD_GRAPH__ACCESS_TOKEN": "graph-token",
    "DESKGUARD_JIRA__URL": "https://jira.example.com",
    "DESKGUARD_JIRA__EMAIL": "svc@example.com",
    "DESKGUARD_JIRA__TOKEN": "jira-token",
    "DESKGUARD_GIT__REPOS": "/srv/a, /srv/b",
    "DESKGUARD_GITHUB__REPOS": "acme/pos-gateway,acme/okta-terraform",
    "DESKGUARD_LLM__MODEL": "openai/gpt-4o-mini",
    "DESKGUARD_LLM__API_BASE": "http://127.0.0.1:8000/v1",
    "DESKGUARD_LLM__API_KEY": "llm-key",
    "DESKGUARD_QUESTIONS__COUNT": "7",
}


def test_every_contract_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CONTRACT.items():
        monkeypatch.setenv(name, value)
    s = Settings()
    assert s.data_dir == Path("/srv/deskguard") and s.sqlalchemy_url.startswith("postgresql")
    assert s.connectors == ["graph", "jira", "git"] and not s.demo_mode
    assert s.graph.base_url.endswith("microsoft.us/v1.0") and s.graph.tenant_id == "tenant"
    assert s.graph.client_secret and s.graph.client_secret.get_secret_value() == "graph-secret"
    assert s.graph.access_token and s.graph.access_token.get_secret_value() == "graph-token"
    assert (s.jira.url, s.jira.email) == ("https://jira.example.com", "svc@example.com")
    assert s.git.repos == ["/srv/a", "/srv/b"]
    assert s.github.repos == ["acme/pos-gateway", "acme/okta-terraform"]
    assert (s.llm.model, s.llm.api_base) == ("openai/gpt-4o-mini", "http://127.0.0.1:8000/v1")
    assert s.questions.count == 7
    assert "llm-key" not in repr(s) and "graph-secret" not in repr(s)  # secrets stay secret


def test_no_environment_means_offline_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CONTRACT:
        monkeypatch.delenv(name, raising=False)
    s = Settings()
    assert s.demo_mode and s.connectors == ["demo"] and not s.llm.configured
    assert s.sqlalchemy_url.startswith("sqlite:///")


def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKGUARD_QUESTIONS__COUNT", "2")  # NIST: at least 4
    with pytest.raises(ValueError, match="count"):
        Settings()


def test_placeholder_secrets_are_refused_outside_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    environment = "production"
    monkeypatch.setenv("DESKGUARD_LLM__API_KEY", "changethis")
    monkeypatch.setenv("DESKGUARD_JIRA__TOKEN", "jira-token")
    assert Settings().llm.api_key is not None  # development: a local setup may use anything
    monkeypatch.setenv("DESKGUARD_ENVIRONMENT", environment)
    with pytest.raises(ValueError, match="DESKGUARD_LLM__API_KEY") as info:
        Settings()
    assert "DESKGUARD_JIRA__TOKEN" not in str(info.value)  # a real secret is not named
    monkeypatch.setenv("DESKGUARD_LLM__API_KEY", "sk-real")
    assert Settings().environment == environment
