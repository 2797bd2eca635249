"""Test helpers: real git repositories with chosen authors and dates, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from typer.testing import CliRunner

from handoff_cli.app import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

ALICE = ("Alice Sender", "alice@example.com")
BOB = ("Bob Receiver", "bob@example.com")

@contextmanager
def git_home(home: Path) -> Iterator[None]:
    """HOME, and git's configuration, at `home` with no system one: what conftest's autouse
    isolation gives each test, for a module-scoped fixture it does not reach."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        yield


CLI_ENV = {"COLUMNS": "160", "NO_COLOR": "1", "LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None,
           "HANDOFF_LANG": None, "TERM": "dumb"}


@dataclass
class GitRepo:
    path: Path

    def git(self, *args: str, author=ALICE, date: str = "2026-11-20T10:00:00+09:00", check=True) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1],
               "GIT_COMMITTER_NAME": author[0], "GIT_COMMITTER_EMAIL": author[1],
               "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        done = subprocess.run(["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def write(self, relative: str, text: str | bytes) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def commit(self, message: str, *, author=ALICE, date: str = "2026-11-20T10:00:00+09:00") -> str:
        self.git("add", "-A", author=author, date=date)
        self.git("commit", "-q", "-m", message, author=author, date=date)
        return self.git("rev-parse", "HEAD").strip()

    def copy_examples(self) -> None:
        shutil.copytree(EXAMPLES / "handoffs", self.path / "handoffs", dirs_exist_ok=True)
        shutil.copy(EXAMPLES / ".handoff.yaml", self.path / ".handoff.yaml")


def make_repo(path: Path, user=ALICE) -> GitRepo:
    path.mkdir(parents=True, exist_ok=True)
    repo = GitRepo(path)
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "user.name", user[0])
    repo.git("config", "user.email", user[1])
    return repo


def run_cli(args: list[str], input: str | None = None, env: dict | None = None):
    """Run the real Typer app in-process, with a stable terminal (no colour, fixed width)."""
    runner = CliRunner()
    return runner.invoke(app, args, input=input, env={**CLI_ENV, **(env or {})}, catch_exceptions=False)


LEAD_FLAGS = [
    "--set", "title=ACME製作所 生産管理刷新の初回商談",
    "--set", "to.name=田中 一郎", "--set", "to.email=ichiro.tanaka@example.com", "--set", "to.team=field-sales",
    "--set", "customer.company=株式会社ACME製作所",
    "--set", "context.meeting_at=2026-11-24T14:00:00+09:00",
    "--set", "context.why_they_agreed=在庫管理の二重入力をなくしたい",
    "--set", "context.pain_in_their_words=「毎朝2時間、同じ数字を打ち直している」",
    "--set", "context.urgency=high",
    "--set", "context.urgency_evidence=2027年3月の監査までに直したいと明言",
    "--set", "context.decision_maker=山田部長が起案、工場長が決裁",
]


def lead_document(handoff_id: str, *, created: str, sender=ALICE, receiver=BOB, decision_maker: str = "CFO Mark Liu",
                  extra_context: str = "", extra: str = "") -> str:
    """A valid lead, canonical, with chosen people and values."""
    return (
        f"id: {handoff_id}\nkind: lead\ntitle: Lead {handoff_id}\ncreated: {created}\n"
        f"from:\n  name: {sender[0]}\n  email: {sender[1]}\n  team: inside-sales\n"
        f"to:\n  name: {receiver[0]}\n  email: {receiver[1]}\n  team: field-sales\n"
        "customer:\n  company: Contoso Ltd\n"
        "context:\n"
        "  meeting_at: 2026-11-24T14:00:00+09:00\n"
        "  why_they_agreed: Renewal quote rose 40% and they want a second offer\n"
        "  pain_in_their_words: '\"We re-key every order twice, 2 hours a day\"'\n"
        "  urgency: high\n"
        "  urgency_evidence: Renewal deadline on 2026-12-01\n"
        f"  decision_maker: {decision_maker}\n" + extra_context + extra)


def feedback_document(handoff_id: str, entries: list[str]) -> str:
    return f"handoff: {handoff_id}\nentries:\n" + "".join(entries)


def receipt_entry(at: str, by=BOB, decision: str = "accepted") -> str:
    return (f"  - phase: receipt\n    at: {at}\n    by:\n      name: {by[0]}\n      email: {by[1]}\n"
            f"    decision: {decision}\n    synthesis: Second offer wanted; CFO decides; renewal 2026-12-01\n")


def outcome_entry(at: str, by=BOB, outcome: str = "progressing", rating: int = 4, missing_fields: str = "[]") -> str:
    return (f"  - phase: outcome\n    at: {at}\n    by:\n      name: {by[0]}\n      email: {by[1]}\n"
            f"    outcome: {outcome}\n    rating: {rating}\n    useful: The renewal date framed the meeting\n"
            f"    missing_fields: {missing_fields}\n")
