"""Regenerate README's pictures of the web report: docs/web-report.png (the demo's report,
English) and docs/1on1-sheet.png (佐藤 花子's 1on1 sheet, Japanese).

    python docs/screenshots.py

Needs the project installed (`pip install '.[test]'`: selenium), chromium and chromedriver
(Debian: `apt-get install chromium chromium-driver fonts-noto-cjk`). The demo repository is
built in a temporary folder; the pages are made by the real `handoff` command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
HANDOFF = Path(sys.executable).parent / "handoff"
AS_OF = "2026-11-24"
WIDTH = 1200
PICTURES = (  # (file, extra arguments, language, height of the picture: the top of the page)
    ("web-report.png", [], "en", 2300),
    ("1on1-sheet.png", ["--person", "佐藤"], "ja", 2000),
)


def main() -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory() as folder:
        demo = Path(folder) / "demo"
        subprocess.run([str(HANDOFF), "demo", str(demo)], check=True, stdout=subprocess.DEVNULL)
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                         f"--window-size={WIDTH},1000"):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                                  options=options)
        try:
            for name, args, lang, height in PICTURES:
                page = Path(folder) / f"{name}.html"
                subprocess.run([str(HANDOFF), "report", "--format", "html", "-o", str(page), "--as-of", AS_OF, *args],
                               cwd=demo, check=True, stderr=subprocess.DEVNULL,
                               env={**os.environ, "HANDOFF_LANG": lang})
                driver.get(page.as_uri())
                full = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(WIDTH, min(full, height))
                driver.save_screenshot(str(DOCS / name))
                print(f"wrote {DOCS / name}")
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
