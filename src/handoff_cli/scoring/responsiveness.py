"""Receiver responsiveness: receipt by the next business day, outcome within the due days."""

from __future__ import annotations

from datetime import date, datetime, timedelta


def add_business_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def receipt_on_time(handed_over: datetime, received: datetime) -> bool:
    """Received by the end of the next business day after the handover."""
    return received.astimezone(handed_over.tzinfo).date() <= add_business_days(handed_over.date(), 1)


def receipt_due(handed_over: datetime) -> date:
    return add_business_days(handed_over.date(), 1)


def outcome_due(handed_over: datetime, due_days: int) -> date:
    return (handed_over + timedelta(days=due_days)).date()


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (p90 of 10 values is the 9th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]
