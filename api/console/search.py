"""Finding the employee the caller claims to be: by name or UPN, from the directory."""

from __future__ import annotations

from context.connectors.base import Directory
from context.models import Employee

MAX_MATCHES = 20


async def search_employees(directory: Directory, query: str) -> list[Employee]:
    """Employees whose name or UPN contains every word of the query (case-insensitive)."""
    words = query.casefold().split()
    if not words:
        return []
    if len(words) == 1 and "@" in words[0]:
        exact = await directory.get_employee(words[0])
        if exact is not None:
            return [exact]
    found = [
        e
        for e in await directory.list_employees()
        if all(w in f"{e.name} {e.upn}".casefold() for w in words)
    ]
    return sorted(found, key=lambda e: e.name)[:MAX_MATCHES]
