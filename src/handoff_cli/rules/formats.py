"""Formats of values: ISO 8601 dates and date-times with offset, checked the same way by
both validators and by the prompts."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$")

def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return parse_datetime(value) is not None


def parse_datetime(value: str) -> datetime | None:
    """An aware datetime from ISO 8601 text with an offset, else None."""
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        return None
    text = value.replace("z", "Z").replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


@cache
def format_checker():
    """jsonschema's FormatChecker with our own date and date-time rules (imported on first use)."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(is_date)
    checker.checks("date-time")(is_date_time)
    return checker
