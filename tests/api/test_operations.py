"""Operations: the body limit while streaming, request ids, liveness and readiness, metrics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from prometheus_client import REGISTRY

from api.middleware import MAX_BODY_BYTES
from api.storage import Database
from tests.api.conftest import Deskguard

CHUNK = 64 * 1024


def test_a_chunked_20_mb_body_is_refused(dg: Deskguard) -> None:
    def body() -> Iterator[bytes]:
        for _ in range(20 * 1024 * 1024 // CHUNK):  # 20 MB without a Content-Length
            yield b"x" * CHUNK

    response = dg.client.post("/v1/verifications", content=body(), headers=dg.keys["helpdesk"])
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_a_declared_oversized_body_is_refused(dg: Deskguard) -> None:
    response = dg.client.post(
        "/v1/verifications", content=b"{" * (MAX_BODY_BYTES + 1), headers=dg.keys["helpdesk"]
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_a_body_under_the_limit_still_reaches_the_route(dg: Deskguard) -> None:
    started = dg.start(dg.employee("it_admin"))
    assert started["status"] == "pending"


def test_the_request_id_is_echoed_or_made(dg: Deskguard) -> None:
    given = dg.client.get("/healthz", headers={"X-Request-ID": "call-4411.a"})
    assert given.headers["x-request-id"] == "call-4411.a"
    made = dg.client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32
    unsafe = dg.client.get("/healthz", headers={"X-Request-ID": "x" * 65})
    assert unsafe.headers["x-request-id"] != "x" * 65  # never echo an arbitrary header


def test_log_lines_of_a_request_carry_its_id(dg: Deskguard, capsys) -> None:
    from api.logging import configure_logging

    configure_logging("INFO", json_logs=True)
    try:
        dg.client.get("/healthz", headers={"X-Request-ID": "trace-77"})
    finally:
        configure_logging("WARNING")
    lines = [line for line in capsys.readouterr().err.splitlines() if "trace-77" in line]
    assert any('"event": "request"' in line and '"status": 200' in line for line in lines)


def test_ready_when_database_directory_and_keys_are(dg: Deskguard) -> None:
    response = dg.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "directory": "ok", "keys": "ok"},
    }


class FailingDirectory:
    async def get_employee(self, upn: str) -> None:
        raise ConnectionError("directory unreachable")


def test_not_ready_without_database_or_directory(dg: Deskguard, tmp_path) -> None:
    gone = Database(f"sqlite:///file:{tmp_path / 'missing.db'}?mode=ro&uri=true")
    dg.client.app.state.runtime = replace(dg.runtime, db=gone, directory=FailingDirectory())
    response = dg.client.get("/readyz")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "not_ready"
    assert error["checks"]["database"].startswith("unreachable")
    assert error["checks"]["directory"] == "failed: ConnectionError"
    assert dg.client.get("/healthz").status_code == 200  # the process itself is alive


def test_not_ready_when_the_schema_is_behind(dg: Deskguard, tmp_path) -> None:
    unmigrated = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    dg.client.app.state.runtime = replace(dg.runtime, db=unmigrated)
    response = dg.client.get("/readyz")
    assert response.status_code == 503
    assert "deskguard db upgrade" in response.json()["error"]["checks"]["database"]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_count_decisions_stages_and_model_calls(dg: Deskguard) -> None:
    from tests.api.test_verifications import genuine_answers

    before = sample("deskguard_decisions_total", action="password_reset", outcome="allow")
    graded = sample("deskguard_stage_seconds_count", stage="grade")
    started = dg.start(dg.employee("it_admin"), signal={"score": 0.1})
    decided = dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": genuine_answers(dg.truth(started["id"]))},
        headers=dg.keys["helpdesk"],
    ).json()
    assert decided["decision"] == "allow"
    assert sample("deskguard_decisions_total", action="password_reset", outcome="allow") == (
        before + 1
    )
    assert sample("deskguard_stage_seconds_count", stage="grade") == graded + 1
    for stage in ("collect", "generate", "decide"):
        assert sample("deskguard_stage_seconds_count", stage=stage) >= 1
    text = dg.client.get("/metrics").text
    for family in (
        "deskguard_decisions_total",
        "deskguard_stage_seconds_bucket",
        "deskguard_source_failures_total",
        "deskguard_model_calls_total",
        "deskguard_rate_limited_total",
    ):
        assert family in text
