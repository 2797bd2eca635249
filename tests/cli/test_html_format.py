"""`report --format html` without a browser (tests/web drives one): the page's walls against
data (autoescaping forced, the sanitiser, no data link), long tables cut with a line saying
how to get the rest, stdout without `-o`, Japanese words only in Japanese, and the demo's page."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

from handoff_cli.output import renderer
from handoff_cli.output.html import ROWS_SHOWN, environment
from handoff_cli.reporting.report import PendingRow, Report, Responsiveness
from handoff_cli.store.demo import build_demo
from helpers import lead_document, run_cli
from test_japanese_everywhere import english_words

H = "20261120-aaaaaa"


class _Text(HTMLParser):
    """The text a person reads: everything outside <script> and <style>."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


def test_autoescaping_is_forced_for_every_template():
    env = environment()
    assert env.autoescape is True
    assert env.from_string("{{ v }}").render(v='<b x="1">&') == "&lt;b x=&#34;1&#34;&gt;&amp;"


def test_markup_and_links_from_data_stay_text_on_stdout(repo):
    document = lead_document(H, created="2026-11-20T10:00:00+09:00", extra="links:\n  - \"javascript:alert(1)\"\n")
    repo.write(f"handoffs/2026/11/20/{H}.yaml", document.replace(f"title: Lead {H}", "title: <b>bold</b> & co"))
    repo.commit("a handoff")
    assert run_cli(["check"]).exit_code == 0
    result = run_cli(["report", "--format", "html", "--as-of", "2026-11-24"])  # no -o: the page on stdout
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page and "<b>" not in page
    assert "javascript:" not in page and "<a " not in page


def test_control_and_bidi_characters_never_reach_the_page():
    """`check` refuses them in a handoff, but the page does not count on it: the renderer
    sanitises whatever it is given."""
    row = _pending(1)[0]
    hostile = PendingRow(**{**vars(row), "title": "Renewal\x1b[2J \u202egnp.exe\u202c", "receiver": "Bob\u2028::x"})
    page = _page([hostile])
    assert "\x1b" not in page and "\u202e" not in page and "\u2028" not in page
    assert "Renewal\\u001b[2J \\u202egnp.exe\\u202c" in page and "Bob\\u2028::x" in page


def _page(rows: list[PendingRow]) -> str:
    report = Report(as_of="2026-11-24T00:00:00+00:00", by="sender", handoffs=len(rows), pending=rows, rework=[],
                    groups=[], trend=[], best=[], funnel=[],
                    responsiveness=Responsiveness(0, None, None, None, 0, None, None, None, len(rows)),
                    scores=[], warnings=[], history="complete")
    stream = io.StringIO()
    renderer("html", "report", stream).report(report, table="pending")
    return stream.getvalue()


def _pending(count: int) -> list[PendingRow]:
    return [PendingRow(f"20261101-{i:06d}", f"Handoff {i}", "lead", f"Receiver {i % 7}", "2026-11-01T10:00:00+00:00",
                       20, "receipt", f"2026-11-{1 + i % 28:02d}", i % 3 == 0, i == 299, False) for i in range(count)]


def test_long_tables_show_the_most_urgent_rows_and_count_the_rest():
    rows = _pending(300)
    page = _page(rows)
    shown = re.findall(r"<td class=\"id\">(20261101-\d+)</td>", page)
    assert len(shown) == ROWS_SHOWN
    assert "20261101-000299" in shown  # the safety issue first of all
    overdue = {r.id for r in rows if r.overdue}
    assert overdue <= set(shown)  # every overdue row before any row that is not
    assert "100 more — use `handoff report --format csv --table pending`" in visible_text(page)


def test_japanese_pages_have_no_english_words(tmp_path, monkeypatch):
    demo = build_demo(tmp_path / "demo")
    monkeypatch.chdir(demo)
    ja = {"HANDOFF_LANG": "ja"}
    for args in ([], ["--person", "佐藤"], ["--person", "Raj"]):
        data = run_cli(["report", "--format", "json", "--as-of", "2026-11-24", *args], env=ja).stdout
        known = {w for w in re.findall(r"[A-Za-z]{2,}", data)}  # names, titles, values: data, not interface
        result = run_cli(["report", "--format", "html", "--as-of", "2026-11-24", *args], env=ja)
        assert result.exit_code == 0, result.output
        assert '<html lang="ja">' in result.stdout
        left = english_words(visible_text(result.stdout)) - known
        assert not left, f"{args}: English left in the Japanese page: {sorted(left)}"


def test_the_demo_writes_its_web_report(tmp_path):
    target = tmp_path / "demo"
    result = run_cli(["demo", str(target)])
    assert result.exit_code == 0, result.output
    page = target / "report.html"
    assert f"Web report: {page} (open it in a browser)" in result.stdout
    text = page.read_text(encoding="utf-8")
    assert "<title>Handoff report</title>" in text and "佐藤 花子" in text


def test_every_message_a_template_uses_is_in_the_catalog():
    from handoff_cli.i18n.catalog import CATALOG

    used, prefixes = _template_messages()
    assert len(used) > 40
    assert sorted(used - set(CATALOG)) == []
    assert [prefix for prefix in prefixes if not any(key.startswith(prefix) for key in CATALOG)] == []


def _template_messages() -> tuple[set[str], set[str]]:
    """The message ids the templates name (`t("…")`, `m.legend("…")`, a column `m.col("…")` is
    "report.column.…"), and the prefixes they complete at run time (`t("html.history." ~ …)`)."""
    from importlib.resources import files

    used, prefixes = set(), set()
    for template in (files("handoff_cli.output") / "templates").iterdir():
        if template.name.endswith(".j2"):
            text = template.read_text(encoding="utf-8")
            used |= set(re.findall(r"""\b(?:t|legend)\(\s*["']([a-z0-9_.]+)["']\s*[,)]""", text))
            used |= {"report.column." + name for name in re.findall(r"""\bcol\(\s*["']([a-z0-9_]+)["']""", text)}
            prefixes |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+\.)["']\s*~""", text))
    return used, prefixes
