"""How questions refer to time: relative to the moment of asking, in the employee's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def day_phrase(moment: datetime, now: datetime, timezone: str) -> str:
    """ "today", "yesterday", "on Monday", or "on Tuesday 17 November" beyond the last week."""
    when, today = local(moment, timezone), local(now, timezone)
    days = (today.date() - when.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"on {when:%A}"
    return f"on {when:%A} {when.day} {when:%B}"


def day_part(moment: datetime, timezone: str) -> str:
    hour = local(moment, timezone).hour
    if hour < 12:
        return "morning"
    if hour < 17:
        return "afternoon"
    return "evening"


def when_phrase(moment: datetime, now: datetime, timezone: str) -> str:
    """ "yesterday afternoon", "on Monday morning", "this morning"."""
    day = day_phrase(moment, now, timezone)
    part = day_part(moment, timezone)
    if day == "today":
        return f"this {part}"
    return f"{day} {part}"


def clock(moment: datetime, timezone: str) -> str:
    """ "3 pm", "9:30 am"."""
    when = local(moment, timezone)
    hour = when.hour % 12 or 12
    suffix = "am" if when.hour < 12 else "pm"
    return f"{hour} {suffix}" if when.minute == 0 else f"{hour}:{when.minute:02d} {suffix}"
