"""Returning the baton: which phase an entry is, what it must say, and who may write it
(pure rules; `store.writing` appends the entry)."""

from __future__ import annotations

from handoff_cli.documents.feedback_file import OUTCOME_KEYS, RECEIPT_KEYS
from handoff_cli.documents.model import Handoff, Person
from handoff_cli.errors import UserError
from handoff_cli.i18n import t
from handoff_cli.rules.kinds import Kind


def check_author(handoff: Handoff, by: Person, force: bool) -> None:
    if not by.name:
        raise UserError(t("returning.no_identity"), hint=t("returning.no_identity.hint"))
    if not by.is_same(handoff.receiver) and not force:
        receiver = handoff.receiver.name + (f" <{handoff.receiver.email}>" if handoff.receiver.email else "")
        raise UserError(t("returning.not_receiver", name=by.name, id=handoff.id, receiver=receiver),
                        hint=t("returning.not_receiver.hint"))


def feedback_phase(receipt: bool, values: dict, has_receipt: bool) -> str | None:
    """Receipt when asked for or given receipt values; outcome when given outcome values or a
    receipt exists; None when the person must choose (receipt first)."""
    if receipt or any(values.get(k) for k in RECEIPT_KEYS if k not in OUTCOME_KEYS):
        return "receipt"
    if has_receipt or any(values.get(k) for k in OUTCOME_KEYS):
        return "outcome"
    return None


def missing_flags(phase: str, values: dict, kind: Kind) -> list[str]:
    """The flags an entry of `phase` still needs (FORMAT.md section 3), e.g. ['--synthesis']."""
    needed = []
    if phase == "receipt":
        if not values.get("decision"):
            needed.append("--decision")
        elif values["decision"] == "rejected" and not values.get("rejection_reason"):
            needed.append("--rejection-reason")
        elif values["decision"] in ("accepted", "conditional") and not values.get("synthesis"):
            needed.append("--synthesis")
    else:
        needed += [flag for flag, key in (("--outcome", "outcome"), ("--rating", "rating")) if values.get(key) is None]
        if not values.get("useful") and not values.get("missing"):
            needed.append(t("returning.useful_or_missing"))
        if values.get("outcome") in kind.loss_outcomes and not values.get("reason"):
            needed.append("--reason")
    return needed
