"""Time handoff against its floors and against check-jsonschema; write bench/RESULTS.md.

    pip install . check-jsonschema
    python bench/run.py                       # N = 1,000 / 10,000 / 100,000, medians of 5
    python bench/run.py --sizes 1000 --runs 3 # a quick look
    python bench/run.py --sizes 100000 --steps "report warm" "report after a commit"  # only these;
                                              # the other figures of that size are kept from earlier runs

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


def once(command: list[str], cwd: Path) -> tuple[float, int]:
    """Seconds and peak MB of one run (of every part, when the command line is split)."""
    measured = [timed(part, cwd) for part in chunks(command)]
    return sum(seconds for seconds, _ in measured), max(peak for _, peak in measured)


def measure(command: list[str], cwd: Path, runs: int, before=None) -> tuple[float, int, int]:
    """Median seconds, peak MB, and how many processes one run needed."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        seconds, peak = once(command, cwd)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks), len(chunks(command))


# the floors each step is compared with, timed between its runs (A, floor, A, floor, …): on a
# shared machine a ratio is only worth something between figures measured side by side
BESIDE = {"check cold": ("check-jsonschema",), "report cold": ("git log floor", "libyaml floor"),
          "report warm": ("git log floor",), "report after a commit": ("git log floor",),
          "check --changed-since (fresh clone)": ("handoff --version",)}
FLOORS = {"check-jsonschema", "git log floor", "libyaml floor", "handoff --version"}


def fresh_clone(repo: Path, workdir: Path, count: int) -> Path:
    """A `git clone` of the corpus with one more commit that changes one handoff (what a
    pull request brings to CI); made once, reused (each run drops its cache first)."""
    clone = workdir / f"clone-{count}"
    if not (clone / ".git").exists():
        shutil.rmtree(clone, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
        touched = clone / next(p for p in sorted(subprocess.run(
            ["git", "ls-files", "handoffs"], cwd=clone, capture_output=True, text=True, check=True).stdout.split())
            if not p.endswith(".feedback.yaml"))
        with touched.open("a", encoding="utf-8") as handle:
            handle.write("# a change under review\n")
        subprocess.run(["git", "commit", "-q", "-m", "bench: a change under review", "--", str(touched)], cwd=clone,
                       env={**os.environ, **BENCH_AUTHOR}, check=True)
    return clone


BENCH_AUTHOR = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
                "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


def bench_size(count: int, workdir: Path, runs: int, cj_runs: int, only: set[str] | None = None) -> dict:
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

    clone = fresh_clone(repo, workdir, count)

    def drop_clone_cache():
        shutil.rmtree(clone / ".git" / "handoff", ignore_errors=True)

    touched = repo / next(f for f in files if not f.endswith(".feedback.yaml"))
    touches = iter(range(1, 1_000_000))

    def commit_a_change():
        """One more commit that changes one handoff (a comment: no rework), as a day's work would."""
        with touched.open("a", encoding="utf-8") as handle:
            handle.write(f"# bench touch {next(touches)}\n")
        subprocess.run(["git", "commit", "-q", "-m", "bench: touch", "--", str(touched)], cwd=repo,
                       env={**os.environ, **BENCH_AUTHOR}, check=True)

    handoff = str(BIN / "handoff")
    results = {"handoffs": count, "commits": commits, "files": len(files)}
    steps = [
        ("check cold", [handoff, "check"], runs, drop_cache, repo),
        ("check warm", [handoff, "check"], runs, None, repo),
        ("check --changed-since (fresh clone)", [handoff, "check", "--changed-since", "HEAD~1"], runs,
         drop_clone_cache, clone),
        ("report cold", [handoff, "report", "--format", "json"], runs, drop_cache, repo),
        ("report warm", [handoff, "report", "--format", "json"], runs, None, repo),
        ("report after a commit", [handoff, "report", "--format", "json"], runs, commit_a_change, repo),
        ("git log floor", ["git", "log", "--name-status", "--no-renames"], runs, None, repo),
        ("libyaml floor", [sys.executable, "-c", YAML_FLOOR, str(listing)], runs, None, repo),
        ("handoff --version", [handoff, "--version"], runs, None, repo),
    ]
    checker = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    if checker:
        steps.append(("check-jsonschema", [checker, "--schemafile", str(schema), *files], cj_runs, None, repo))
    by_name = {step[0]: step for step in steps}
    pooled: dict[str, list[tuple[float, int]]] = {}  # a floor's runs beside the steps
    for name, command, count_runs, before, where in steps:
        if name in FLOORS or (only is not None and name not in only):
            continue
        if name.endswith("warm") or name == "report after a commit":
            timed(command, where)  # fill the cache (what a day's new commit follows)
        floors = [by_name[f] for f in BESIDE.get(name, ()) if f in by_name]
        runs_here, beside = [], {f[0]: [] for f in floors}
        for _ in range(count_runs):
            if before:
                before()
            runs_here.append(once(command, where))
            for floor in floors:
                beside[floor[0]].append(once(floor[1], floor[4]))
        seconds = statistics.median(r[0] for r in runs_here)
        results[name] = (seconds, max(r[1] for r in runs_here), count_runs, len(chunks(command)),
                         time.strftime("%Y-%m-%d %H:%M"),
                         {floor: statistics.median(r[0] for r in values) for floor, values in beside.items()})
        for floor, values in beside.items():
            pooled.setdefault(floor, []).extend(values)
        print(f"  N={count:>6} {name:<18} {seconds:8.3f} s  {results[name][1]:5d} MB  (median of {count_runs}"
              + "".join(f"; {f} beside it {m:.3f} s" for f, m in results[name][5].items()) + ")", flush=True)
    for name, command, count_runs, before, where in steps:
        if name not in FLOORS or (only is not None and name not in only and name not in pooled):
            continue
        if name in pooled:
            values = pooled[name]
            results[name] = (statistics.median(v[0] for v in values), max(v[1] for v in values), len(values),
                             len(chunks(command)), time.strftime("%Y-%m-%d %H:%M"))
        else:
            seconds, peak, processes = measure(command, where, count_runs, before)
            results[name] = (seconds, peak, count_runs, processes, time.strftime("%Y-%m-%d %H:%M"))
        print(f"  N={count:>6} {name:<18} {results[name][0]:8.3f} s  {results[name][1]:5d} MB  "
              f"(median of {results[name][2]})", flush=True)
    return results


STARTUP_RUNS = 21  # a tenth of a second each: five runs of it are at the mercy of a busy neighbour


def startup() -> dict:
    here = Path.cwd()
    return {"handoff --version": measure([str(BIN / "handoff"), "--version"], here, STARTUP_RUNS),
            "python -c 'import typer'": measure([sys.executable, "-c", "import typer"], here, STARTUP_RUNS)}


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


TARGETS = {  # issue #15: N -> step -> (what it is compared with, the target, met?)
    10_000: {"report after a commit": ("git log floor", "≤ 1.2×", lambda v, f: v <= 1.2 * f),
             "report warm": ("git log floor", "≤ 0.7×", lambda v, f: v <= 0.7 * f),
             "report cold": ("floors", "≤ 1.9×", lambda v, f: v <= 1.9 * f),
             "check --changed-since (fresh clone)": (None, "≤ 0.3 s", lambda v, f: v <= 0.3),
             "check cold": ("check-jsonschema", "≥ 15× faster", lambda v, f: f >= 15 * v),
             "memory": (None, "< 300 MB", lambda v, f: v < 300)},
    100_000: {"report after a commit": (None, "≤ 2 s", lambda v, f: v <= 2),
              "report warm": (None, "≤ 1 s", lambda v, f: v <= 1),
              "report cold": ("floors", "≤ 2×", lambda v, f: v <= 2 * f),
              "check --changed-since (fresh clone)": (None, "≤ 0.6 s", lambda v, f: v <= 0.6),
              "check cold": ("check-jsonschema", "≥ 15× faster", lambda v, f: f >= 15 * v),
              "memory": (None, "< 1 GB", lambda v, f: v < 1024)},
}


def target_rows(r: dict) -> list[str]:
    """One line per target of issue #15 this size has, with its floor and ratio."""
    rows = []
    for step, (against, target, met) in TARGETS.get(r["handoffs"], {}).items():
        if step == "memory":
            peaks = {name: value[1] for name, value in r.items() if isinstance(value, (tuple, list))
                     and not name.endswith("floor") and name != "check-jsonschema"}
            if not peaks:
                continue
            worst = max(peaks, key=peaks.get)
            rows.append(f"| {r['handoffs']:,} | peak memory, any command | {peaks[worst]} MB ({worst}) | – | – | "
                        f"{target} | {'met' if met(peaks[worst], 0) else '**not met**'} |")
            continue
        if step not in r:
            continue
        value = r[step][0]
        beside = r[step][5] if len(r[step]) > 5 else {}  # floors timed between this step's runs

        def floor_of(name: str) -> float:
            return beside.get(name) or r.get(name, (0,))[0]

        if against == "floors":
            floor = floor_of("git log floor") + floor_of("libyaml floor")
            shown = f"git log + libyaml {floor:.3f} s"
        elif against:
            floor = floor_of(against)
            shown = f"{against} {floor:.3f} s"
        else:
            floor, shown = 0.0, "–"
            if "handoff --version" in beside:
                shown = f"(start-up: `handoff --version` {beside['handoff --version']:.3f} s)"
        if against == "check-jsonschema":
            how = ratio(floor, value) + " faster" if floor else "–"
        else:
            how = ratio(value, floor) if floor else "–"
        verdict = "–" if against and not floor else ("met" if met(value, floor) else "**not met**")
        rows.append(f"| {r['handoffs']:,} | {step} | {value:.3f} s | {shown} | {how} | {target} | {verdict} |")
    return rows


def write_results(path: Path, sizes: list[dict], start: dict, runs: int) -> None:
    lines = ["# Benchmark results", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{platform.platform()}. Medians of {runs} runs (fewer where noted); peak RSS of the largest process",
             "among the one timed and those it starts (git, handoff's workers): see bench/README.md.",
             "The machine is shared: a figure is only comparable with those measured beside it (the `measured`",
             "column); bench/compare.py times two builds interleaved.",
             "Rerun: see bench/README.md.", "",
             "| N handoffs | commits | files | step | median | peak MB | measured |",
             "|---:|---:|---:|---|---:|---:|---|"]
    for r in sizes:
        for name, value in r.items():
            if isinstance(value, (tuple, list)):
                notes = ([] if value[2] == runs else [f"median of {value[2]}"]) + (
                    [f"{value[3]} processes: the file list exceeds one command line"] if value[3] > 1 else [])
                note = f" ({'; '.join(notes)})" if notes else ""
                when = value[4] if len(value) > 4 else "earlier"
                lines.append(f"| {r['handoffs']:,} | {r['commits']:,} | {r['files']:,} | {name}{note} | "
                             f"{value[0]:.3f} s | {value[1]} | {when} |")
    lines += ["", "## Against the targets of issue #15", "",
              "| N | situation | median | floor | ratio | target | |", "|---:|---|---:|---|---:|---|---|"]
    for r in sizes:
        lines += target_rows(r)
    lines += ["", "Floors in this table were timed between the runs of the step they are compared with (A, floor, "
              "A, floor, …), so a busy neighbour slows both alike.", "",
              "\"report after a commit\": each run follows a new commit that changes one handoff; "
              "\"check --changed-since (fresh clone)\": `git clone` of the corpus plus one commit changing one "
              "handoff, no cache, `handoff check --changed-since HEAD~1`."]
    version, typer_import = start["handoff --version"], start["python -c 'import typer'"]
    lines += ["", f"`handoff --version` {version[0]:.3f} s vs `python -c 'import typer'` {typer_import[0]:.3f} s "
              f"(medians of {STARTUP_RUNS}): "
              f"{ratio(version[0], typer_import[0])} (target ≤ 1.5×); peak {version[1]} MB vs {typer_import[1]} MB.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cj-runs-large", type=int, default=1,
                        help="runs of check-jsonschema at N >= 50,000 (it takes minutes each)")
    parser.add_argument("--steps", nargs="+", help="measure only these steps; the others of each size are "
                        "kept from the last run (see the `measured` column)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "handoff-bench")
    parser.add_argument("--reuse", action="store_true", help="take sizes measured earlier from --workdir")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "RESULTS.md")
    args = parser.parse_args()
    args.workdir = args.workdir.resolve()  # the commands run inside the corpus, with paths into it
    args.workdir.mkdir(parents=True, exist_ok=True)
    start = startup()
    sizes = []
    for n in args.sizes:
        saved = args.workdir / f"results-{n}.json"
        earlier = json.loads(saved.read_text()) if saved.exists() else {}
        if args.reuse and earlier:
            sizes.append(earlier)
            continue
        measured = bench_size(n, args.workdir, args.runs, args.cj_runs_large if n >= 50_000 else args.runs,
                              set(args.steps) if args.steps else None)
        sizes.append({**earlier, **measured} if args.steps else measured)
        saved.write_text(json.dumps(sizes[-1]))
    write_results(args.out, sizes, start, args.runs)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
