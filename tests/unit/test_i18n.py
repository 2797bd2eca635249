"""One catalog for every user-facing string: complete in both languages, every id used in
the code exists, words are looked up when shown (never frozen at import), and the commands
speak Japanese when asked to."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import handoff_cli
from handoff_cli.i18n import t
from handoff_cli.i18n.catalog import CATALOG
from helpers import run_cli

PACKAGE = Path(handoff_cli.__file__).parent
JA = {"HANDOFF_LANG": "ja"}


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


@pytest.mark.parametrize("message_id", sorted(CATALOG))
def test_every_entry_has_both_languages_with_the_same_placeholders(message_id):
    entry = CATALOG[message_id]
    assert isinstance(entry, tuple) and len(entry) == 2, message_id
    en, ja = entry
    assert en.strip() and ja.strip(), message_id
    assert _placeholders(en) == _placeholders(ja), message_id


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py"))]


def _ids(node: ast.expr) -> list[tuple[str, bool]]:
    """(id, is_prefix) for the message ids an argument can name: a literal, the literal start
    of an f-string or a concatenation, either branch of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.value, False)]
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return [(node.values[0].value, True)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [(prefix, True) for prefix, _ in _ids(node.left)]
    if isinstance(node, ast.IfExp):
        return _ids(node.body) + _ids(node.orelse)
    return []


def _used_ids() -> list[tuple[str, str, bool]]:
    """(where, id, is_prefix) for every t("…") in the package."""
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
                for message_id, prefix in _ids(node.args[0]):
                    found.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", message_id, prefix))
    return found


def test_every_id_used_in_the_code_is_in_the_catalog():
    used = _used_ids()
    assert len(used) > 200  # the scan sees the code
    missing = [(where, message_id) for where, message_id, prefix in used
               if not (any(key.startswith(message_id) for key in CATALOG) if prefix else message_id in CATALOG)]
    assert missing == []


def _named_in_the_package() -> tuple[set[str], set[str]]:
    """Every string the package's code and templates write out (a message id is often held in
    a variable or a table before it reaches `t`), and the literal starts of the ids they build
    at run time (`t(f"report.column.{name}")`, `t("quality.part." + name)`, `t("html.history." ~ …)`)."""
    literals, prefixes = set(), set()
    for path, tree in _sources():
        if path.name == "catalog.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                prefixes.add(node.values[0].value)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and \
                    isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
                prefixes.add(node.left.value)
    for path in sorted((PACKAGE / "output" / "templates").glob("*.j2")):
        text = path.read_text(encoding="utf-8")
        literals |= set(re.findall(r"""["']([a-z0-9_.-]+)["']""", text))
        literals |= {"report.column." + name for name in re.findall(r"""\bcol\(\s*["']([a-z0-9_]+)["']""", text)}
        prefixes |= set(re.findall(r"""["']([a-z0-9_.]+\.)["']\s*~""", text))
    return literals, {p for p in prefixes if re.fullmatch(r"[a-z_]+(\.[a-z_]+)*\.", p)}


def test_every_catalog_entry_is_used():
    """No dead words: every id is named by the code or a template, or starts with a prefix the
    code completes at run time (so an unused "report.column.*" can hide behind its prefix)."""
    literals, prefixes = _named_in_the_package()
    assert {"report.column.", "quality.part.", "html.history."} <= prefixes  # the scan sees the prefixes
    unused = [key for key in CATALOG if key not in literals and not key.startswith(tuple(prefixes))]
    assert unused == []


def test_no_module_level_constant_holds_translated_text():
    """The language is read when a message is shown: `t` is only called inside functions."""
    frozen = []
    for path, tree in _sources():
        for statement in tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t":
                    frozen.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert frozen == []


def test_the_language_follows_the_environment_at_call_time(monkeypatch):
    monkeypatch.setenv("HANDOFF_LANG", "ja")
    assert t("report.section.funnel") == "種別ごとのファネル"
    monkeypatch.setenv("HANDOFF_LANG", "en")
    assert t("report.section.funnel") == "Funnel by kind"
    monkeypatch.delenv("HANDOFF_LANG")
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert t("error.prefix", message="x") == "エラー: x"


def test_report_speaks_japanese(examples_repo):
    examples_repo.commit("examples")
    english = run_cli(["report", "--as-of", "2026-12-01"])
    assert english.exit_code == 0, english.output
    assert "Pending feedback (" in english.stdout and "Funnel by kind" in english.stdout
    result = run_cli(["report", "--as-of", "2026-12-01"], env=JA)  # the cache does not answer in English
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "フィードバック待ち（" in out and "2026-12-01 時点" in out
    for header in ("送り手別の品質", "種別ごとのファネル", "引き渡し月ごとの推移", "共有したい優れた引き継ぎ",
                   "対応の速さ: 受領", "件名", "受け手", "期限"):
        assert header in out, header
    for english_word in ("Pending feedback", "Quality by", "Responsiveness", "most often missing"):
        assert english_word not in out, english_word
    assert "品質" in run_cli(["report", "--by", "pair", "--as-of", "2026-12-01"], env=JA).stdout


def test_list_and_show_speak_japanese(examples_repo):
    listed = run_cli(["list"], env=JA).stdout
    assert "件名" in listed and "送り手" in listed and "フィードバック" in listed
    shown = run_cli(["show", "k3m9qa"], env=JA).stdout
    for label in ("種別", "作成日時", "顧客", "ファイル", "引き継ぎ内容", "次のアクション", "受領  2026-09-07"):
        assert label in shown, label


def test_errors_speak_japanese(examples_repo):
    result = run_cli(["new", "--yes"], env=JA)
    assert result.exit_code == 2
    assert result.stderr == "エラー: 種別を指定してください。例: handoff new lead\nヒント: 使える種別: lead, order, service\n"
    result = run_cli(["new", "nosuch", "--yes"], env=JA)
    assert result.stderr.startswith("エラー: 不明な種別 'nosuch' です\n")
    result = run_cli(["show", "zzzzzz"], env=JA)
    assert result.stderr == ("エラー: 'zzzzzz' に該当する引き継ぎはありません\n"
                             "ヒント: ID は `handoff list` で確認できます\n")
    result = run_cli(["report", "--since", "2026-13-01"], env=JA)
    assert "2026-11-30 のような日付を指定してください" in result.stderr


def test_git_errors_speak_the_language(examples_repo, monkeypatch):
    examples_repo.commit("examples")
    result = run_cli(["check", "--changed-since", "no-such-ref"], env=JA)
    assert result.exit_code == 2
    assert result.stderr.startswith("エラー: --changed-since no-such-ref: ")
    assert "ヒント: git リポジトリの中か" in result.stderr
    english = run_cli(["check", "--changed-since", "no-such-ref"])
    assert english.stderr.startswith("error: --changed-since no-such-ref: ")
    assert "hint: is this a git repository, and is the ref fetched?" in english.stderr


def test_feedback_speaks_japanese(examples_repo):
    result = run_cli(["feedback", "w1c6fa", "--yes", "--force"], env=JA)
    assert result.exit_code == 2
    assert "エラー: 20261118-w1c6fa はまだ受領されていません" in result.stderr
