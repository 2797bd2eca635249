"""Time handoff against its floors and against check-jsonschema; write bench/RESULTS.md.

    pip install . check-jsonschema
    python bench/run.py                       # N = 1,000 / 10,000 / 50,000, medians of 5
    python bench/run.py --sizes 1000 --runs 3 # a quick look

Every figure is the median wall time of `--runs` runs of a fresh process, with the peak
resident memory of the largest process among it and its children (from wait4). "cold"
runs start with no cache under .git/handoff; "warm" runs follow a run that filled it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
YAML_FLOOR = ("import sys, yaml\n"
              "for name in open(sys.argv[1], encoding='utf-8').read().split('\\n'):\n"
              "    if name:\n"
              "        yaml.load(open(name, 'rb'), Loader=yaml.CSafeLoader)\n")


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss // 1024


ARGUMENT_BYTES = 1_500_000  # under the kernel's limit for one command line (2 MiB here)


def chunks(command: list[str]) -> list[list[str]]:
    """The command split so each part's command line fits (files are the trailing arguments)."""
    head = [a for a in command if not a.endswith(".yaml")]
    files = command[len(head):]
    parts, current, size = [], [], 0
    for name in files:
        if current and size + len(name) + 1 > ARGUMENT_BYTES:
            parts.append(head + current)
            current, size = [], 0
        current.append(name)
        size += len(name) + 1
    return parts + [head + current] if current else parts or [command]


def measure(command: list[str], cwd: Path, runs: int, before=None) -> tuple[float, int, int]:
    """Median seconds, peak MB, and how many processes one run needed."""
    parts = chunks(command)
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        measured = [timed(part, cwd) for part in parts]
        times.append(sum(seconds for seconds, _ in measured))
        peaks.append(max(peak for _, peak in measured))
    return statistics.median(times), max(peaks), len(parts)


def bench_size(count: int, workdir: Path, runs: int, cj_runs: int) -> dict:
    repo = workdir / f"repo-{count}"
    if not (repo / ".git").exists():
        start = time.perf_counter()
        commits = generate(count, repo)
        print(f"generated {count} handoffs, {commits} commits in {time.perf_counter() - start:.1f} s", flush=True)
    commits = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True,
                                 text=True).stdout)
    files = sorted(str(p.relative_to(repo)) for p in (repo / "handoffs").rglob("*.yaml"))
    listing = workdir / f"files-{count}.txt"
    listing.write_text("\n".join(files), encoding="utf-8")
    schema = workdir / "lead.schema.json"
    schema.write_text(subprocess.run([str(BIN / "handoff"), "schema", "lead"], capture_output=True,
                                     text=True).stdout, encoding="utf-8")
    cache = repo / ".git" / "handoff"

    def drop_cache():
        shutil.rmtree(cache, ignore_errors=True)

    touched = repo / next(f for f in files if not f.endswith(".feedback.yaml"))
    touches = iter(range(1, 1_000_000))

    def commit_a_change():
        """One more commit that changes one handoff (a comment: no rework), as a day's work would."""
        with touched.open("a", encoding="utf-8") as handle:
            handle.write(f"# bench touch {next(touches)}\n")
        env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
               "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
        subprocess.run(["git", "commit", "-q", "-m", "bench: touch", "--", str(touched)], cwd=repo, env=env, check=True)

    handoff = str(BIN / "handoff")
    results = {"handoffs": count, "commits": commits, "files": len(files)}
    steps = [
        ("check cold", [handoff, "check"], runs, drop_cache),
        ("check warm", [handoff, "check"], runs, None),
        ("report cold", [handoff, "report", "--format", "json"], runs, drop_cache),
        ("report warm", [handoff, "report", "--format", "json"], runs, None),
        ("report after a commit", [handoff, "report", "--format", "json"], runs, commit_a_change),
        ("git log floor", ["git", "log", "--name-status", "--no-renames"], runs, None),
        ("libyaml floor", [sys.executable, "-c", YAML_FLOOR, str(listing)], runs, None),
    ]
    checker = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    if checker:
        steps.append(("check-jsonschema", [checker, "--schemafile", str(schema), *files], cj_runs, None))
    for name, command, count_runs, before in steps:
        if name.endswith("warm"):
            timed(command, repo)  # fill the cache
        seconds, peak, processes = measure(command, repo, count_runs, before)
        results[name] = (seconds, peak, count_runs, processes)
        print(f"  N={count:>6} {name:<18} {seconds:8.3f} s  {peak:5d} MB  (median of {count_runs}, "
              f"{processes} process{'es' if processes > 1 else ''})", flush=True)
    return results


STARTUP_RUNS = 21  # a tenth of a second each: five runs of it are at the mercy of a busy neighbour


def startup() -> dict:
    here = Path.cwd()
    return {"handoff --version": measure([str(BIN / "handoff"), "--version"], here, STARTUP_RUNS),
            "python -c 'import typer'": measure([sys.executable, "-c", "import typer"], here, STARTUP_RUNS)}


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def write_results(path: Path, sizes: list[dict], start: dict, runs: int) -> None:
    lines = ["# Benchmark results", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{platform.platform()}. Medians of {runs} runs (fewer where noted); peak RSS of the largest process",
             "among the one timed and those it starts (git, handoff's workers): see bench/README.md.",
             "Rerun: see bench/README.md.", "",
             "| N handoffs | commits | files | step | median | peak MB |", "|---:|---:|---:|---|---:|---:|"]
    for r in sizes:
        for name, value in r.items():
            if isinstance(value, (tuple, list)):
                notes = ([] if value[2] == runs else [f"median of {value[2]}"]) + (
                    [f"{value[3]} processes: the file list exceeds one command line"] if value[3] > 1 else [])
                note = f" ({'; '.join(notes)})" if notes else ""
                lines.append(f"| {r['handoffs']:,} | {r['commits']:,} | {r['files']:,} | {name}{note} | "
                             f"{value[0]:.3f} s | {value[1]} |")
    lines += ["", "## Against the targets", "",
              "| N | check cold vs check-jsonschema (≥ 5× faster) | check warm vs check-jsonschema (≥ 50× faster) | "
              "report cold vs (git log + libyaml) (≤ 2×) | report warm vs git log (≤ 1.2×) |",
              "|---:|---:|---:|---:|---:|"]
    for r in sizes:
        cj = r.get("check-jsonschema", (0,))[0]
        floor = r["git log floor"][0] + r["libyaml floor"][0]
        lines.append(f"| {r['handoffs']:,} | {ratio(cj, r['check cold'][0])} faster | "
                     f"{ratio(cj, r['check warm'][0])} faster | {ratio(r['report cold'][0], floor)} | "
                     f"{ratio(r['report warm'][0], r['git log floor'][0])} |")
    lines += ["", "After one new commit (one handoff changed), a report reads that commit and that file and joins "
              "again from the cache: " + ", ".join(
                  f"{r['handoffs']:,}: {r['report after a commit'][0]:.2f} s "
                  f"({ratio(r['report after a commit'][0], r['git log floor'][0])} git log)"
                  for r in sizes if "report after a commit" in r)]
    by_size = {r["handoffs"]: r for r in sizes}
    if 10_000 in by_size and 50_000 in by_size:
        lines += ["", "Growth from 10,000 to 50,000 handoffs (target ≤ 5.5×): " + ", ".join(
            f"{name} {ratio(by_size[50_000][name][0], by_size[10_000][name][0])}"
            for name in ("check cold", "check warm", "report cold", "report warm"))]
        lines.append("Peak memory at 50,000 (target < 500 MB): " + ", ".join(
            f"{name} {by_size[50_000][name][1]} MB" for name in ("check cold", "check warm", "report cold",
                                                                 "report warm", "report after a commit")
            if name in by_size[50_000]))
    version, typer_import = start["handoff --version"], start["python -c 'import typer'"]
    lines += ["", f"`handoff --version` {version[0]:.3f} s vs `python -c 'import typer'` {typer_import[0]:.3f} s "
              f"(medians of {STARTUP_RUNS}): "
              f"{ratio(version[0], typer_import[0])} (target ≤ 1.5×); peak {version[1]} MB vs {typer_import[1]} MB.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cj-runs-large", type=int, default=3,
                        help="runs of check-jsonschema at N >= 50,000 (it takes minutes each)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "handoff-bench")
    parser.add_argument("--reuse", action="store_true", help="take sizes measured earlier from --workdir")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "RESULTS.md")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    start = startup()
    sizes = []
    for n in args.sizes:
        saved = args.workdir / f"results-{n}.json"
        if args.reuse and saved.exists():
            sizes.append(json.loads(saved.read_text()))
            continue
        sizes.append(bench_size(n, args.workdir, args.runs, args.cj_runs_large if n >= 50_000 else args.runs))
        saved.write_text(json.dumps(sizes[-1]))
    write_results(args.out, sizes, start, args.runs)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
