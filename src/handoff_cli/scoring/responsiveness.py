"""Receiver responsiveness: receipt by the next business day, outcome within the due days.

Times come from files and git history, which may say year 9999: due dates stop at the last
day a date can hold (date.max) rather than overflow."""

from __future__ import annotations

from datetime import date, datetime, timedelta


def add_days(day: date, count: int) -> date:
    """`day` + `count` days, no later than date.max and no earlier than date.min."""
    try:
        return day + timedelta(days=count)
    except OverflowError:
        return date.max if count > 0 else date.min


def add_business_days(day: date, count: int) -> date:
    while count > 0 and day < date.max:
        day = add_days(day, 1)
        if day.weekday() < 5:
            count -= 1
    return day


def _day_in_zone_of(moment: datetime, other: datetime) -> date:
    """The calendar day of `moment` on the clock of `other`; past either end of the calendar
    (a moment near year 1 or 9999 in another zone), the last or first day there is."""
    try:
        return moment.astimezone(other.tzinfo).date()
    except OverflowError:
        return date.max if moment.year > 1 else date.min


def receipt_on_time(handed_over: datetime, received: datetime) -> bool:
    """Received by the end of the next business day after the handover."""
    return _day_in_zone_of(received, handed_over) <= add_business_days(handed_over.date(), 1)


def receipt_due(handed_over: datetime) -> date:
    return add_business_days(handed_over.date(), 1)


def outcome_due(handed_over: datetime, due_days: int) -> date:
    return add_days(handed_over.date(), due_days)


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (p90 of 10 values is the 9th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]
