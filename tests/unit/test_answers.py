"""One answer checked as it is typed (rules/answers.py) says what `check` says; dates as
people type them; placeholders in both languages; choices by label; the settings behind them."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from handoff_cli.documents.config import parse_config
from handoff_cli.errors import ConfigError
from handoff_cli.interact.prompts import Choices
from handoff_cli.rules.answers import entry_problem, problem
from handoff_cli.rules.formats import is_email, read_date, read_datetime
from handoff_cli.rules.kinds import Kinds, is_placeholder
from helpers import lead_document, run_cli

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="module")
def lead():
    return Kinds().get("lead")


@pytest.mark.parametrize("typed,written", [
    ("2026-12-01 14:00", "2026-12-01T14:00:00+09:00"),
    ("2026/12/1 9:30", "2026-12-01T09:30:00+09:00"),
    ("2026-12-01T14:00", "2026-12-01T14:00:00+09:00"),
    ("2026-12-01T14:00:00+09:00", "2026-12-01T14:00:00+09:00"),
    ("2026-12-01 14:00:30 -0500", "2026-12-01T14:00:30-05:00"),
    ("2026-12-01T05:00Z", "2026-12-01T05:00:00+00:00"),
    ("２０２６／１２／１　９：３０", "2026-12-01T09:30:00+09:00"),  # typed with a Japanese input method
    ("2026年12月1日 14時30分", "2026-12-01T14:30:00+09:00"),
    ("2026/12/1(火) 9:30", "2026-12-01T09:30:00+09:00"),
])
def test_date_times_as_people_type_them(typed, written):
    assert read_datetime(typed, TOKYO) == written


@pytest.mark.parametrize("typed", ["tomorrow", "2026-12-01", "2026-13-01 10:00", "2026-02-30 10:00",
                                   "2026-12-01 24:00", "2026-12-01 14:00 +25:00", "14:00", ""])
def test_what_is_not_a_date_time(typed):
    assert read_datetime(typed, TOKYO) is None


def test_without_an_offset_the_time_zone_is_the_setting_or_the_computers(monkeypatch):
    assert read_datetime("2026-07-01 14:00", ZoneInfo("Europe/Berlin")) == "2026-07-01T14:00:00+02:00"
    monkeypatch.setenv("TZ", "America/New_York")
    import time
    time.tzset()
    try:
        assert read_datetime("2026-12-01 14:00") == "2026-12-01T14:00:00-05:00"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.mark.parametrize("typed,written", [("2026/12/1", "2026-12-01"), ("2026-12-01", "2026-12-01"),
                                           ("2026年12月1日", "2026-12-01"), ("2026.1.5", "2026-01-05"),
                                           ("2026-02-30", None), ("next week", None)])
def test_dates_as_people_type_them(typed, written):
    assert read_date(typed) == written


@pytest.mark.parametrize("text", ["TBD", "tbd.", "ＴＢＤ", "TBC", "to be confirmed", "To be determined", "?", "？？",
                                  "-", "－", "...", "…", "確認中", "確認中です", "確認中です。", "未定です",
                                  "追って連絡", "追って連絡します", "追ってご連絡いたします", "後日連絡", "不明です",
                                  "特になし", "○○", "  ", ""])
def test_placeholders_in_both_languages(lead, text):
    assert is_placeholder(text, lead)


@pytest.mark.parametrize("text", ["TBD until the CFO answers on 12/01", "確認中（12/5に山田部長から回答予定）",
                                  "CFO Mark Liu", "なしではない", "unknown budget, estimated 2M"])
def test_content_is_not_a_placeholder(lead, text):
    assert not is_placeholder(text, lead)


def test_a_repository_adds_its_own_placeholders(tmp_path):
    config = parse_config(tmp_path, "version: 1\nplaceholders: [要相談, ask Bob]\n".encode(), tmp_path / ".handoff.yaml")
    lead = Kinds(config).get("lead")
    assert is_placeholder("要相談です", lead) and is_placeholder("Ask Bob.", lead)
    assert not is_placeholder("要相談", Kinds().get("lead"))


@pytest.mark.parametrize("text,problem_words", [
    ("timezone: Mars/Olympus\n", "not a time zone"), ("timezone: ../../etc/passwd\n", "not a time zone"),
    ("timezone: 9\n", "not a time zone"), ("placeholders: TBD\n", "list of texts"),
    ("placeholders: [ok, '']\n", "list of texts"),
])
def test_settings_are_checked(tmp_path, text, problem_words):
    with pytest.raises(ConfigError) as raised:
        parse_config(tmp_path, f"version: 1\n{text}".encode(), tmp_path / ".handoff.yaml")
    assert problem_words in str(raised.value)


def test_a_time_zone_setting(tmp_path):
    config = parse_config(tmp_path, b"version: 1\ntimezone: Asia/Tokyo\n", tmp_path / ".handoff.yaml")
    assert config.timezone == "Asia/Tokyo"


def test_emails():
    assert is_email("hanako.sato@example.com") and is_email("bob@localhost")
    assert not any(is_email(e) for e in ("bob", "bob at example.com", "a@b@c", "a b@c.d", "a@.com", "@x.y"))


def test_an_answer_gets_the_words_check_gives(lead):
    assert problem(lead, "title", "TBD") == ("'TBD' is a placeholder, not content; write what you know, or move "
                                              "the unknown to open_questions")
    assert problem(lead, "context.decision_maker", "確認中です").startswith("'確認中です' is a placeholder")
    assert problem(lead, "context.urgency", "urgent") == "'urgent' is not one of: high, medium, low"
    assert problem(lead, "context.meeting_at", "2026-12-01 14:00").startswith("'2026-12-01 14:00' is not an ISO")
    assert problem(lead, "to.email", "bob at example").startswith("'bob at example' is not an email address")
    assert problem(lead, "title", "two\nlines") == "must be one line: it contains a line break"
    assert "U+001B" in problem(lead, "context.why_they_agreed", "colour\x1b[31m")
    for field, value in (("title", "ACME first meeting"), ("context.urgency", "high"),
                         ("context.meeting_at", "2026-12-01T14:00:00+09:00"), ("to.email", "bob@example.com"),
                         ("context.budget_status", "unknown"), ("open_questions", ["When is the budget fixed?"])):
        assert problem(lead, field, value) is None, field


def test_a_placeholder_as_an_optional_text_is_refused_at_a_prompt_only(lead):
    assert problem(lead, "context.budget", "未定").endswith("or press Enter to skip")
    assert problem(lead, "customer.role", "-").endswith("or press Enter to skip")
    assert problem(lead, "open_questions", ["?"]).endswith("or press Enter to skip")


def test_feedback_answers(lead):
    assert entry_problem(lead, "outcome", "reason", "TBD", {"outcome": "lost"}) == \
        "'TBD' is a placeholder, not content; say it in words"
    assert entry_problem(lead, "receipt", "condition", "追って連絡", {"decision": "conditional"})
    assert entry_problem(lead, "outcome", "outcome", "delivered").startswith("'delivered' is not an outcome")
    assert entry_problem(lead, "outcome", "rating", 9) == "9 is above the maximum 5"
    assert entry_problem(lead, "receipt", "rejection_note", "The decision maker is only a name",
                         {"decision": "rejected", "rejection_reason": "clerical"}) is None


def test_choices_by_number_value_or_japanese_label(monkeypatch):
    choices = Choices(("high", "medium", "low"), {"high": "高", "medium": "中", "low": "低"})
    assert [choices.pick(a) for a in ("1", "３", "HIGH", " medium ", "低", "高い", "4", "0")] == \
        ["high", "low", "high", "medium", "low", None, None, None]
    assert Choices(("1", "2", "3")).pick("3") == "3" and not Choices(("1", "2")).numbered
    monkeypatch.setenv("HANDOFF_LANG", "ja")
    assert choices.shown().endswith("1) 高 (high)  2) 中 (medium)  3) 低 (low)")


def test_built_in_enums_and_outcomes_have_japanese_labels():
    kinds = Kinds()
    for name in kinds.names:
        kind = kinds.get(name)
        assert set(kind.outcome_labels) == set(kind.outcomes), name
        for spec in kind.fields:
            if spec.choices:
                assert set(spec.choice_labels) == set(spec.choices), (name, spec.name)


H = "20261102-aaaaaa"


@pytest.mark.parametrize("entry,flagged", [
    ("    outcome: lost\n    rating: 2\n    useful: The renewal date\n    reason: TBD\n", ["reason"]),
    ("    outcome: won\n    rating: 4\n    useful: 未定です\n", ["useful"]),
    ("    outcome: won\n    rating: 4\n    useful: The renewal date\n    missing: なし\n", []),
    ("    outcome: won\n    rating: 4\n    useful: '?'\n    missing: 追って連絡\n", ["useful", "missing"]),
])
def test_check_holds_feedback_words_to_the_placeholder_rules(repo, entry, flagged):
    repo.write(f"handoffs/2026/11/02/{H}.yaml", lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.write(f"handoffs/2026/11/02/{H}.feedback.yaml",
               f"handoff: {H}\nentries:\n  - phase: outcome\n    at: 2026-11-03T10:00:00+09:00\n"
               f"    by:\n      name: Bob Receiver\n{entry}")
    result = run_cli(["check"])
    assert re.findall(r"entries\[0\]\.(\w+): '[^']*' is a placeholder", result.stdout) == flagged, result.stdout
    assert result.exit_code == (1 if flagged else 0)


def test_check_holds_receipt_words_to_the_placeholder_rules(repo):
    repo.write(f"handoffs/2026/11/02/{H}.yaml", lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.write(f"handoffs/2026/11/02/{H}.feedback.yaml",
               f"handoff: {H}\nentries:\n  - phase: receipt\n    at: 2026-11-03T10:00:00+09:00\n"
               "    by:\n      name: Bob Receiver\n    decision: conditional\n    synthesis: 確認中です\n"
               "    condition: TBC\n")
    result = run_cli(["check"])
    assert result.exit_code == 1
    assert "entries[0].synthesis: '確認中です' is a placeholder" in result.stdout
    assert "entries[0].condition: 'TBC' is a placeholder" in result.stdout


def test_config_placeholders_apply_in_check_and_follow_the_cache(repo):
    repo.write(f"handoffs/2026/11/02/{H}.yaml",
               lead_document(H, created="2026-11-02T09:00:00+09:00", decision_maker="要相談"))
    assert run_cli(["check"]).exit_code == 0
    repo.write(".handoff.yaml", "version: 1\nplaceholders: [要相談]\n")
    result = run_cli(["check"])
    assert result.exit_code == 1 and "'要相談' is a placeholder" in result.stdout


def test_a_rejection_with_its_words_from_flags(repo):
    from helpers import BOB

    repo.write(".handoff.yaml", "version: 1\ntimezone: Asia/Tokyo\n")
    repo.write(f"handoffs/2026/11/02/{H}.yaml", lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over")
    repo.git("config", "user.name", BOB[0])
    repo.git("config", "user.email", BOB[1])
    result = run_cli(["feedback", H, "--decision", "rejected", "--rejection-reason", "clerical",
                      "--rejection-note", "The decision maker is only a name", "--wrong-field", "decision_maker",
                      "--at", "2026/11/2 15:00"])
    assert result.exit_code == 0, result.output
    text = Path(repo.path / f"handoffs/2026/11/02/{H}.feedback.yaml").read_text(encoding="utf-8")
    assert "    at: 2026-11-02T15:00:00+09:00\n" in text
    assert text.endswith("    decision: rejected\n    rejection_reason: clerical\n"
                         "    rejection_note: The decision maker is only a name\n"
                         "    wrong_fields:\n      - decision_maker\n")
    assert run_cli(["check"]).exit_code == 0
