"""People's averages: shrinkage toward the team, and each receiver's leniency."""

from __future__ import annotations

import statistics


def shrunk_mean(values: list[float], prior: float, shrinkage: float) -> float | None:
    """The mean of `values`, pulled toward `prior` as if `shrinkage` more values equal to it existed."""
    if not values:
        return None
    return (sum(values) + shrinkage * prior) / (len(values) + shrinkage)


def leniency_offsets(ratings: dict[str, list[int]], shrinkage: float) -> dict[str, float]:
    """How much each receiver rates above the team (shrunk toward 0 while they have few ratings)."""
    every = [r for values in ratings.values() for r in values]
    if not every:
        return {}
    team = statistics.fmean(every)
    return {who: len(values) / (len(values) + shrinkage) * (statistics.fmean(values) - team)
            for who, values in ratings.items() if values}
