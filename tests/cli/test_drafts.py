"""Kept drafts of `handoff new`: listed, resumed by kind or by name, never replaced by another
draft, removed once their handoff is written; findings point where the person can act."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from helpers import LEAD_FLAGS, lead_document, run_cli

DRAFTS = Path(".git/handoff/drafts")
ORDER_ANSWERS = "\nOrder for ACME jigs\nBob Receiver\n\n\nACME\n"  # then input ends: the prompts stop
LEAD_ANSWERS = "\n\n\nLead from the fair\n"


def _drafts(repo) -> list[Path]:
    return sorted((repo.path / DRAFTS).glob("*.yaml"))


def _written(repo) -> list[Path]:
    return sorted((repo.path / "handoffs").rglob("2*.yaml"))


def _stop(args: list[str], answers: str):
    """Run `handoff new` at prompts that stop part way (end of input, as Ctrl-D): exit 130."""
    result = run_cli(["new", *args, "--prompt"], input=answers)
    assert result.exit_code == 130, result.output
    return result


def _rest_of_lead(*without: str) -> list[str]:
    pairs = zip(LEAD_FLAGS[::2], LEAD_FLAGS[1::2], strict=True)
    return [part for flag, value in pairs if not value.startswith(without) for part in (flag, value)]


def test_resume_takes_only_a_draft_of_that_kind(repo):
    _stop(["order"], ORDER_ANSWERS)
    (order,) = _drafts(repo)
    before = order.read_bytes()
    result = run_cli(["new", "lead", "--resume", "--prompt"], input=LEAD_ANSWERS)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: no lead draft to resume",
                                          "hint: there are drafts of: order (`handoff drafts` lists them)"]
    assert _drafts(repo) == [order] and order.read_bytes() == before  # the order draft is untouched
    result = run_cli(["new", "order", "--resume", "--prompt"], input="\n")  # stops again at once
    assert result.exit_code == 130
    assert f"resuming the draft {order.stem}" in result.stderr
    assert _drafts(repo) == [order]  # saved again in the same draft, no other one made
    assert yaml.safe_load(order.read_text(encoding="utf-8"))["title"] == "Order for ACME jigs"


def test_drafts_are_listed_and_never_replace_each_other(repo):
    _stop(["order"], ORDER_ANSWERS)
    _stop(["lead"], LEAD_ANSWERS)
    _stop(["lead", "--set", "to.name=Bob Receiver"], "")  # no title yet: the first answers describe it
    drafts = _drafts(repo)
    assert len(drafts) == 3 and len({d.name for d in drafts}) == 3
    result = run_cli(["drafts"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "┃", "kind", "┃", "saved", "┃", "title", "or", "first", "answers"]
    rows = {line.split()[0]: line for line in lines[2:]}
    assert set(rows) == {d.stem for d in drafts}
    by_kind = {d.stem: yaml.safe_load(d.read_text(encoding="utf-8"))["kind"] for d in drafts}
    for name, line in rows.items():
        assert f"│ {by_kind[name]} " in line
    assert any("Order for ACME jigs" in line for line in rows.values())
    assert any("Lead from the fair" in line for line in rows.values())
    assert any("to.name=Bob Receiver" in line for line in rows.values())
    assert "handoff new --resume NAME" in result.stderr
    result = run_cli(["new", "--resume", "--yes"])  # two kinds: which one?
    assert result.exit_code == 2 and "3 drafts of different kinds (lead, order): say which" in result.stderr


def test_resume_a_draft_by_name_or_unique_part(repo):
    _stop(["lead"], LEAD_ANSWERS)
    _stop(["lead"], "\n\n\nSecond lead\n")
    first, second = sorted(_drafts(repo), key=lambda p: yaml.safe_load(p.read_text(encoding="utf-8"))["title"])
    assert run_cli(["new", "--resume", "lead-", "--yes"]).stderr.startswith("error: 'lead-' matches 2 drafts: ")
    suffix = first.stem[-4:]  # the random part, as for ids
    result = run_cli(["new", "--resume", suffix, "--yes", *_rest_of_lead("title=")])
    assert result.exit_code == 0, result.output
    (path,) = _written(repo)
    assert "title: Lead from the fair" in path.read_text(encoding="utf-8")
    assert _drafts(repo) == [second]  # the written draft is gone, the other stays
    result = run_cli(["new", "--resume", "nosuch", "--yes"])
    assert result.exit_code == 2 and result.stderr.startswith("error: no draft named 'nosuch'")


def test_new_lead_resume_takes_the_newest_lead_draft(repo):
    _stop(["lead"], LEAD_ANSWERS)
    older = _drafts(repo)[0]
    os.utime(older, (1_000_000_000, 1_000_000_000))
    _stop(["lead"], "\n\n\nNewer lead\n")
    result = run_cli(["new", "lead", "--resume", "--yes", *_rest_of_lead("title=")])
    assert result.exit_code == 0, result.output
    (path,) = _written(repo)
    assert "title: Newer lead" in path.read_text(encoding="utf-8")
    assert _drafts(repo) == [older]


def test_a_draft_written_with_from_file_is_removed(repo):
    _stop(["lead"], LEAD_ANSWERS)
    (draft,) = _drafts(repo)
    result = run_cli(["new", "lead", "--yes", "--from-file", str(draft), *_rest_of_lead("title=")])
    assert result.exit_code == 0, result.output
    assert _drafts(repo) == []
    result = run_cli(["new", "--resume", "--yes"])  # nothing left to write a second time
    assert result.exit_code == 2 and "no draft to resume" in result.stderr
    assert len(_written(repo)) == 1


def test_drop_removes_a_draft(repo):
    _stop(["lead"], LEAD_ANSWERS)
    (draft,) = _drafts(repo)
    result = run_cli(["drafts", "--drop", draft.stem[:12]])
    assert result.exit_code == 0 and result.stderr == f"dropped the draft {draft.stem}\n"
    assert _drafts(repo) == []
    assert run_cli(["drafts"]).stderr == "no drafts kept\n"
    assert run_cli(["drafts", "--drop", draft.stem]).exit_code == 2


def test_resuming_asks_again_what_has_a_finding(repo):
    flags = _rest_of_lead("context.decision_maker=")
    result = run_cli(["new", "lead", "--prompt", *flags, "--set", "context.decision_maker=TBD"],
                     input="\n" * 20)  # skip the optional prompts: refused at the end, kept
    assert result.exit_code == 1, result.output
    (draft,) = _drafts(repo)
    assert "decision_maker: TBD" in draft.read_text(encoding="utf-8")
    answers = "\n" * 3 + "山田部長が起案、工場長が決裁\n" + "\n" * 20  # (team, contact, role) first
    result = run_cli(["new", "lead", "--resume", "--prompt"], input=answers)
    assert result.exit_code == 0, result.output
    assert "context.decision_maker: 'TBD' is a placeholder" in result.stderr and "(asked again)" in result.stderr
    assert "Decision maker (decision_maker)" in result.stderr
    (path,) = _written(repo)
    assert "decision_maker: 山田部長が起案、工場長が決裁" in path.read_text(encoding="utf-8")
    assert _drafts(repo) == []


def test_findings_point_at_the_lines_of_the_given_file(repo, tmp_path):
    values = tmp_path / "lead.yaml"
    values.write_text("title: ACME\n"
                      "to:\n  name: Bob Receiver\n"
                      "customer:\n  company: ACME\n"
                      "context:\n"
                      "  meeting_at: tomorrow\n"
                      "  budjet: 100\n", encoding="utf-8")
    result = run_cli(["new", "lead", "--yes", "--from-file", str(values),
                      *_rest_of_lead("title=", "to.", "customer.", "context.meeting_at=")])
    assert result.exit_code == 1
    where = os.path.relpath(values)
    assert f"{where}:7:3: context.meeting_at: 'tomorrow' is not an ISO 8601 date-time" in result.stderr
    assert f"{where}:8:3: context.budjet: unknown field 'budjet': did you mean `budget`?" in result.stderr
    assert "handoffs/" not in result.stderr  # never a file that was not written
    assert result.stderr.splitlines()[-1] == "not written: the handoff has 2 findings"


def test_an_empty_required_field_in_the_draft_is_said_at_its_line(repo, tmp_path):
    script = tmp_path / "editor.py"
    script.write_text("import sys, pathlib\n"
                      "p = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text(encoding='utf-8').replace('  urgency:\\n', '  urgency: high\\n'),"
                      " encoding='utf-8')\n", encoding="utf-8")
    result = run_cli(["new", "lead", "--edit", *_rest_of_lead("title=", "context.urgency=")],
                     env={"EDITOR": f"{sys.executable} {script}"})
    assert result.exit_code == 1
    (draft,) = _drafts(repo)
    lines = draft.read_text(encoding="utf-8").splitlines()
    title_line = lines.index("title:") + 1
    assert result.stderr.splitlines()[0] == \
        f".git/handoff/drafts/{draft.name}:{title_line}:1: title: required field is empty: fill it in"
    assert f"fix it with: handoff new --resume {draft.stem} --edit" in result.stderr
    assert "  urgency: high" in lines  # the person's edit is kept


def test_a_missing_git_identity_says_how_to_set_it(repo):
    repo.git("config", "--unset", "user.name")
    repo.git("config", "--unset", "user.email")
    result = run_cli(["new", "lead", "--yes", *LEAD_FLAGS])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: git does not know who you are, so the handoff has no sender (from.name)",
        "hint: git config user.name 'Your Name'; git config user.email you@example.com "
        "(or give --set from.name='Your Name')"]
    assert run_cli(["new", "lead", "--yes", *LEAD_FLAGS, "--set", "from.name=Alice"]).exit_code == 0


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal")
def test_ctrl_c_in_a_resumed_draft_keeps_that_draft(repo):
    """A real Ctrl-C at a terminal (the installed handoff on a pseudo-terminal)."""
    import pexpect

    _stop(["lead"], LEAD_ANSWERS)
    _stop(["order"], ORDER_ANSWERS)
    before = {p.name: p.read_bytes() for p in _drafts(repo)}
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "LANG": "C.UTF-8"}
    child = pexpect.spawn(str(Path(sys.executable).parent / "handoff"), ["new", "lead", "--resume"],
                          cwd=str(repo.path), env=env, encoding="utf-8", timeout=30, dimensions=(50, 200))
    child.expect_exact("From: your team")
    child.send("\r")
    child.expect_exact("To: the receiver's name")
    child.send("Carol\r")
    child.expect_exact("To: the receiver's email")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    after = {p.name: p.read_bytes() for p in _drafts(repo)}
    assert set(after) == set(before)  # no draft made, none lost
    (lead,) = [name for name in after if name.startswith("lead-")]
    (order,) = [name for name in after if name.startswith("order-")]
    assert after[order] == before[order]
    assert yaml.safe_load(after[lead])["to"]["name"] == "Carol"


def test_the_edit_draft_explains_every_field_and_its_comments_are_dropped(repo, tmp_path):
    seen, script = tmp_path / "seen.yaml", tmp_path / "editor.py"
    fill = {"title:": "title: ACME 初回商談", "  name:\n  # Email": "  name: Bob Receiver\n  # Email",
            "  company:": "  company: ACME", "  meeting_at:": "  meeting_at: 2026-11-24T14:00:00+09:00",
            "  why_they_agreed:": "  why_they_agreed: Scanner end-of-life in March",
            "  pain_in_their_words:": "  pain_in_their_words: '\"We lose an hour per shift\"'",
            "  urgency:": "  urgency: high", "  urgency_evidence:": "  urgency_evidence: Renewal notice dated 2026-12-01",
            "  decision_maker:": "  decision_maker: Dana (VP Ops) up to $250k"}
    script.write_text("import sys, shutil, pathlib\n"
                      f"shutil.copy(sys.argv[1], {str(seen)!r})\n"
                      "p = pathlib.Path(sys.argv[1])\n"
                      "text = p.read_text(encoding='utf-8')\n"
                      f"for old, new in {fill!r}.items():\n"
                      "    text = text.replace(old, new, 1)\n"
                      "p.write_text(text, encoding='utf-8')\n", encoding="utf-8")
    result = run_cli(["new", "lead", "--edit"], env={"EDITOR": f"{sys.executable} {script}"})
    assert result.exit_code == 0, result.output
    template = seen.read_text(encoding="utf-8")
    assert template.startswith("# handoff new lead: ")
    assert "# Title (required): One line that says what is handed over.\ntitle:\n" in template
    assert "  # Urgency (required): high / medium / low.\n  #   one of: high / medium / low\n  urgency:\n" in template
    assert "  # Budget (recommended): Budget known or expected, and for which period.\n  budget:\n" in template
    assert "  # Meeting at (required): When the meeting is (ISO 8601 with offset).\n" \
           "  #   e.g. 2026-11-24T14:00:00+09:00\n" in template
    assert "  name: Alice Sender\n" in template  # what is known is filled in (the sender from git)
    (path,) = _written(repo)
    text = path.read_text(encoding="utf-8")
    assert "# " not in text and "(required)" not in text  # no comment reaches the handoff
    assert yaml.safe_load(text)["context"]["urgency"] == "high"
    assert _drafts(repo) == []  # written: the draft is gone
    japanese = run_cli(["new", "order", "--edit"], env={"EDITOR": f"{sys.executable} {script}", "HANDOFF_LANG": "ja"})
    assert japanese.exit_code == 1
    template = seen.read_text(encoding="utf-8")
    assert "# 件名 (必須): 何を引き継ぐかを一行で。\ntitle:" in template
    assert "  # 数量 (推奨): " in template and "#   例: 2026-11-24\n  due_date:" in template


def test_feedback_findings_name_the_flag(repo):
    repo.write("handoffs/2026/11/02/20261102-aaaaaa.yaml",
               lead_document("20261102-aaaaaa", created="2026-11-02T09:00:00+09:00"))
    result = run_cli(["feedback", "aaaaaa", "--force", "--receipt", "--decision", "accepted",
                      "--synthesis", "Understood: CFO decides", "--at", "2026-13-45"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("--at: '2026-13-45' is not an ISO 8601 date-time")
    assert "feedback.yaml" not in result.stderr and "entries[" not in result.stderr
