"""Scores are pure functions: exact values for chosen inputs."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from handoff_cli.errors import ConfigError
from handoff_cli.reporting.digests import FeedbackDigest
from handoff_cli.documents.model import Feedback, Handoff
from handoff_cli.rules.kinds import Kinds
from handoff_cli.scoring.leniency import leniency_offsets, shrunk_mean
from handoff_cli.scoring.quality import content_parts, has_anchor, quality, text_checks
from handoff_cli.scoring.responsiveness import add_business_days, percentile, receipt_on_time
from handoff_cli.scoring.weights import Weights
from handoff_cli.documents.reading import parse_text
from helpers import feedback_document, lead_document, outcome_entry, receipt_entry

LEAD = Kinds().get("lead")
H = "20261102-aaaaaa"


def _content(**kwargs):
    """The document's own quality parts, for a lead made with `kwargs`."""
    handoff = Handoff.from_dict(parse_text(lead_document(H, created="2026-11-02T09:00:00+09:00", **kwargs)).value,
                                Path("x.yaml"))
    return content_parts(handoff, LEAD)


def _feedback(*entries) -> FeedbackDigest:
    return FeedbackDigest.of(Feedback.from_dict(parse_text(feedback_document(H, list(entries))).value,
                                                Path("x.feedback.yaml")))


def test_quality_parts_for_a_minimal_lead_without_feedback():
    score = quality(_content(decision_maker="Mark"), None, weights=Weights())
    parts = {p.name: p for p in score.parts}
    assert parts["required"].value == 1.0
    assert parts["recommended"].value == 0.0
    assert parts["recommended"].detail.startswith("0/11 recommended fields; not given: budget, timeline")
    assert parts["actionability"].value == 0.0
    assert parts["rating"].value is None and parts["stability"].value is None
    # specificity: 4 text fields; why_they_agreed, pain, urgency_evidence pass every check;
    # decision_maker "Mark" has no anchor and is too short -> 3 of 5 checks
    assert parts["specificity"].value == pytest.approx((1 + 1 + 1 + 0.6) / 4)
    assert "decision_maker (no date/number/role, too short or too long)" in parts["specificity"].detail
    expected = round(100 * (15 * 1 + 20 * 0 + 25 * 0.9 + 10 * 0) / (15 + 20 + 25 + 10))
    assert (score.total, score.status) == (expected, "provisional") == (54, "provisional")


def test_open_questions_count_half_and_actions_count():
    extra = ("next_actions:\n  - what: Invite the CFO\n    owner: Bob\n    due: 2026-11-20\n"
             "contingencies:\n  - if: CFO absent\n    then: send a one-page summary\n"
             "open_questions:\n  - budget period\n  - competitors\n")
    parts = {p.name: p for p in quality(_content(extra=extra), None, weights=Weights()).parts}
    assert parts["recommended"].value == pytest.approx(1 / 11)
    assert "+ 2 open questions at half" in parts["recommended"].detail
    assert parts["actionability"].value == 1.0


def test_rating_leniency_rework_and_final():
    feedback = _feedback(receipt_entry("2026-11-02T12:00:00+09:00"),
                         outcome_entry("2026-11-04T12:00:00+09:00", rating=5, missing_fields="[decision_maker]"))
    score = quality(_content(), feedback, weights=Weights(), leniency=0.5,
                    rework_fields=[("decision_maker",)], supplied_late={"decision_maker"})
    parts = {p.name: p for p in score.parts}
    assert parts["rating"].value == pytest.approx((4.5 - 1) / 4)
    assert "4.5 after the receiver's leniency (+0.5)" in parts["rating"].detail
    assert parts["stability"].value == pytest.approx(0.7)
    assert "supplied late: decision_maker" in parts["stability"].detail
    assert score.final


def test_rejection_penalty():
    rejected = receipt_entry("2026-11-02T12:00:00+09:00", decision="rejected").replace(
        "    synthesis: Second offer wanted; CFO decides; renewal 2026-12-01\n", "    rejection_reason: clerical\n")
    plain = quality(_content(), None, weights=Weights())
    penalised = quality(_content(), _feedback(rejected), weights=Weights())
    assert penalised.penalty == 20 and penalised.total == plain.total - 20


def test_weights_from_config():
    weights = Weights.from_config({"weights": {"rating": 40}, "shrinkage": 5})
    assert (weights.rating, weights.shrinkage, weights.required) == (40, 5, 15)
    with pytest.raises(ConfigError, match="scoring.ratng: unknown setting"):
        Weights.from_config({"weights": {"ratng": 1}})
    with pytest.raises(ConfigError, match="must be a number"):
        Weights.from_config({"rating": "high"})


@pytest.mark.parametrize("text, anchored", [
    ("来期予算で検討", True), ("月末は残業が30時間を超える", True), ("Renewal on 2026-12-01", True),
    ("$180k approved", True), ("山田部長が決める", True), ("by March", True), ("Mark decides", False), ("They seemed interested", False), ("興味があるらしい", False),
])
def test_anchors(text, anchored):
    assert has_anchor(text) is anchored


def test_text_checks_flag_hedges_copies_and_unquoted_voice():
    others = {"why_they_agreed": "They want a cheaper offer, maybe", "urgency_evidence": "They want a cheaper offer, maybe"}
    checks = text_checks("why_they_agreed", others["why_they_agreed"], others, LEAD)
    assert checks["no hedge"] is False and checks["not a copy"] is False
    assert text_checks("pain_in_their_words", "double entry costs 2 hours a day", {}, LEAD)["quoted"] is False
    assert text_checks("pain_in_their_words", "「毎朝2時間」", {}, LEAD)["quoted"] is True


def test_shrinkage_and_leniency():
    assert shrunk_mean([100, 100, 100], prior=70, shrinkage=3) == 85
    assert shrunk_mean([], prior=70, shrinkage=3) is None
    offsets = leniency_offsets({"easy": [5, 5, 5], "hard": [3, 3, 3]}, shrinkage=3)
    assert offsets == {"easy": pytest.approx(0.5), "hard": pytest.approx(-0.5)}


def test_business_days_and_percentiles():
    friday = datetime.fromisoformat("2026-11-20T17:00:00+09:00")
    assert add_business_days(date(2026, 11, 20), 1) == date(2026, 11, 23)
    assert receipt_on_time(friday, datetime.fromisoformat("2026-11-23T18:00:00+09:00"))
    assert not receipt_on_time(friday, datetime.fromisoformat("2026-11-24T09:00:00+09:00"))
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([5.0], 0.9) == 5.0 and percentile([], 0.5) is None
