"""The command line around the commands: help without type names, with the choices, never cut
mid-word; usage mistakes as one clean line (no library message, no Python repr); correct
plurals; shell completion for bash, zsh and fish (commands, kinds, ids, drafts)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from handoff_cli.app import app
from helpers import LEAD_FLAGS, lead_document, make_repo, run_cli

HANDOFF = str(Path(sys.executable).parent / "handoff")
COMMANDS = list(typer.main.get_command(app).commands)
LIBRARY_WORDS = ("Value error", "Invalid value", "Try '", "╭", "Traceback", "Usage:", "Error", "Command '[")


def _installed(args, cwd, **env):
    full = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **env}
    return subprocess.run([HANDOFF, *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", env=full,
                          stdin=subprocess.DEVNULL, timeout=60)


def _flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- help

@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_type_names(command):
    result = run_cli([command, "--help"])
    assert result.exit_code == 0, result.output
    assert not re.search(r"<(bool|str|int|float|path|list)", result.stdout), result.stdout
    assert result.stdout.startswith(f"Usage: handoff {command} [OPTIONS]")


def test_help_shows_the_choices():
    assert "--by [sender|receiver|team|pair|kind]" in run_cli(["report", "--help"]).stdout
    assert "--table [pending|rework|quality|trend|best|funnel|scores|handoffs|fields|owed]" in run_cli(["report", "--help"]).stdout
    assert "--format [text|json|github" in run_cli(["check", "--help"]).stdout
    feedback = run_cli(["feedback", "--help"]).stdout
    assert "--decision [accepted|conditional|rejected]" in feedback
    assert "--rejection-reason [procedural|clerical|definitional]" in feedback


@pytest.mark.parametrize("columns", ["50", "80", "160"])
def test_nothing_is_broken_mid_word(columns):
    """However narrow the terminal, every help text and choice list reads whole once the line
    breaks are taken out: lines are only ever broken between words."""
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        out = _flat(run_cli([name, "--help"], env={"COLUMNS": columns}).stdout)
        assert _flat(command.help) in out, (name, columns)
        for param in command.params:
            if param.help:
                assert _flat(param.help) in out, (name, param.name, columns)
        for choices in re.findall(r"\[[a-z-]+(?:\|[a-z-]+)+\]", out):
            assert " " not in choices
    top = _flat(run_cli(["--help"], env={"COLUMNS": columns}).stdout)
    assert "Install completion for the current shell" in top and "--show-completion" in top


def test_help_follows_the_language_of_each_run():
    japanese = run_cli(["new", "--help"], env={"HANDOFF_LANG": "ja"}).stdout
    assert japanese.startswith("使い方: handoff new [オプション] [種別]")
    assert "新しい引き継ぎを書きます" in japanese and "-s, --set 項目=値" in japanese and "例:" in japanese
    english = run_cli(["new", "--help"]).stdout
    assert english.startswith("Usage: handoff new [OPTIONS] [KIND]") and "Examples:" in english
    assert "新しい" not in english


# ---------------------------------------------------------------- usage mistakes

MISTAKES = [
    (["check", "--format", "xml"], "error: --format xml: choose one of: text, json, github", "check"),
    (["report", "--by", "week"], "error: --by week: choose one of: sender, receiver, team, pair, kind", "report"),
    (["feedback", "k3m9qa", "--rating", "x"], "error: --rating x: expected a whole number", "feedback"),
    (["check", "--formt", "json"], "error: no such option --formt; did you mean --format?", "check"),
    (["chek"], "error: no such command 'chek'; did you mean check?", None),
    (["show"], "error: missing ID", "show"),
    (["list", "extra"], "error: more arguments than it takes: extra", "list"),
    (["check", "--changed-since"], "error: --changed-since needs a value", "check"),
]


@pytest.mark.parametrize("args,said,command", MISTAKES, ids=[" ".join(m[0]) for m in MISTAKES])
def test_a_usage_mistake_is_one_clean_line(repo, args, said, command):
    result = run_cli(args)
    assert result.exit_code == 2
    first, hint = result.stderr.splitlines()
    assert first.startswith(said), first
    assert hint == f"hint: see: handoff{' ' + command if command else ''} --help"
    assert not any(word in result.output for word in LIBRARY_WORDS), result.output


def test_usage_mistakes_speak_japanese(repo):
    result = run_cli(["check", "--format", "xml"], env={"HANDOFF_LANG": "ja"})
    assert result.stderr.splitlines() == ["エラー: --format xml: 次から選んでください: " +
                                          result.stderr.split("次から選んでください: ")[1].splitlines()[0],
                                          "ヒント: 詳しくは: handoff check --help"]
    assert "text, json, github" in result.stderr


def test_the_installed_handoff_words_mistakes_the_same(tmp_path):
    done = _installed(["report", "--by", "week"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == "error: --by week: choose one of: sender, receiver, team, pair, kind"
    assert not any(word in done.stderr for word in LIBRARY_WORDS), done.stderr
    alone = _installed([], tmp_path)  # `handoff` alone: the help, as a usage mistake
    assert alone.returncode == 2 and alone.stderr.startswith("Usage: handoff [OPTIONS] COMMAND [ARGS]...")


def test_a_failing_editor_is_said_without_a_python_repr(repo):
    result = run_cli(["new", "lead", "--edit"], env={"EDITOR": "false"})
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: editor 'false' failed: it exited with status 1; your draft is kept at "
                            ".git/handoff/drafts/lead-")
    assert "Command '" not in result.stderr and "returned non-zero" not in result.stderr


# ---------------------------------------------------------------- plurals

def test_summaries_count_in_singular_and_plural(repo):
    repo.write("handoffs/2026/11/02/20261102-aaaaaa.yaml",
               lead_document("20261102-aaaaaa", created="2026-11-02T09:00:00+09:00", decision_maker="TBD"))
    assert run_cli(["check"]).stdout.splitlines()[-1] == "1 file checked, 1 finding in 1 file"
    repo.write("handoffs/2026/11/03/20261103-bbbbbb.yaml",
               lead_document("20261103-bbbbbb", created="2026-11-03T09:00:00+09:00"))
    assert run_cli(["check"]).stdout.splitlines()[-1] == "2 files checked, 1 finding in 1 file"
    (repo.path / "handoffs/2026/11/02/20261102-aaaaaa.yaml").unlink()
    assert run_cli(["check"]).stdout == "1 file checked, no findings\n"
    flags = [f if not f.startswith("context.decision_maker=") else "context.decision_maker=TBD" for f in LEAD_FLAGS]
    result = run_cli(["new", "lead", "--yes", *flags, "--set", "title=TBD"])
    assert result.stderr.splitlines()[-1] == "not written: the handoff has 2 findings"


# ---------------------------------------------------------------- shell completion

def _complete(cwd: Path, shell: str, line: str) -> list[str]:
    env = {"_HANDOFF_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        words = line.split(" ")
        env.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        env.update(_TYPER_COMPLETE_ARGS=line, _TYPER_COMPLETE_FISH_ACTION="get-args")
    done = _installed([], cwd, **env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture
def completed_repo(tmp_path):
    repository = make_repo(tmp_path / "repo")
    repository.write(".handoff.yaml", "version: 1\nkinds:\n  rfq: schemas/rfq.schema.json\n")
    repository.write("schemas/rfq.schema.json", '{"allOf": [{"$ref": "urn:handoff:v1:envelope"}]}')
    for handoff_id in ("20261102-aaaaaa", "20261103-k3m9qa"):
        repository.write(f"handoffs/{handoff_id[:4]}/{handoff_id[4:6]}/{handoff_id[6:8]}/{handoff_id}.yaml",
                         lead_document(handoff_id, created="2026-11-02T09:00:00+09:00"))
    repository.write(".git/handoff/drafts/lead-20261120-140512-a1b2.yaml", "kind: lead\ntitle: Kept\n")
    return repository


def test_bash_completes_commands_kinds_ids_and_drafts(completed_repo):
    cwd = completed_repo.path
    assert {"init", "new", "drafts", "check", "show", "feedback", "report"} <= set(_complete(cwd, "bash", "handoff "))
    assert _complete(cwd, "bash", "handoff dr") == ["drafts"]
    assert _complete(cwd, "bash", "handoff new ") == ["lead", "order", "rfq", "service"]
    assert _complete(cwd, "bash", "handoff new r") == ["rfq"]
    assert _complete(cwd, "bash", "handoff show ") == ["20261103-k3m9qa", "20261102-aaaaaa"]
    assert _complete(cwd, "bash", "handoff show 20261103") == ["20261103-k3m9qa"]
    assert _complete(cwd, "bash", "handoff feedback 202611") == ["20261103-k3m9qa", "20261102-aaaaaa"]
    assert _complete(cwd, "bash", "handoff drafts --drop ") == ["lead-20261120-140512-a1b2"]
    assert "lead-20261120-140512-a1b2" in _complete(cwd, "bash", "handoff new --resume ")
    assert _complete(cwd, "bash", "handoff check --format ")[:3] == ["text", "json", "github"]


def test_zsh_and_fish_complete_too(completed_repo):
    cwd = completed_repo.path
    zsh = "\n".join(_complete(cwd, "zsh", "handoff show "))
    assert "20261103-k3m9qa" in zsh and "20261102-aaaaaa" in zsh
    assert "new" in "\n".join(_complete(cwd, "zsh", "handoff "))
    assert _complete(cwd, "fish", "handoff new ") == ["lead", "order", "rfq", "service"]
    fish = _complete(cwd, "fish", "handoff ")
    assert any(line.startswith("feedback") for line in fish)


def test_completion_outside_a_repository_is_quiet(tmp_path):
    assert _complete(tmp_path, "bash", "handoff show ") == []


@pytest.mark.parametrize("shell,marker", [("bash", "complete -o default -F _handoff_completion handoff"),
                                          ("zsh", "compdef _handoff_completion handoff"),
                                          ("fish", "complete --command handoff")])
def test_show_completion_prints_the_script(tmp_path, shell, marker):
    done = _installed(["--show-completion", shell], tmp_path, _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout and "_HANDOFF_COMPLETE" in done.stdout


def test_install_completion_for_the_shell_in_use(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(["bash", "-c", f"{HANDOFF} --install-completion"], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "HOME": str(home), "HANDOFF_LANG": "ja", "SHELL": "/bin/bash"},
                          timeout=60)
    assert done.returncode == 0, done.stderr
    script = home / ".bash_completions" / "handoff.sh"
    assert "_HANDOFF_COMPLETE" in script.read_text(encoding="utf-8")
    assert f"source '{script}'" in (home / ".bashrc").read_text(encoding="utf-8")
    assert done.stderr.splitlines() == [f"bash の補完を {script} に設定しました", "新しく開いた端末から有効になります"]
