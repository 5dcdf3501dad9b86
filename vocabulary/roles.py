"""Role families: who an employee is for the questions asked and the evaluation's tables.

Frontline staff work shifts in stores and distribution centres (their context is the rota,
swaps, time off and their own IT tickets); office staff live in calendar and mail; IT staff in
Jira and git."""

from __future__ import annotations

from enum import StrEnum


class RoleFamily(StrEnum):
    FRONTLINE = "frontline"
    OFFICE = "office"
    IT = "it"


FRONTLINE_ROLES = frozenset({"store_associate", "shift_lead", "dc_operative", "driver"})
IT_ROLES = frozenset({"engineer", "data_engineer", "it_admin", "helpdesk", "ciso", "new_hire"})


def family_of(role: str) -> RoleFamily:
    if role in FRONTLINE_ROLES:
        return RoleFamily.FRONTLINE
    if role in IT_ROLES:
        return RoleFamily.IT
    return RoleFamily.OFFICE
