"""Handoff ids: `<yyyymmdd>-<6 random [a-z0-9]>`, made offline without collisions,
and resolved from whatever unique part a person types."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import date

from handoff_cli.errors import AmbiguousId, IdNotFound
from handoff_cli.i18n import t

ID_PATTERN = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})-([a-z0-9]{6})$")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def is_valid_id(text: str) -> bool:
    if not isinstance(text, str):
        return False
    match = ID_PATTERN.match(text)
    if not match:
        return False
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    return True


def new_id(day: date, taken: Iterable[str] = ()) -> str:
    taken = set(taken)
    while True:
        candidate = f"{day:%Y%m%d}-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))
        if candidate not in taken:
            return candidate


def date_parts(handoff_id: str) -> tuple[str, str, str]:
    """('2026', '11', '20') for 20261120-k3m9qa."""
    return handoff_id[0:4], handoff_id[4:6], handoff_id[6:8]


def resolve(query: str, known: Iterable[str]) -> str:
    """The one id that `query` names: the id itself, a prefix of it, or (a prefix of) its suffix."""
    query = query.strip().lower()
    known = sorted(set(known))
    if query in known:
        return query
    matches = [i for i in known if query and (i.startswith(query) or i.split("-", 1)[-1].startswith(query))]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise IdNotFound(t("ids.not_found", query=query), hint=t("ids.not_found.hint"))
    shown = ", ".join(matches[:10]) + (" …" if len(matches) > 10 else "")
    raise AmbiguousId(t("ids.ambiguous", query=query, count=len(matches), matches=shown), matches,
                      hint=t("ids.ambiguous.hint"))
