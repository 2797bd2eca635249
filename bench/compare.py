"""Two builds of handoff side by side on one corpus, runs interleaved (A, B, A, B, …), so
that a noisy neighbour slows both alike. For checking that a change keeps the speed:

    python bench/compare.py /tmp/venv-old/bin/handoff .venv/bin/handoff --size 10000

Each build works on its own copy of the generated repository (their caches never meet);
"after a commit" makes the same commit in both copies before each pair of runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from generate import generate
from run import fresh_clone, timed


def _commit_a_change(repo: Path, touch: int) -> None:
    touched = next(p for p in sorted((repo / "handoffs").rglob("*.yaml")) if not p.name.endswith(".feedback.yaml"))
    with touched.open("a", encoding="utf-8") as handle:
        handle.write(f"# bench touch {touch}\n")
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
           "GIT_AUTHOR_DATE": "2027-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2027-01-01T00:00:00Z"}
    subprocess.run(["git", "commit", "-q", "-m", "bench: touch", "--", str(touched)], cwd=repo, env=env, check=True)


def compare(builds: dict[str, str], size: int, runs: int, workdir: Path,
            only: list[str] | None = None) -> list[tuple[str, dict[str, float]]]:
    source = workdir / f"repo-{size}"
    if not (source / ".git").exists():
        generate(size, source)
    copies = {}
    for label in builds:
        copy = workdir / f"compare-{size}-{label}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(source, copy, symlinks=True)
        shutil.rmtree(copy / ".git" / "handoff", ignore_errors=True)
        copies[label] = copy
    clone = fresh_clone(source, workdir, size)  # a pull request's checkout in CI: no cache
    touches = iter(range(1, 1_000_000))
    steps = [
        ("check cold", ["check"], "drop"),
        ("check warm", ["check"], "fill"),
        ("check --changed-since (fresh clone)", ["check", "--changed-since", "HEAD~1"], "clone"),
        ("report cold", ["report", "--format", "json"], "drop"),
        ("report warm", ["report", "--format", "json"], "fill"),
        ("report after a commit", ["report", "--format", "json"], "commit"),
        ("--version", ["--version"], None),
    ]
    results = []
    for name, args, before in steps:
        if only and name not in only:
            continue
        times: dict[str, list[float]] = {label: [] for label in builds}
        if before in ("fill", "commit"):  # a report after a commit follows one that filled the cache
            for label, binary in builds.items():
                timed([binary, *args], copies[label])
        for _ in range(runs):
            touch = next(touches)
            for label, binary in builds.items():
                repo = copies[label]
                if before == "clone":
                    repo = clone
                    shutil.rmtree(clone / ".git" / "handoff", ignore_errors=True)
                elif before == "drop":
                    shutil.rmtree(repo / ".git" / "handoff", ignore_errors=True)
                elif before == "commit":
                    _commit_a_change(repo, touch)
                times[label].append(timed([binary, *args], repo)[0])
        medians = {label: statistics.median(values) for label, values in times.items()}
        results.append((name, medians))
        a, b = medians.values()
        print(f"{name:<22} " + "  ".join(f"{label} {m:7.3f} s" for label, m in medians.items())
              + f"  ratio {b / a:5.2f}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", help="the first build's handoff executable (e.g. before the change)")
    parser.add_argument("b", help="the second build's handoff executable (e.g. after it)")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "handoff-bench")
    parser.add_argument("--steps", nargs="+", help="only these steps (names as printed)")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = compare({"A": args.a, "B": args.b}, args.size, args.runs, args.workdir, args.steps)
    print()
    print(f"| step (N={args.size:,}, medians of {args.runs}, interleaved) | A | B | B / A |")
    print("|---|---:|---:|---:|")
    for name, medians in results:
        print(f"| {name} | {medians['A']:.3f} s | {medians['B']:.3f} s | {medians['B'] / medians['A']:.2f} |")


if __name__ == "__main__":
    main()
