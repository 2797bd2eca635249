"""Handoff quality (0-100, the sender's): parts that each explain themselves.

The parts that depend on the document alone (`content_parts`) are computed once per git
blob and cached in the digest; `quality` adds the feedback's and git's parts."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Protocol

from handoff_cli.documents.model import Handoff
from handoff_cli.i18n import t
from handoff_cli.rules.kinds import Kind, is_placeholder
from handoff_cli.scoring.weights import Weights


class FeedbackFacts(Protocol):
    """What quality needs of a handoff's feedback (a FeedbackDigest has it)."""

    rating: int | None
    decision: str | None
    rejection_reason: str | None

    @property
    def final(self) -> bool: ...

_QUOTES = re.compile(r"[「『\"“”＂]")
_DATE = re.compile(r"\d{4}[-/年.]\d{1,2}|\d{1,2}月\d{1,2}日|\d{1,2}月"
                   r"|\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?"
                   r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
                   r"|\b(?:q[1-4]|fy\d{2,4})\b|(?:来|今|前)(?:期|月|年|週)|\d{1,2}/\d{1,2}", re.IGNORECASE)
_NUMBER_WITH_UNIT = re.compile(
    r"[$€£¥]\s?\d|\d[\d,.]*\s?(?:%|％|円|万|億|千|時間|分|秒|日|週|か月|ヶ月|カ月|年|台|個|件|名|人|拠点|回|本|枚|社|"
    r"mm|cm|kg|t\b|°c|℃|h\b|hours?|min|days?|weeks?|months?|years?|units?|pcs|k\b|m\b|usd|eur|jpy|gbp|x\b)",
    re.IGNORECASE)
_ROLE = re.compile(r"部長|課長|係長|主任|社長|工場長|役員|常務|専務|取締役|本部長|責任者|担当|情シス|購買|"
                   r"\b(?:ceo|cfo|coo|cto|cio|vp|head of|director|manager|owner|procurement|buyer|engineer|"
                   r"supervisor|president|board)\b", re.IGNORECASE)
_HEDGE = re.compile(r"\b(?:maybe|perhaps|probably|possibly|might|i think|i guess|not sure|somewhat|kind of|sort of)\b"
                    r"|たぶん|多分|かも|と思う|気がする|らしい|おそらく|ような気", re.IGNORECASE)
MIN_LENGTH, MAX_LENGTH = 10, 800


@dataclass(frozen=True)
class Part:
    name: str
    value: float | None  # 0..1, None when it cannot be known yet
    weight: float
    detail: str

    @property
    def points(self) -> float | None:
        return None if self.value is None else self.value * self.weight


@dataclass(frozen=True)
class Quality:
    total: int
    parts: tuple[Part, ...]
    penalty: int
    final: bool  # an outcome has arrived; otherwise provisional

    @property
    def status(self) -> str:
        return "final" if self.final else "provisional"


# ---------------------------------------------------------------- quality parts

def _present(value) -> bool:
    return value not in (None, "", [], {})


def required_part(handoff: Handoff, kind: Kind, weight: float) -> Part:
    wanted = kind.required_fields
    if not wanted:
        return Part("required", 1.0, weight, t("quality.required.none"))
    bad = [f.name for f in wanted if not _present(handoff.context.get(f.name))
           or is_placeholder(handoff.context.get(f.name), kind)]
    value = 1 - len(bad) / len(wanted)
    detail = t("quality.required.count", given=len(wanted) - len(bad), wanted=len(wanted)) + (
        t("quality.required.missing", fields=", ".join(bad)) if bad else "")
    return Part("required", value, weight, detail)


def recommended_part(handoff: Handoff, kind: Kind, weight: float) -> Part:
    wanted = kind.recommended_fields
    if not wanted:
        return Part("recommended", None, weight, t("quality.recommended.none"))
    covered = [f.name for f in wanted if _present(handoff.context.get(f.name))
               and not is_placeholder(handoff.context.get(f.name), kind)]
    missing = [f.name for f in wanted if f.name not in covered]
    declared = min(len(missing), len(handoff.open_questions))
    value = (len(covered) + 0.5 * declared) / len(wanted)
    detail = t("quality.recommended.count", covered=len(covered), wanted=len(wanted))
    if declared:
        detail += t("quality.recommended.open_questions" if declared > 1 else "quality.recommended.open_question",
                    count=declared)
    if missing:
        detail += t("quality.recommended.not_given", fields=", ".join(missing))
    return Part("recommended", value, weight, detail)


def unfilled_fields(handoff: Handoff, kind: Kind) -> tuple[str, ...]:
    """The required and recommended fields left empty or as a placeholder (the 1on1 sheet
    asks about the ones a sender leaves out most often)."""
    return tuple(f.name for f in (*kind.required_fields, *kind.recommended_fields)
                 if not _present(handoff.context.get(f.name)) or is_placeholder(handoff.context.get(f.name), kind))


def has_anchor(text: str) -> bool:
    return bool(_DATE.search(text) or _NUMBER_WITH_UNIT.search(text) or _ROLE.search(text))


def text_checks(name: str, text: str, others: dict[str, str], kind: Kind) -> dict[str, bool]:
    """The specificity checks that apply to one free-text value: check -> passed."""
    checks = {
        "anchor": has_anchor(text),
        "length": MIN_LENGTH <= len(text.strip()) <= MAX_LENGTH,
        "no hedge": not _HEDGE.search(text),
        "no placeholder": not is_placeholder(text, kind),
        "not a copy": not any(_is_copy(text, other) for key, other in others.items() if key != name),
    }
    spec = kind.field(name)
    if spec is not None and spec.is_voice:
        checks["quoted"] = bool(_QUOTES.search(text))
    return checks


def _is_copy(text: str, other: str) -> bool:
    a, b = text.strip(), other.strip()
    if not a or not b:
        return False
    return a == b or (len(b) >= MIN_LENGTH and b in a and len(b) >= 0.8 * len(a))


def specificity_part(handoff: Handoff, kind: Kind, weight: float) -> Part:
    texts = {f.name: handoff.context[f.name] for f in kind.fields
             if f.is_free_text and isinstance(handoff.context.get(f.name), str) and handoff.context[f.name].strip()}
    if not texts:
        return Part("specificity", 0.0, weight, t("quality.specificity.none"))
    scores, failures = [], []
    for name, text in texts.items():
        checks = text_checks(name, text, texts, kind)
        scores.append(sum(checks.values()) / len(checks))
        failed = [check for check, passed in checks.items() if not passed]
        if failed:
            failures.append(f"{name} ({', '.join(t('quality.check.' + check.replace(' ', '_')) for check in failed)})")
    value = statistics.fmean(scores)
    detail = t("quality.specificity.summary", count=len(texts), share=value)
    if failures:
        detail += t("quality.specificity.weak", failures="; ".join(failures))
    return Part("specificity", value, weight, detail)


def actionability_part(handoff: Handoff, weight: float) -> Part:
    actions = handoff.next_actions
    complete = [a for a in actions if isinstance(a, dict) and a.get("owner") and a.get("due")]
    actions_value = 1.0 if complete else 0.5 if actions else 0.0
    contingencies = 1.0 if handoff.contingencies else 0.0
    value = 0.6 * actions_value + 0.4 * contingencies
    contingency_count = len(handoff.contingencies)
    detail = t("quality.actionability.summary",
               actions=t("quality.actionability.action" if len(actions) == 1 else "quality.actionability.actions",
                         count=len(actions), complete=len(complete)),
               contingencies=t("quality.actionability.contingency" if contingency_count == 1
                               else "quality.actionability.contingencies", count=contingency_count))
    return Part("actionability", value, weight, detail)


def rating_part(rating: int | None, leniency: float, weight: float) -> Part:
    if rating is None:
        return Part("rating", None, weight, t("quality.rating.none"))
    adjusted = min(5.0, max(1.0, rating - leniency))
    detail = t("quality.rating.rated", rating=rating)
    if abs(leniency) >= 0.05:
        detail += t("quality.rating.leniency", adjusted=adjusted, leniency=leniency)
    return Part("rating", (adjusted - 1) / 4, weight, detail)


def stability_part(rework_fields: list[tuple[str, ...]] | None, supplied_late: set[str], weight: float) -> Part:
    if rework_fields is None:
        return Part("stability", None, weight, t("quality.stability.no_history"))
    count = len(rework_fields)
    value = max(0.0, 1 - 0.3 * count)
    if not count:
        return Part("stability", value, weight, t("quality.stability.none"))
    changed = sorted({f for fields_ in rework_fields for f in fields_})
    detail = t("quality.stability.reworks" if count > 1 else "quality.stability.rework", count=count,
               fields=", ".join(changed))
    if supplied_late:
        detail += t("quality.stability.late", fields=", ".join(sorted(supplied_late)))
    return Part("stability", value, weight, detail)


def rejection_penalty(feedback: FeedbackFacts | None, weights: Weights) -> int:
    if feedback and feedback.decision == "rejected" and feedback.rejection_reason in ("clerical", "definitional"):
        return round(weights.rejection_penalty)
    return 0


ContentParts = tuple  # ((name, value, detail), ...) of the parts that depend on the document alone


def content_parts(handoff: Handoff, kind: Kind) -> ContentParts:
    """The parts of quality that depend only on the document (cacheable by its blob id)."""
    parts = (required_part(handoff, kind, 1), recommended_part(handoff, kind, 1),
             specificity_part(handoff, kind, 1), actionability_part(handoff, 1))
    return tuple((p.name, p.value, p.detail) for p in parts)


def quality(content: ContentParts, feedback: FeedbackFacts | None, *, weights: Weights,
            leniency: float = 0.0, rework_fields: list[tuple[str, ...]] | None = None,
            supplied_late: set[str] = frozenset()) -> Quality:
    """The quality score from the document's own parts (`content_parts`), the feedback and git."""
    parts = tuple(Part(name, value, getattr(weights, name), detail) for name, value, detail in content) + (
        rating_part(feedback.rating if feedback else None, leniency, weights.rating),
        stability_part(rework_fields, set(supplied_late), weights.stability),
    )
    available = [p for p in parts if p.value is not None and p.weight > 0]
    total_weight = sum(p.weight for p in available)
    raw = 100 * sum(p.points for p in available) / total_weight if total_weight else 0.0
    penalty = rejection_penalty(feedback, weights)
    total = max(0, min(100, round(raw) - penalty))
    return Quality(total, parts, penalty, final=bool(feedback and feedback.final))
