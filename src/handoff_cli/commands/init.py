"""`handoff init`: write `.handoff.yaml` (commented defaults), the handoffs folder, and the
editor configuration (`.handoff/schemas/`, `.vscode/settings.json`; docs/editors.md)."""

from __future__ import annotations

from handoff_cli.commands.options import handled, say

EPILOG = "Example: cd my-repo && handoff init"


@handled
def init_cli() -> None:
    """Set up this repository: .handoff.yaml (commented defaults), handoffs/, and the schemas YAML editors use."""
    for line in init():
        say(line)


def init(start=None) -> list[str]:
    """Create what is missing; one line per thing created or left alone."""
    from handoff_cli.commands.schema import editor_config
    from handoff_cli.documents.config import CONFIG_NAME, DEFAULT_CONFIG_TEXT, load_config
    from handoff_cli.documents.writing import write_atomic
    from handoff_cli.errors import HandoffError
    from handoff_cli.i18n import t

    root = load_config(start).root
    said, changed = [], False
    config_path = root / CONFIG_NAME
    if config_path.exists():
        said.append(t("init.exists", path=CONFIG_NAME))
    else:
        write_atomic(config_path, DEFAULT_CONFIG_TEXT, exclusive=True)
        said.append(t("init.created", path=CONFIG_NAME))
        changed = True
    config = load_config(root)
    if config.handoffs_dir.is_dir():
        said.append(t("init.exists", path=config.dir + "/"))
    else:
        write_atomic(config.handoffs_dir / ".gitkeep", "", exclusive=True)
        said.append(t("init.created", path=config.dir + "/"))
        changed = True
    try:
        lines, written = editor_config(root)
    except HandoffError as error:  # a broken custom kind: the rest of init still stands
        lines, written = [t("init.editor_failed", problem=error.message)], False
    said += lines
    changed |= written
    if not changed:
        said.append(t("init.nothing"))
    if not _in_git(root):
        said.append(t("init.not_git"))
    return said


def _in_git(root) -> bool:
    from handoff_cli.errors import HandoffError
    from handoff_cli.git import Git

    try:
        return Git(root).is_repository
    except HandoffError:  # git is not installed: no history either
        return False
