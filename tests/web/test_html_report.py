"""The web report (`report --format html`) in a real headless browser: Debian's chromium
driven by selenium through chromedriver. The pages are made by the installed `handoff`
command from real git repositories: the demo repository (English and Japanese) and one
whose handoff is hostile. What a manager sees is checked as the browser renders it:
no console error, the figures and names visible, a header click that reorders the rows, a
screenshot that is not blank, and hostile data shown as text that nothing runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from helpers import git_home, lead_document, make_repo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists()
                                                 else None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="chromium and chromedriver are not installed here (.ci/run installs them: "
           "apt-get install chromium chromium-driver fonts-noto-cjk)")

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

HANDOFF = Path(sys.executable).parent / "handoff"
AS_OF = "2026-11-24"
SCRIPT_TITLE = "<script>alert(1)</script>"
JS_LINK = "javascript:alert(1)"
IMG_NAME = '"><img src=x onerror=alert(1)>'
HOSTILE = "20261120-aaaaaa"


def _environment(home: Path, **extra: str) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in ("LANG", "LC_ALL", "LC_MESSAGES", "HANDOFF_LANG", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    return {**env, "HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
            "NO_COLOR": "1", "LANG": "C.UTF-8", **extra}


def _handoff(args: list[str], cwd: Path, home: Path, **extra: str) -> None:
    done = subprocess.run([str(HANDOFF), *args], cwd=cwd, env=_environment(home, **extra), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The demo repository's web report and 1on1 sheets, written by the real CLI."""
    from handoff_cli.store.demo import build_demo

    home = tmp_path_factory.mktemp("home")
    out = tmp_path_factory.mktemp("pages")
    with git_home(home):
        demo = build_demo(tmp_path_factory.mktemp("demo") / "demo")
    made = {}
    for name, args, lang in (("report", [], "en"), ("report-ja", [], "ja"),
                             ("person", ["--person", "佐藤"], "en"), ("person-ja", ["--person", "田中"], "ja")):
        made[name] = out / f"{name}.html"
        _handoff(["report", "--format", "html", "-o", str(made[name]), "--as-of", AS_OF, *args], demo, home,
                 HANDOFF_LANG=lang)
    return made


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory) -> dict[str, Path]:
    """A repository whose one handoff has a script for a title, a `javascript:` link and
    an `<img onerror>` for its sender's name: the report, and that sender's 1on1 sheet."""
    home = tmp_path_factory.mktemp("home")
    out = tmp_path_factory.mktemp("hostile-pages")
    with git_home(home):
        repo = make_repo(tmp_path_factory.mktemp("hostile") / "repo")
        repo.write(".handoff.yaml", "version: 1\n")
        document = lead_document(HOSTILE, created="2026-11-20T10:00:00+09:00",
                                 sender=(IMG_NAME, "mallory@example.com"), extra=f"links:\n  - {json.dumps(JS_LINK)}\n")
        document = document.replace(f"title: Lead {HOSTILE}\n", f"title: {json.dumps(SCRIPT_TITLE)}\n")
        document = document.replace(f"name: {IMG_NAME}\n", f"name: {json.dumps(IMG_NAME)}\n")
        repo.write(f"handoffs/2026/11/20/{HOSTILE}.yaml", document)
        repo.commit("a hostile handoff")
    _handoff(["check"], repo.path, home)  # it is a valid handoff: the page must cope
    made = {"report": out / "report.html", "person": out / "person.html"}
    _handoff(["report", "--format", "html", "-o", str(made["report"]), "--as-of", AS_OF], repo.path, home)
    _handoff(["report", "--format", "html", "-o", str(made["person"]), "--as-of", AS_OF,
              "--person", "mallory@example.com"], repo.path, home)
    return made


def _chrome(*, javascript: bool = True):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
                     "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = _chrome()
    try:
        yield driver
    finally:
        driver.quit()


def _open(driver, page: Path) -> str:
    """Load `page`; the rendered text, after checking the console had no error."""
    driver.get_log("browser")  # drop what an earlier page logged
    driver.get(page.as_uri())
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors
    return driver.find_element(By.TAG_NAME, "body").text


def _column(driver, table: str, index: int) -> list[str]:
    return [row.find_elements(By.TAG_NAME, "td")[index].text
            for row in driver.find_elements(By.CSS_SELECTOR, f"table.{table} tbody tr")]


def _only_our_script(driver) -> None:
    scripts = driver.find_elements(By.TAG_NAME, "script")
    assert len(scripts) == 1 and "table.sortable" in scripts[0].get_attribute("textContent")


# ---------------------------------------------------------------- the demo's pages

def test_the_report_shows_its_figures_and_names(browser, pages):
    text = _open(browser, pages["report"])
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.title == "Handoff report"
    for shown in ("Pending feedback (3, as of 2026-11-24)", "Needs rework (1)", "Need the integration contact",
                  "Quality by sender",
                  "Funnel by kind", "Trend by month of handover", "Best handoffs to share", "Responsiveness:",
                  "OVERDUE 2026-11-19", "⚠ Northwind dock 4: charger overheating", "佐藤 花子", "田中 一郎",
                  "Time from handover to receipt", "Quality and feedback rate by month",
                  "From handover to outcome, by kind", "Warnings"):
        assert shown in text, shown
    assert "9\nhandoffs" in text  # the key figure
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr.overdue")) == 3
    for chart in ("trend-chart", "funnel-chart", "latency-chart", "scores-chart"):
        assert browser.find_elements(By.CSS_SELECTOR, f"#{chart} svg rect"), chart
    for legend in browser.find_elements(By.CSS_SELECTOR, "section table"):  # each table has a one-line legend
        section = legend.find_element(By.XPATH, "ancestor::section")
        assert section.find_elements(By.CSS_SELECTOR, "p.legend"), section.get_attribute("id")
    assert browser.find_elements(By.TAG_NAME, "a") == []  # no link from data, nor any other
    _only_our_script(browser)


def test_the_report_in_japanese(browser, pages):
    text = _open(browser, pages["report-ja"])
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"
    for shown in ("引き継ぎレポート", "フィードバック待ち（3 件、2026-11-24 時点）", "送り手別の品質", "種別ごとのファネル",
                  "引き渡し月ごとの推移", "共有したい優れた引き継ぎ", "期限超過 2026-11-19", "佐藤 花子", "田中 一郎",
                  "引き渡しから受領までの時間"):
        assert shown in text, shown
    for english in ("Pending", "Quality by", "Funnel", "Trend", "Best handoffs", "Warnings", "None.", "handoffs"):
        assert english not in text, english


def test_clicking_a_header_sorts_the_rows(browser, pages):
    _open(browser, pages["report"])
    before = _column(browser, "quality", 1)  # the count column (the report orders rows by quality)
    names = _column(browser, "quality", 0)
    header = browser.find_elements(By.CSS_SELECTOR, "table.quality thead th")
    header[0].click()  # by the sender's name
    ascending = _column(browser, "quality", 0)
    assert ascending != names and sorted(ascending) == sorted(names)
    assert header[0].get_attribute("aria-sort") == "ascending"
    header[1].click()  # by the count, as numbers
    counts = [int(n) for n in _column(browser, "quality", 1)]
    assert counts == sorted(counts) and sorted(counts) == sorted(int(n) for n in before)
    header[1].click()
    assert [int(n) for n in _column(browser, "quality", 1)] == sorted(counts, reverse=True)
    assert header[1].get_attribute("aria-sort") == "descending"


def _pixels_in_rows(png: bytes, rows: int) -> set[bytes]:
    """The distinct colours in the first `rows` rows of an 8-bit RGB(A) PNG (no Pillow)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, data, width, depth, colour = 8, b"", 0, 0, 0
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        chunk = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, _, depth, colour = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            data += chunk
        at += 12 + length
    assert depth == 8 and colour in (2, 6), (depth, colour)
    size = 3 if colour == 2 else 4
    stride = width * size
    raw = zlib.decompress(data)
    previous = bytearray(stride)
    seen: set[bytes] = set()
    for y in range(rows):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up = previous[i]
            corner = previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        seen.update(bytes(line[i:i + 3]) for i in range(0, stride, size * 7))
        previous = line
    return seen


def test_a_screenshot_is_not_blank(browser, pages):
    _open(browser, pages["report"])
    colours = _pixels_in_rows(browser.get_screenshot_as_png(), 160)
    assert len(colours) > 3 and colours != {b"\xff\xff\xff"}


def test_the_1on1_sheet(browser, pages):
    text = _open(browser, pages["person"])
    for shown in ("1on1 sheet: 佐藤 花子", "As a sender", "As a receiver", "Their handoffs (2)", "東和フーズ 品質記録の電子化",
                  "Fields receivers named missing or wrong", "What receivers asked for",
                  "次回は決裁者の同席を事前に打診してほしい", "Quality parts, weakest first", "Ask this next time",
                  "Their best, and a peer's best of the same kind", "hanako.sato@example.com"):
        assert shown in text, shown
    assert browser.find_elements(By.CSS_SELECTOR, "#trend-chart svg rect")
    _only_our_script(browser)
    titles = _column(browser, "handoffs", 1)
    browser.find_elements(By.CSS_SELECTOR, "table.handoffs thead th")[5].click()  # quality, lowest first
    qualities = [int(q.split()[0]) for q in _column(browser, "handoffs", 5)]
    assert qualities == sorted(qualities) and sorted(_column(browser, "handoffs", 1)) == sorted(titles)
    text = _open(browser, pages["person-ja"])
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"
    for shown in ("1on1 シート: 田中 一郎", "送り手として", "受け手として", "受け手からの要望", "次回確かめること"):
        assert shown in text, shown
    for english in ("As a sender", "Handoffs", "None.", "quality"):
        assert english not in text, english


def test_the_page_reads_the_same_with_scripts_off(pages):
    driver = _chrome(javascript=False)
    try:
        text = _open(driver, pages["report"])
        assert "Pending feedback (3, as of 2026-11-24)" in text and "佐藤 花子" in text
        assert len(driver.find_elements(By.CSS_SELECTOR, "table.quality tbody tr")) == 7
        assert driver.find_elements(By.CSS_SELECTOR, "table.js-sortable") == []  # the script did not run
        assert driver.find_elements(By.CSS_SELECTOR, "#trend-chart svg rect")
    finally:
        driver.quit()


def test_the_page_prints(browser, pages):
    import base64

    _open(browser, pages["report"])
    pdf = base64.b64decode(browser.print_page())
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 1


# ---------------------------------------------------------------- hostile data

@pytest.mark.parametrize("page", ["report", "person"])
def test_hostile_values_are_inert_text(browser, hostile_pages, page):
    text = _open(browser, hostile_pages[page])
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - reading it is what raises
    assert SCRIPT_TITLE in text and IMG_NAME in text  # shown as written
    if page == "person":
        assert f"1on1 sheet: {IMG_NAME}" in text
    _only_our_script(browser)
    assert browser.find_elements(By.TAG_NAME, "img") == []
    assert browser.find_elements(By.TAG_NAME, "a") == []
    browser.execute_script("var s = document.createElement('script'); s.textContent = 'window.pwned = 1';"
                           "document.body.appendChild(s);")  # as an escaping mistake would: the CSP refuses it
    assert browser.execute_script("return window.pwned") is None
    source = hostile_pages[page].read_text(encoding="utf-8")
    assert JS_LINK not in source  # data links are not on the page at all
    assert "<script>alert" not in source and "<img" not in source


def test_the_csp_names_the_one_script(pages):
    """The Content-Security-Policy allows no source but the page's own script, by its hash."""
    import base64
    import hashlib

    source = pages["report"].read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', source).group(1)
    scripts = re.findall(r"<script>(.*?)</script>", source, flags=re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert policy == (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{digest}'; "
                      "base-uri 'none'; form-action 'none'")
    assert "http://" not in source and "https://" not in source  # nothing to fetch
    assert source.count("<tr") > 10  # the tables are written server-side: readable with scripts off
