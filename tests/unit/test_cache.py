"""The cache under .git/handoff/cache: an optimisation that never changes a result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from handoff_cli.store.cache import Cache
from handoff_cli.documents.config import load_config
from handoff_cli.history.log import read_history, start_history
from handoff_cli.rules.kinds import Kinds
from handoff_cli.store.loader import load_store
from helpers import ALICE, BOB, feedback_document, lead_document, make_repo, receipt_entry, run_cli

H = "20261102-aaaaaa"
DOC = f"handoffs/2026/11/02/{H}.yaml"
CACHE = ".git/handoff/cache"


def _outputs():
    return [run_cli(args).stdout for args in (["check", "--format", "json"], ["list", "--format", "json"],
                                              ["report", "--format", "json", "--as-of", "2026-11-20"])]


def test_same_results_with_and_without_the_cache(examples_repo):
    examples_repo.commit("examples", date="2026-11-01T10:00:00+09:00")
    examples_repo.write("handoffs/2026/11/21/20261121-broken.yaml", "id: [\n")  # one finding, untracked
    cold = _outputs()
    assert (examples_repo.path / CACHE / "results-v2.marshal").exists()
    warm = _outputs()
    assert warm == cold
    for name in os.listdir(examples_repo.path / CACHE):
        os.remove(examples_repo.path / CACHE / name)
    assert _outputs() == cold


def test_a_content_change_invalidates(repo):
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over")
    assert run_cli(["check"]).exit_code == 0
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00", decision_maker="TBD"))
    result = run_cli(["check"])  # modified in the working tree
    assert result.exit_code == 1 and "'TBD' is a placeholder" in result.stdout
    repo.commit("placeholder committed")
    assert run_cli(["check"]).exit_code == 1  # a new blob
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("fixed")
    assert run_cli(["check"]).exit_code == 0


def test_language_and_schema_changes_invalidate(repo):
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00", decision_maker="TBD"))
    repo.commit("hand over")
    assert "is a placeholder" in run_cli(["check"]).stdout
    assert "は仮の値で中身がありません" in run_cli(["check"], env={"LANG": "ja_JP.UTF-8"}).stdout


def test_a_corrupt_cache_is_ignored_and_rebuilt(repo):
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00", decision_maker="TBD"))
    repo.commit("hand over")
    expected = run_cli(["check"]).stdout
    for name in ("results", "digests", "history", "report"):
        (repo.path / CACHE / f"{name}-v2.marshal").write_bytes(b"\x00garbage" * 100)
    assert run_cli(["check"]).stdout == expected
    (repo.path / CACHE / "results-v2.marshal").write_bytes(b"")
    assert run_cli(["check"]).stdout == expected
    import marshal

    (repo.path / CACHE / "results-v2.marshal").write_bytes(marshal.dumps(("someone else's", {"x": 1})))
    assert run_cli(["check"]).stdout == expected


def test_concurrent_runs(tmp_path):
    repo = make_repo(tmp_path / "r")
    for index in range(30):
        handoff_id = f"20261102-{index:06d}"
        repo.write(f"handoffs/2026/11/02/{handoff_id}.yaml", lead_document(handoff_id, created="2026-11-02T09:00:00+09:00"))
    repo.commit("many")
    handoff = str(Path(sys.executable).parent / "handoff")
    runs = [subprocess.Popen([handoff, "report", "--format", "json", "--as-of", "2026-11-05"], cwd=repo.path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert len({json.dumps(json.loads(o)["report"]["scores"]) for o in outputs}) == 1
    again = subprocess.run([handoff, "report", "--format", "json", "--as-of", "2026-11-05"], cwd=repo.path,
                           capture_output=True, text=True)
    assert json.loads(again.stdout)["report"]["scores"] == json.loads(outputs[0])["report"]["scores"]


def test_history_reads_only_new_commits_and_detects_rewrites(tmp_path):
    repo = make_repo(tmp_path / "r")
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over", date="2026-11-02T10:00:00+09:00")
    config = load_config(repo.path)

    def history():
        cache = Cache.for_repository(repo.path, Kinds(config))
        result = read_history(repo.path, "handoffs", cache)
        cache.save()  # the caller saves, as the CLI does
        return result

    first = history()
    again = history()
    assert again.timeline(H).handed_over == first.timeline(H).handed_over
    assert again.git_processes < first.git_processes  # nothing new: no git log at all
    repo.write(f"handoffs/2026/11/02/{H}.feedback.yaml",
               feedback_document(H, [receipt_entry("2026-11-02T15:00:00+09:00")]))
    repo.commit("receipt", author=BOB, date="2026-11-02T16:00:00+09:00")
    incremental = history()
    assert incremental.timeline(H).received.name == BOB[0]
    assert incremental.timeline(H).handed_over.name == ALICE[0]
    repo.git("reset", "-q", "--hard", "HEAD~1")  # history rewritten: the receipt is gone
    repo.write("other.txt", "x")
    repo.commit("another line of history", date="2026-11-03T10:00:00+09:00")
    rewritten = history()
    assert rewritten.timeline(H).received is None


def test_timelines_replaced_by_another_process_meanwhile_are_read_again_in_full(tmp_path):
    repo = make_repo(tmp_path / "r")
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over", date="2026-11-02T10:00:00+09:00")
    kinds = Kinds(load_config(repo.path))
    first = Cache.for_repository(repo.path, kinds)
    read_history(repo.path, "handoffs", first)
    first.save()
    repo.write(f"handoffs/2026/11/02/{H}.feedback.yaml",
               feedback_document(H, [receipt_entry("2026-11-02T15:00:00+09:00")]))
    repo.commit("receipt", author=BOB, date="2026-11-02T16:00:00+09:00")

    mine = Cache.for_repository(repo.path, kinds)
    finish = start_history(repo.path, "handoffs", mine)  # reads the commits since the cached HEAD
    other = Cache.for_repository(repo.path, kinds)  # another process, meanwhile, leaves other timelines
    other.put("history", "state", ("handoffs", "0" * 40, False, []))
    other.save()
    history = finish()
    assert history.timeline(H).handed_over.name == ALICE[0]  # not lost with the cache it started from
    assert history.timeline(H).received.name == BOB[0]


def test_no_cache_outside_git(tmp_path, monkeypatch):
    (tmp_path / "handoffs/2026/11/02").mkdir(parents=True)
    (tmp_path / DOC).write_text(lead_document(H, created="2026-11-02T09:00:00+09:00"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load_config(tmp_path)
    store = load_store(config, Kinds(config), cache=Cache.for_repository(tmp_path, Kinds(config)))
    assert H in store.digests and not list(tmp_path.rglob("*.marshal"))


def _survey(repo, as_of="2026-11-20T12:00:00+09:00"):
    from datetime import datetime

    from handoff_cli.store.survey import survey
    from handoff_cli.scoring.weights import Weights

    config = load_config(repo.path)
    kinds = Kinds(config)
    cache = Cache.for_repository(repo.path, kinds)
    result = survey(config, kinds, cache, weights=Weights.from_config(config.scoring),
                    as_of=datetime.fromisoformat(as_of))
    cache.save()
    return result


def _report(as_of="2026-11-20"):
    result = run_cli(["report", "--format", "json", "--as-of", as_of])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["report"]


def test_report_reuses_the_last_join_until_anything_changes(repo, monkeypatch):
    monkeypatch.chdir(repo.path)
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over", date="2026-11-02T10:00:00+09:00")
    assert not _survey(repo).from_snapshot
    again = _survey(repo)
    assert again.from_snapshot and [a.id for a in again.assessments] == [H]
    first = _report()
    assert _report() == first

    # ages and overdue are computed at each run, also from the snapshot
    later = _report("2026-12-20")
    assert later["pending"][0]["age_days"] == first["pending"][0]["age_days"] + 30

    # a new commit: read again (only what changed), and the new state shows
    repo.write(f"handoffs/2026/11/02/{H}.feedback.yaml",
               feedback_document(H, [receipt_entry("2026-11-02T15:00:00+09:00")]))
    repo.commit("receipt", author=BOB, date="2026-11-02T16:00:00+09:00")
    assert not _survey(repo).from_snapshot
    assert _report()["pending"][0]["awaiting"] == "outcome"
    assert _survey(repo).from_snapshot

    # anything under the handoffs folder that differs from HEAD: not reused
    repo.write("handoffs/2026/11/21/20261121-broken.yaml", "id: [\n")
    assert not _survey(repo).from_snapshot and not _survey(repo).from_snapshot
    (repo.path / "handoffs/2026/11/21/20261121-broken.yaml").unlink()
    assert _survey(repo).from_snapshot  # back to HEAD's state: the join saved for it stands

    # the configuration is part of what the join depends on
    repo.write(".handoff.yaml", "version: 1\nfeedback_due_days: 10\n")
    assert not _survey(repo).from_snapshot
    assert _report()["pending"][0]["due"] == "2026-11-12"


def test_files_of_an_older_cache_format_are_removed(repo):
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over")
    (repo.path / CACHE).mkdir(parents=True)
    (repo.path / CACHE / "values-v1.marshal").write_bytes(b"old")
    assert run_cli(["check"]).exit_code == 0
    assert sorted(os.listdir(repo.path / CACHE)) == ["results-v2.marshal"]
