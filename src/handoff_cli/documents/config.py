"""Finding the repository root and reading `.handoff.yaml`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from handoff_cli.documents import reading
from handoff_cli.errors import ConfigError
from handoff_cli.i18n import t

CONFIG_NAME = ".handoff.yaml"
DEFAULT_DIR = "handoffs"
DEFAULT_FEEDBACK_DUE_DAYS = 3
SUPPORTED_VERSIONS = (1,)
_KNOWN_KEYS = {"version", "dir", "feedback_due_days", "kinds", "scoring", "timezone", "placeholders"}

DEFAULT_CONFIG_TEXT = """\
# handoff repository configuration (all keys optional).
version: 1

# Where handoff documents live: <dir>/<yyyy>/<mm>/<dd>/<id>.yaml
dir: handoffs

# Feedback (an outcome) is overdue this many days after the handover.
feedback_due_days: 3

# The time zone of a date and time typed without an offset at a prompt
# (default: this computer's). An IANA name:
# timezone: Asia/Tokyo

# More texts that are placeholders, not content, on top of the built-in list (TBD, 未定 …).
# placeholders: [要相談, ask Bob]

# Custom kinds, or overrides of built-in ones: name -> JSON Schema file.
# See `handoff schema lead` for a starting point.
# kinds:
#   rfq: schemas/rfq.schema.json
"""


@dataclass(frozen=True)
class Config:
    root: Path
    dir: str = DEFAULT_DIR
    feedback_due_days: int = DEFAULT_FEEDBACK_DUE_DAYS
    kinds: dict[str, Path] = field(default_factory=dict)
    scoring: dict = field(default_factory=dict)
    source: Path | None = None
    timezone: str | None = None  # IANA name; None: the local time zone
    placeholders: tuple[str, ...] = ()

    @property
    def handoffs_dir(self) -> Path:
        return self.root / self.dir


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding `.handoff.yaml` or `.git`; else `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / ".git").exists():
            return folder
    return start


def git_dir(root: Path) -> Path | None:
    """The `.git` folder of the repository holding `root`, or None (none, or a worktree link)."""
    for folder in (root, *root.parents):
        candidate = folder / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.exists():
            return None
    return None


def load_config(start: Path | None = None) -> Config:
    """The repository's configuration, from `.handoff.yaml` in the working tree."""
    root = find_root(start or Path.cwd())
    path = root / CONFIG_NAME
    if path.is_symlink():
        raise ConfigError(t("config.dir_link", dir=CONFIG_NAME, link=CONFIG_NAME))
    config = parse_config(root, path.read_bytes() if path.is_file() else None, path)
    _check_real_folder(root, config.dir)
    return config


def _check_real_folder(root: Path, folder: str) -> None:
    """The handoffs folder and every folder on the way to it are real folders, not links:
    nothing outside the repository is ever listed, shown or written."""
    current = root
    for part in Path(folder).parts:
        current = current / part
        if current.is_symlink():
            raise ConfigError(t("config.dir_link", dir=folder, link=current.relative_to(root).as_posix()),
                              hint=t("config.dir"))


def parse_config(root: Path, text: bytes | None, path: Path) -> Config:
    """The configuration in `text` (the bytes of a `.handoff.yaml`; None when there is none)."""
    if text is None:
        return Config(root=root)
    parsed = reading.parse_bytes(text)
    if parsed.problems:
        problem = parsed.problems[0]
        raise ConfigError(f"{CONFIG_NAME}:{problem.position.line}:{problem.position.column}: {problem.message}")
    data = parsed.value
    if data is None:
        return Config(root=root, source=path)
    if not isinstance(data, dict):
        raise ConfigError(f"{CONFIG_NAME}:1:1: {t('config.not_mapping')}", hint=t("config.not_mapping.hint"))

    def fail(key: str, message: str, hint: str | None = None):
        where = parsed.position((key,))
        raise ConfigError(f"{CONFIG_NAME}:{where.line}:{where.column}: {key}: {message}", hint=hint)

    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        fail(unknown[0], t("config.unknown_setting"),
             hint=t("config.known_settings", keys=", ".join(sorted(_KNOWN_KEYS))))
    version = data.get("version", 1)
    if version not in SUPPORTED_VERSIONS:
        fail("version", t("config.version", version=repr(version)), hint=t("config.version.hint"))
    folder = data.get("dir", DEFAULT_DIR)
    if not isinstance(folder, str) or not folder.strip() or Path(folder).is_absolute() or ".." in Path(folder).parts:
        fail("dir", t("config.dir"))
    days = data.get("feedback_due_days", DEFAULT_FEEDBACK_DUE_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        fail("feedback_due_days", t("config.feedback_due_days"))
    kinds = data.get("kinds") or {}
    if not isinstance(kinds, dict) or not all(isinstance(v, str) for v in kinds.values()):
        fail("kinds", t("config.kinds"))
    for name, file in kinds.items():
        if Path(file).is_absolute() or ".." in Path(file).parts or not Path(file).parts:
            fail("kinds", t("config.kinds_path", kind=name, file=file), hint=t("kinds.schema_file.hint"))
    scoring = data.get("scoring") or {}
    if not isinstance(scoring, dict):
        fail("scoring", t("config.scoring"))
    zone = data.get("timezone")
    if zone is not None and not _is_time_zone(zone):
        fail("timezone", t("config.timezone", value=zone))
    placeholders = data.get("placeholders") or []
    if not isinstance(placeholders, list) or not all(isinstance(p, str) and p.strip() for p in placeholders):
        fail("placeholders", t("config.placeholders"))
    return Config(
        root=root, dir=folder.strip().rstrip("/"), feedback_due_days=days,
        kinds={str(name): root / file for name, file in kinds.items()}, scoring=scoring, source=path,
        timezone=zone, placeholders=tuple(placeholders),
    )


def _is_time_zone(name: object) -> bool:
    """An IANA time zone this computer knows (`Asia/Tokyo`); never a path outside the zone files."""
    if not isinstance(name, str) or not name.strip() or len(name) > 64:
        return False
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError (a path), OSError
        return False
    return True
