"""Writing to the repository: a new handoff, a feedback entry. Each is validated with the
same rules as `check` before one atomic write; nothing invalid or half-written lands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from handoff_cli.documents import files, ids, layout, reading, writing
from handoff_cli.documents.config import Config
from handoff_cli.documents.feedback_file import Existing, appended_text, existing_from
from handoff_cli.documents.ids import is_valid_id, new_id
from handoff_cli.documents.layout import display_path
from handoff_cli.documents.model import Handoff, Person
from handoff_cli.errors import EnvironmentProblem, InvalidDocument, UnreadableFile, UserError
from handoff_cli.git import Git
from handoff_cli.i18n import t
from handoff_cli.rules.formats import parse_datetime
from handoff_cli.rules.kinds import Kind, Kinds
from handoff_cli.rules.returning import check_author
from handoff_cli.rules.validate import validate_feedback, validate_handoff


def now_iso() -> str:
    """The current local time as FORMAT.md writes it (seconds, with offset)."""
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def create_handoff(kind: Kind, values: dict, root: Path, handoffs_dir: Path, kinds: Kinds,
                   created: str | None = None) -> tuple[str, Path]:
    """Validate and write a new handoff of `kind` from `values`; raises InvalidDocument
    (nothing written) when it has findings. Returns its id and path."""
    given_id = values.get("id")
    if given_id is not None and not is_valid_id(given_id):
        raise UserError(t("writing.bad_id", id=repr(given_id)), hint=t("writing.bad_id.hint"))
    created = created or values.get("created") or now_iso()
    day = _creation_day(created)
    taken = set(layout.known_ids(handoffs_dir))
    for _ in range(5):
        handoff_id = values.get("id") or new_id(day, taken)
        text = writing.dump(kind.document(values, handoff_id, created))
        path = layout.document_path(handoffs_dir, handoff_id)
        findings, _ = validate_handoff(display_path(path), handoff_id, reading.parse_text(text), kinds)
        if findings:
            raise InvalidDocument(t("new.invalid.one") if len(findings) == 1 else
                                  t("new.invalid", count=len(findings)), findings)
        try:
            _write(layout.contained(root, path), text, exclusive=True)
        except FileExistsError:
            if values.get("id"):
                raise UserError(t("writing.exists", path=display_path(path)), hint=t("writing.exists.hint")) from None
            taken.add(handoff_id)
            continue
        return handoff_id, path
    raise UserError(t("writing.no_free_id"))  # pragma: no cover - 36^6 ids a day


def _creation_day(created: str):
    parsed = parse_datetime(str(created))
    return (parsed or datetime.now().astimezone()).date()


def read_existing(handoffs_dir: Path, handoff_id: str, kinds: Kinds, kind: Kind) -> Existing:
    """The feedback file of `handoff_id` as it is now (empty when there is none); a link, a
    special file or an oversize file is refused with a one-line error, nothing read or written."""
    path = layout.feedback_path(handoffs_dir, handoff_id)
    try:
        data = files.read_regular(path, reading.MAX_FILE_BYTES)
    except FileNotFoundError:
        return Existing(path, "", {})
    except UnreadableFile as error:
        raise type(error)(t("files.refused", path=layout.display_path(path), problem=error.message)) from None
    except OSError as error:
        raise UserError(t("files.refused", path=layout.display_path(path), problem=error.strerror or error)) from None
    parsed = reading.parse_bytes(data)
    findings = validate_feedback(layout.display_path(path), handoff_id, parsed, kinds, kind, True)
    if findings:
        raise InvalidDocument(t("writing.feedback_has_findings", path=layout.display_path(path)), findings)
    return existing_from(path, data, parsed)


def append_feedback(root: Path, handoffs_dir: Path, handoff: Handoff, kind: Kind, kinds: Kinds, entry: dict) -> Path:
    """Validate and write the feedback file with `entry` appended; nothing is written when invalid.
    The folder is locked from the read to the rename: concurrent runs append one after the
    other, and every run that says "recorded" has its entry in the file."""
    folder = layout.feedback_path(handoffs_dir, handoff.id).parent
    try:
        with writing.locked(folder):
            existing = read_existing(handoffs_dir, handoff.id, kinds, kind)
            text = appended_text(existing, handoff.id, entry)
            parsed = reading.parse_text(text)
            findings = validate_feedback(layout.display_path(existing.path), handoff.id, parsed, kinds, kind, True)
            if findings:
                raise InvalidDocument(t("feedback.invalid.one") if len(findings) == 1 else
                                      t("feedback.invalid", count=len(findings)), findings)
            _write(layout.contained(root, existing.path), text)
    except writing.LockTimeout:
        raise UserError(t("writing.busy", path=layout.display_path(folder)), hint=t("writing.changed.hint")) from None
    return existing.path


def _write(path: Path, text: str, *, exclusive: bool = False) -> None:
    """An atomic write; a full disk or a file-size limit is one clear error and the old file stays."""
    try:
        writing.write_atomic(path, text, exclusive=exclusive)
    except FileExistsError:
        raise
    except OSError as error:
        raise EnvironmentProblem(t("writing.failed", path=display_path(path), problem=error.strerror or error),
                                 hint=t("writing.failed.hint")) from None


@dataclass(frozen=True)
class Returning:
    """A handoff about to get a feedback entry: what the entry is checked and written against."""

    handoff: Handoff
    kind: Kind
    by: Person  # who is writing (git's identity)
    existing: Existing  # the feedback file as it is now


def open_returning(config: Config, kinds: Kinds, query: str, *, force: bool, cache=None) -> Returning:
    """The handoff `query` names, valid, with the writer allowed to give its feedback."""
    from handoff_cli.store.loader import MODELS, load_store

    handoff_id = ids.resolve(query, layout.known_ids(config.handoffs_dir))
    store = load_store(config, kinds, [layout.document_path(config.handoffs_dir, handoff_id)], cache=cache,
                       want=MODELS)
    if store.findings:
        raise InvalidDocument(t("error.has_findings", id=handoff_id), store.findings)
    handoff = store.handoffs[handoff_id]
    kind = kinds.get(handoff.kind)
    name, email = Git(config.root).identity()
    by = Person(name or "", email)
    check_author(handoff, by, force)
    return Returning(handoff, kind, by, read_existing(config.handoffs_dir, handoff_id, kinds, kind))
