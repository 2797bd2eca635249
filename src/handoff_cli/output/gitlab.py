"""GitLab's Code Quality report: the JSON a CI job saves as `artifacts:reports:codequality`,
which merge requests show beside the changed lines.

GitLab documents the format ("Code Quality report format", https://docs.gitlab.com/ci/testing/code_quality/):
an array of objects, each with `description`, `check_name`, `fingerprint`, `severity`
(info | minor | major | critical | blocker), `location.path` (relative to the repository's
root) and `location.lines.begin`. tests/data/gitlab-code-quality.schema.json transcribes it.

- `check_name` is the finding's code, `description` its field and message.
- `severity` is `critical` for a file that could not be read at all (the reader's finding,
  code `yaml`, about the whole file: a syntax error, a bad encoding, a link, a pipe, too
  large, empty…), `major` for every other finding (a duplicate key, a missing field…).
- `fingerprint` identifies one finding from one pipeline to the next, so GitLab can tell a
  new finding from a fixed one: a hash of the file, the field and the code, never the line
  (an edit above moves a finding, it does not make a new one) nor the message (it follows
  the language). A second finding with the same three (two problems at one field) hashes
  its rank among them as well.
Values round-trip exactly, with the characters a terminal or CI log could act on written
as JSON escapes (sanitize.py, `json_safe`)."""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path

from handoff_cli.output import Renderer
from handoff_cli.sanitize import json_safe

READER = "yaml"  # the code of the reader's findings (rules/validate.py)


def fingerprint(path: str, field: str, code: str, rank: int = 0) -> str:
    """32 hex digits (the shape of GitLab's examples), stable across line moves and languages."""
    key = "\0".join((path, field, code) + ((str(rank),) if rank else ()))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `.git` (a folder, or a file in a
    worktree or submodule): GitLab wants paths from the repository's root."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _from_root(file: str, here: Path, root: Path | None) -> str:
    """A finding's file (as shown: from the current folder) from the repository's root."""
    if root is None:
        return file
    relative = os.path.relpath(os.path.normpath(here / file), root)
    return file if relative.startswith("..") else Path(relative).as_posix()


class GitlabRenderer(Renderer):
    def check(self, result) -> None:
        here = Path(os.path.abspath(os.curdir))
        root = _repository_root(here)
        ranks: Counter = Counter()
        issues = []
        for f in result.findings:
            path = _from_root(f.file, here, root)
            rank = ranks[path, f.field, f.code]
            ranks[path, f.field, f.code] += 1
            issues.append({
                "description": f"{f.field}: {f.message}" if f.field else f.message,
                "check_name": f.code,
                "fingerprint": fingerprint(path, f.field, f.code, rank),
                "severity": "critical" if f.code == READER and not f.field else "major",
                "location": {"path": path, "lines": {"begin": max(1, f.line)}},
            })
        self.stream.write(json_safe(json.dumps(issues, ensure_ascii=False, indent=2)) + "\n")
