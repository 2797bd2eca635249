"""What a person reads on a terminal, at 80, 100 and 160 columns, in English and Japanese:
`report`, `report --by pair`, the 1on1 sheet, `list` and `show`, through the real CLI on the
demo repository (fixed commit dates, `--as-of` fixed), compared with the snapshots under
snapshots/. `UPDATE_SNAPSHOTS=1 python -m pytest tests/output` rewrites them.

Beside the snapshots, what must hold at every width: no line wider than the terminal, every
id and person of the data whole on some line, every table header a whole header."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from handoff_cli.i18n.catalog import CATALOG
from handoff_cli.store.demo import build_demo
from helpers import git_home, run_cli

SNAPSHOTS = Path(__file__).parent / "snapshots"
WIDTHS = (80, 100, 160)
LANGUAGES = ("en", "ja")
AS_OF = ["--as-of", "2026-11-24"]
SHOWN = "20260907-k3m9qa"
COMMANDS = {
    "report": ["report", *AS_OF],
    "report-by-pair": ["report", "--by", "pair", *AS_OF],
    "person-sato": ["report", "--person", "佐藤", *AS_OF],
    "person-raj": ["report", "--person", "raj", *AS_OF],
    "list": ["list"],
    "show": ["show", SHOWN],
}
ID = re.compile(r"\b\d{8}-[a-z0-9]{6}\b")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo repository, built once for the module with no user's git config."""
    home = tmp_path_factory.mktemp("demo-home")
    with git_home(home):
        return build_demo(tmp_path_factory.mktemp("demo") / "d")


@pytest.fixture
def in_demo(demo, monkeypatch) -> Path:
    monkeypatch.chdir(demo)
    return demo


def _run(args: list[str], language: str, width: int):
    result = run_cli(args, env={"HANDOFF_LANG": language, "COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


def _headers(language: str) -> set[str]:
    """Every table header in `language` (the quality table's first is its grouping: report.by.*)."""
    index = 1 if language == "ja" else 0
    prefixes = ("report.column.", "tables.column.", "list.column.", "report.by.")
    return {text[index] for key, text in CATALOG.items() if key.startswith(prefixes)}


def _identifying(name: str, args: list[str]) -> set[str]:
    """The ids and people the terminal output of `args` must show whole, from its JSON."""
    if name == "show":
        data = json.loads(_run(["show", SHOWN, "--format", "json"], "en", 160))
        text = json.dumps(data, ensure_ascii=False)
        return {SHOWN} | {m for m in re.findall(r'"name": "([^"]+)"', text)}
    if name == "list":
        rows = json.loads(_run(["list", "--format", "json"], "en", 160))["handoffs"]
        return {v for row in rows for v in (row["id"], row["sender"], row["receiver"])}
    data = json.loads(_run([*args, "--format", "json"], "en", 160))
    if "person" in data:
        sheet = data["person"]
        found = {sheet["name"]}
        if sheet["sender"]:
            found |= {h["id"] for h in sheet["sender"]["handoffs"]} | {h["receiver"] for h in sheet["sender"]["handoffs"]}
        if sheet["receiver"]:
            found |= {row["id"] for row in sheet["receiver"]["owed"]} | {row["receiver"] for row in
                                                                          sheet["receiver"]["owed"]}
        return found
    report = data["report"]
    found = {row["id"] for key in ("pending", "rework", "best") for row in report[key]}
    found |= {row["receiver"] for row in report["pending"]} | {row["group"] for row in report["groups"]}
    found |= {row["kind"] for row in report["funnel"]} | {row["month"] for row in report["trend"]}
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(COMMANDS))
def test_terminal_output(in_demo, name, language, width):
    args = COMMANDS[name]
    shown = _run(args, language, width)
    lines = shown.splitlines()
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, f"lines wider than {width}:\n" + "\n".join(too_wide)
    for value in _identifying(name, args):
        assert any(value in line for line in lines), f"{value!r} is not whole on any line"
    headers = _headers(language)
    for above, rule in zip(lines, lines[1:]):
        if rule and set(rule) <= {"━", "╇"}:
            cells = [cell.strip() for cell in above.split("┃")]
            broken = [cell for cell in cells if cell not in headers]
            assert not broken, f"headers broken or unknown: {broken}\n{above}"
    snapshot = SNAPSHOTS / f"{name}.{language}.{width}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(shown, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}: run with UPDATE_SNAPSHOTS=1 and review it"
    assert shown == snapshot.read_text(encoding="utf-8"), f"{snapshot.name} differs (UPDATE_SNAPSHOTS=1 rewrites it)"


def test_no_snapshot_is_left_over():
    """Every snapshot file belongs to a case (a renamed case leaves none behind)."""
    expected = {f"{n}.{lang}.{w}.txt" for n in COMMANDS for lang in LANGUAGES for w in WIDTHS}
    assert {p.name for p in SNAPSHOTS.glob("*.txt")} <= expected


def test_an_empty_repository_says_so_in_one_line(repo):
    for language in LANGUAGES:
        shown = _run(["report"], language, 80)
        assert shown.strip().count("\n") == 0 and "handoff new lead" in shown
        listed = _run(["list"], language, 80)
        assert listed.strip().count("\n") == 0 and "handoff new lead" in listed
