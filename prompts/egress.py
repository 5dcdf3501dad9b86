"""Egress control: what may leave for a model, and where to (DESKGUARD_LLM__EGRESS,
DESKGUARD_LLM__NEVER_SEND).

- `none`: no prompt is sent, by any component.
- `local` (the default): only to an api_base whose host resolves to loopback or private
  addresses (RFC 1918, unique-local IPv6); link-local (cloud metadata), unspecified and public
  addresses are refused, and so is a model without an api_base (a hosted provider).
- `any`: anywhere, over https (plain http only to a local address).
Before sending, `screen` refuses a prompt with an undeclared variable or one whose declared
categories (prompts/manifest.py) fall under a never-send category, and cuts e-mail addresses
out of the text when e-mail addresses never leave. Every refusal raises LLMEgressRefused before
anything is sent; the callers fall back (templates, the heuristic attacker) or fail closed (the
judge's band escalates).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from urllib.parse import urlsplit

from prompts.config import LLMConfig
from prompts.errors import LLMEgressRefused
from prompts.manifest import declared
from prompts.registry import RenderedPrompt, get_prompt
from vocabulary.fides import EMAIL, covered_by_any, covers

_ADDRESS = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
REDACTED = "[address withheld]"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def refuse_if_closed(config: LLMConfig) -> None:
    if config.closed:
        raise LLMEgressRefused("DESKGUARD_LLM__EGRESS=none: no prompt leaves deskguard")


def screen(config: LLMConfig, rendered: RenderedPrompt) -> list[dict[str, str]]:
    """The messages as they may be sent, or LLMEgressRefused."""
    refuse_if_closed(config)
    spec = get_prompt(rendered.ref)
    fields = declared(spec.name)
    undeclared = sorted(spec.variables - fields.keys())
    if undeclared:
        raise LLMEgressRefused(f"{spec.ref}: variables {undeclared} are not declared in "
                               "prompts/manifest.py")  # fmt: skip
    for name in sorted(spec.variables):
        barred = [c for c in fields[name].categories if covered_by_any(c, config.never_send)]
        if barred:
            raise LLMEgressRefused(f"{spec.ref}: {name} carries {barred}, which "
                                   "DESKGUARD_LLM__NEVER_SEND keeps in")  # fmt: skip
    if not any(covers(c, EMAIL) for c in config.never_send):
        return [dict(m) for m in rendered.messages]
    return [{**m, "content": withhold_addresses(m["content"])} for m in rendered.messages]


def withhold_addresses(text: str) -> str:
    """Every e-mail address (a UPN is one) replaced by a placeholder."""
    return _ADDRESS.sub(REDACTED, text)


async def check_destination(api_base: str | None, egress: str) -> None:
    """Where a request for `api_base` would go is allowed by `egress`, or LLMEgressRefused."""
    if egress == "none":
        raise LLMEgressRefused("DESKGUARD_LLM__EGRESS=none: no prompt leaves deskguard")
    if not api_base:
        if egress == "any":
            return
        raise LLMEgressRefused(
            "DESKGUARD_LLM__EGRESS=local needs DESKGUARD_LLM__API_BASE on a loopback or private "
            "address; set DESKGUARD_LLM__EGRESS=any to send prompts to a hosted provider"
        )
    parts = urlsplit(api_base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMEgressRefused(f"DESKGUARD_LLM__API_BASE is not an http(s) URL: {api_base!r}")
    addresses = await resolve(parts.hostname, parts.port)
    public = [str(a) for a in addresses if not is_local(a)]
    if egress == "any":
        if public and parts.scheme != "https":
            raise LLMEgressRefused(f"{parts.hostname} is a public address: https only")
        return
    if public or not addresses:
        raise LLMEgressRefused(
            f"DESKGUARD_LLM__EGRESS=local: {parts.hostname} resolves to "
            f"{', '.join(public) or 'nothing'}, not only loopback or private addresses"
        )


async def resolve(host: str, port: int | None) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise LLMEgressRefused(f"{host} does not resolve ({type(exc).__name__})") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


def is_local(address: IPAddress) -> bool:
    """Loopback or a private network (RFC 1918, unique-local IPv6); never link-local (cloud
    metadata), documentation, shared or any other address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or any(address in network for network in PRIVATE_NETWORKS)
