"""`check --changed-since REF`: the CI gate over what a change touched, which the change
itself cannot switch off.

Trusted is the base branch's configuration (REF's `.handoff.yaml` and schemas, read from
git, never from the working tree); not trusted is the branch's. So a changed handoff
must pass the kinds of both where its kind exists in both, and a change to `.handoff.yaml`
or to any kind's schema checks every handoff again and says so, for a reviewer to see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from handoff_cli.documents import reading
from handoff_cli.documents.config import CONFIG_NAME, Config, parse_config
from handoff_cli.errors import ConfigError
from handoff_cli.git import Git
from handoff_cli.i18n import t
from handoff_cli.rules.custom_schemas import MAX_SCHEMA_BYTES, SchemaSource
from handoff_cli.rules.findings import CheckResult, Finding
from handoff_cli.rules.kinds import Kinds
from handoff_cli.store.cache import Cache
from handoff_cli.store.loader import FINDINGS, load_store


@dataclass
class GateResult(CheckResult):
    settings_changed: list[str] = field(default_factory=list)  # config and schema files REF..now changed


def committed(git: Git, ref: str) -> SchemaSource:
    """Schema files as committed in `ref`."""
    def read(relative: str) -> bytes:
        data = git.file_at(ref, relative, MAX_SCHEMA_BYTES)
        if data is None:
            raise ConfigError(t("kinds.schema_not_found", where=f"{ref}:{relative}"),
                              hint=t("kinds.schema_not_found.hint"))
        return data
    return read


def _schema_files(config: Config) -> set[str]:
    return {path.relative_to(config.root).as_posix() for path in config.kinds.values()}


def check_changes(config: Config, kinds: Kinds, ref: str, paths: list[Path] | None) -> GateResult:
    git = Git(config.root)
    changes = git.start_changed_since(ref)
    kinds.load_all()  # and the cache opened, while git compares the working tree with `ref`
    cache = Cache.for_repository(config.root, kinds)
    changed = changes()
    base_config = parse_config(config.root, git.file_at(ref, CONFIG_NAME, MAX_SCHEMA_BYTES), config.root / CONFIG_NAME)
    base_kinds = Kinds(base_config, source=committed(git, ref))
    base_kinds.load_all()
    watched = {CONFIG_NAME} | _schema_files(config) | _schema_files(base_config)
    settings = sorted(name for name in changed if name in watched)
    if settings:
        selected = list(paths) if paths else None  # every handoff, again
    else:
        inside = f"{config.dir}/"
        present = sorted({config.root / name for name in changed if name.startswith(inside)
                          and ((config.root / name).exists() or (config.root / name).is_symlink())})
        selected = list(paths or []) + present
        if not selected:
            return GateResult()
    store = load_store(config, kinds, selected, cache=cache, want=FINDINGS)
    findings = list(store.findings)
    seen = {_identity(f) for f in findings}
    base = load_store(config, base_kinds, selected, cache=None, want=FINDINGS)
    extra = list(base.findings)
    if settings and base_config.dir != config.dir:  # a moved handoffs folder: the base's is checked too
        extra += load_store(base_config, base_kinds, None, cache=None, want=FINDINGS).findings
    for finding in extra:  # what the base's kinds say too
        if finding.code == "rule.unknown_kind":
            finding = _moved_kind(git, ref, config, base_kinds, finding)
            if finding is None:  # a kind new in this change: the branch's configuration judges it
                continue
        if _identity(finding) not in seen:
            findings.append(finding)
            seen.add(_identity(finding))
    findings.sort(key=Finding.sort_key)
    return GateResult(findings, store.files_checked, store.skipped, settings_changed=settings)


def _moved_kind(git: Git, ref: str, config: Config, base_kinds: Kinds, finding: Finding) -> Finding | None:
    """A handoff that `ref` has under a kind `ref` knows, moved by this change to a kind only
    the change knows, would escape the base's rules: that is a finding. None otherwise."""
    try:
        relative = (Path.cwd() / finding.file).resolve().relative_to(config.root.resolve()).as_posix()
    except (OSError, ValueError):
        return None
    data = git.file_at(ref, relative, MAX_SCHEMA_BYTES)
    before = reading.parse_bytes(data).value if data is not None else None
    old = before.get("kind") if isinstance(before, dict) else None
    if not isinstance(old, str) or old not in base_kinds:
        return None
    return Finding(finding.file, finding.line, finding.column, "kind", t("gate.kind_moved", old=old, ref=ref),
                   "rule.kind_moved")


def _identity(finding: Finding) -> tuple:
    return finding.file, finding.line, finding.column, finding.field, finding.message
