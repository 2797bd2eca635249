"""Reading one file of the repository, which may be hostile: never through a symbolic link,
never a pipe, socket or device (reading one can block or never end), never more than a limit.
Every handoff and feedback file is read here."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from handoff_cli.errors import FileTooLarge, LinkedFile, NotRegularFile
from handoff_cli.i18n import t

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_LINK_ERRNOS = {errno.ELOOP, errno.EMLINK}  # what O_NOFOLLOW says of a link (Linux, macOS / FreeBSD)


def read_regular(path: Path, limit: int) -> bytes:
    """The contents of the regular file `path`, at most `limit` bytes.

    Raises LinkedFile, NotRegularFile or FileTooLarge (each an UnreadableFile, with a message
    in the user's language that does not name the file); FileNotFoundError and other
    OSErrors as they come. A link or a special file is refused before it is opened; the
    open itself neither follows a link nor waits (a link or pipe put in place meanwhile is
    caught by fstat).
    """
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        raise LinkedFile(t("files.link"))
    if not stat.S_ISREG(mode):
        raise NotRegularFile(t("files.not_regular"))
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        if error.errno in _LINK_ERRNOS:
            raise LinkedFile(t("files.link")) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(t("files.not_regular"))
        if info.st_size > limit:
            raise FileTooLarge(t("yaml.too_large", size=info.st_size, limit=limit))
        chunks = [os.read(fd, info.st_size + 1)]  # the whole file, unless it grows meanwhile
        size = len(chunks[0])
        if size <= info.st_size:  # a short read of a regular file is its end: no second call
            return chunks[0]
        while chunks[-1] and size <= limit:
            chunks.append(os.read(fd, min(limit + 1 - size, 1 << 16)))
            size += len(chunks[-1])
    finally:
        os.close(fd)
    if size > limit:
        raise FileTooLarge(t("yaml.too_large", size=size, limit=limit))
    return b"".join(chunks) if len(chunks) > 2 else chunks[0]
