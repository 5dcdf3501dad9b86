"""The systems of record a context item can come from."""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    """The system of record an item came from."""

    CALENDAR = "calendar"
    MAIL = "mail"
    JIRA = "jira"
    GIT = "git"
    SHIFTS = "shifts"  # Teams Shifts or a workforce-management export
    ITSM = "itsm"  # the employee's own IT tickets (ServiceNow, Jira Service Management)
