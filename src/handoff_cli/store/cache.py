"""A cache of validated documents under `.git/handoff/cache/`, keyed by git blob id.

One file per part, so that each command loads only what it needs:
  results-v2.marshal  (path, blob[, handoff's kind, handoff exists]) -> (findings, kind, id) for every
                      clean tracked file (all)
  digests-v2.marshal  blob -> the digest of a valid document or feedback file (list, show, report)
  history-v2.marshal  the timelines and the HEAD they describe (show, report); history-head and
                      history-delta: that HEAD alone, and the timelines changed since the part was written
  report-v2.marshal   the last join of digests and timelines: what it depended on (HEAD, the configuration,
                      every receiver's leniency), its handoffs' ids, where their scores are in the blob
                      (store/survey.py) (show, report)
  report-v2.bin       that join's score records, inert JSON one after another
  report-records-v2.marshal  the join's records, read only when the assessments are wanted
  report-delta-v2.marshal    the handoffs scored again after commits since the join was written whole
  reports-v2.marshal  the last reports built over that join, by day and options (store/reports.py)

Blob ids come from the index (`git ls-files -s`); files that differ from the index
(`git ls-files -m -o`) are always read afresh. The cache is only an optimisation:
deleting it changes no result, a corrupt or foreign one is ignored and rebuilt, and
every write replaces the file atomically, so two processes at once are safe (the last
writer wins with a complete file). Parts are not flushed to disk (fsync): a crash may
lose one, which costs time, not a result; the scores blob, written out as it is, is. marshal holds plain values only and never runs code.
Every part carries a stamp of what produced it (`fingerprint`: the code itself, the
schemas, the language); a part with another stamp is ignored.
"""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
import mmap
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import handoff_cli
from handoff_cli import __version__
from handoff_cli.documents import writing
from handoff_cli.documents.config import git_dir
from handoff_cli.git import Git
from handoff_cli.i18n import language
from handoff_cli.rules.kinds import builtin_schema, schema_dir

FORMAT = 2  # the layout of every part; files of other formats are removed when a part is written


def clean_blob_ids(root: Path, relative_dir: str, paths: list[str] | None = None) -> dict[str, str]:
    """path (relative to `root`) -> blob id, for tracked files that match the index (under
    `relative_dir`, or only those of `paths`)."""
    return Git(root).index_blobs(relative_dir, paths)


@cache
def code_stamp() -> str:
    """A hash of the code and built-in schemas that produce every cached value, read from the
    installed files themselves: an edited rule or weight (even in an editable install,
    version unchanged) can never be served from a cache made by other code. About 2 ms."""
    digest = hashlib.sha1()
    package = Path(handoff_cli.__file__).parent
    for folder, pattern in ((package, "*.py"), (schema_dir(), "*.json")):
        for path in sorted(folder.rglob(pattern)):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fingerprint(kinds) -> str:
    """What a cached result depends on besides the file: the code, language, every schema."""
    digest = hashlib.sha1(f"{FORMAT}|{__version__}|{code_stamp()}|{language()}".encode())
    for name in kinds.names:
        kind = kinds.get(name)  # its schema, and the placeholders `.handoff.yaml` adds
        digest.update(name.encode() + json.dumps([kind.schema, sorted(kind.placeholders)], sort_keys=True).encode())
    digest.update(json.dumps(builtin_schema("feedback"), sort_keys=True).encode())
    return digest.hexdigest()


class Cache:
    def __init__(self, folder: Path | None, stamp: str):
        self.folder = folder
        self.stamp = stamp
        self._parts: dict[str, dict] = {}
        self._dirty: set[str] = set()

    @classmethod
    def for_repository(cls, root: Path, kinds) -> "Cache":
        """The repository's cache; none when HANDOFF_NO_CACHE is set (to anything but 0), which
        must change no result, only the time."""
        if os.environ.get("HANDOFF_NO_CACHE", "").strip() not in ("", "0"):
            return cls(None, "")
        folder = git_dir(root)
        return cls(folder / "handoff" / "cache" if folder else None, fingerprint(kinds))

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def part(self, name: str) -> dict:
        if name not in self._parts:
            self._parts[name] = self._load(name)
        return self._parts[name]

    def _load(self, name: str) -> dict:
        if self.folder is None:
            return {}
        collecting = gc.isenabled()
        gc.disable()  # loading allocates many objects the collector would scan for nothing
        try:
            # one read, then loads: marshal.load on a file object reads object by object
            stamp, entries = marshal.loads((self.folder / f"{name}-v{FORMAT}.marshal").read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        finally:
            if collecting:
                gc.enable()
        return entries if stamp == self.stamp and isinstance(entries, dict) else {}

    def write_blob(self, name: str, chunks: Iterable[bytes]) -> bool:
        """Raw bytes beside the parts (`name`-vN.bin), written piece by piece: no copy of the
        whole. Whether they were written."""
        if self.folder is None:
            return False
        try:
            writing.write_bytes_atomic(self.folder / f"{name}-v{FORMAT}.bin", chunks)
        except OSError:
            return False
        return True

    def read_blob(self, name: str) -> bytes | mmap.mmap | None:
        """The blob's bytes. On POSIX the file is mapped, not read: pages are read as they
        are used, and a later `write_blob` replaces the file without touching the mapping."""
        if self.folder is None:
            return None
        path = self.folder / f"{name}-v{FORMAT}.bin"
        try:
            if os.name == "posix":
                with path.open("rb") as file:
                    return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # a file system that cannot map; ValueError: an empty file
            pass
        try:
            return path.read_bytes()
        except OSError:
            return None

    def replace(self, name: str, entries: dict) -> None:
        """Set the whole part, without reading what was there."""
        if self.folder is not None:
            self._parts[name] = entries
            self._dirty.add(name)

    def put(self, name: str, key, value) -> None:
        if self.folder is not None:
            self.part(name)[key] = value
            self._dirty.add(name)

    def save(self, keep: dict[str, set] | None = None) -> None:
        """Write the parts that changed; `keep` prunes a part to the keys still in use."""
        for name in sorted(self._dirty):
            self._write(name, keep.get(name) if keep else None)
        self._dirty.clear()

    def flush(self, name: str) -> bool:
        """Write the part if it changed, and let go of it: big repositories do not hold every
        part in memory until the end. Whether it is on disk as it was."""
        written = True
        if name in self._dirty:
            written = self._write(name, None)
            self._dirty.discard(name)
        self._parts.pop(name, None)
        return written

    def _write(self, name: str, keep: set | None) -> bool:
        if self.folder is None:
            return False
        entries = self._parts[name]
        if keep is not None:
            entries = {k: v for k, v in entries.items() if k in keep}
        try:
            writing.write_bytes_atomic(self.folder / f"{name}-v{FORMAT}.marshal", marshal.dumps((self.stamp, entries)),
                                       durable=False)
            for stale in self.folder.iterdir():
                if stale.suffix in (".marshal", ".bin") and f"-v{FORMAT}." not in stale.name:
                    stale.unlink(missing_ok=True)  # left by an older version
        except OSError:
            return False  # a read-only .git: run without a cache
        return True
