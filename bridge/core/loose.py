"""What a plain Appendix A peer may leave open, and how it is normalised.

A plain hizi game or lobby is written to docs.hizi.io's Appendix A, not to our
choices. The page gives no ``data`` for some messages a real peer sends bare, and
no format for a balance. From a plain peer only (compatibility mode, the
``appendix_a`` dialect) the channel accepts these forms and rewrites them to the
catalog's before validation; each rewrite is counted in ``stats()["normalised"]``
and named in the journal line (``normalised``). A hizi-bridge peer is held to the
strict form, so none of this applies to it.

=====================  ======================================  ============================
plain form             becomes                                 kind
=====================  ======================================  ============================
``{type: roundStarted}``  ``roundStarted`` with ``data: null``  ``data_absent``
``{type: audioToggle}``   ``audioToggle`` with ``data: null``   ``data_absent``
``{type: turbo}``         ``toggleTurbo``                       ``data_absent``
``{type: setAudio}``      ``toggleAudio``                       ``data_absent``
``roundStarted`` / ``balance`` with ``"12.50"``  the number ``12.5``  ``numeric_string``
=====================  ======================================  ============================

Amounts are never rescaled. Appendix A states no unit; hizi-bridge reads every
amount as the currency's major unit, as sent. ``1250`` may be EUR 12.50 in cents
or EUR 1,250.00: no rule can tell from the value, so guessing would silently
corrupt a ledger one way or the other. A numeric string is read the same way
(``"1250"`` is 1250.0); an operator whose game sends cents converts in its handler.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final


class Normalisation(StrEnum):
    """The kinds of rewrite; the keys of ``stats()["normalised"]``."""

    DATA_ABSENT = "data_absent"  # no data where the catalog wants one
    NUMERIC_STRING = "numeric_string"  # an amount given as a decimal string


# Plain type without data -> (catalog type, what the absence means).
ABSENT_DATA: Final[dict[str, tuple[str, str]]] = {
    "roundStarted": ("roundStarted", "`data: null`: the balance was not given"),
    "audioToggle": ("audioToggle", "`data: null`: toggled, new state not given"),
    "turbo": ("toggleTurbo", "a toggle: no on / off was given"),
    "setAudio": ("toggleAudio", "a toggle: no on / off was given"),
}

STRING_AMOUNT_TYPES: Final = frozenset({"roundStarted", "balance"})

# Plain decimal notation only: no sign, exponent, grouping or spaces ("1e3", "1,5" stay wrong).
_DECIMAL: Final = re.compile(r"[0-9]{1,13}(?:\.[0-9]{1,6})?", re.ASCII)


def normalise(value: Mapping[str, Any]) -> tuple[Mapping[str, Any], tuple[Normalisation, ...]]:
    """Rewrite a plain peer's loose form to the catalog's; ``(value, ())`` when it is not loose.

    ``value`` is an already size-checked wire object. Never raises: a value that is
    neither strict nor one of the loose forms above is returned as is, for the
    schema check to refuse with its usual reason.
    """
    type_name = value.get("type")
    if not isinstance(type_name, str):
        return value, ()
    if "data" not in value or value["data"] is None:
        target = ABSENT_DATA.get(type_name)
        if target is None:
            return value, ()
        out = {k: v for k, v in value.items() if k != "data"}
        out["type"] = target[0]
        if target[0] == type_name:
            out["data"] = None
        return out, (Normalisation.DATA_ABSENT,)
    data = value["data"]
    if type_name in STRING_AMOUNT_TYPES and isinstance(data, str) and _DECIMAL.fullmatch(data):
        return {**value, "data": float(data)}, (Normalisation.NUMERIC_STRING,)
    return value, ()
