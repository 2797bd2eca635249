"""The prompts as a person meets them: the installed `handoff` on a real pseudo-terminal,
typed into key by key (pexpect), in English and Japanese.

Every answer is checked as it is typed and asked again at once; arrow keys, Home/End and
Ctrl-A/E edit the line (GNU readline) and never leave escape bytes in a value; dates are
taken as people type them and written canonically; choices by number or Japanese label;
Ctrl-C keeps the draft for `--resume`; feedback asks a rejection and a condition in words."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pexpect
import pytest

from handoff_cli.documents import reading
from helpers import BOB, LEAD_FLAGS, lead_document

HANDOFF = str(Path(sys.executable).parent / "handoff")
LEFT, RIGHT, HOME, END = "\x1b[D", "\x1b[C", "\x1b[H", "\x1b[F"
CTRL_A, CTRL_E, CTRL_C = "\x01", "\x05", "\x03"
TIMEOUT = 30  # a busy machine starts Python slowly
_SGR = re.compile("\x1b\\[[0-9;]*m")  # styles (dim, bold) that rich draws even with NO_COLOR

pytestmark = pytest.mark.skipif(not Path(HANDOFF).exists() or sys.platform == "win32",
                                reason="needs the installed handoff and a POSIX pseudo-terminal")


class Terminal:
    """One `handoff` run on a pseudo-terminal; `answer` waits for a prompt, then types."""

    def __init__(self, args: list[str], cwd: Path, *, japanese: bool = False, term: str = "xterm",
                 shell: str | None = None):
        env = {**os.environ, "NO_COLOR": "1", "TERM": term, "COLUMNS": "200", "LINES": "50"}
        env.pop("LC_ALL", None)
        env.update({"LANG": "ja_JP.UTF-8", "HANDOFF_LANG": "ja"} if japanese else {"LANG": "C.UTF-8"})
        if shell:  # e.g. a redirection: bash -c 'handoff … > id.txt'
            command, argv = shutil.which("bash") or "/bin/bash", ["-c", shell]
        else:
            command, argv = HANDOFF, args
        self.child = pexpect.spawn(command, argv, cwd=str(cwd), env=env, encoding="utf-8", timeout=TIMEOUT,
                                   dimensions=(50, 200))
        self.seen = ""

    def wait(self, text: str) -> str:
        """Wait for `text`; what was shown before it (and it) since the last wait."""
        self.child.expect_exact(text)
        shown = _SGR.sub("", self.child.before) + self.child.after
        self.seen += shown
        return shown

    def answer(self, prompt: str, keys: str) -> str:
        shown = self.wait(prompt)
        self.child.send(keys + "\r")
        return shown

    def skip_until(self, prompt: str) -> None:
        """Press Enter at every prompt (optional questions) until `prompt` is asked."""
        while True:
            index = self.child.expect_exact([prompt, "): "])
            self.seen += self.child.before + self.child.after
            if index == 0:
                return
            self.child.send("\r")

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.seen += self.child.before
        self.child.close()
        return self.child.exitstatus


def _flags_but(*fields: str) -> list[str]:
    """LEAD_FLAGS without `fields` (asked instead), with the envelope's optional fields given."""
    pairs = [(flag, value) for flag, value in zip(LEAD_FLAGS[::2], LEAD_FLAGS[1::2], strict=True)
             if value.split("=", 1)[0] not in fields]
    extra = [("--set", "from.team=inside-sales"), ("--set", "customer.contact=山田 太郎"),
             ("--set", "customer.role=生産管理部 部長")]
    return [part for pair in pairs + extra for part in pair]


def _read(path: Path) -> dict:
    """A written file as `handoff` reads it (dates stay text), with no escape byte in it."""
    text = path.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\\e" not in text and "[D" not in text and "~" not in text
    return reading.parse_text(text).value


def _written(repo) -> dict:
    (path,) = sorted((repo.path / "handoffs").rglob("2*.yaml"))
    return _read(path)


def _envelope(session: Terminal, *, japanese: bool = False) -> None:
    """The envelope's questions (the sender comes from git), answered plainly."""
    if japanese:
        session.answer("送り手: チーム: ", "")
        session.answer("件名: 何を引き継ぐかを一行で: ", "ACME製作所 生産管理刷新の初回商談")
        session.answer("受け手: 氏名: ", "田中 一郎")
        session.answer("受け手: メール: ", "")
        session.answer("受け手: チーム: ", "")
        session.answer("顧客の会社名: ", "株式会社ACME製作所")
        session.answer("先方の担当者: ", "")
        session.answer("担当者の部署・役職: ", "")
    else:
        session.answer("From: your team: ", "inside-sales")
        session.answer("Title: one line that says what is handed over: ", "ACME first meeting")
        session.answer("To: the receiver's name: ", "Ichiro Tanaka")
        session.answer("To: the receiver's email: ", "ichiro.tanaka@example.com")
        session.answer("To: the receiver's team: ", "field-sales")
        session.answer("Customer company: ", "ACME Manufacturing")
        session.answer("Customer contact person: ", "Taro Yamada")
        session.answer("Contact's role or department: ", "Head of production")


@pytest.fixture
def tokyo(repo):
    repo.write(".handoff.yaml", "version: 1\ntimezone: Asia/Tokyo\n")
    return repo


def test_a_whole_lead_typed_in_english_is_checked_answer_by_answer(tokyo):
    session = Terminal(["new", "lead"], tokyo.path)
    session.answer("From: your team: ", "inside-sales")
    session.answer("Title: one line that says what is handed over: ", "TBD")
    shown = session.answer("Title: one line that says what is handed over: ", "ACME first meeting")
    assert "'TBD' is a placeholder, not content" in shown  # said at once, and the same question again
    session.answer("To: the receiver's name: ", "Ichiro Tanaka")
    session.answer("To: the receiver's email: ", "ichiro at example")
    shown = session.answer("To: the receiver's email: ", "ichiro.tanaka@example.com")
    assert "'ichiro at example' is not an email address" in shown
    session.answer("To: the receiver's team: ", "")
    session.answer("Customer company: ", "ACME Manufacturing")
    session.answer("Customer contact person: ", "")
    session.answer("Contact's role or department: ", "?")
    shown = session.answer("Contact's role or department: ", "")
    assert "'?' is a placeholder, not content; write what you know, or press Enter to skip" in shown
    session.answer("Meeting at (meeting_at): ", "tomorrow")
    shown = session.answer("Meeting at (meeting_at): ", "2026-12-01 14:00")
    assert "'tomorrow' is not an ISO 8601 date-time or a date and time such as 2026-12-01 14:00" in shown
    assert "Asia/Tokyo" in shown
    shown = session.answer("Why they agreed (why_they_agreed): ", "TBC")
    assert "→ 2026-12-01T14:00:00+09:00" in shown  # the date as it will be written
    shown = session.answer("Why they agreed (why_they_agreed): ", "Renewal quote rose 40%; they want a second offer")
    assert "'TBC' is a placeholder" in shown
    session.answer("Pain in their words (pain_in_their_words): ", '"We re-key every order twice"')
    shown = session.answer("Urgency (urgency): ", "urgent")
    assert "choices, by number or value: 1) high  2) medium  3) low" in shown
    shown = session.answer("Urgency (urgency): ", "1")  # by its number in the list
    assert "choose one of: high, medium, low" in shown
    shown = session.answer("Urgency evidence (urgency_evidence): ", "to be confirmed")
    assert "→ high" in shown  # what the number stands for
    session.answer("Urgency evidence (urgency_evidence): ", "Renewal deadline on 2026-12-01")
    session.answer("Decision maker (decision_maker): ", "-")
    session.answer("Decision maker (decision_maker): ", "CFO Mark Liu")
    session.answer("Budget (budget): ", "TBD.")
    shown = session.answer("Budget (budget): ", "")
    assert "press Enter to skip" in shown  # an optional text: a placeholder is refused, Enter skips
    session.skip_until("Budget status (budget_status): ")
    session.child.send("2\r")
    session.skip_until("Open question (Enter to finish): ")
    session.child.send("?\r")
    session.answer("Open question (Enter to finish): ", "When is next year's budget fixed?")
    session.answer("Open question (Enter to finish): ", "")
    assert session.finish() == 0, session.seen
    data = _written(tokyo)
    assert data["title"] == "ACME first meeting" and data["to"]["email"] == "ichiro.tanaka@example.com"
    assert data["context"]["meeting_at"] == "2026-12-01T14:00:00+09:00"
    assert data["context"]["urgency"] == "high" and data["context"]["budget_status"] == "estimated"
    assert "budget" not in data["context"] and "role" not in data["customer"]
    assert data["open_questions"] == ["When is next year's budget fixed?"]
    text = next((tokyo.path / "handoffs").rglob("2*.yaml")).read_text(encoding="utf-8")
    assert "meeting_at: 2026-12-01T14:00:00+09:00\n" in text  # canonical, unquoted
    assert pexpect.run(f"{HANDOFF} check", cwd=str(tokyo.path), withexitstatus=True)[1] == 0


@pytest.mark.parametrize("term", ["xterm", "dumb"])
def test_arrow_keys_edit_where_the_cursor_is_and_store_no_escape_bytes(repo, term):
    session = Terminal(["new", "lead", *_flags_but("context.urgency", "context.urgency_evidence",
                                                   "context.decision_maker")], repo.path, term=term)
    session.answer("Urgency (urgency): ", "high")
    # "evidence" typed, then ← ← ← … to its start, a word inserted there; → and End move back
    session.answer("Urgency evidence (urgency_evidence): ",
                   "deadline 2026-12-01" + LEFT * 19 + "Renewal " + RIGHT * 3 + END + " (audit)")
    session.answer("Decision maker (decision_maker): ", "decides" + HOME + "CFO Mark Liu " + CTRL_E + ", alone")
    session.skip_until("Open question (Enter to finish): ")
    session.child.send("\r")
    assert session.finish() == 0, session.seen
    context = _written(repo)["context"]
    assert context["urgency_evidence"] == "Renewal deadline 2026-12-01 (audit)"
    assert context["decision_maker"] == "CFO Mark Liu decides, alone"


def test_ctrl_arrows_move_by_words_and_function_keys_type_nothing(repo):
    session = Terminal(["new", "lead", *_flags_but("context.decision_maker")], repo.path)
    ctrl_left, f5, ctrl_f12, page_up, delete = "\x1b[1;5D", "\x1b[15~", "\x1b[24;5~", "\x1b[5~", "\x1b[3~"
    session.answer("Decision maker (decision_maker): ",
                   "Mark Liu" + ctrl_left * 2 + "CFO " + f5 + ctrl_f12 + page_up + "X" + LEFT + delete + END + " decides")
    session.skip_until("Open question (Enter to finish): ")
    session.child.send("\r")
    assert session.finish() == 0, session.seen
    assert _written(repo)["context"]["decision_maker"] == "CFO Mark Liu decides"


def test_a_lead_typed_in_japanese_with_sloppy_dates_and_japanese_choices(tokyo):
    session = Terminal(["new", "lead"], tokyo.path, japanese=True)
    _envelope(session, japanese=True)
    session.answer("商談日時 (meeting_at): ", "2026/12/1 9:30")
    shown = session.answer("アポ獲得の理由 (why_they_agreed): ", "確認中です")
    assert "→ 2026-12-01T09:30:00+09:00" in shown  # the date as it will be written
    shown = session.answer("アポ獲得の理由 (why_they_agreed): ", "在庫管理の二重入力をなくしたい")
    assert "'確認中です' は仮の値で中身がありません" in shown
    # Japanese typed, then the cursor moved back over wide characters (←) to insert
    session.answer("顧客の言葉での課題 (pain_in_their_words): ", "「毎朝打ち直している」" + LEFT * 8 + "2時間")
    shown = session.answer("緊急度 (urgency): ", "至急")
    assert "選択肢（番号・日本語名・値のどれでも可）: 1) 高 (high)  2) 中 (medium)  3) 低 (low)" in shown
    shown = session.answer("緊急度 (urgency): ", "高")  # by its Japanese label
    assert "次から選んでください: 高 (high), 中 (medium), 低 (low)" in shown
    shown = session.answer("緊急度の根拠 (urgency_evidence): ", "追って連絡します")
    assert "→ 高 (high)" in shown
    shown = session.answer("緊急度の根拠 (urgency_evidence): ", "2027年3月の監査までに直したいと明言")
    assert "'追って連絡します' は仮の値" in shown
    session.answer("決裁者 (decision_maker): ", "工場長が決裁" + CTRL_A + "山田部長が起案、")
    session.answer("予算 (budget): ", "未定です")
    shown = session.answer("予算 (budget): ", "")
    assert "Enterで省略" in shown
    session.skip_until("流入元 (source): ")
    session.child.send("既存顧客\r")
    session.skip_until("未確認事項（Enterで終了）: ")
    session.child.send("\r")
    assert session.finish() == 0, session.seen
    data = _written(tokyo)
    context = data["context"]
    assert context["meeting_at"] == "2026-12-01T09:30:00+09:00"
    assert context["pain_in_their_words"] == "「毎朝2時間打ち直している」"
    assert context["urgency"] == "high" and context["source"] == "existing-customer"
    assert context["decision_maker"] == "山田部長が起案、工場長が決裁"
    assert data["title"] == "ACME製作所 生産管理刷新の初回商談"


def test_ctrl_c_keeps_the_draft_and_resume_asks_only_the_rest(repo):
    session = Terminal(["new", "lead"], repo.path)
    _envelope(session)
    session.answer("Meeting at (meeting_at): ", "2026-11-24T14:00:00+09:00")
    session.answer("Why they agreed (why_they_agreed): ", "Renewal quote rose 40%")
    session.wait("Pain in their words (pain_in_their_words): ")
    session.child.send("half typed" + CTRL_C)
    assert session.finish() == 130, session.seen
    assert "continue with: handoff new --resume" in session.seen
    (draft,) = (repo.path / ".git/handoff/drafts").rglob("*.yaml")
    assert "Renewal quote rose 40%" in draft.read_text(encoding="utf-8")
    assert "half typed" not in draft.read_text(encoding="utf-8")
    session = Terminal(["new", "--resume"], repo.path)
    shown = session.answer("Pain in their words (pain_in_their_words): ", '"We re-key every order twice"')
    assert "Title" not in shown and "Meeting at (meeting_at): " not in shown  # only what is still missing
    session.answer("Urgency (urgency): ", "medium")
    session.answer("Urgency evidence (urgency_evidence): ", "Renewal deadline on 2026-12-01")
    session.answer("Decision maker (decision_maker): ", "CFO Mark Liu")
    session.skip_until("Open question (Enter to finish): ")
    session.child.send("\r")
    assert session.finish() == 0, session.seen
    data = _written(repo)
    assert data["title"] == "ACME first meeting" and data["context"]["why_they_agreed"] == "Renewal quote rose 40%"
    assert not draft.exists()


def test_prompts_reach_the_terminal_when_the_id_goes_to_a_file(repo):
    flags = " ".join(f"'{part}'" for part in _flags_but("context.decision_maker"))
    session = Terminal([], repo.path, shell=f"{HANDOFF} new lead {flags} > id.txt")
    session.answer("Decision maker (decision_maker): ", "CFO" + LEFT * 3 + "the ")
    session.skip_until("Open question (Enter to finish): ")
    session.child.send("\r")
    assert session.finish() == 0, session.seen
    assert re.fullmatch(r"\d{8}-[a-z0-9]{6}\n", (repo.path / "id.txt").read_text(encoding="utf-8"))
    assert _written(repo)["context"]["decision_maker"] == "the CFO"


H = "20261102-aaaaaa"
FB = f"handoffs/2026/11/02/{H}.feedback.yaml"


@pytest.fixture
def handed_over(repo):
    repo.write(f"handoffs/2026/11/02/{H}.yaml", lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over")
    repo.git("config", "user.name", BOB[0])
    repo.git("config", "user.email", BOB[1])
    return repo


def _entries(repo) -> list[dict]:
    return _read(repo.path / FB)["entries"]


def test_a_rejection_asks_why_in_words_and_which_fields_are_wrong_in_japanese(handed_over):
    session = Terminal(["feedback", H], handed_over.path, japanese=True)
    session.answer("記録する段階 (phase) [受領 (receipt)]: ", "")
    shown = session.answer("受領の判断 (decision): ", "差し戻し")  # by its Japanese label
    assert "1) 受理 (accepted)  2) 条件付き受理 (conditional)  3) 差し戻し (rejected)" in shown
    session.answer("差し戻しの理由 (rejection_reason): ", "不備・不正確")
    session.answer("差し戻しの説明 (rejection_note): ", "追って連絡")
    shown = session.answer("差し戻しの説明 (rejection_note): ", "決裁者の名前だけで、関与の度合いが書かれていない")
    assert "'追って連絡' は仮の値で中身がありません" in shown
    shown = session.answer("誤っていた項目 (wrong_fields): ", "決裁者、 5")  # a Japanese title and a number
    assert "6) 決裁者 (decision_maker)" in shown
    assert session.finish() == 0, session.seen
    (entry,) = _entries(handed_over)
    assert entry["decision"] == "rejected" and entry["rejection_reason"] == "clerical"
    assert entry["rejection_note"] == "決裁者の名前だけで、関与の度合いが書かれていない"
    assert entry["wrong_fields"] == ["decision_maker", "urgency_evidence"]
    assert pexpect.run(f"{HANDOFF} check", cwd=str(handed_over.path), withexitstatus=True)[1] == 0


def test_a_conditional_receipt_asks_its_condition_then_a_loss_its_reason(handed_over):
    session = Terminal(["feedback", H, "--receipt"], handed_over.path)
    session.answer("decision: ", "2")
    session.answer("synthesis: ", "They want a second offer before the renewal; the CFO decides")
    session.answer("condition: ", "TBC")
    shown = session.answer("condition: ", "A call with the CFO before 2026-11-20")
    assert "'TBC' is a placeholder" in shown
    assert session.finish() == 0, session.seen
    session = Terminal(["feedback", H], handed_over.path)
    shown = session.answer("outcome: ", "3")
    assert "1) progressing  2) won  3) lost  4) no-show  5) disqualified" in shown
    session.answer("rating: ", "4")
    session.answer("useful: ", "")
    session.answer("missing: ", "")
    shown = session.answer("missing: ", "The CFO's own view of the renewal")  # one of useful/missing is needed
    assert "at least one of 'useful' or 'missing'" in shown
    session.answer("missing_fields: ", "")
    session.answer("wrong_fields: ", "")
    session.answer("reason: ", "TBD")
    shown = session.answer("reason: ", "They renewed with the incumbent at a 20% discount")
    assert "'TBD' is a placeholder, not content; say it in words" in shown
    session.answer("request: ", "")
    assert session.finish() == 0, session.seen
    receipt, outcome = _entries(handed_over)
    assert receipt["decision"] == "conditional" and receipt["condition"] == "A call with the CFO before 2026-11-20"
    assert outcome["outcome"] == "lost" and outcome["reason"] == "They renewed with the incumbent at a 20% discount"
    assert "useful" not in outcome


def test_piped_answers_with_escape_bytes_are_asked_again(repo):
    """Without a terminal (answers piped in) nothing edits the line: an escape byte is refused."""
    from helpers import run_cli

    answers = "CFO\x1b[D Mark\nCFO Mark Liu\n" + "\n" * 20
    result = run_cli(["new", "lead", "--prompt", *_flags_but("context.decision_maker")], input=answers)
    assert result.exit_code == 0, result.output
    assert "contains the escape sequence of a key this prompt does not know (\\u001b[D)" in result.stderr
    assert _written(repo)["context"]["decision_maker"] == "CFO Mark Liu"
