"""The report after new commits scores again only what they touched (store/survey.py), and
gives exactly what a run without any cache gives, and what a run after deleting the cache
gives, and what the same run again (the report read back) gives: after each commit of a
series (new handoffs, feedback, rework, a changed rating that moves a receiver's leniency,
a finding and its fix, an unrelated commit), for `report`, `list` and `check` alike."""

from __future__ import annotations

import json
import shutil

import pytest

import handoff_cli.store.survey as survey_module
from helpers import BOB, feedback_document, lead_document, outcome_entry, receipt_entry, run_cli

CAROL = ("Carol Receiver", "carol@example.com")
AS_OF = "2026-12-05"


def _path(handoff_id: str, feedback: bool = False) -> str:
    day = handoff_id[:8]
    return f"handoffs/{day[:4]}/{day[4:6]}/{day[6:]}/{handoff_id}{'.feedback' if feedback else ''}.yaml"


H1, H2, H3, H4, H5 = "20261102-aaaaa1", "20261103-bbbbb2", "20261104-ccccc3", "20261110-ddddd4", "20261111-eeeee5"


def _outputs(env: dict | None = None) -> dict:
    outputs = {}
    for name, args in (("report", ["report", "--format", "json", "--as-of", AS_OF]),
                       ("by receiver", ["report", "--format", "json", "--as-of", AS_OF, "--by", "receiver"]),
                       ("list", ["list", "--format", "json"]),
                       ("check", ["check", "--format", "json"])):
        result = run_cli(args, env=env)
        assert result.exit_code in (0, 1), result.output
        outputs[name] = (result.exit_code, json.loads(result.stdout))
    return outputs


@pytest.fixture
def paths_taken(monkeypatch):
    """How each report's join was made after commits: the number of handoffs scored again,
    or None when it was done in full."""
    taken: list[int | None] = []
    original = survey_module._after_commits

    def recording(*args, **kwargs):
        result = original(*args, **kwargs)
        taken.append(None if result is None else len(result[2]))
        return result

    monkeypatch.setattr(survey_module, "_after_commits", recording)
    return taken


def test_incremental_report_is_identical_to_a_cold_one_after_every_commit(repo, paths_taken):
    cache = repo.path / ".git" / "handoff"
    steps = []

    def step(message: str, files: dict[str, str], *, author=BOB, date: str, rescored):
        for relative, text in files.items():
            repo.write(relative, text)
        repo.commit(message, author=author, date=date)
        steps.append((message, rescored))
        paths_taken.clear()
        incremental = _outputs()  # the cache as the last run left it
        taken = list(paths_taken)
        assert _outputs() == incremental, message  # the same reports again, read back (store/reports.py)
        uncached = _outputs({"HANDOFF_NO_CACHE": "1"})
        kept = cache.with_name("handoff-kept")  # the incremental chain goes on after the cold run
        cache.rename(kept)
        cold = _outputs()
        shutil.rmtree(cache)
        kept.rename(cache)
        assert incremental == uncached == cold, message
        if rescored is not None:
            assert taken[:1] == [rescored], (message, taken)
        elif taken:
            assert taken[0] is None, (message, taken)
        return incremental  # the next step starts from the cache this incremental run left

    first = step("three handoffs, two rated", {
        _path(H1): lead_document(H1, created="2026-11-02T09:00:00+09:00"),
        _path(H1, True): feedback_document(H1, [receipt_entry("2026-11-02T15:00:00+09:00"),
                                                outcome_entry("2026-11-04T10:00:00+09:00", rating=4)]),
        _path(H2): lead_document(H2, created="2026-11-03T09:00:00+09:00", decision_maker="山田部長"),
        _path(H3): lead_document(H3, created="2026-11-04T09:00:00+09:00", receiver=CAROL),
        _path(H3, True): feedback_document(H3, [receipt_entry("2026-11-04T15:00:00+09:00", by=CAROL),
                                                outcome_entry("2026-11-06T10:00:00+09:00", by=CAROL, rating=2)]),
    }, date="2026-11-04T18:00:00+09:00", rescored=None)
    assert first["report"][1]["report"]["handoffs"] == 3

    # warm: the same join, from the snapshot
    assert _outputs() == first

    step("a new handoff", {_path(H4): lead_document(H4, created="2026-11-10T09:00:00+09:00", receiver=CAROL)},
         date="2026-11-10T10:00:00+09:00", rescored=1)
    step("its receipt", {_path(H4, True): feedback_document(H4, [receipt_entry("2026-11-10T15:00:00+09:00",
                                                                               by=CAROL)])},
         author=CAROL, date="2026-11-10T16:00:00+09:00", rescored=1)
    step("rework after the handover", {_path(H2): lead_document(H2, created="2026-11-03T09:00:00+09:00",
                                                                decision_maker="工場長が決裁、山田部長が起案")},
         date="2026-11-11T10:00:00+09:00", rescored=1)
    step("an unrelated commit", {"README.md": "notes\n"}, date="2026-11-11T11:00:00+09:00", rescored=0)
    # a new rating moves the team's mean, so every receiver's leniency: done in full
    step("an outcome with a rating", {_path(H2, True): feedback_document(H2, [
        receipt_entry("2026-11-03T15:00:00+09:00"), outcome_entry("2026-11-12T10:00:00+09:00", rating=5,
                                                                  missing_fields="[decision_maker]")])},
         date="2026-11-12T11:00:00+09:00", rescored=None)
    step("a changed rating", {_path(H1, True): feedback_document(H1, [
        receipt_entry("2026-11-02T15:00:00+09:00"), outcome_entry("2026-11-04T10:00:00+09:00", rating=1)])},
         date="2026-11-13T10:00:00+09:00", rescored=None)
    step("a handoff with a finding", {_path(H5): "id: 20261111-eeeee5\nkind: lead\n"},
         date="2026-11-13T11:00:00+09:00", rescored=None)
    step("the finding fixed", {_path(H5): lead_document(H5, created="2026-11-11T09:00:00+09:00")},
         date="2026-11-13T12:00:00+09:00", rescored=None)
    step("feedback without a rating", {_path(H5, True): feedback_document(H5, [
        receipt_entry("2026-11-13T15:00:00+09:00")])}, date="2026-11-13T16:00:00+09:00", rescored=1)
    assert len(steps) == 10


def test_history_rewritten_or_files_deleted_join_in_full(repo, paths_taken):
    repo.write(_path(H1), lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    repo.write(_path(H2), lead_document(H2, created="2026-11-03T09:00:00+09:00"))
    repo.commit("two", date="2026-11-03T10:00:00+09:00")
    _outputs()
    (repo.path / _path(H2)).unlink()
    repo.commit("one deleted", date="2026-11-04T10:00:00+09:00")
    paths_taken.clear()
    incremental = _outputs()
    assert paths_taken == [] and incremental == _outputs({"HANDOFF_NO_CACHE": "1"})  # a deletion: in full
    assert incremental["report"][1]["report"]["handoffs"] == 1
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.write(_path(H2), lead_document(H2, created="2026-11-03T09:00:00+09:00", decision_maker="CFO"))
    repo.commit("history rewritten", date="2026-11-05T10:00:00+09:00")
    paths_taken.clear()
    incremental = _outputs()
    assert paths_taken == [None] and incremental == _outputs({"HANDOFF_NO_CACHE": "1"})  # timelines read in full


def test_no_cache_writes_nothing(repo):
    repo.write(_path(H1), lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    repo.commit("one", date="2026-11-03T10:00:00+09:00")
    _outputs({"HANDOFF_NO_CACHE": "1"})
    assert not (repo.path / ".git" / "handoff").exists()


def test_an_assessment_made_again_from_its_record_is_the_same(examples_repo):
    from datetime import datetime

    from handoff_cli.documents.config import load_config
    from handoff_cli.reporting.join import Assessment
    from handoff_cli.rules.kinds import Kinds
    from handoff_cli.scoring.weights import Weights
    from handoff_cli.store.cache import Cache
    from handoff_cli.store.survey import survey

    examples_repo.commit("examples")
    config = load_config(examples_repo.path)
    kinds = Kinds(config)
    assessments = survey(config, kinds, Cache(None, ""), weights=Weights(),
                         as_of=datetime.fromisoformat("2026-12-01T00:00:00+09:00")).assessments
    assert assessments and any(a.feedback for a in assessments)
    for assessment in assessments:
        again = Assessment.from_record(assessment.record(), assessment.score)
        assert again == assessment
        assert [getattr(again, name) for name in Assessment.__slots__] == \
            [getattr(assessment, name) for name in Assessment.__slots__]


def test_a_deepened_shallow_clone_is_read_again(tmp_path, monkeypatch):
    """`git fetch --deepen` keeps HEAD but brings history the cached join and timelines did
    not have (in a shallow clone the oldest commit stands for all before it)."""
    import subprocess

    from helpers import make_repo

    origin = make_repo(tmp_path / "origin")
    origin.write(".handoff.yaml", "version: 1\n")
    origin.write(_path(H1), lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    origin.commit("handed over", date="2026-11-02T10:00:00+09:00")
    origin.write(_path(H1, True), feedback_document(H1, [receipt_entry("2026-11-03T09:00:00+09:00")]))
    origin.commit("received", author=BOB, date="2026-11-03T10:00:00+09:00")
    origin.write(_path(H2), lead_document(H2, created="2026-11-05T09:00:00+09:00"))
    origin.commit("another", date="2026-11-05T10:00:00+09:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin.path}", str(clone)], check=True)
    monkeypatch.chdir(clone)
    shallow = _outputs()
    assert shallow == _outputs()  # kept
    subprocess.run(["git", "fetch", "-q", "--deepen", "1"], cwd=clone, check=True)
    deeper = _outputs()
    assert deeper == _outputs({"HANDOFF_NO_CACHE": "1"})
    assert deeper["report"] != shallow["report"]
    scores = {s["id"]: s for s in deeper["report"][1]["report"]["scores"]}
    assert scores[H1]["handed_over"].startswith("2026-11-03")  # the boundary commit, still shallow
