"""Exact conversion between a currency's minor unit (integers, as studios keep money) and
the major unit the catalog carries (JSON numbers, what a player sees).

The exponent comes from ISO 4217 (``currencies.MINOR_UNITS``); the arithmetic is decimal,
never binary floating point: 999620 EUR minor units are ``Decimal("9996.20")``, delivered
as the float whose shortest form is exactly that amount, ``9996.2``. Nothing is rounded:
an amount that has no exact form on the other side is refused.

* ``to_major`` (inbound, a studio's figure): a non-integer, a negative number or one above
  ``fields.MAX_AMOUNT`` once converted raises ``SchemaViolation`` (the bridge drops and
  counts the message under ``rejected.schema``).
* ``to_minor`` (outbound, our figure): an amount with more decimals than the currency has
  (``0.005`` EUR, ``1.5`` JPY) raises ``InvalidOutboundMessage``; nothing is sent.
"""

from __future__ import annotations

from decimal import Decimal

from .currencies import ISO_4217, MINOR_UNITS, NO_MINOR_UNIT
from .errors import InvalidConfig, InvalidOutboundMessage, SchemaViolation
from .fields import MAX_AMOUNT

_SAFE_INTEGER = 2**53  # above it a JavaScript number is no longer an exact integer


def exponent(currency: object) -> int:
    """The ISO 4217 exponent of ``currency``; ``InvalidConfig`` if it has none."""
    if not isinstance(currency, str) or currency not in ISO_4217:
        raise InvalidConfig(
            f"currency {currency!r}"[:80] + " is not an active ISO 4217 code (e.g. 'EUR')"
        )
    if currency in NO_MINOR_UNIT:
        raise InvalidConfig(f"currency {currency} has no minor unit (ISO 4217: N.A.)")
    return MINOR_UNITS[currency]


def to_major(minor: object, currency: str, *, field: str) -> float:
    """``minor`` (an integer count of the currency's minor unit) in the major unit.

    ``field`` names the figure in the error (``"data.balance"``). A JavaScript number that
    is a whole number (``999620.0`` after a round trip through a double) counts as an
    integer; ``true`` / ``false`` do not.
    """
    if isinstance(minor, bool) or not isinstance(minor, int | float):
        raise SchemaViolation(f"{field}: an integer amount in minor units, not {minor!r}"[:200])
    if isinstance(minor, float) and not minor.is_integer():
        raise SchemaViolation(
            f"{field}: {minor!r} is not a whole number of {currency} minor units "
            "(refused, never rounded)"[:200]
        )
    if isinstance(minor, float) and abs(minor) > _SAFE_INTEGER:
        raise SchemaViolation(
            f"{field}: {minor!r} minor units is beyond 2**53, where a JSON number stops being "
            "an exact integer (refused, never rounded)"[:200]
        )
    count = int(minor)
    if count < 0:
        raise SchemaViolation(f"{field}: a negative amount ({count})")
    amount = Decimal(count).scaleb(-exponent(currency))
    if amount > Decimal(MAX_AMOUNT):
        raise SchemaViolation(f"{field}: {amount} {currency} is above the bound {MAX_AMOUNT:g}")
    major = float(amount)
    if Decimal(repr(major)) != amount:  # more digits than a double holds exactly
        raise SchemaViolation(f"{field}: {amount} {currency} has no exact JSON number form")
    return major


def to_minor(major: float, currency: str, *, field: str) -> int:
    """``major`` (a catalog amount, as validated) as an integer count of minor units.

    The amount is read as the shortest decimal of the float (``repr``: ``9996.2``), the
    one a player saw; it must be a whole number of minor units.
    """
    amount = Decimal(repr(float(major))).scaleb(exponent(currency))
    if amount != amount.to_integral_value():
        digits = MINOR_UNITS[currency]
        raise InvalidOutboundMessage(
            f"{field}: {major!r} {currency} is not a whole number of minor units "
            f"({digits} decimal{'s' if digits != 1 else ''}); nothing was sent"
        )
    return int(amount)
