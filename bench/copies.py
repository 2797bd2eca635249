"""Make a repository of N copies of the bundled examples (fresh ids, sharded by date)
and time `handoff check` on it: median of several runs.

    python bench/copies.py 1000 --runs 5
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def build(target: Path, copies: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    sources = sorted((EXAMPLES / "handoffs").rglob("*.yaml"))
    documents = [p for p in sources if not p.name.endswith(".feedback.yaml")]
    shutil.copy(EXAMPLES / ".handoff.yaml", target / ".handoff.yaml")
    written = 0
    for _ in range(copies):
        for doc in documents:
            old_id = doc.name[:-5]
            new_id = old_id[:9] + "".join(rng.choices(string.ascii_lowercase + string.digits, k=6))
            folder = target / "handoffs" / new_id[0:4] / new_id[4:6] / new_id[6:8]
            folder.mkdir(parents=True, exist_ok=True)
            for source in (doc, doc.with_name(old_id + ".feedback.yaml")):
                if source.exists():
                    name = source.name.replace(old_id, new_id)
                    (folder / name).write_text(source.read_text(encoding="utf-8").replace(old_id, new_id),
                                               encoding="utf-8")
                    written += 1
    return written


def median_seconds(command: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("copies", type=int, nargs="?", default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    handoff = str(Path(sys.executable).parent / "handoff")
    print(f"examples: {median_seconds([handoff, 'check'], EXAMPLES, args.runs):.3f} s "
          f"(median of {args.runs})")
    with tempfile.TemporaryDirectory() as folder:
        files = build(Path(folder), args.copies)
        seconds = median_seconds([handoff, "check"], Path(folder), args.runs)
        print(f"{args.copies} copies ({files} files): {seconds:.3f} s (median of {args.runs}), "
              f"{seconds / files * 1000:.3f} ms/file")


if __name__ == "__main__":
    main()
