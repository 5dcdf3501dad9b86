"""The ticketing systems deskguard writes to, built from settings (enabled when configured)."""

from __future__ import annotations

from tickets.base import TicketAdapter
from tickets.jsm import JSMAdapter, JSMConfig
from tickets.servicenow import ServiceNowAdapter, ServiceNowConfig


def build_adapters(servicenow: ServiceNowConfig, jsm: JSMConfig) -> dict[str, TicketAdapter]:
    """Adapters by `ticket.system`; a system that is not configured has none (label only)."""
    adapters: dict[str, TicketAdapter] = {}
    if servicenow.enabled:
        adapters[ServiceNowAdapter.system] = ServiceNowAdapter(servicenow)
    if jsm.enabled:
        adapters[JSMAdapter.system] = JSMAdapter(jsm)
    return adapters
