"""A report asked for again over the same join, day and options is read back from the cache
(store/reports.py), and is then exactly what a run without any cache gives: for every
format, every grouping and period, another day, and a cache whose records were lost."""

from __future__ import annotations

import json

import pytest
from helpers import BOB, feedback_document, lead_document, outcome_entry, receipt_entry, run_cli

import handoff_cli.store.reports as reports_module

H1, H2, H3 = "20261102-aaaaa1", "20261103-bbbbb2", "20261110-ccccc3"
CACHE = ".git/handoff/cache"


def _path(handoff_id: str, feedback: bool = False) -> str:
    day = handoff_id[:8]
    return f"handoffs/{day[:4]}/{day[4:6]}/{day[6:]}/{handoff_id}{'.feedback' if feedback else ''}.yaml"


@pytest.fixture
def history(repo):
    """Three handoffs: one done, one received, one awaiting its receipt."""
    repo.write(_path(H1), lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    repo.write(_path(H2), lead_document(H2, created="2026-11-03T09:00:00+09:00", decision_maker="CFO"))
    repo.commit("two leads", date="2026-11-03T10:00:00+09:00")
    repo.write(_path(H1, True), feedback_document(H1, [receipt_entry("2026-11-02T15:00:00+09:00"),
                                                        outcome_entry("2026-11-06T10:00:00+09:00", rating=5)]))
    repo.write(_path(H2, True), feedback_document(H2, [receipt_entry("2026-11-04T09:00:00+09:00")]))
    repo.commit("feedback", author=BOB, date="2026-11-06T10:00:00+09:00")
    repo.write(_path(H3), lead_document(H3, created="2026-11-10T09:00:00+09:00"))
    repo.commit("a third", date="2026-11-10T10:00:00+09:00")
    return repo


@pytest.fixture
def kept_reads(monkeypatch):
    """How many reports were read back from the cache."""
    reads = []
    original = reports_module.Report.from_record

    def recording(*args, **kwargs):
        reads.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(reports_module.Report, "from_record", recording)
    return reads


def _report(*args: str, env: dict | None = None) -> tuple[int, str]:
    result = run_cli(["report", *args], env=env)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout


ASKED = [
    ("--format", "json", "--as-of", "2026-11-20"),
    ("--format", "json", "--as-of", "2026-11-20", "--by", "pair"),
    ("--format", "json", "--as-of", "2026-11-20", "--since", "2026-11-03"),
    ("--format", "json", "--as-of", "2026-11-20", "--kind", "lead", "--until", "2026-11-05"),
    ("--format", "csv", "--table", "pending", "--as-of", "2026-11-20"),
    ("--format", "markdown", "--as-of", "2026-11-20"),
]


@pytest.mark.parametrize("args", ASKED, ids=[" ".join(a) for a in ASKED])
def test_a_report_read_back_is_the_one_a_run_without_cache_gives(history, kept_reads, args):
    uncached = _report(*args, env={"HANDOFF_NO_CACHE": "1"})
    built = _report(*args)
    assert kept_reads == []
    again = _report(*args)
    assert kept_reads == [1]  # the second run read the report back
    assert built == again == uncached


def test_another_day_is_another_report(history, kept_reads):
    first = json.loads(_report("--format", "json", "--as-of", "2026-11-20")[1])["report"]
    later = json.loads(_report("--format", "json", "--as-of", "2026-11-30")[1])["report"]
    assert kept_reads == []  # not read back: ages and overdue count whole days
    assert later == json.loads(_report("--format", "json", "--as-of", "2026-11-30",
                                       env={"HANDOFF_NO_CACHE": "1"})[1])["report"]
    ages = {row["id"]: row["age_days"] for row in first["pending"]}
    assert {row["id"]: row["age_days"] for row in later["pending"]} == {i: age + 10 for i, age in ages.items()}


def test_a_new_commit_drops_the_kept_reports(history, kept_reads):
    _report("--format", "json", "--as-of", "2026-11-20")
    history.write(_path(H3, True), feedback_document(H3, [receipt_entry("2026-11-11T09:00:00+09:00")]))
    history.commit("receipt", author=BOB, date="2026-11-11T10:00:00+09:00")
    after = _report("--format", "json", "--as-of", "2026-11-20")
    assert kept_reads == []
    assert after == _report("--format", "json", "--as-of", "2026-11-20", env={"HANDOFF_NO_CACHE": "1"})
    assert {row["id"] for row in json.loads(after[1])["report"]["pending"]} == {H2, H3}


def test_an_uncommitted_change_is_never_served_from_the_cache(history, kept_reads):
    _report("--format", "json", "--as-of", "2026-11-20")
    history.write(_path(H3, True), feedback_document(H3, [receipt_entry("2026-11-11T09:00:00+09:00")]))
    dirty = _report("--format", "json", "--as-of", "2026-11-20")
    assert kept_reads == []
    assert dirty == _report("--format", "json", "--as-of", "2026-11-20", env={"HANDOFF_NO_CACHE": "1"})


def test_lost_records_are_made_again_not_a_wrong_report(history, kept_reads):
    args = ("--format", "json", "--as-of", "2026-11-20")
    _report(*args)
    records = next((history.path / CACHE).glob("report-records-*.marshal"))
    records.unlink()
    # another grouping needs the assessments, whose records are gone: the join is made again
    assert _report(*args, "--by", "receiver") == _report(*args, "--by", "receiver", env={"HANDOFF_NO_CACHE": "1"})
    _report(*args, "--by", "receiver")
    assert kept_reads == [1]  # kept with the join made again, and read back
    records.write_bytes(b"\x00not marshal")
    assert _report(*args, "--by", "kind") == _report(*args, "--by", "kind", env={"HANDOFF_NO_CACHE": "1"})
    assert _report(*args) == _report(*args, env={"HANDOFF_NO_CACHE": "1"})
