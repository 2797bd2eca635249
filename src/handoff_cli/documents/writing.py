"""Writing documents: canonical YAML text (FORMAT.md's style) and atomic file writes."""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_YAML = "tag:yaml.org,2002:"
_resolver = Resolver()
_constructor = SafeConstructor()

_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?$")


class _CanonicalDumper(yaml.SafeDumper):
    """Block style, lists indented under their key, Unicode as is, dates unquoted."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _is_real_timestamp(value: str) -> bool:
    """Plain style only for what every YAML 1.1 reader can turn into a date (not 0000-00-00)."""
    node = ScalarNode(_YAML + "timestamp", value)
    if _resolver.resolve(ScalarNode, value, (True, False)) != node.tag:
        return False
    try:
        _constructor.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        return False
    return True


class DateText(str):
    """The value of a date or date-time field: written unquoted, as FORMAT.md shows dates.

    Any other string that merely looks like a date is quoted, so that every YAML reader
    (not only ours, which keeps dates as text) reads back exactly what was typed.
    """


def _represent_str(dumper: yaml.SafeDumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar(_YAML + "str", value, style="|")
    return dumper.represent_scalar(_YAML + "str", value)


def _represent_date_text(dumper: yaml.SafeDumper, value: DateText):
    text = str(value)
    if _DATE_LIKE.match(text) and _is_real_timestamp(text):
        return dumper.represent_scalar(_YAML + "timestamp", text)
    return _represent_str(dumper, text)


_CanonicalDumper.add_representer(str, _represent_str)
_CanonicalDumper.add_representer(DateText, _represent_date_text)


def dump(data: Any) -> str:
    """Canonical text: UTF-8 as is, block style, key order as given, LF endings."""
    return yaml.dump(
        data, Dumper=_CanonicalDumper, allow_unicode=True, sort_keys=False,
        default_flow_style=False, width=1_000_000, indent=2,
    )


def write_atomic(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never half.

    With `exclusive`, fail with FileExistsError rather than replace an existing file.
    """
    write_bytes_atomic(path, text.encode("utf-8"), exclusive=exclusive)


def write_bytes_atomic(path: Path, data: bytes | Iterable[bytes], *, exclusive: bool = False,
                       mode: int | None = None, durable: bool = True) -> None:
    """`write_atomic` for bytes, given whole or in pieces (written as they come); `mode`:
    the file's permission bits (default: what the umask allows). `durable=False` skips the
    flushes to disk (fsync) for what may be lost in a crash: still atomic, never half a file
    under the name while the system runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~current_umask() if mode is None else mode)  # mkstemp makes 0600
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if exclusive:
            os.link(temp, path)  # atomic, and refuses to replace
            temp.unlink()
        else:
            os.replace(temp, path)
        if durable:
            _fsync_directory(path.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process's umask, read without changing it (no window in which another thread
    creates a file with a wrong mode): /proc on Linux; elsewhere set and restore at once."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class LockTimeout(Exception):
    """Another process held the folder's lock for longer than we wait."""


@contextmanager
def locked(folder: Path, wait: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (flock on the folder itself: no lock file is left
    behind to be committed) while reading and replacing a file in it, so that two writers
    one after the other each see the other's entry."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(str(folder)) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
