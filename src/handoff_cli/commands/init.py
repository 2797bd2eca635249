"""`handoff init`: write `.handoff.yaml` (commented defaults) and the handoffs folder."""

from __future__ import annotations

from handoff_cli.commands.options import handled, say

EPILOG = "Example: cd my-repo && handoff init"


@handled
def init_cli() -> None:
    """Set up this repository: write .handoff.yaml (commented defaults) and handoffs/."""
    for line in init():
        say(line)


def init(start=None) -> list[str]:
    """Create what is missing; one line per thing created or left alone."""
    from handoff_cli.documents.config import CONFIG_NAME, DEFAULT_CONFIG_TEXT, load_config
    from handoff_cli.documents.writing import write_atomic
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
    if not changed:
        said.append(t("init.nothing"))
    return said
