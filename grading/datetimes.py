"""Spoken dates and times ("yesterday around 3", "Tuesday afternoon", "2pm") against an ISO value.

A small hand-written parser: the answer is read relative to `asked_at` in the caller's IANA
`timezone`. Tolerance follows the granularity the caller used: a stated time is correct within
1 hour and partial within 2; a day part ("afternoon") is correct when the day matches and the
expected time falls inside it; a day alone is partial. A stated day that differs is never right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

from grading.match import Match, clamp
from grading.models import Verdict
from grading.normalize import fold, numbers_to_digits
from vocabulary.carriers import MONTHS as _MONTHS
from vocabulary.carriers import WEEKDAYS as _WEEKDAYS

# Day parts in minutes after midnight, [start, end).
_PARTS = {
    "morning": (5 * 60, 12 * 60), "lunch": (11 * 60 + 30, 14 * 60),
    "lunchtime": (11 * 60 + 30, 14 * 60), "afternoon": (12 * 60, 17 * 60 + 30),
    "evening": (17 * 60, 22 * 60), "night": (19 * 60, 24 * 60), "tonight": (19 * 60, 24 * 60),
}  # fmt: skip
_CLOCK_RE = re.compile(r"\b(\d{1,2})\s*[:.h]\s*(\d{2})\b")
_ISO_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:?\d{2}|z)?)?")
_DAY_MONTH_PATTERNS = (
    (r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+)\b", 1),  # 24th of November
    (r"\b([a-z]+) (\d{1,2})(?:st|nd|rd|th)?\b", 2),  # Nov 24
)
_DAY_OF_MONTH_RE = re.compile(r"\b([12]?\d|3[01])(?:st|nd|rd|th)\b")
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
)
_ORDINAL_DAYS = {w: n + 1 for n, w in enumerate(_ORDINAL_WORDS.split())} | {"thirtieth": 30}
_ORDINAL_DAY_RE = re.compile(
    r"\bthe (?:(twenty|thirty)[\s-]+)?(" + "|".join(_ORDINAL_DAYS) + r")\b"
)
_NOT_HOUR_AFTER = {"st", "nd", "rd", "th", "day", "days", "hour", "hours", "minutes", "weeks"}
_HOUR_MARKERS = {"around", "about", "at", "ish", "roughly", "approximately", "approx", "by"}


@dataclass
class Spoken:
    day: date | None = None
    minutes: int | None = None  # minutes after midnight, when a clock time was stated
    part: str | None = None
    pm: bool | None = None  # am/pm or a day part that implies it
    days_named: int = 0  # distinct weekdays stated: two or more is a hedge
    times_named: int = 0  # clock times stated: two (not a range) or more is a hedge


def _day_from_words(words: list[str], today: date) -> date | None:
    text = " ".join(words)
    if "day before yesterday" in text:
        return today - timedelta(days=2)
    if "yesterday" in words:
        return today - timedelta(days=1)
    if {"today", "tonight"} & set(words) or re.search(r"\bthis (morning|afternoon|evening)", text):
        return today
    ago = re.search(r"\b(\d+) days? ago\b", text)
    if ago:
        return today - timedelta(days=int(ago.group(1)))
    calendar = _calendar_day(text, today)
    if calendar is not None:
        return calendar
    for i, word in enumerate(words):
        if word in _WEEKDAYS:
            strict = i > 0 and words[i - 1] in {"last", "past"}
            back = (today.weekday() - _WEEKDAYS[word]) % 7
            latest = today - timedelta(days=back or (7 if strict else 0))
            return _with_day_of_month(latest, text) or latest
    return _latest_day_of_month(today, text)


def _latest_day_of_month(today: date, text: str) -> date | None:
    """ "the 24th": the latest 24th on or before today."""
    m = _DAY_OF_MONTH_RE.search(text)
    if m is None:
        return None
    return next(
        (d for d in (today - timedelta(days=n) for n in range(62)) if d.day == int(m.group(1))),
        None,
    )


def _with_day_of_month(latest: date, text: str) -> date | None:
    """ "Tuesday the 3rd": the latest such weekday (on or before `latest`) on that day of month."""
    m = _DAY_OF_MONTH_RE.search(text)
    if m is None:
        return None
    day = int(m.group(1))
    for weeks in range(60):  # about a year back
        candidate = latest - timedelta(weeks=weeks)
        if candidate.day == day:
            return candidate
    return None


def _stated_weekdays(words: list[str]) -> set[int]:
    return {_WEEKDAYS[w] for w in words if w in _WEEKDAYS}


def _calendar_day(text: str, today: date) -> date | None:
    for pattern, day_group in _DAY_MONTH_PATTERNS:  # fmt: skip
        for m in re.finditer(pattern, text):
            month = _MONTHS.get(m.group(3 - day_group))
            if month:
                try:
                    candidate = date(today.year, month, int(m.group(day_group)))
                except ValueError:
                    continue
                return candidate if candidate <= today else candidate.replace(year=today.year - 1)
    return None


def _clock(words: list[str], spoken: Spoken) -> None:
    for i, word in enumerate(words):
        if word.startswith("clock") and "x" in word:
            hh, mm = word[5:].split("x")
            spoken.minutes = int(hh) * 60 + int(mm)
            return
        if word in {"noon", "midday"}:
            spoken.minutes, spoken.pm = 12 * 60, True
            return
        if word == "midnight":
            spoken.minutes = 0
            return
        spoken_clock = _spoken_clock(words, i)
        if spoken_clock is not None:
            spoken.minutes = spoken_clock
            return
        hour = _hour_token(words, i)
        if hour is not None:
            spoken.minutes = hour * 60 + _minute_offset(words, i)
            return


_RANGE_WORDS = frozenset({"to", "till", "til", "until", "through", "thru", "between", "from"})


def _times_named(words: list[str]) -> int:
    """Clock times stated unmistakably ("2 pm", "3pm", "14:30", "noon"); a range ("from 2 pm
    to 3 pm", "3 pm till 4 pm") counts as one time."""
    count = sum(
        w.startswith("clock")
        or w in {"noon", "midday", "midnight"}
        or bool(re.fullmatch(r"\d{1,2}(am|pm)", w))
        or (w.isdigit() and i + 1 < len(words) and words[i + 1] in {"am", "pm"})
        or _spoken_clock(words, i) is not None
        for i, w in enumerate(words)
    )
    return 1 if count == 2 and _RANGE_WORDS & set(words) else count


def _spoken_clock(words: list[str], i: int) -> int | None:
    """'two thirty' arrives as '230' and 'fourteen fifteen' as '1415' after number folding."""
    word = words[i]
    before = words[i - 1] if i > 0 else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    if not (word.isdigit() and len(word) in (3, 4)):
        return None
    hour, minute = int(word[:-2]), int(word[-2:])
    cued = before in _HOUR_MARKERS or after in {"am", "pm", "ish", "in"}
    if cued and hour <= 23 and minute < 60:
        return hour * 60 + minute
    return None


def _hour_token(words: list[str], i: int) -> int | None:
    word = words[i]
    glued = re.fullmatch(r"(\d{1,2})(am|pm)", word)
    if glued:
        return int(glued.group(1))
    if not word.isdigit() or int(word) > 23 or len(word) > 2:
        return None
    before = words[i - 1] if i > 0 else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    if after in _MONTHS or before in _MONTHS or after in _NOT_HOUR_AFTER:
        return None
    if after in {"am", "pm", "a", "p", "ish", "o", "oclock", "in"} or before in _HOUR_MARKERS:
        return int(word)
    if before in {"past", "to"} or before in _WEEKDAYS or before in {"yesterday", "today"}:
        return int(word)
    return int(word) if len([w for w in words if w.isdigit()]) == 1 else None


def _minute_offset(words: list[str], i: int) -> int:
    before = " ".join(words[max(0, i - 2) : i])
    if before.endswith("half past"):
        return 30
    if before.endswith("quarter past"):
        return 15
    if before.endswith("quarter to"):
        return -15
    return 0


def _meridiem(words: list[str], spoken: Spoken) -> None:
    text = " ".join(words).replace("after lunch", "afternoon")
    if re.search(r"\b(\d{1,2}pm|pm|p m)\b", text):
        spoken.pm = True
    elif re.search(r"\b(\d{1,2}am|am|a m)\b", text):
        spoken.pm = False
    for part in _PARTS:
        if re.search(rf"\b{part}\b", text):
            spoken.part = "lunch" if part == "lunchtime" else part
            if spoken.pm is None and part != "lunch":
                spoken.pm = part != "morning"


def _ordinal_day(m: re.Match[str]) -> str:
    """ "the twenty-third" -> "the 23rd" (suffix only marks it as a day of month)."""
    tens = {"twenty": 20, "thirty": 30}.get(m.group(1) or "", 0)
    return f"the {tens + _ORDINAL_DAYS[m.group(2)]}th"


def parse_spoken(response: str, today: date) -> Spoken:
    raw = _CLOCK_RE.sub(lambda m: f" clock{int(m.group(1))}x{m.group(2)} ", fold(response))
    raw = re.sub(r"(\d)ish\b", r"\1 ish", _ORDINAL_DAY_RE.sub(_ordinal_day, raw))
    words = numbers_to_digits(raw.replace("o'clock", "oclock").replace("’", "'")).split()
    spoken = Spoken(
        day=_day_from_words(words, today),
        days_named=len(_stated_weekdays(words)),
        times_named=_times_named(words),
    )
    _meridiem(words, spoken)
    _clock(words, spoken)
    if spoken.minutes is not None and spoken.minutes < 13 * 60:
        spoken.minutes = _resolve_12h(spoken.minutes, spoken.pm)
    return spoken


def _resolve_12h(minutes: int, pm: bool | None) -> int:
    hour = minutes // 60
    if pm is None:
        # No am/pm and no day part: read the hour as office hours (7-11 am, 12-6 pm).
        pm = 1 <= hour <= 6
    if pm and hour < 12:
        return minutes + 12 * 60
    if pm is False and hour == 12:
        return minutes - 12 * 60
    return minutes


def _iso_answer(response: str, tz: ZoneInfo) -> Spoken | None:
    """An answer typed as ISO 8601 ('2026-11-24' or '2026-11-24 14:30')."""
    m = _ISO_RE.search(fold(response))
    if not m:
        return None
    try:
        value = _local(dateparser.isoparse(m.group(0).upper()), tz)
    except ValueError:
        return None
    has_time = len(m.group(0)) > 10
    return Spoken(day=value.date(), minutes=value.hour * 60 + value.minute if has_time else None)


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)


def _grade_clock(expected: datetime, spoken: Spoken) -> Match:
    assert spoken.minutes is not None
    stated = datetime.combine(spoken.day or expected.date(), time(), expected.tzinfo)
    stated += timedelta(minutes=spoken.minutes)
    diff = abs((stated - expected).total_seconds()) / 60
    where = "" if spoken.day else " (no day stated: compared the time of day)"
    if diff <= 60:
        return Match(
            Verdict.CORRECT,
            clamp(1 - diff / 240),
            "datetime.time",
            f"stated time within {diff:.0f} min of the expected time{where}",
        )
    if diff <= 120:
        return Match(
            Verdict.PARTIAL,
            0.5,
            "datetime.time",
            f"stated time {diff:.0f} min away (1-2 h: partial){where}",
        )
    return Match(Verdict.INCORRECT, 0.0, "datetime.time", f"stated time over 2 h away{where}")


def _grade_part(expected: datetime, spoken: Spoken) -> Match:
    assert spoken.part is not None
    start, end = _PARTS[spoken.part]
    at = expected.hour * 60 + expected.minute
    if spoken.day is not None and spoken.day != expected.date():
        return Match(Verdict.INCORRECT, 0.0, "datetime.day", "the stated day is not the day")
    where = "" if spoken.day else " (no day stated)"
    if start <= at < end:
        return Match(
            Verdict.CORRECT, 0.85, "datetime.part", f"{spoken.part} matches the day part{where}"
        )
    if start - 60 <= at < end + 60:
        return Match(
            Verdict.PARTIAL,
            0.5,
            "datetime.part",
            f"{spoken.part} is within an hour of the expected time{where}",
        )
    return Match(Verdict.INCORRECT, 0.0, "datetime.part", f"{spoken.part} is the wrong day part")


def _grade_spoken(expected: datetime, spoken: Spoken, date_only: bool) -> Match:
    if spoken.days_named > 1 or spoken.times_named > 1:
        what = "weekdays" if spoken.days_named > 1 else "clock times"
        reason = f"several {what} in one answer: a hedge is never correct"
        return Match(Verdict.INCORRECT, 0.0, "datetime.hedged", reason, flags=("hedged",))
    if spoken.day is not None and spoken.day != expected.date():
        return Match(Verdict.INCORRECT, 0.0, "datetime.day", "the stated day is not the day")
    if date_only and spoken.day is not None:
        return Match(Verdict.CORRECT, 1.0, "datetime.day", "the stated day matches")
    if spoken.minutes is not None:
        return _grade_clock(expected, spoken)
    if spoken.part is not None:
        return _grade_part(expected, spoken)
    if spoken.day is not None:
        return Match(Verdict.PARTIAL, 0.5, "datetime.day", "day matches; no time given")
    return Match(Verdict.INCORRECT, 0.0, "datetime.unparsed", "no date or time understood")


def match_datetime(
    expected: str, response: str, *, asked_at: datetime | None, timezone: str | None
) -> Match:
    tz = ZoneInfo(timezone or "UTC")
    date_only = len(expected.strip()) <= 10
    target = _local(dateparser.isoparse(expected), tz)
    asked = _local(asked_at or datetime.now(tz), tz)
    spoken = _iso_answer(response, tz) or parse_spoken(response, asked.date())
    return _grade_spoken(target, spoken, date_only)
