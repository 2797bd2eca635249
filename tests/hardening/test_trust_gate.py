"""The change under review cannot switch its own gate off; paths stay inside the repository;
no feedback entry and no typing is lost."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import BOB, lead_document, run_cli

H = "20261102-aaaaaa"
DOC = f"handoffs/2026/11/02/{H}.yaml"
FB = f"handoffs/2026/11/02/{H}.feedback.yaml"
HANDOFF = str(Path(sys.executable).parent / "handoff")


def _installed(args, cwd, timeout=60, **kwargs):
    return subprocess.run([HANDOFF, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}, stdin=subprocess.DEVNULL, **kwargs)


# ---------------------------------------------------------------- 6. the gate holds

def _base(repo):
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "pr")


def test_a_pull_request_cannot_loosen_a_kind_to_pass_its_own_handoff(repo):
    _base(repo)
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  lead: schemas/lax.schema.json\n")
    repo.write("schemas/lax.schema.json", '{"type": "object"}')
    other = "20261103-bbbbbb"
    repo.write(f"handoffs/2026/11/03/{other}.yaml",
               lead_document(other, created="2026-11-03T09:00:00+09:00", decision_maker="TBD"))
    repo.commit("a lead with a placeholder, and a kind that lets it through")
    assert run_cli(["check"]).exit_code == 0  # the branch's own configuration says yes …
    result = run_cli(["check", "--changed-since", "main"])  # … the gate asks the base's too
    assert result.exit_code == 1, result.output
    assert f"{other}.yaml" in result.stdout and "'TBD' is a placeholder" in result.stdout
    assert ".handoff.yaml" in result.stderr


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_schema_loosened_in_place_is_judged_by_the_base_branch_s_schema(repo, workers):
    """Worker processes (a repository of thousands of handoffs; HANDOFF_WORKERS forces them
    here) make the kinds again from the configuration: the base branch's schema, read from
    git, must still judge the change."""
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  lead: schemas/lead.schema.json\n")
    repo.write("schemas/lead.schema.json", (Path(__file__).parents[2] / "schemas" / "lead.schema.json").read_text())
    _base(repo)
    repo.write("schemas/lead.schema.json", '{"type": "object"}')
    other = "20261103-bbbbbb"
    repo.write(f"handoffs/2026/11/03/{other}.yaml",
               lead_document(other, created="2026-11-03T09:00:00+09:00", decision_maker="TBD"))
    repo.commit("a lead with a placeholder, and its kind's schema loosened in place")
    result = run_cli(["check", "--changed-since", "main"], env={"HANDOFF_WORKERS": workers})
    assert result.exit_code == 1, result.output
    assert f"{other}.yaml" in result.stdout and "'TBD' is a placeholder" in result.stdout


def test_a_change_to_the_configuration_rechecks_every_handoff_and_says_so(repo):
    _base(repo)
    repo.write(".handoff.yaml", "version: 1\nfeedback_due_days: 5\n")
    repo.commit("config only")
    result = run_cli(["check", "--changed-since", "main"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 file checked, no findings\n"
    assert result.stderr.startswith("notice: .handoff.yaml changed since main")


def test_changed_since_names_non_ascii_files_as_they_are(repo):
    _base(repo)
    repo.write("handoffs/2026/11/02/メモ.yaml", "note: 1\n")
    repo.commit("a stray note")
    result = run_cli(["check", "--changed-since", "main"])
    assert result.exit_code == 1
    assert "handoffs/2026/11/02/メモ.yaml:1:1:" in result.stdout


# ---------------------------------------------------------------- 7. paths stay inside

def test_a_linked_handoffs_folder_is_a_configuration_error(repo, tmp_path):
    outside = tmp_path / "elsewhere"
    (outside / "2026/11/02").mkdir(parents=True)
    (outside / f"2026/11/02/{H}.yaml").write_text(lead_document(H, created="2026-11-02T09:00:00+09:00"))
    (repo.path / "handoffs").rmdir()
    os.symlink(outside, repo.path / "handoffs")
    for args in (["check"], ["list"], ["show", H], ["report"]):
        result = run_cli(args)
        assert result.exit_code == 2, args
        assert "symbolic link" in result.stderr and "Traceback" not in result.output
    os.unlink(repo.path / "handoffs")
    os.symlink("/", repo.path / "handoffs")
    assert run_cli(["check"]).exit_code == 2


@pytest.mark.parametrize("where", ["absolute", "parent", "link", "binary", "huge", "folder"])
def test_custom_schemas_are_regular_files_inside_the_repository(repo, tmp_path, where):
    secret = tmp_path / "token.json"
    secret.write_text('{"secret": "s3cr3t"}')
    path = {"absolute": str(secret), "parent": "../token.json"}.get(where, "schemas/rfq.schema.json")
    if where == "parent":
        (repo.path.parent / "token.json").write_text('{"secret": "s3cr3t"}')
    (repo.path / "schemas").mkdir()
    if where == "link":
        os.symlink(secret, repo.path / "schemas/rfq.schema.json")
    elif where == "binary":
        (repo.path / "schemas/rfq.schema.json").write_bytes(b"\xff\xfe\x00\x01" * 100)
    elif where == "huge":
        (repo.path / "schemas/rfq.schema.json").write_text('{"description": "' + "x" * 2_000_000 + '"}')
    elif where == "folder":
        (repo.path / "schemas/rfq.schema.json").mkdir()
    repo.write(".handoff.yaml", f"version: 1\nkinds:\n  rfq: '{path}'\n")
    for args in (["check"], ["schema", "rfq"]):
        result = run_cli(args)
        assert result.exit_code == 2, (args, result.output)
        assert "s3cr3t" not in result.output and "Traceback" not in result.output


def test_feedback_never_follows_a_linked_feedback_file(repo, tmp_path):
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over")
    repo.git("config", "user.name", BOB[0])
    repo.git("config", "user.email", BOB[1])
    outside = tmp_path / "outside.yaml"
    outside.write_text("secret: 1\n")
    for target in (outside, Path("/dev/zero")):
        (repo.path / FB).unlink(missing_ok=True)
        os.symlink(target, repo.path / FB)
        done = _installed(["feedback", H, "--receipt", "--decision", "accepted", "--synthesis", "CFO decides"],
                          repo.path, timeout=20)
        assert done.returncode != 0 and "symbolic link" in done.stderr
        assert (repo.path / FB).is_symlink()
    assert outside.read_text() == "secret: 1\n"


def test_a_fifo_in_the_handoffs_folder_is_reported_never_opened(repo):
    (repo.path / "handoffs/2026/11/02").mkdir(parents=True)
    os.mkfifo(repo.path / DOC)
    done = _installed(["check"], repo.path, timeout=20)
    assert done.returncode == 1 and "not a regular file" in done.stdout
    assert _installed(["list"], repo.path, timeout=20).returncode == 0


# ---------------------------------------------------------------- 8. nothing lost

def test_concurrent_feedback_loses_no_entry(repo):
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over")
    repo.git("config", "user.name", BOB[0])
    repo.git("config", "user.email", BOB[1])
    assert run_cli(["feedback", H, "--receipt", "--decision", "accepted", "--synthesis", "CFO decides"]).exit_code == 0
    runs = [subprocess.Popen([HANDOFF, "feedback", H, "--outcome", "progressing", "--rating", str(1 + i % 5),
                              "--useful", f"run {i}"], cwd=repo.path, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(20)]
    said = [run.communicate(timeout=120)[1] for run in runs]
    recorded = sum("recorded outcome" in text for text in said)
    entries = json.loads(run_cli(["show", H, "--format", "json"]).stdout)["feedback"]
    assert len(entries) - 1 == recorded
    assert recorded == 20 or all("recorded" in text or "error:" in text for text in said)


def test_disk_full_is_one_clear_error_and_the_old_file_stays(repo):
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over")
    repo.git("config", "user.name", BOB[0])
    repo.git("config", "user.email", BOB[1])
    assert run_cli(["feedback", H, "--receipt", "--decision", "accepted", "--synthesis", "CFO decides"]).exit_code == 0
    before = (repo.path / FB).read_bytes()

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 10, len(before) + 10))

    done = subprocess.run([HANDOFF, "feedback", H, "--outcome", "progressing", "--rating", "4", "--useful", "x" * 500],
                          cwd=repo.path, capture_output=True, text=True, preexec_fn=small_files, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith("error: could not write ") and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2
    assert (repo.path / FB).read_bytes() == before
    assert not [p for p in (repo.path / "handoffs/2026/11/02").iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_prompt_keeps_what_was_typed(repo, sig):
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(HANDOFF, ["new", "lead"], cwd=str(repo.path), encoding="utf-8", timeout=20,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "TERM": "dumb", "LANG": "C.UTF-8"})
    child.expect("From: your team")
    child.sendline("")
    child.expect("Title")
    child.sendline("Kept through a signal")
    child.expect("To: the receiver")
    time.sleep(0.2)
    child.kill(sig)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    drafts = list((repo.path / ".git/handoff/drafts").glob("lead-*.yaml"))
    assert len(drafts) == 1 and "Kept through a signal" in drafts[0].read_text(encoding="utf-8")


def test_moving_the_handoffs_folder_does_not_hide_the_old_one(repo):
    _base(repo)
    repo.write("handoffs/2026/11/03/20261103-bbbbbb.yaml",
               lead_document("20261103-bbbbbb", created="2026-11-03T09:00:00+09:00", decision_maker="TBD"))
    (repo.path / "other").mkdir()
    repo.write("other/.gitkeep", "")
    repo.write(".handoff.yaml", "version: 1\ndir: other\n")
    repo.commit("move the folder away from an incomplete handoff")
    result = run_cli(["check", "--changed-since", "main"])
    assert result.exit_code == 1, result.output
    assert "20261103-bbbbbb.yaml" in result.stdout and "'TBD' is a placeholder" in result.stdout


def test_moving_a_handoff_to_a_kind_only_the_change_knows_is_a_finding(repo):
    _base(repo)
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  free: schemas/free.schema.json\n")
    repo.write("schemas/free.schema.json", '{"type": "object"}')
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00", decision_maker="TBD")
               .replace("kind: lead", "kind: free"))
    repo.commit("a lax kind, and a lead moved into it")
    result = run_cli(["check", "--changed-since", "main"])
    assert result.exit_code == 1, result.output
    assert f"{H}.yaml" in result.stdout and "is a 'lead' in main" in result.stdout
    other = "20261104-cccccc"  # a new handoff of the new kind is the branch's to judge
    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "new-kind")
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  free: schemas/free.schema.json\n")
    repo.write("schemas/free.schema.json", '{"type": "object"}')
    repo.write(f"handoffs/2026/11/04/{other}.yaml", lead_document(other, created="2026-11-04T09:00:00+09:00")
               .replace("kind: lead", "kind: free"))
    repo.commit("a new kind and its first handoff")
    assert run_cli(["check", "--changed-since", "main"]).exit_code == 0
