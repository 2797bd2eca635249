"""`handoff demo`: a git repository built from the bundled examples with a believable,
back-dated history — several people, months of commits, receipts, outcomes, rework."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from handoff_cli.documents import layout, reading, writing
from handoff_cli.documents.model import canonical_feedback
from handoff_cli.errors import EnvironmentProblem
from handoff_cli.git import Git
from handoff_cli.i18n import t
from handoff_cli.rules.formats import parse_datetime

# Earlier, thinner versions of some context fields, replaced later by the sender: rework.
# (handoff id, field, first version, when the final text was committed)
REWORK = (
    ("20260907-k3m9qa", "decision_maker", "山田部長", "2026-09-12T09:30:00+09:00"),
    ("20261009-h6j3ty", "acceptance_criteria", "寸法公差±0.1mm", "2026-10-20T11:00:00+09:00"),
    ("20261021-b5n0lw", "constraints", "Siemens S7 modules on long lead time", "2026-10-28T10:15:00+01:00"),
)
# A receipt committed by someone else than the receiver (the report flags it).
COMMITTED_BY_OTHER = {("20261021-b5n0lw", 0): ("Raj Patel", "raj.patel@example.com")}


def examples_dir() -> Path:
    shipped = resources.files("handoff_cli") / "examples"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[3] / "examples"


@dataclass(frozen=True)
class _Event:
    at: str
    author: tuple[str, str]
    message: str
    writes: tuple[tuple[str, str], ...]  # (relative path, text)


def _events(source: Path) -> list[_Event]:
    events = []
    rework = {(h, f): (first, at) for h, f, first, at in REWORK}
    for path in sorted((source / "handoffs").rglob("*.yaml")):
        if path.name.endswith(layout.FEEDBACK_SUFFIX):
            continue
        text = path.read_text(encoding="utf-8")
        document = reading.parse_text(text).value
        handoff_id = document["id"]
        relative = path.relative_to(source).as_posix()
        sender = (document["from"]["name"], document["from"]["email"])
        first_text = text
        for (rid, field), (first, at) in rework.items():
            if rid == handoff_id:
                first_text = first_text.replace(f"  {field}: {document['context'][field]}\n", f"  {field}: {first}\n")
                events.append(_Event(at, sender, f"{handoff_id}: fill in {field}", ((relative, text),)))
        events.append(_Event(document["created"], sender, f"Hand over {handoff_id}: {document['title']}",
                             ((relative, first_text),)))
        feedback_path = path.with_name(handoff_id + layout.FEEDBACK_SUFFIX)
        if feedback_path.exists():
            entries = reading.parse_text(feedback_path.read_text(encoding="utf-8")).value["entries"]
            for index, entry in enumerate(entries):
                text_so_far = writing.dump(canonical_feedback({"handoff": handoff_id, "entries": entries[:index + 1]}))
                author = COMMITTED_BY_OTHER.get((handoff_id, index), (entry["by"]["name"], entry["by"]["email"]))
                events.append(_Event(entry["at"], author, f"{entry['phase'].capitalize()} for {handoff_id}",
                                     ((feedback_path.relative_to(source).as_posix(), text_so_far),)))
    return sorted(events, key=lambda e: parse_datetime(e.at))


def build_demo(target: Path | None = None) -> Path:
    """Create the demo repository and return its path."""
    if shutil.which("git") is None:
        raise EnvironmentProblem(t("demo.no_git"))
    source = examples_dir()
    folder = target or Path(tempfile.mkdtemp(prefix="handoff-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    git = Git(folder)
    git.must("init", "-q", "-b", "main")
    git.must("config", "user.name", "田中 一郎")
    git.must("config", "user.email", "ichiro.tanaka@example.com")
    shutil.copy(source / ".handoff.yaml", folder / ".handoff.yaml")
    setup = ("佐藤 花子", "hanako.sato@example.com")
    git.must("add", "-A")
    git.must("commit", "-q", "-m", "Set up handoff", author=setup, at="2026-09-01T09:00:00+09:00")
    for event in _events(source):
        for relative, text in event.writes:
            writing.write_atomic(folder / relative, text)
        git.must("add", "-A")
        git.must("commit", "-q", "-m", event.message, author=event.author, at=event.at)
    return folder
