"""The client address of a request: the socket peer, or, only when that peer is a trusted proxy
(DESKGUARD_TRUSTED_PROXIES), the address the proxies recorded in X-Forwarded-For. Anyone can send
X-Forwarded-For, so an untrusted peer's is ignored; behind trusted proxies the rightmost entry that
is not itself a trusted proxy is the client (entries to its left were written by the client and
prove nothing). The failed-authentication limit and the access log both key on this address."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

from starlette.types import Scope

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"  # no peer at all (e.g. a Unix socket)


def parse_networks(value: Any) -> Any:
    """`10.0.0.0/8, 192.0.2.7` (an environment string) or a list: networks (a bare IP is a /32
    or /128). Host bits set are accepted (10.1.2.3/8 is 10.0.0.0/8): an operator's meaning is
    plain and refusing it would only stop `serve`."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, Iterable):
        return value
    networks: list[IPNetwork] = []
    for entry in value:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or CIDR network") from None
    return networks


def _address(text: str) -> IPAddress | None:
    """An address as proxies write it: `192.0.2.1`, `192.0.2.1:443`, `2001:db8::1`,
    `[2001:db8::1]:443`. An IPv4-mapped IPv6 address is its IPv4 address (dual-stack sockets)."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else text
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress | None, proxies: Sequence[IPNetwork]) -> bool:
    return address is not None and any(address in network for network in proxies)


def forwarded_for(headers: Iterable[tuple[bytes, bytes]]) -> list[str]:
    """Every X-Forwarded-For entry in order (repeated headers are one list, RFC 9110 5.3)."""
    entries: list[str] = []
    for name, value in headers:
        if name.lower() == b"x-forwarded-for":
            entries += [e.strip() for e in value.decode("latin-1").split(",") if e.strip()]
    return entries


def resolve(peer: str | None, forwarded: Sequence[str], proxies: Sequence[IPNetwork]) -> str:
    """The client address, as a string, given the socket peer and the X-Forwarded-For entries."""
    if peer is None:
        return UNKNOWN
    nearest = _address(peer)
    if not _trusted(nearest, proxies):
        return str(nearest) if nearest is not None else peer
    for entry in reversed(forwarded):
        address = _address(entry)
        if address is None:
            # A trusted proxy wrote something that is not an address: vouch only for that proxy.
            break
        nearest = address
        if not _trusted(address, proxies):
            break
    return str(nearest)


def client_address(scope: Scope, proxies: Sequence[IPNetwork]) -> str:
    client = scope.get("client")
    return resolve(client[0] if client else None, forwarded_for(scope.get("headers", [])), proxies)
