"""The client address behind a reverse proxy (issue 18): X-Forwarded-For counts only when the
socket peer is in DESKGUARD_TRUSTED_PROXIES, and then only the rightmost entry that is not itself
a trusted proxy. Driven through the app with a chosen peer address: the failed-authentication
limit and the access log must both key on the resolved address."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.client_address import parse_networks, resolve
from api.settings import LimitSettings, Settings
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for

GUESSER = "198.51.100.23"
PROXY = "10.0.0.5"
FAILURES = 2  # failed authentications per address before 429


def guarded(demo_data_dir: Path, tmp_path: Path, trusted: str) -> Deskguard:
    settings = settings_for(demo_data_dir).model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'proxy.db'}",
            "limits": LimitSettings(auth_failures_per_client=FAILURES, auth_window_seconds=60),
            "trusted_proxies": parse_networks(trusted),
        }
    )
    return make_deskguard(settings, Clock())


Call = Callable[..., int]


@pytest.fixture
def call_from() -> Iterator[Callable[[Deskguard, str], Call]]:
    """`call_from(dg, peer)(forwarded=..., key=...)`: GET /v1/audit from that socket peer."""
    clients: list[TestClient] = []

    def make(dg: Deskguard, peer: str) -> Call:
        client = TestClient(dg.client.app, client=(peer, 40000), raise_server_exceptions=False)
        clients.append(client)

        def call(forwarded: str | None = None, key: str | None = None) -> int:
            headers = {"Authorization": key or "Bearer dg_guess"}
            if forwarded is not None:
                headers["X-Forwarded-For"] = forwarded
            return client.get("/v1/audit", headers=headers).status_code

        return call

    yield make
    for client in clients:
        client.close()


def test_an_untrusted_peers_forwarded_for_is_ignored(
    demo_data_dir: Path, tmp_path: Path, call_from: Callable[[Deskguard, str], Call]
) -> None:
    dg = guarded(demo_data_dir, tmp_path, trusted="")  # the default: no proxy is trusted
    guesser = call_from(dg, GUESSER)
    # A new spoofed address per guess does not buy new guesses: the peer is the client.
    spoofed = [guesser(forwarded=f"203.0.113.{n}") for n in range(FAILURES + 2)]
    assert spoofed == [401] * FAILURES + [429, 429]
    assert guesser(key=dg.keys["auditor"]["Authorization"]) == 429
    assert call_from(dg, "192.0.2.80")(key=dg.keys["auditor"]["Authorization"]) == 200


def test_a_peer_outside_the_trusted_list_is_its_own_client(
    demo_data_dir: Path, tmp_path: Path, call_from: Callable[[Deskguard, str], Call]
) -> None:
    dg = guarded(demo_data_dir, tmp_path, trusted="10.0.0.0/24")
    guesser = call_from(dg, GUESSER)
    assert [guesser(forwarded=f"10.0.0.{n}") for n in range(FAILURES + 1)][-1] == 429


def test_a_trusted_proxys_forwarded_for_names_the_client(
    demo_data_dir: Path, tmp_path: Path, call_from: Callable[[Deskguard, str], Call]
) -> None:
    dg = guarded(demo_data_dir, tmp_path, trusted=f"{PROXY},10.0.1.0/24")
    proxy = call_from(dg, PROXY)
    # The guesser prepends a fresh spoofed entry each time; the proxy appends what it saw.
    statuses = [proxy(forwarded=f"203.0.113.{n}, {GUESSER}") for n in range(FAILURES + 1)]
    assert statuses == [401] * FAILURES + [429]
    # Through a second trusted hop the same guesser is still the one locked out ...
    assert proxy(forwarded=f"{GUESSER}, 10.0.1.9") == 429
    # ... and only the guesser: another caller through the same proxy gets in.
    assert proxy(forwarded="192.0.2.80", key=dg.keys["auditor"]["Authorization"]) == 200
    assert proxy(key=dg.keys["auditor"]["Authorization"]) == 200  # the proxy itself (no header)


def test_the_access_log_names_the_resolved_client(
    demo_data_dir: Path,
    tmp_path: Path,
    call_from: Callable[[Deskguard, str], Call],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from api.logging import configure_logging

    dg = guarded(demo_data_dir, tmp_path, trusted=PROXY)
    configure_logging("INFO", json_logs=True)
    try:
        call_from(dg, PROXY)(forwarded=f"203.0.113.7, {GUESSER}")
        call_from(dg, "192.0.2.80")(forwarded=GUESSER)  # not a proxy: its own address
    finally:
        configure_logging("WARNING")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if "{" in line]
    requests = [line["client"] for line in lines if line.get("event") == "request"]
    failures = [line["client"] for line in lines if line.get("event") == "authentication_failed"]
    assert requests == failures == [GUESSER, "192.0.2.80"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("10.0.0.5", ["198.51.100.1:4431"], "198.51.100.1"),  # a port is not part of the address
        ("10.0.0.5", ["[2001:db8::7]:443"], "2001:db8::7"),
        ("::ffff:10.0.0.5", ["2001:db8::7"], "2001:db8::7"),  # a dual-stack socket's IPv4 peer
        ("10.0.0.5", ["198.51.100.1", "not-an-ip"], "10.0.0.5"),  # vouch only for the proxy
        ("10.0.0.5", ["10.0.0.6"], "10.0.0.6"),  # every hop trusted: the farthest one
        ("10.0.0.5", [], "10.0.0.5"),
        ("testclient", ["198.51.100.1"], "testclient"),  # a peer that is no IP is never trusted
        (None, ["198.51.100.1"], "unknown"),
    ],
)
def test_forwarded_entries_as_proxies_write_them(
    peer: str | None, forwarded: list[str], expected: str
) -> None:
    assert resolve(peer, forwarded, parse_networks("10.0.0.0/24")) == expected


def test_the_setting_reads_ips_and_cidrs_and_refuses_anything_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DESKGUARD_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7,2001:db8::/32")
    assert [str(n) for n in Settings().trusted_proxies] == [
        "10.0.0.0/8",
        "192.0.2.7/32",
        "2001:db8::/32",
    ]
    monkeypatch.setenv("DESKGUARD_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal")
    with pytest.raises(ValidationError, match=r"proxy\.internal"):
        Settings()
    monkeypatch.delenv("DESKGUARD_TRUSTED_PROXIES")
    assert Settings().trusted_proxies == []
