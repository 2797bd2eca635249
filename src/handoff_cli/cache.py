"""A cache of validated documents under `.git/handoff/cache/`, keyed by git blob id.

One file per part, so that each command loads only what it needs:
  results-v2.marshal  path+blob -> (findings, kind, id) for every clean tracked file (all)
  digests-v2.marshal  blob -> the digest of a valid document or feedback file (list, show, report)
  history-v2.marshal  the timelines and the HEAD they describe (show, report)
  report-v2.marshal   the last join of digests and timelines, and what it depended on (show, report)
  report-v2.bin       that join's score records, JSON one after another (report-v2.marshal has their lengths)

Blob ids come from the index (`git ls-files -s`); files that differ from the index
(`git ls-files -m -o`) are always read afresh. The cache is only an optimisation:
deleting it changes no result, a corrupt or foreign one is ignored and rebuilt, and
every write replaces the file atomically, so two processes at once are safe (the last
writer wins with a complete file). marshal holds plain values only and never runs code.
"""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
import subprocess
from collections.abc import Iterable
from pathlib import Path

from handoff_cli import __version__, yamlio
from handoff_cli.config import git_dir
from handoff_cli.messages import language
from handoff_cli.schemas import builtin_schema

FORMAT = 2  # the layout of every part; files of other formats are removed when a part is written


def clean_blob_ids(root: Path, relative_dir: str) -> dict[str, str]:
    """path (relative to `root`) -> blob id, for tracked files that match the index.

    Two `git ls-files` run side by side; any failure means no cache, never an error.
    """
    try:
        staged = subprocess.Popen(["git", "ls-files", "-s", "-z", "--", relative_dir], cwd=root,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        dirty = subprocess.Popen(["git", "ls-files", "-m", "-o", "-z", "--exclude-standard", "--", relative_dir],
                                 cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        staged_out, _ = staged.communicate()
        dirty_out, _ = dirty.communicate()
    except OSError:
        return {}
    if staged.returncode or dirty.returncode:
        return {}
    changed = set(dirty_out.decode("utf-8", "replace").split("\0"))
    blobs = {}
    for record in staged_out.decode("utf-8", "replace").split("\0"):
        meta, _, path = record.partition("\t")
        fields = meta.split()
        if len(fields) == 3 and fields[0] == "100644" and fields[2] == "0" and path not in changed:
            blobs[path] = fields[1]
    return blobs


def fingerprint(kinds) -> str:
    """What a cached result depends on besides the file: version, language, every schema."""
    digest = hashlib.sha1(f"{FORMAT}|{__version__}|{language()}".encode())
    for name in kinds.names:
        digest.update(name.encode() + json.dumps(kinds.get(name).schema, sort_keys=True).encode())
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

    def write_blob(self, name: str, chunks: Iterable[bytes]) -> None:
        """Raw bytes beside the parts (`name`-vN.bin), written piece by piece: no copy of the whole."""
        if self.folder is None:
            return
        try:
            yamlio.write_bytes_atomic(self.folder / f"{name}-v{FORMAT}.bin", chunks)
        except OSError:
            pass

    def read_blob(self, name: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            return (self.folder / f"{name}-v{FORMAT}.bin").read_bytes()
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

    def flush(self, name: str) -> None:
        """Write the part if it changed, and let go of it: big repositories do not hold every
        part in memory until the end."""
        if name in self._dirty:
            self._write(name, None)
            self._dirty.discard(name)
        self._parts.pop(name, None)

    def _write(self, name: str, keep: set | None) -> None:
        if self.folder is None:
            return
        entries = self._parts[name]
        if keep is not None:
            entries = {k: v for k, v in entries.items() if k in keep}
        try:
            yamlio.write_bytes_atomic(self.folder / f"{name}-v{FORMAT}.marshal", marshal.dumps((self.stamp, entries)))
            for stale in self.folder.iterdir():
                if stale.suffix in (".marshal", ".bin") and f"-v{FORMAT}." not in stale.name:
                    stale.unlink(missing_ok=True)  # left by an older version
        except OSError:
            pass  # a read-only .git: run without a cache
