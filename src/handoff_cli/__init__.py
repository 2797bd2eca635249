"""handoff: structured handoffs between teams, kept as YAML in git."""

__version__ = "0.2.0"
