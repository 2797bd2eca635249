"""Generate a git repository of N handoffs with a year of believable history, fast.

    python bench/generate.py 10000 /tmp/bench-10k
    python bench/generate.py 100000 /tmp/bench-100k   # about 1.5 minutes; a second call reuses it

All three kinds, Japanese and English text, ~70% with feedback (receipt, then outcome),
some rework commits after the handover, side branches merged back, about 4 commits per
handoff, 40 people, dates over a year. The whole history is written through one
`git fast-import` stream, so 50,000 handoffs take seconds, not hours.
"""

from __future__ import annotations

import argparse
import random
import string
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

JST = timezone(timedelta(hours=9))
START = datetime(2025, 11, 1, 9, 0, tzinfo=JST)
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"]
GIVEN = ["花子", "一郎", "健太", "美咲", "大輔", "誠", "由美", "剛", "陽子", "翔"]
ENGLISH = ["Emily Carter", "Raj Patel", "Tom Becker", "Dana Whitfield", "Owen Hughes", "Priya Shah",
           "Jonas Keller", "Maria Gomez", "Luis Ortega", "Mark Liu", "Sara Kim", "Ben Adams"]
TEAMS = {"lead": ("inside-sales", "field-sales"), "order": ("field-sales", "engineering"),
         "service": ("service", "field-sales")}


def people(rng: random.Random, count: int = 40) -> list[tuple[str, str]]:
    names = set()
    while len(names) < count:
        names.add(f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}" if rng.random() < 0.6 else rng.choice(ENGLISH)
                  + ("" if rng.random() < 0.5 else f" {rng.choice(string.ascii_uppercase)}."))
    return [(n, f"user{i}@example.com") for i, n in enumerate(sorted(names))]


def person_block(key: str, who: tuple[str, str], team: str) -> str:
    return f"{key}:\n  name: {who[0]}\n  email: {who[1]}\n  team: {team}\n"


def context(kind: str, ja: bool, rng: random.Random, day: datetime, thin: bool) -> str:
    n = rng.randint(2, 40)
    later = (day + timedelta(days=rng.randint(3, 60))).date().isoformat()
    if kind == "lead":
        lines = [f"meeting_at: {(day + timedelta(days=3)).isoformat()}",
                 "why_they_agreed: " + (f"在庫の二重入力で毎日{n}時間を失っており、展示会のデモに関心" if ja
                                        else f"They lose {n} hours a day to double entry and liked the expo demo"),
                 "pain_in_their_words: " + (f"「毎朝{n}時間、同じ数字を打ち直している」" if ja
                                            else f"'\"We re-key {n} orders every morning\"'"),
                 f"urgency: {rng.choice(['high', 'medium', 'low'])}",
                 "urgency_evidence: " + (f"{later}の監査までに直したいと明言" if ja else f"Audit on {later}"),
                 "decision_maker: " + ("山田部長" if thin else ("工場長が決裁、山田部長が起案" if ja
                                                               else "CFO decides above $250k"))]
        if rng.random() < 0.6:
            lines.append("budget: " + (f"来期予算で{n * 50}万円" if ja else f"${n * 5}k in FY2027"))
    elif kind == "order":
        lines = ["requirements: " + (f"治具 {n}台、図面 HK-{n}22 rev.C" if ja else f"{n} control panels, IEC 61439"),
                 f"due_date: {later}",
                 "budget: " + (f"{n * 12}万円（税別）" if ja else f"EUR {n * 8000}"),
                 "customer_background: " + ("新ラインの立ち上げが前倒し" if ja else "Two unplanned stops last quarter"),
                 "constraints: " + ("材料リードタイム2週間" if thin else ("SS400 在庫品、溶接工程は月初が埋まっている" if ja
                                                                    else "S7 modules on 10-week lead time")),
                 "acceptance_criteria: " + ("寸法公差±0.1mm、全数検査" if ja else "FAT then SAT with 72 h run")]
    else:
        lines = ["equipment: " + (f"充填機 FL-300（製造番号 FL3-{n:05d}）" if ja else f"Charger CR-20, serial CR20-{n:05d}"),
                 "status: " + ("稼働中、シール不良が週2件" if ja else "Running hot, 71 °C"),
                 "work_done: " + ("ヒーター交換と温度センサー校正" if ja else "Replaced the power module"),
                 "customer_voice: " + (f"「検品で毎日{n}分取られている」" if ja else "'\"It smelled like burning plastic\"'")]
        if rng.random() < 0.1:
            lines.append("safety_issue: true")
    return "context:\n" + "".join(f"  {line}\n" for line in lines)


def document(handoff_id: str, kind: str, ja: bool, rng, day, sender, receiver, thin: bool) -> str:
    title = (f"{handoff_id[-6:]} 株式会社サンプル{rng.randint(1, 999)} の案件" if ja
             else f"Contoso {rng.randint(1, 999)} opportunity {handoff_id[-6:]}")
    teams = TEAMS[kind]
    return (f"id: {handoff_id}\nkind: {kind}\ntitle: {title}\ncreated: {day.isoformat()}\n"
            + person_block("from", sender, teams[0]) + person_block("to", receiver, teams[1])
            + f"customer:\n  company: {'株式会社サンプル' if ja else 'Contoso Ltd'}\n"
            + context(kind, ja, rng, day, thin))


OUTCOMES = {"lead": ["progressing", "won", "lost"], "order": ["in-progress", "delivered", "delivered-late"],
            "service": ["acted", "opportunity-opened", "no-action"]}


def entry(phase: str, at: datetime, who, kind: str, rng) -> str:
    head = f"  - phase: {phase}\n    at: {at.isoformat()}\n    by:\n      name: {who[0]}\n      email: {who[1]}\n"
    if phase == "receipt":
        return head + "    decision: accepted\n    synthesis: 課題と決裁者を理解した\n"
    outcome = rng.choice(OUTCOMES[kind])
    text = head + f"    outcome: {outcome}\n    rating: {rng.randint(2, 5)}\n    useful: 顧客の言葉がそのまま使えた\n"
    if outcome == "lost":
        text += "    reason: 予算が取れなかった\n"
    return text


def events(count: int, seed: int = 1):
    """(time, author, path, content, message) in time order."""
    rng = random.Random(seed)
    crowd = people(rng)
    result = []
    used: set[str] = set()
    for _ in range(count):
        day = START + timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        while True:
            handoff_id = f"{day:%Y%m%d}-" + "".join(rng.choices(string.ascii_lowercase + string.digits, k=6))
            if handoff_id not in used:
                used.add(handoff_id)
                break
        kind = rng.choices(["lead", "order", "service"], [5, 3, 2])[0]
        ja = rng.random() < 0.6
        sender, receiver = rng.sample(crowd, 2)
        folder = f"handoffs/{handoff_id[:4]}/{handoff_id[4:6]}/{handoff_id[6:8]}/{handoff_id}"
        rework = rng.random() < 0.4
        path = folder + ".yaml"
        text = document(handoff_id, kind, ja, rng, day, sender, receiver, thin=rework)
        result.append((day, sender, path, text, f"Hand over {handoff_id}"))
        later = day
        for change, chance in ((_rework, 0.4 if rework else 0), (_open_question, 0.7), (_contingency, 0.3)):
            if rng.random() < chance:
                later += timedelta(hours=rng.randint(1, 48))
                text = change(text, ja)
                result.append((later, sender, path, text, f"Update {handoff_id}"))
        entries = ""
        if rng.random() < 0.8:
            at = day + timedelta(hours=rng.randint(1, 72))
            entries = entry("receipt", at, receiver, kind, rng)
            result.append((at, receiver, folder + ".feedback.yaml", f"handoff: {handoff_id}\nentries:\n" + entries,
                           f"Receipt for {handoff_id}"))
            if rng.random() < 0.875:
                at2 = at + timedelta(hours=rng.randint(2, 24 * 14))
                entries += entry("outcome", at2, receiver, kind, rng)
                result.append((at2, receiver, folder + ".feedback.yaml",
                               f"handoff: {handoff_id}\nentries:\n" + entries, f"Outcome for {handoff_id}"))
    result.sort(key=lambda e: e[0])
    return result


def _rework(text: str, ja: bool) -> str:
    """The thin field made concrete: a change to `context` after the handover."""
    return (text.replace("decision_maker: 山田部長\n", "decision_maker: 山田部長（生産管理部）が起案、工場長が決裁\n")
            .replace("constraints: 材料リードタイム2週間\n", "constraints: 材料リードタイム2週間、溶接工程は月初が埋まっている\n"))


def _open_question(text: str, ja: bool) -> str:
    return text + ("open_questions:\n  - 来期予算の確定時期\n" if ja else "open_questions:\n  - Budget period\n")


def _contingency(text: str, ja: bool) -> str:
    return text + ("contingencies:\n  - if: 決裁者が同席しない\n    then: 要約資料を渡す\n" if ja
                   else "contingencies:\n  - if: The CFO cannot attend\n    then: Send a one-page summary\n")


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def write_stream(stream, items, branch_every: int = 40, branch_length: int = 8) -> int:
    """fast-import commands: mostly on main, every `branch_every` events a side branch merged back."""
    mark = 0
    main_tip = None
    commits = 0
    stream.write(b"reset refs/heads/main\n")
    i = 0
    config = "version: 1\ndir: handoffs\nfeedback_due_days: 3\n"
    setup_time = START - timedelta(days=1)

    def commit(ref: str, at: datetime, who, message: str, files, parent=None, merge=None) -> int:
        nonlocal mark, commits
        mark += 1
        commits += 1
        stamp = f"{int(at.timestamp())} +0900"
        out = [f"commit {ref}\n".encode(), f"mark :{mark}\n".encode(),
               f"author {who[0]} <{who[1]}> {stamp}\n".encode("utf-8"),
               f"committer {who[0]} <{who[1]}> {stamp}\n".encode("utf-8"), _data(message)]
        if parent:
            out.append(f"from :{parent}\n".encode())
        if merge:
            out.append(f"merge :{merge}\n".encode())
        for path, content in files:
            out.append(f"M 100644 inline {path}\n".encode())
            out.append(_data(content))
        stream.write(b"".join(out) + b"\n")
        return mark

    main_tip = commit("refs/heads/main", setup_time, ("Admin", "admin@example.com"), "Set up handoff",
                      [(".handoff.yaml", config)])
    latest: dict[str, str] = {}  # path -> newest content on either branch
    while i < len(items):
        block = items[i:i + branch_every]
        i += len(block)
        side, rest = block[:branch_length], block[branch_length:]
        side_tip = main_tip
        for at, who, path, content, message in side:
            side_tip = commit("refs/heads/side", at, who, message, [(path, content)], parent=side_tip)
            latest[path] = content
        for at, who, path, content, message in rest:
            main_tip = commit("refs/heads/main", at, who, message, [(path, content)], parent=main_tip)
            latest[path] = content
        if side:
            # fast-import does not merge trees: the merge commit names what the side branch brought
            last = (rest or side)[-1][0] + timedelta(minutes=1)
            brought = sorted({path for _, _, path, _, _ in side})
            main_tip = commit("refs/heads/main", last, ("Admin", "admin@example.com"), "Merge side branch",
                              [(path, latest[path]) for path in brought], parent=main_tip, merge=side_tip)
    return commits


MARK = "handoff-bench-corpus"  # in .git: the N and seed a corpus was generated with


def generated(target: Path) -> str | None:
    """"N seed" of the corpus generated at `target`, or None."""
    try:
        return (target / ".git" / MARK).read_text().strip()
    except OSError:
        return None


def generate(count: int, target: Path, seed: int = 1) -> int:
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    process = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=target, stdin=subprocess.PIPE)
    commits = write_stream(process.stdin, events(count, seed))
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=target, check=True)
    subprocess.run(["git", "branch", "-q", "-D", "side"], cwd=target, check=False)
    (target / ".git" / MARK).write_text(f"{count} {seed}\n")
    return commits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if generated(args.target) == f"{args.count} {args.seed}":  # built once (100,000 take minutes), reused
        print(f"{args.target} already holds {args.count} handoffs (seed {args.seed}): reused")
        return
    commits = generate(args.count, args.target, args.seed)
    print(f"{args.count} handoffs, {commits} commits in {args.target}")


if __name__ == "__main__":
    main()
