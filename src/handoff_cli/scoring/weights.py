"""Quality weights and their defaults; `.handoff.yaml` `scoring:` may change them.
docs/scoring.md explains each."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from handoff_cli.errors import ConfigError
from handoff_cli.i18n import t


@dataclass(frozen=True)
class Weights:
    """Quality weights (relative; parts not yet available drop out and the rest rescale)."""

    required: float = 15
    recommended: float = 20
    specificity: float = 25
    actionability: float = 10
    rating: float = 20
    stability: float = 10
    rejection_penalty: float = 20  # points off when a receipt rejects the handoff as clerical/definitional
    shrinkage: float = 3  # ratings' worth of the team mean mixed into each person's average

    @classmethod
    def from_config(cls, scoring: dict) -> "Weights":
        """Weights from `.handoff.yaml` `scoring:` (e.g. `weights: {rating: 30}`, `shrinkage: 5`)."""
        known = {f.name for f in fields(cls)}
        overrides = dict(scoring.get("weights") or {})
        overrides.update({k: v for k, v in scoring.items() if k != "weights"})
        for key, value in overrides.items():
            if key not in known:
                raise ConfigError(t("weights.unknown", key=key), hint=t("weights.known", keys=", ".join(sorted(known))))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(t("weights.not_number", key=key))
        return replace(cls(), **overrides)
