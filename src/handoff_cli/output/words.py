"""How the report's values are worded in the user's language, the same in every format: the
terminal tables (output/tables.py), Markdown (output/markdown.py) and the web page
(output/html.py and its templates) all say a percentage, a number of days, a mix of counts,
a phase, a feedback state, a decision, a rejection reason and an outcome with these.

Plain strings only: no rich here (markdown.py, which the CI gate may load, imports this),
and the schemas' Japanese labels are read only when a label is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from handoff_cli.i18n import language, t

NONE = "–"  # what a missing value shows
PHASES = ("receipt", "outcome")  # "phase.<name>"
STATES = ("none", "received", "done", "rejected")  # "state.<name>"
PARTS = ("required", "recommended", "specificity", "actionability", "rating", "stability")  # "quality.part.<name>"
GROUPINGS = ("sender", "receiver", "team", "pair", "kind")  # `--by`: "report.by.<name>"


def pct(value: float | None) -> str:
    """0.625 -> '62%'; None -> '–'."""
    return NONE if value is None else f"{value:.0%}"


def num(value: float | None, unit: str | None = None) -> str:
    """`value` with i18n's "unit.<unit>" (hours, days) after it; None -> '–'."""
    return NONE if value is None else f"{value:g}" + (t(f"unit.{unit}") if unit else "")


def days(count: int) -> str:
    """A whole number of days: '3 d', '3 日'."""
    return t("unit.days.count", days=count)


def handed(row) -> str:
    """A pending row's handover: '2026-11-18 (6d)', marked when it is not committed yet."""
    return t("report.handed", date=row.handed_over[:10], days=row.age_days) + (
        t("report.uncommitted") if row.uncommitted else "")


def due(row) -> str:
    """A pending row's due date, said to be overdue when it is."""
    return t("report.overdue", due=row.due) if row.overdue else row.due


def listing(items: Iterable[object]) -> str:
    """Items joined by the language's list separator; none -> '–'."""
    return t("words.list_sep").join(str(item) for item in items) or NONE


def mix(counts: dict, word=str) -> str:
    """Counts by name, each name worded by `word`: 'won 3, lost 1'."""
    return listing(f"{word(name)} {count}" for name, count in counts.items())


def outcomes(counts: dict, kind: str | None = None) -> str:
    """Counts by outcome, each outcome worded (`outcome`)."""
    return mix(counts, lambda value: outcome(value, kind))


def phase(name: str) -> str:
    """receipt / outcome (anything else, from data, as it is)."""
    return t(f"phase.{name}") if name in PHASES else str(name)


def state(name: str) -> str:
    """A handoff's feedback state: awaiting receipt, awaiting outcome, done, rejected."""
    return t(f"state.{name}") if name in STATES else str(name)


def awaiting(phase_name: str) -> str:
    """What a pending row waits for, as its state: awaiting receipt or awaiting outcome."""
    return state("none" if phase_name == "receipt" else "received")


def part(name: str) -> str:
    """A part of the quality score."""
    return t(f"quality.part.{name}") if name in PARTS else str(name)


def parts(names: Iterable[str]) -> str:
    """Parts of the quality score, as a list: 'specificity, stability'."""
    return listing(part(name) for name in names)


def grouping(by: str) -> str:
    """What the quality table groups by (`--by`)."""
    return t(f"report.by.{by}") if by in GROUPINGS else str(by)


def history(state: str) -> str:
    """complete / partial / unavailable (of the git history the figures come from)."""
    return t(f"html.history.{state}") if state in ("complete", "partial", "unavailable") else str(state)


def status(name: str) -> str:
    """final / provisional (of a score)."""
    return t(f"quality.status.{name}") if name in ("final", "provisional") else str(name)


def decision(value: str | None) -> str:
    """accepted / conditional / rejected: the feedback schema's label in Japanese (what the
    prompts offered), the value itself in English."""
    return _label(value, _feedback_labels("decision"))


def rating(value: int | None) -> str:
    """A receiver's rating, out of 5."""
    return NONE if value is None else f"{value}/5"


def reason(value: str | None) -> str:
    """A rejection reason (procedural, clerical, definitional), worded like `decision`."""
    return _label(value, _feedback_labels("rejection_reason"))


def outcome(value: str | None, kind: str | None = None) -> str:
    """An outcome, by its kind's Japanese label in Japanese (any built-in kind's when `kind`
    is None); a custom kind's outcomes show as they are written."""
    return _label(value, _outcome_labels(kind))


def _label(value, labels: dict) -> str:
    if value is None:
        return NONE
    return str(labels.get(value, value)) if language() == "ja" else str(value)


@lru_cache(maxsize=None)
def _feedback_labels(name: str) -> dict:
    from handoff_cli.rules.kinds import entry_labels

    return entry_labels(name)


@lru_cache(maxsize=None)
def _outcome_labels(kind: str | None) -> dict:
    from handoff_cli.rules.kinds import BUILTIN_KINDS, Kinds

    kinds = Kinds()
    found: dict = {}
    for name in [kind] if kind else list(BUILTIN_KINDS):
        if name in BUILTIN_KINDS:
            for value, label in kinds.get(name).outcome_labels.items():
                found.setdefault(value, label)
    return found


def responsiveness(r) -> str:
    """The report's line on how fast receivers answer (reporting.report.Responsiveness)."""
    return t("report.responsiveness", receipts=r.receipts, receipt_on_time=pct(r.receipt_on_time_rate),
             receipt_median=num(r.receipt_median_hours, "hours"), receipt_p90=num(r.receipt_p90_hours, "hours"),
             outcomes=r.outcomes, outcome_on_time=pct(r.outcome_on_time_rate),
             outcome_median=num(r.outcome_median_days, "days"), outcome_p90=num(r.outcome_p90_days, "days"),
             overdue=r.overdue)
