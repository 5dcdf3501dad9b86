"""Words that carry an answer: weekdays, months, how often something happens, ordinals, am/pm.

A mismatch in one of them makes an answer wrong however close the rest reads ("weekly vendor
sync" is not the monthly one, Tuesday is not Thursday, the second floor is not the third), and
the date parser reads the same weekday and month names. One home for each list.
"""

from __future__ import annotations

WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "weds": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip
_MONTH_NAMES = (
    "jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
    "aug august", "sep sept september", "oct october", "nov november", "dec december",
)  # fmt: skip
MONTHS = {m: i + 1 for i, names in enumerate(_MONTH_NAMES) for m in names.split()}
# One word per frequency; spoken forms ("every other week", "fortnightly") map onto them.
_FREQUENCIES = "hourly daily nightly weekly biweekly bimonthly monthly quarterly semiannual annual"
FREQUENCIES = frozenset(_FREQUENCIES.split())
FREQUENCY_FORMS = {
    "fortnightly": "biweekly", "annually": "annual", "yearly": "annual",
    "biannual": "semiannual", "semiannually": "semiannual",
}  # fmt: skip
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
ORDINALS = frozenset(_ORDINALS.split())
MERIDIEM = frozenset({"am", "pm"})
