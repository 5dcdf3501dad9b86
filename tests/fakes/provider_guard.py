"""A test-wide guard: no socket may leave 127.0.0.1, so no test can reach a real LLM provider
(or Graph, Jira...). Blocked attempts fail with ConnectionRefusedError AND fail the test.

Wire it for the whole suite in tests/conftest.py:

    from tests.fakes.provider_guard import no_real_network  # noqa: F401  (autouse fixture)
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

LOCAL_NAMES = {"localhost", "localhost.localdomain"}


def is_local(host: object) -> bool:
    if host is None:
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return False


class ProviderGuard:
    def __init__(self) -> None:
        self.blocked: list[str] = []

    def check(self, host: object) -> None:
        if not is_local(host):
            self.blocked.append(str(host))
            raise ConnectionRefusedError(f"tests may not reach {host}: only 127.0.0.1 is allowed")


@contextmanager
def guard_network() -> Iterator[ProviderGuard]:
    """Patch name resolution and socket connects for the duration of the block."""
    guard = ProviderGuard()
    real_getaddrinfo = socket.getaddrinfo
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        guard.check(host)
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            guard.check(address[0])
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            guard.check(address[0])
        return real_connect_ex(sock, address)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket.socket, "connect_ex", connect_ex)
        yield guard


@pytest.fixture(autouse=True)
def no_real_network() -> Iterator[ProviderGuard]:
    with guard_network() as guard:
        yield guard
    if guard.blocked:
        pytest.fail(f"test tried to reach real hosts: {sorted(set(guard.blocked))}")
