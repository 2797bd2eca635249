"""Where documents live: `<dir>/<yyyy>/<mm>/<dd>/<id>.yaml` and `<id>.feedback.yaml`.

Every piece of code that lists or locates documents goes through this module.
"""

from __future__ import annotations

import os
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


@dataclass
class Scan:
    documents: list[Path] = field(default_factory=list)
    feedback: list[Path] = field(default_factory=list)
    strays: list[Stray] = field(default_factory=list)


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


def known_ids(handoffs_dir: Path) -> list[str]:
    """Ids of the documents in their proper places (cheap: names only, no parsing)."""
    return [id_from_name(p.name)[0] for p in scan(handoffs_dir).documents]


def expand(paths: list[Path], handoffs_dir: Path) -> Scan:
    """Files named on the command line: files as given, folders searched for *.yaml."""
    result = Scan()
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise UserError(t("layout.no_such_path", path=given))
        if given.is_dir() and not given.is_symlink():
            inner = scan(given) if given.resolve() == handoffs_dir.resolve() else _scan_loose(given, handoffs_dir)
            result.documents += inner.documents
            result.feedback += inner.feedback
            result.strays += inner.strays
            continue
        if given.is_symlink():
            result.strays.append(Stray(given, t("rule.symlink", name=given.name)))
            continue
        inside = given.resolve().is_relative_to(handoffs_dir.resolve())
        problem = misplacement(given.resolve(), handoffs_dir.resolve()) if inside else None
        if problem:
            result.strays.append(Stray(given, problem))
        elif given.name.endswith(FEEDBACK_SUFFIX):
            result.feedback.append(given)
        else:
            result.documents.append(given)
    return result


def _scan_loose(folder: Path, handoffs_dir: Path) -> Scan:
    if folder.resolve().is_relative_to(handoffs_dir.resolve()):
        full = scan(handoffs_dir)
        inside = lambda p: p.resolve().is_relative_to(folder.resolve())  # noqa: E731
        return Scan([p for p in full.documents if inside(p)], [p for p in full.feedback if inside(p)],
                           [s for s in full.strays if inside(s.path)])
    result = Scan()
    for path in sorted(folder.rglob("*.yaml")):
        if path.is_symlink():
            result.strays.append(Stray(path, t("rule.symlink", name=path.name)))
        elif not path.is_dir() and not path.is_file():
            result.strays.append(Stray(path, t("rule.not_regular", name=path.name)))
        elif path.is_file():
            (result.feedback if path.name.endswith(FEEDBACK_SUFFIX) else result.documents).append(path)
    return result
