"""Formats of values: ISO 8601 dates and date-times with offset, checked the same way by
both validators and by the prompts."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-](\d{2}):?(\d{2}))$")


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
    """An aware datetime from ISO 8601 text with an offset (RFC 3339: offsets up to 23:59, a
    leap second `:60` read as the second before it), else None."""
    match = _DATE_TIME.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    minutes, seconds, fraction, zone, zone_hours, zone_minutes = match.groups()
    if zone_hours is not None and (int(zone_hours) > 23 or int(zone_minutes) > 59):
        return None
    if seconds == "60":
        seconds = "59"
    offset = "+00:00" if zone in ("Z", "z") else f"{zone[0]}{zone_hours}:{zone_minutes}"
    try:
        return datetime.fromisoformat(f"{minutes.replace('t', 'T')}:{seconds or '00'}{fraction or ''}{offset}")
    except ValueError:
        return None


@cache
def format_checker():
    """jsonschema's FormatChecker with our own date and date-time rules (imported on first use)."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(is_date)
    checker.checks("date-time")(is_date_time)
    return checker
