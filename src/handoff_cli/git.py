"""Every call to git: one way to start it, typed errors, shallowness read once.

No other module starts git. Quick questions run to completion (`run`); the history trip
streams (`start`, `cat_file`). Nothing read from a repository ever becomes part of a
command line except as a separate argument after the options it belongs to.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO

from handoff_cli.errors import GitError, GitMissing, NotARepository, UnknownRevision
from handoff_cli.i18n import t


@dataclass(frozen=True)
class Done:
    """A finished git process: its exit code and output."""

    code: int
    out: bytes
    err: bytes

    @property
    def ok(self) -> bool:
        return self.code == 0

    @property
    def text(self) -> str:
        return self.out.decode("utf-8", "replace")


def _finish(process: subprocess.Popen) -> Done:
    """A started git's answer: it is waited for, its output read whole."""
    out, err = process.communicate()
    return Done(process.returncode, out, err or b"")


class HeadIfClean:
    """`Git.start_head_if_clean` under way: `head()` waits only for the quick `rev-parse`
    (HEAD, or None); calling it waits for `status` too: HEAD, the folder's prefix and
    shallowness as one text when nothing under the folder differs from HEAD, else None."""

    def __init__(self, rev_parse: subprocess.Popen | None, status: subprocess.Popen | None):
        self._processes = (rev_parse, status)
        self._done: list[Done | None] = [None, None]

    def _wait(self, index: int) -> Done | None:
        process = self._processes[index]
        if process is not None and self._done[index] is None:
            self._done[index] = _finish(process)
        return self._done[index]

    def head(self) -> str | None:
        done = self._wait(0)
        return done.text.rstrip("\n").rpartition("\n")[2] or None if done is not None and done.ok else None

    def __call__(self) -> str | None:
        head, status = self._wait(0), self._wait(1)
        if head is None or status is None or not head.ok or not status.ok or status.out:
            return None
        return head.text


class Git:
    """git in the repository (or folder) `root`."""

    def __init__(self, root: Path):
        self.root = Path(root)

    # ------------------------------------------------------------ starting git

    def start(self, *args: str, stdin: bool = False, env: dict | None = None, errors: bool = False,
              output: IO[bytes] | None = None) -> subprocess.Popen:
        """A running `git ARGS` with its output on a pipe (bytes), or written straight into the
        file `output`; `errors`: its error output on a pipe too (read both with `communicate`)."""
        try:
            return subprocess.Popen(["git", *args], cwd=self.root, stdout=subprocess.PIPE if output is None else output,
                                    stderr=subprocess.PIPE if errors else subprocess.DEVNULL,
                                    stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                    env={**os.environ, **env} if env else None)
        except FileNotFoundError:
            raise GitMissing(t("git.missing"), hint=t("git.missing.hint")) from None
        except OSError as error:
            raise GitError(t("git.cannot_start", problem=error.strerror or error)) from None

    def run(self, *args: str, env: dict | None = None, timeout: float | None = None) -> Done:
        """`git ARGS` run to the end; never raises for git's own exit code (see `Done.ok`)."""
        try:
            done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, stdin=subprocess.DEVNULL,
                                  env={**os.environ, **env} if env else None, timeout=timeout)
        except FileNotFoundError:
            raise GitMissing(t("git.missing"), hint=t("git.missing.hint")) from None
        except subprocess.TimeoutExpired:
            raise GitError(t("git.timeout", command=args[0], seconds=timeout)) from None
        except OSError as error:
            raise GitError(t("git.cannot_start", problem=error.strerror or error)) from None
        return Done(done.returncode, done.stdout, done.stderr)

    def run_together(self, *commands: Sequence[str]) -> list[Done]:
        """Several quick `git` commands side by side (each on its own core), in order."""
        processes = [self.start(*command) for command in commands]
        return [_finish(process) for process in processes]

    # ------------------------------------------------------------ the repository

    @cached_property
    def _top_and_shallow(self) -> tuple[Path, bool] | None:
        done = self.run("rev-parse", "--show-toplevel", "--is-shallow-repository")
        lines = done.text.split("\n")
        if not done.ok or len(lines) < 2:
            return None
        return Path(lines[0]), lines[1].strip() == "true"

    @property
    def is_repository(self) -> bool:
        return self._top_and_shallow is not None

    @property
    def toplevel(self) -> Path:
        if self._top_and_shallow is None:
            raise NotARepository(t("git.not_a_repository", path=self.root),
                                 hint=t("git.not_a_repository.hint"))
        return self._top_and_shallow[0]

    @property
    def shallow(self) -> bool:
        """Whether this is a shallow clone (history before the graft is missing); asked once."""
        return self._top_and_shallow is not None and self._top_and_shallow[1]

    @cached_property
    def history_extent(self) -> str:
        """Which history a clone holds, for caches of what was read from it: "complete", or a
        digest of a shallow clone's boundary commits (its `shallow` file), which a
        `git fetch --deepen` or `--unshallow` changes while HEAD stays."""
        if not self.shallow:
            return "complete"
        done = self.run("rev-parse", "--git-path", "shallow")
        try:
            boundary = (self.root / done.text.strip()).read_bytes() if done.ok else b""
        except OSError:
            boundary = b""
        return "shallow:" + hashlib.sha1(boundary).hexdigest()

    def head(self) -> str | None:
        """The commit HEAD names, or None before the first commit."""
        done = self.run("rev-parse", "--verify", "-q", "HEAD")
        return done.text.strip() or None if done.ok else None

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.run("merge-base", "--is-ancestor", older, newer).ok

    def identity(self) -> tuple[str | None, str | None]:
        """(user.name, user.email) as git would commit with them; None where unset."""
        def get(key: str) -> str | None:
            try:
                return self.run("config", "--get", key, timeout=10).text.strip() or None
            except GitError:
                return None

        return get("user.name"), get("user.email")

    # ------------------------------------------------------------ the index and the working tree

    def index_blobs(self, relative_dir: str, paths: list[str] | None = None) -> dict[str, str]:
        """path -> blob id for tracked regular files under `relative_dir` (or only those among
        `paths`, relative to the root, taken literally) that match the index; empty when git
        cannot tell (then nothing is cached, never an error)."""
        specs = [relative_dir] if paths is None else [f":(literal){path}" for path in paths]
        if not specs:
            return {}
        try:
            staged, dirty = self.run_together(["ls-files", "-s", "-z", "--", *specs],
                                              ["ls-files", "-m", "-o", "-z", "--exclude-standard", "--", *specs])
        except GitError:
            return {}
        if not (staged.ok and dirty.ok):
            return {}
        changed = set(dirty.text.split("\0"))
        blobs = {}
        for record in staged.text.split("\0"):
            meta, _, path = record.partition("\t")
            fields = meta.split()
            if len(fields) == 3 and fields[0] == "100644" and fields[2] == "0" and path not in changed:
                blobs[path] = fields[1]
        return blobs

    def start_head_if_clean(self, relative_dir: str) -> HeadIfClean:
        """Whether anything under `relative_dir` differs from HEAD (changed, staged, untracked
        or ignored), and HEAD: git starts now (on other cores), the returned object waits
        for the answer. The caller works in between."""
        try:
            processes = [self.start("rev-parse", "--show-prefix", "--is-shallow-repository", "--verify", "-q", "HEAD"),
                         self.start("status", "--porcelain", "-z", "--untracked-files=all", "--ignored", "--",
                                    relative_dir)]
        except GitError:
            return HeadIfClean(None, None)
        return HeadIfClean(*processes)

    def uncommitted(self, pathspec: str) -> list[tuple[str, str]]:
        """(status code, path) of files under `pathspec` that differ from HEAD, renames unpaired."""
        done = self.run("status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", "--", pathspec)
        if not done.ok:
            return []
        return [(record[:2], record[3:]) for record in done.text.split("\0") if len(record) > 3]

    def start_changed_since(self, ref: str, *pathspecs: str) -> Callable[[], list[str]]:
        """Files under `pathspecs` (relative to the root) added, changed or deleted since `ref`
        (in the working tree too), and untracked ones; names as they are (`-z`: never quoted).
        In two steps: git starts now; the returned callable waits for the answer (or raises
        UnknownRevision). In a fresh clone git's first look at the working tree compares
        every file's content (they are as new as the index), which takes a while: the
        caller works in between."""
        listing = self.start("ls-files", "--others", "--exclude-standard", "-z", "--", *pathspecs)
        diff = self.start("diff", "--name-only", "-z", "--no-renames", "--relative", ref, "--", *pathspecs,
                          errors=True)

        def answer() -> list[str]:
            changed, untracked = _finish(diff), _finish(listing)
            if not changed.ok:
                problem = changed.err.decode("utf-8", "replace").strip()
                raise UnknownRevision(t("git.unknown_revision", ref=ref, problem=problem) if problem
                                      else t("git.unknown_revision.silent", ref=ref),
                                      hint=t("git.unknown_revision.hint"))
            return [name for name in (changed.text + "\0" + untracked.text).split("\0") if name]

        return answer

    def changed_between(self, old: str, new: str, relative_dir: str) -> list[tuple[str, str, str, str]] | None:
        """(status, path, old mode, new mode) of each file under `relative_dir` that differs
        between the commits `old` and `new` (renames unpaired; paths relative to the root);
        None when git cannot tell."""
        done = self.run("diff-tree", "-r", "-z", "--no-renames", "--no-ext-diff", "--relative", old, new, "--",
                        relative_dir)
        if not done.ok:
            return None
        fields = done.text.split("\0")
        changes = []
        for meta, path in zip(fields[0::2], fields[1::2]):
            parts = meta.split()
            if len(parts) != 5 or not meta.startswith(":"):
                return None
            changes.append((parts[4], path, parts[0][1:], parts[1]))
        return changes

    def file_at(self, ref: str, path: str, limit: int) -> bytes | None:
        """The contents of `path` (relative to the root) as committed in `ref`, or None when it
        has no such regular file there (or it is larger than `limit` bytes)."""
        listed = self.run("ls-tree", "-z", "-l", ref, "--", path)
        meta, _, name = listed.text.partition("\t")
        fields = meta.split()
        if not listed.ok or len(fields) != 4 or fields[0] not in ("100644", "100755") or not fields[3].isdigit() \
                or int(fields[3]) > limit:
            return None
        done = self.run("cat-file", "blob", fields[2])
        return done.out if done.ok else None

    # ------------------------------------------------------------ history

    def log(self, *args: str, output: IO[bytes] | None = None) -> subprocess.Popen:
        """A streaming `git log ARGS` (bytes on stdout, or into the file `output`)."""
        return self.start("log", *args, output=output)

    def cat_file(self, shas: list[str]) -> Iterator[tuple[str, bytes]]:
        """(id, contents) of each distinct blob through one `git cat-file --batch`, requests
        pipelined from a thread, yielded as they arrive (b"" for a missing one)."""
        unique = list(dict.fromkeys(shas))
        process = self.start("cat-file", "--batch", stdin=True)

        def feed() -> None:
            try:
                process.stdin.write("".join(f"{sha}\n" for sha in unique).encode())
            except OSError:
                pass
            finally:
                try:
                    process.stdin.close()
                except OSError:
                    pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        out = process.stdout
        for sha in unique:
            header = out.readline().split()
            if len(header) < 3 or header[1] == b"missing":
                yield sha, b""
                continue
            data = out.read(int(header[2]))
            out.read(1)  # the newline after each object
            yield sha, data
        writer.join()
        process.wait()

    # ------------------------------------------------------------ writing history (the demo)

    def must(self, *args: str, author: tuple[str, str] | None = None, at: str | None = None) -> str:
        """`git ARGS` that must succeed, as `author` at `at` when given."""
        env = {}
        if author:
            env.update(GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1],
                       GIT_COMMITTER_NAME=author[0], GIT_COMMITTER_EMAIL=author[1])
        if at:
            env.update(GIT_AUTHOR_DATE=at, GIT_COMMITTER_DATE=at)
        done = self.run(*args, env=env or None)
        if not done.ok:
            raise GitError(t("git.failed", command=args[0], problem=done.err.decode("utf-8", "replace").strip()))
        return done.text
