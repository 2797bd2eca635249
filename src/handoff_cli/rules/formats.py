"""Formats of values: ISO 8601 dates and date-times with offset and email addresses, checked
the same way by both validators and by the prompts; and dates as people type them at a
prompt (`2026/12/1 9:30`), read into the canonical form a document holds."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone, tzinfo
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
    checker.checks("email")(is_email)
    return checker


# An address as people and git write it: one @, something on each side, no spaces, no
# control characters; the domain is dot-separated labels (`localhost` too: git allows it).
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f.]+(?:\.[^@\s\x00-\x1f\x7f.]+)*$")


def is_email(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return len(value) <= 254 and _EMAIL.match(value) is not None


# Dates as typed: 2026-12-01, 2026/12/1, 2026.12.1, 2026年12月1日 (full-width digits too).
_TYPED_DATE = r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)"
_TYPED_TIME = (r"(\d{1,2})\s*(?::\s*(\d{2})(?:\s*:\s*(\d{2})(\.\d+)?)?|時\s*(?:(\d{1,2})\s*分)?|時半)"
               r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?")
_TYPED_DATE_ONLY = re.compile(rf"^{_TYPED_DATE}$")
_WEEKDAY = r"\([^)]{0,12}\)"  # (火), (Tue): after NFKC, full-width brackets are plain ones
_TYPED_DATE_TIME = re.compile(rf"^{_TYPED_DATE}(?:\s*{_WEEKDAY}\s*|\s*[Tt]\s*|\s+){_TYPED_TIME}$")
_TYPED_DATE_WEEKDAY = re.compile(rf"\s*{_WEEKDAY}$")


def _typed(text: str) -> str:
    """Typed text with full-width digits and signs made plain (NFKC) and outer spaces gone."""
    return unicodedata.normalize("NFKC", text).strip()


def _typed_day(groups: tuple) -> date | None:
    year, month, day = groups[0], groups[1] or groups[3], groups[2] or groups[4]
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def read_date(text: str) -> str | None:
    """A date as typed (`2026/12/1`, `2026-12-01`, `2026年12月1日`, a weekday in brackets
    after it) as ISO 8601 (`2026-12-01`); None when it is not one."""
    typed = _TYPED_DATE_WEEKDAY.sub("", _typed(text)) if isinstance(text, str) else ""
    match = _TYPED_DATE_ONLY.match(typed)
    day = _typed_day(match.groups()) if match else None
    return day.isoformat() if day else None


def zone(name: str | None) -> tzinfo | None:
    """The time zone called `name` (IANA, e.g. Asia/Tokyo); None for the local one."""
    if not name:
        return None
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def read_datetime(text: str, default_zone: tzinfo | None = None) -> str | None:
    """A date and time as typed (`2026-12-01 14:00`, `2026/12/1 9:30`, `2026-12-01T14:00:00Z`,
    `2026年12月1日 14時30分`), in canonical ISO 8601 with seconds and offset
    (`2026-12-01T14:00:00+09:00`); without an offset the time is in `default_zone` (None: the
    local time zone). None when it is not a date and time."""
    typed = _typed(text) if isinstance(text, str) else ""
    match = _TYPED_DATE_TIME.match(typed)
    if match is None:
        return None
    groups = match.groups()
    day = _typed_day(groups[:5])
    hour, minute, second, fraction, japanese_minute, offset = groups[5:]
    if day is None:
        return None
    minutes = int(minute or japanese_minute or (30 if typed.endswith("時半") else 0))
    seconds = int(second or 0)
    if int(hour) > 23 or minutes > 59 or seconds > 60:
        return None
    seconds = min(seconds, 59)  # a leap second reads as the second before it, as in parse_datetime
    micro = int(round(float(fraction) * 1_000_000)) if fraction else 0
    moment = datetime(day.year, day.month, day.day, int(hour), minutes, seconds, min(micro, 999_999))
    if offset:
        if offset == "Z":
            zone_of = timezone.utc
        else:
            digits = offset[1:].replace(":", "")
            hours, mins = int(digits[:2]), int(digits[2:] or 0)
            if hours > 23 or mins > 59:
                return None
            delta = timedelta(hours=hours, minutes=mins)
            zone_of = timezone(-delta if offset[0] == "-" else delta)
        moment = moment.replace(tzinfo=zone_of)
    elif default_zone is not None:
        moment = moment.replace(tzinfo=default_zone)
    else:
        moment = moment.astimezone()  # the local time zone, as the machine knows it
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
