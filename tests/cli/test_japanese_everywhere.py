"""In Japanese, every word the person reads is Japanese: each command's `--help` and a typical
run of each (prompts, messages, tables, errors, the commented draft). What may stay as it is:
data (names, ids, titles, values, paths), field names, flags, commands and the values a
person types (`lead`, `json`, `accepted`), and a few names of things (git, YAML, JSON…).
Any other English word fails the test, naming the command and the word."""

from __future__ import annotations

import json
import re
import sys

import pytest
import typer.main

from handoff_cli.app import app
from handoff_cli.rules.kinds import BUILTIN_KINDS, builtin_schema
from helpers import GitRepo, make_repo, run_cli

JA = {"HANDOFF_LANG": "ja", "COLUMNS": "120"}
SENDER = ("佐藤 花子", "hanako.sato@example.com")
RECEIVER = ("田中 一郎", "ichiro.tanaka@example.com")

# names of things, and words a person types as values (choices, formats, commands)
ALLOWED = {
    "handoff", "handoffs", "git", "yaml", "json", "csv", "crm", "github", "gitlab", "code", "quality",  # names
    "bash", "zsh", "fish", "cd", "config",  # shells and commands in a hint or example (`git config user.name`)
    "text", "table", "sender", "receiver", "pair", "best", "trend", "funnel", "scores", "pending",  # values typed
    "envelope", "feedback", "drafts", "rework", "owed", "fields", "handoffs",  # --table values
    "markdown", "html", "excel",  # formats, and the program a --bom is for
}


def _field_names() -> set[str]:
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            names.update(str(k).lower() for k in (node.get("properties") or {}))
            for value in node.values():
                walk(value)
            for key in ("enum", "x-handoff-outcomes", "x-handoff-loss-outcomes"):
                if isinstance(node.get(key), list):
                    names.update(str(v).lower() for v in node[key])
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name in ("envelope", "feedback", *BUILTIN_KINDS):
        walk(builtin_schema(name))
    return names


DATA = {"acme", "week", "formt", "chek", "titel"}  # the test's own data and what it types wrong
SCORE_PARTS = {"required", "recommended", "specificity", "actionability", "rating", "stability"}  # as in JSON, beside their Japanese names
COMMANDS = list(typer.main.get_command(app).commands)
KNOWN = ALLOWED | DATA | SCORE_PARTS | _field_names() | {c.lower() for c in COMMANDS} | set(BUILTIN_KINDS)


def english_words(text: str) -> set[str]:
    """The English words of `text` a person would read as words of the interface."""
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)  # flags
    text = re.sub(r"\S*[/\\]\S*|\S+\.(?:yaml|yml|json|md|sh)\b", " ", text)  # paths and file names
    text = re.sub(r"`[^`]*`", " ", text)  # commands quoted in a message
    text = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"", " ", text)  # values quoted from data or typed
    text = re.sub(r"\$\w+|\b[A-Z_]{2,}\b", " ", text)  # environment variables
    text = re.sub(r"[\w-]*[._=\d][\w.=\[\]…-]*", " ", text)  # field paths, ids, dates, numbers, FIELD=VALUE
    text = re.sub(r"\b[a-z]+(?:-[a-z]+)+\b", " ", text)  # values like agreed-to-attend, existing-customer
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() not in KNOWN}


def _check(label: str, result, *, data: set[str] = frozenset(), stdout_is_data: bool = False) -> None:
    assert "Traceback" not in result.output, result.output
    shown = result.stderr if stdout_is_data else result.output
    left = english_words(shown) - data
    assert not left, f"{label}: English left in Japanese output: {sorted(left)}\n{result.output}"


@pytest.fixture
def japanese_repo(tmp_path, monkeypatch) -> GitRepo:
    repository = make_repo(tmp_path / "repo", user=SENDER)
    monkeypatch.chdir(repository.path)
    return repository


LEAD = ["--set", "title=ACME製作所 生産管理刷新の初回商談", "--set", f"to.name={RECEIVER[0]}",
        "--set", f"to.email={RECEIVER[1]}", "--set", "customer.company=株式会社ACME製作所",
        "--set", "context.meeting_at=2026-11-24T14:00:00+09:00",
        "--set", "context.why_they_agreed=在庫管理の二重入力をなくしたい",
        "--set", "context.pain_in_their_words=「毎朝2時間、同じ数字を打ち直している」",
        "--set", "context.urgency=high", "--set", "context.urgency_evidence=2027年3月の監査までに直したいと明言",
        "--set", "context.decision_maker=山田部長が起案、工場長が決裁"]


def test_the_help_of_every_command_is_japanese():
    _check("handoff --help", run_cli(["--help"], env=JA))
    for command in COMMANDS:
        result = run_cli([command, "--help"], env=JA)
        assert result.exit_code == 0
        assert result.stdout.startswith(f"使い方: handoff {command} [オプション]"), result.stdout
        _check(f"handoff {command} --help", result)


def test_a_typical_run_of_every_command_is_japanese(japanese_repo, tmp_path):
    repo = japanese_repo
    ran = set()

    def run(args, label=None, *, user=SENDER, stdout_is_data=False, **env):
        if user != SENDER:
            repo.git("config", "user.name", user[0])
            repo.git("config", "user.email", user[1])
        result = run_cli(args, env={**JA, **env})
        _check(label or " ".join(args), result, stdout_is_data=stdout_is_data)
        ran.add(args[0])
        if user != SENDER:
            repo.git("config", "user.name", SENDER[0])
            repo.git("config", "user.email", SENDER[1])
        return result

    assert run(["init"]).exit_code == 0
    assert run(["init"]).exit_code == 0  # already set up
    written = run(["new", "lead", "--yes", *LEAD])
    assert written.exit_code == 0
    handoff_id = written.stdout.strip()
    assert run(["new", "lead", "--yes", *LEAD, "--set", "context.decision_maker=TBD"]).exit_code == 1
    assert run(["new", "lead", "--yes", "--set", "context.budjet=1"]).exit_code == 2
    assert run(["new", "lead", "--yes", "--set", "title=件名だけ"]).exit_code == 2
    stopped = run_cli(["new", "lead", "--prompt"], input="\nタイトルだけ\n", env=JA)  # input ends: the draft is kept
    _check("new lead --prompt", stopped)
    assert stopped.exit_code == 130
    editor, seen = tmp_path / "editor.py", tmp_path / "seen.yaml"
    editor.write_text(f"import sys, shutil\nshutil.copy(sys.argv[1], {str(seen)!r})\n", encoding="utf-8")
    edited = run(["new", "order", "--edit"], "new order --edit", EDITOR=f"{sys.executable} {editor}")
    assert edited.exit_code == 1
    template = seen.read_text(encoding="utf-8")  # the commented draft the editor was opened on
    assert "# 件名 (必須): 何を引き継ぐかを一行で。" in template and "# 金額 (必須)" in template
    left = english_words(template)
    assert not left, f"the commented draft: English left: {sorted(left)}\n{template}"
    listed = run(["drafts"])
    assert listed.exit_code == 0 and "件名または最初の回答" in listed.output
    draft = next(line.split()[0] for line in listed.stdout.splitlines() if line.startswith("order-"))
    assert run(["drafts", "--drop", draft]).exit_code == 0
    assert run(["new", "service", "--resume", "--yes"]).exit_code == 2
    repo.commit("hand over", author=SENDER)
    assert run(["check"]).exit_code == 0
    assert run(["list"]).exit_code == 0
    assert run(["show", handoff_id[-6:]]).exit_code == 0
    assert run(["schema", "lead"], stdout_is_data=True).exit_code == 0  # JSON for tools: data
    assert run(["feedback", handoff_id, "--yes"], user=RECEIVER).exit_code == 2
    received = run(["feedback", handoff_id, "--receipt", "--decision", "accepted",
                    "--synthesis", "決裁は工場長、監査が期限"], user=RECEIVER)
    assert received.exit_code == 0
    rated = run(["feedback", handoff_id, "--outcome", "progressing", "--rating", "9", "--useful", "課題感が的確"],
                user=RECEIVER)
    assert rated.exit_code == 1 and rated.stderr.startswith("--rating: ")  # the flag, in Japanese
    repo.commit("receipt", author=RECEIVER)
    assert run(["report", "--as-of", "2026-12-01"]).exit_code == 0
    assert run(["report", "--by", "week"]).exit_code == 2
    assert run(["check", "--formt", "json"]).exit_code == 2
    assert run(["chek"]).exit_code == 2
    repo.write("handoffs/2026/11/02/20261102-aaaaaa.yaml", "id: 20261102-aaaaaa\nkind: lead\ntitel: x\n")
    assert run(["check"], "check (findings)").exit_code == 1
    assert set(COMMANDS) - ran == {"demo"}  # the demo reports on English example data: its help is checked above
    assert json.loads(run_cli(["schema", "lead"], env=JA).stdout)["$id"] == "urn:handoff:v1:lead"


def test_the_scanner_finds_english():
    assert english_words("エラー: something went wrong") == {"something", "went", "wrong"}
    assert english_words("--set context.budget=1 handoffs/x.yaml 'Alice' `handoff check` lead json") == set()
