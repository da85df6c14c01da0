"""Constrained field types shared by the message catalog.

Money is a JSON number in the currency's major unit (what a player sees, e.g.
``12.5`` for EUR 12.50): Appendix A sends balances as bare values and never
states a unit, so we take the form a lobby can display without knowing the
game's internals. Every number is finite and bounded so a hostile peer cannot
smuggle NaN, Infinity or 1e308 into an operator's ledger view.
"""

# No `from __future__ import annotations` here: why in tests/unit/test_messages.py.
from typing import Annotated

from pydantic import AfterValidator, Field, StrictBool, StringConstraints, WithJsonSchema

from .currencies import ISO_4217

MAX_AMOUNT = 1e12  # far above any real balance, far below float trouble

Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
"""A non-negative money amount (stake, win, balance)."""

SignedAmount = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False)]
"""A money amount that may be negative (net result)."""

Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]

Count = Annotated[int, Field(ge=0, le=1_000_000_000)]

Seconds = Annotated[float, Field(ge=0, le=10 * 365 * 24 * 3600, allow_inf_nan=False)]


def _known_currency(code: str) -> str:
    if code not in ISO_4217:
        raise ValueError(f"{code!r} is not an active ISO 4217 currency code")
    return code


Currency = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    AfterValidator(_known_currency),
    WithJsonSchema({"type": "string", "title": "ISO 4217 code", "enum": sorted(ISO_4217)}),
]

ShortText = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=2000)]

# What a URL may not hold, spelled out rather than ``\s``: Python's re, pydantic's Rust regex
# and JavaScript's RegExp each read ``\s`` differently (U+FEFF is JS whitespace only, U+0085
# Python's and Rust's only). C0 and C1 controls and space; the other Unicode White_Space
# characters; and the invisible ones of the Basic Multilingual Plane (Default_Ignorable_Code_Point:
# soft hyphen, zero-width space and joiners, bidi marks and controls, word joiner, variation
# selectors, BOM ...; U+180E). BMP only: no astral escape is read alike by all three engines.
URL_FORBIDDEN = (
    r"\x00-\x20\x7f-\x9f\u00a0\u00ad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f"
    r"\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
)
URL_PATTERN = rf"^https?://[^{URL_FORBIDDEN}]+$"

HttpUrl = Annotated[
    str,
    StringConstraints(max_length=2048, pattern=URL_PATTERN),
]
"""An absolute http(s) URL, kept as text so it round-trips byte for byte: no whitespace,
control or invisible character (``URL_FORBIDDEN``), the same in every regex engine."""

Flag = StrictBool
"""A JSON boolean; ``"true"`` or ``1`` are refused, as a JS peer would never send them."""

Volume = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
"""An audio volume, 0 (silent) to 1 (full)."""

PopupKind = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{0,63}$")]
"""A studio's name for a kind of popup, in upper snake case (``INSUFFICIENT_FUNDS``)."""
