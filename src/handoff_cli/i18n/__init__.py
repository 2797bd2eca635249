"""User-facing message texts in English and Japanese.

The language follows HANDOFF_LANG, then LC_ALL, LC_MESSAGES and LANG: Japanese when the
first one set starts with ``ja``, English otherwise. The texts live in `catalog`; this
package imports nothing else from handoff_cli, so every room may use it.
"""

from __future__ import annotations

import os

from handoff_cli.i18n.catalog import CATALOG as _CATALOG


def language() -> str:
    """'ja' or 'en', from the environment."""
    for var in ("HANDOFF_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def t(message_id: str, **params: object) -> str:
    """The message `message_id` in the user's language, formatted with `params`."""
    en, ja = _CATALOG[message_id]
    template = ja if language() == "ja" else en
    return template.format(**params) if params else template


def has_message(message_id: str) -> bool:
    return message_id in _CATALOG


def localized(spec: dict, attribute: str) -> str | None:
    """A schema's title or description in the user's language, English as fallback."""
    if language() == "ja":
        value = spec.get(f"x-handoff-{attribute}-ja")
        if value:
            return value
    return spec.get(attribute)
