from dataclasses import dataclass
from datetime import datetime

import pytest

from grading.datetimes import match_datetime
from grading.models import Verdict

C, P, X = Verdict.CORRECT, Verdict.PARTIAL, Verdict.INCORRECT
ASKED = datetime.fromisoformat("2026-11-26T10:00:00+00:00")  # a Thursday
WED_3PM = "2026-11-25T15:00:00+00:00"
TUE_1430_PARIS = "2026-11-24T14:30:00+01:00"
TUE_2PM = "2026-11-24T14:00:00+00:00"
NOV_3_2PM = "2026-11-03T14:00:00+00:00"  # also a Tuesday, three weeks before the call


@dataclass(frozen=True)
class Case:
    expected: str
    response: str
    verdict: Verdict
    timezone: str | None = None


CASES = [
    Case(WED_3PM, "yesterday around 3", C),  # bare "3" read as office hours: 15:00
    Case(WED_3PM, "yesterday at 3pm", C),
    Case(WED_3PM, "3 pm-ish", C),  # no day: the question named it; compare time of day
    Case(WED_3PM, "14:00", C),  # within 1 h
    Case(WED_3PM, "2pm", C),
    Case(WED_3PM, "three o'clock", C),
    Case(WED_3PM, "at three in the afternoon", C),
    Case(WED_3PM, "fourteen fifteen ish", C),
    Case(WED_3PM, "1pm", P),  # 2 h off: partial
    Case(WED_3PM, "12:50", X),  # over 2 h off
    Case(WED_3PM, "yesterday afternoon", C),  # day part containing the time
    Case(WED_3PM, "Wednesday afternoon", C),
    Case(WED_3PM, "yesterday morning", X),  # wrong day part
    Case(WED_3PM, "yesterday", P),  # a day alone
    Case(WED_3PM, "last Wednesday", P),
    Case(WED_3PM, "1 day ago", P),
    Case(WED_3PM, "Tuesday afternoon", X),  # wrong day, right part: never correct
    Case(WED_3PM, "Thursday at 3", X),
    Case(WED_3PM, "this morning", X),
    Case(WED_3PM, "2 days ago", X),
    Case(WED_3PM, "no idea", X),
    Case(TUE_1430_PARIS, "Tuesday afternoon", C, "Europe/Paris"),
    Case(TUE_1430_PARIS, "Thursday afternoon", X, "Europe/Paris"),  # Tuesday is never Thursday
    Case(TUE_1430_PARIS, "tuesday half past two", C, "Europe/Paris"),
    Case(TUE_1430_PARIS, "around two thirty", C, "Europe/Paris"),
    Case(TUE_1430_PARIS, "nov 24th at 2:30 pm", C, "Europe/Paris"),
    Case(TUE_1430_PARIS, "24 November", P, "Europe/Paris"),
    Case(TUE_1430_PARIS, "2026-11-24T14:30", C, "Europe/Paris"),
    Case(TUE_1430_PARIS, "2026-11-24 16:40", X, "Europe/Paris"),
    # 14:30 in Paris is 13:30 UTC: graded in UTC the caller's "2:30" is an hour off, still ok
    Case(TUE_1430_PARIS, "Tuesday 2:30 pm", C),
    Case("2026-11-25", "yesterday", C),  # a date-only expected value needs only the day
    # genuine speech: relative day or weekday with a clock time, weekday with a day of month
    Case(TUE_2PM, "Tuesday afternoon at 2", C),  # "afternoon" makes the bare 2 pm
    Case(TUE_2PM, "Tuesday at 2 pm", C),
    Case(TUE_2PM, "Tuesday 2ish", C),  # "2ish" glued
    Case(TUE_2PM, "Tuesday the 24th at 2", C),
    Case(TUE_2PM, "the 24th, around 2", C),  # a day of month alone: the latest 24th
    Case(TUE_2PM, "Tuesday the twenty-fourth at 2 pm", C),  # ordinal words
    Case(NOV_3_2PM, "Tuesday the 3rd at 2", C),  # not last Tuesday: the Tuesday on the 3rd
    Case(NOV_3_2PM, "Tuesday the third", P),  # right day, no time
    Case(TUE_2PM, "Tuesday the 17th at 2", X),  # the Tuesday a week earlier
    Case(TUE_2PM, "Tuesday, Wednesday, around 2", X),  # two weekdays: a hedge
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.response}")
def test_match_datetime(case: Case) -> None:
    result = match_datetime(case.expected, case.response, asked_at=ASKED, timezone=case.timezone)
    assert result.verdict is case.verdict, result.reason


def test_time_zone_decides_what_yesterday_means() -> None:
    # 00:30 on Thursday in Tokyo is still Wednesday in UTC: "yesterday" is Wednesday there.
    asked = datetime.fromisoformat("2026-11-25T15:30:00+00:00")
    expected = "2026-11-25T06:00:00+00:00"  # Wednesday 15:00 in Tokyo
    tokyo = match_datetime(expected, "yesterday at 3pm", asked_at=asked, timezone="Asia/Tokyo")
    utc = match_datetime(expected, "yesterday at 3pm", asked_at=asked, timezone="UTC")
    assert tokyo.verdict is C
    assert utc.verdict is X


def test_asked_at_defaults_to_now() -> None:
    result = match_datetime(
        datetime.now().astimezone().isoformat(), "today", asked_at=None, timezone=None
    )
    assert result.verdict in (P, X)  # a day alone is partial at most; never an exception


def test_several_clock_times_are_a_hedge_but_a_range_is_one_time() -> None:
    at = datetime.fromisoformat("2026-11-26T10:00:00+00:00")
    expected = "2026-11-24T15:00:00+00:00"

    def verdict(said: str) -> Verdict:
        return match_datetime(expected, said, asked_at=at, timezone="UTC").verdict

    assert verdict("Tuesday at 2 pm, 3 pm, 4 pm") is Verdict.INCORRECT
    assert verdict("Tuesday at 2pm and 3pm") is Verdict.INCORRECT
    assert verdict("Tuesday from 3pm to 4pm") is Verdict.CORRECT
