"""Where documents live: `<dir>/<yyyy>/<mm>/<dd>/<id>.yaml` and `<id>.feedback.yaml`.

Every piece of code that lists or locates documents goes through this module.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from handoff_cli.documents.ids import date_parts, is_valid_id
from handoff_cli.errors import UserError
from handoff_cli.i18n import t

DOCUMENT_SUFFIX = ".yaml"
FEEDBACK_SUFFIX = ".feedback.yaml"


@dataclass(frozen=True)
class Stray:
    """A file in the handoffs folder that is not where, or what, a document should be."""

    path: Path
    message: str


@dataclass(frozen=True)
class Skipped:
    """A file named on the command line that is not the handoffs folder's to judge: outside
    it (`.pre-commit-config.yaml`, a workflow) or hidden inside it (`.gitkeep`)."""

    path: Path
    message: str


@dataclass
class Scan:
    documents: list[Path] = field(default_factory=list)
    feedback: list[Path] = field(default_factory=list)
    strays: list[Stray] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def document_path(handoffs_dir: Path, handoff_id: str) -> Path:
    return handoffs_dir.joinpath(*date_parts(handoff_id), handoff_id + DOCUMENT_SUFFIX)


def feedback_path(handoffs_dir: Path, handoff_id: str) -> Path:
    return handoffs_dir.joinpath(*date_parts(handoff_id), handoff_id + FEEDBACK_SUFFIX)


def id_from_name(name: str) -> tuple[str, bool] | None:
    """(id-ish stem, is_feedback) for a yaml file name, else None."""
    if name.endswith(FEEDBACK_SUFFIX):
        return name[: -len(FEEDBACK_SUFFIX)], True
    if name.endswith(DOCUMENT_SUFFIX):
        return name[: -len(DOCUMENT_SUFFIX)], False
    return None


def misplacement(path: Path, handoffs_dir: Path) -> str | None:
    """Why `path` (inside `handoffs_dir`) is not where its name says it belongs, or None."""
    named = id_from_name(path.name)
    if named is None:
        return t("rule.stray_extension")
    stem, is_feedback = named
    if not is_valid_id(stem):
        return t("rule.stray_name", name=path.name)
    expected = (feedback_path if is_feedback else document_path)(handoffs_dir, stem)
    if path.parent != expected.parent:
        return t("rule.date_folder", name=path.name, expected=display_path(expected))
    return None


def contained(root: Path, path: Path) -> Path:
    """`path`, after checking that it lies inside `root` (links resolved): nothing is ever
    written outside the repository."""
    resolved = path.parent.resolve() / path.name
    if not resolved.is_relative_to(root.resolve()):
        raise UserError(t("layout.outside", path=path, root=root), hint=t("layout.outside.hint"))
    return path


def display_path(path: Path) -> str:
    """A path as a person in the current folder would type it (POSIX separators)."""
    text = os.fspath(path)
    if os.sep == "/" and text.startswith("/"):  # the usual case, without relpath's work per file
        here = os.getcwd()
        rest = text[len(here) + 1:]
        if text.startswith(here) and text[len(here):len(here) + 1] == "/" and rest and "//" not in rest \
                and "/." not in rest and not rest.startswith(".") and not rest.endswith("/") and here != "/":
            return rest
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:
        return path.as_posix()


def scan(handoffs_dir: Path) -> Scan:
    """Every document, feedback file and stray under `handoffs_dir`; links are never followed,
    and only regular files are ever listed as documents (a pipe named like one is a stray).

    Uses os.scandir's cached entry types (no stat per file) and string checks: this runs
    on every command, over tens of thousands of files.
    """
    result = Scan()
    if not handoffs_dir.is_dir():
        return result
    _scan_folder(str(handoffs_dir), (), handoffs_dir, result)
    return result


def _scan_folder(folder: str, parts: tuple[str, ...], handoffs_dir: Path, result: Scan) -> None:
    with os.scandir(folder) as entries:
        ordered = sorted(entries, key=lambda e: e.name)
    for entry in ordered:
        name = entry.name
        if name.startswith("."):
            continue
        if entry.is_symlink():
            result.strays.append(Stray(Path(entry.path), t("rule.symlink", name=name)))
        elif entry.is_dir(follow_symlinks=False):
            if id_from_name(name) is not None:
                result.strays.append(Stray(Path(entry.path), t("rule.not_a_file", name=name)))
            else:
                _scan_folder(entry.path, parts + (name,), handoffs_dir, result)
        elif not entry.is_file(follow_symlinks=False):  # a pipe, socket or device: opening it could hang
            result.strays.append(Stray(Path(entry.path), t("rule.not_regular", name=name)))
        else:
            named = id_from_name(name)
            if named is not None and is_valid_id(named[0]) and parts == date_parts(named[0]):
                (result.feedback if named[1] else result.documents).append(Path(entry.path))
            else:
                result.strays.append(Stray(Path(entry.path), misplacement(Path(entry.path), handoffs_dir)))


def proper_document(handoffs_dir: Path, handoff_id: str) -> Path | None:
    """The document `scan` would list for `handoff_id`, or None, without scanning the folder:
    a regular file (not a link) at its date folder, reached through real folders only
    (`scan` follows no link). What `check` of a few named files needs of the rest."""
    if not is_valid_id(handoff_id):
        return None
    path = document_path(handoffs_dir, handoff_id)
    if not handoffs_dir.is_dir():
        return None
    folder = handoffs_dir
    for part in (*date_parts(handoff_id), path.name):
        folder = folder / part
        try:
            mode = folder.lstat().st_mode
        except (OSError, ValueError):
            return None
        wanted = stat.S_ISREG(mode) if part == path.name else stat.S_ISDIR(mode)
        if not wanted:
            return None
    return path


class ProperDocuments:
    """id -> its proper document, as `scan` finds them, looked up one at a time (for a few
    named files, where scanning tens of thousands would cost more than the check)."""

    def __init__(self, handoffs_dir: Path):
        self.handoffs_dir = handoffs_dir
        self._known: dict[str, Path | None] = {}

    def get(self, handoff_id: str) -> Path | None:
        if handoff_id not in self._known:
            self._known[handoff_id] = proper_document(self.handoffs_dir, handoff_id)
        return self._known[handoff_id]


def known_ids(handoffs_dir: Path) -> list[str]:
    """Ids of the documents in their proper places (cheap: names only, no parsing)."""
    return [id_from_name(p.name)[0] for p in scan(handoffs_dir).documents]


def expand(paths: list[Path], handoffs_dir: Path) -> Scan:
    """Files named on the command line: files as given, folders searched for documents.

    Only the handoffs folder holds handoffs. A file outside it (`.pre-commit-config.yaml`, a
    workflow, `.handoff.yaml`) and a hidden one inside it (`.gitkeep`) are skipped, not
    judged; a folder holding the handoffs folder (`.`) stands for the handoffs folder, and
    any other folder outside it is skipped. Inside it, a misplaced file is a stray.
    """
    result = Scan()
    root = handoffs_dir.resolve()
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise UserError(t("layout.no_such_path", path=given))
        folder = given.is_dir() and not given.is_symlink()
        where = given.resolve() if folder else given.parent.resolve() / given.name  # a link is not followed
        if folder and root.is_relative_to(where):
            where = root
        if not where.is_relative_to(root):
            result.skipped.append(Skipped(given, t("layout.skipped_outside", dir=display_path(handoffs_dir))))
            continue
        if any(part.startswith(".") for part in where.relative_to(root).parts):
            result.skipped.append(Skipped(given, t("layout.skipped_hidden")))
            continue
        if folder:
            inner = scan(handoffs_dir) if where == root else _scan_inside(where, handoffs_dir)
            result.documents += inner.documents
            result.feedback += inner.feedback
            result.strays += inner.strays
            continue
        if given.is_symlink():
            result.strays.append(Stray(given, t("rule.symlink", name=given.name)))
            continue
        problem = misplacement(where, root)
        if problem:
            result.strays.append(Stray(given, problem))
        elif given.name.endswith(FEEDBACK_SUFFIX):
            result.feedback.append(given)
        else:
            result.documents.append(given)
    return result


def _scan_inside(folder: Path, handoffs_dir: Path) -> Scan:
    """What `scan` finds under `folder`, a folder inside the handoffs folder (resolved)."""
    full = scan(handoffs_dir)
    inside = lambda p: (p.parent.resolve() / p.name).is_relative_to(folder)  # noqa: E731  (a link: where it is)
    return Scan([p for p in full.documents if inside(p)], [p for p in full.feedback if inside(p)],
                [s for s in full.strays if inside(s.path)])
