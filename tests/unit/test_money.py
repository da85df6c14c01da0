"""ISO 4217 exponents and the exact minor <-> major conversions, refusals included."""

from __future__ import annotations

import json

import pytest

from bridge.core.currencies import ISO_4217, MINOR_UNITS, NO_MINOR_UNIT
from bridge.core.errors import InvalidConfig, InvalidOutboundMessage, SchemaViolation
from bridge.core.money import exponent, to_major, to_minor


def test_exponents_follow_iso_4217() -> None:
    assert (exponent("EUR"), exponent("JPY"), exponent("BHD"), exponent("CLF")) == (2, 0, 3, 4)
    assert exponent("KRW") == 0 and exponent("KWD") == 3 and exponent("USD") == 2
    assert set(MINOR_UNITS) == ISO_4217 - NO_MINOR_UNIT
    with pytest.raises(InvalidConfig, match="no minor unit"):
        exponent("XAU")
    with pytest.raises(InvalidConfig, match="ISO 4217"):
        exponent("EUD")


@pytest.mark.parametrize(
    ("minor", "currency", "major", "text"),
    [
        (999620, "EUR", 9996.2, "9996.2"),  # RubyPlay's example balance
        (999620, "JPY", 999620.0, "999620.0"),
        (999620, "BHD", 999.62, "999.62"),
        (1, "EUR", 0.01, "0.01"),
        (7, "BHD", 0.007, "0.007"),
        (0, "EUR", 0.0, "0.0"),
        (10, "EUR", 0.1, "0.1"),
        (100_000_000_000_000, "EUR", 1e12, "1000000000000.0"),  # the catalog's bound
        (999620.0, "EUR", 9996.2, "9996.2"),  # a whole JS double is an integer
    ],
)
def test_minor_to_major_is_the_shortest_exact_decimal(
    minor: int, currency: str, major: float, text: str
) -> None:
    value = to_major(minor, currency, field="data.balance")
    assert value == major and json.dumps(value) == text
    assert to_minor(value, currency, field="data") == int(minor)  # and back, exactly


@pytest.mark.parametrize(
    ("minor", "match"),
    [
        (0.5, "not a whole number"),
        (999620.5, "not a whole number"),
        (float("nan"), "not a whole number"),
        (float("inf"), "not a whole number"),
        (2.0**60, r"beyond 2\*\*53"),  # whole, but beyond JS's exact integers
        (-1, "negative"),
        (100_000_000_000_001, "above the bound"),
        ("999620", "integer amount"),
        (True, "integer amount"),
        (None, "integer amount"),
    ],
)
def test_inbound_amounts_are_refused_never_rounded(minor: object, match: str) -> None:
    with pytest.raises(SchemaViolation, match=match) as caught:
        to_major(minor, "EUR", field="data.balance")
    assert caught.value.reason.value == "schema" and "data.balance" in str(caught.value)


@pytest.mark.parametrize(
    ("major", "currency"), [(0.005, "EUR"), (1.5, "JPY"), (0.0001, "BHD"), (0.1 + 0.2, "EUR")]
)
def test_outbound_amounts_finer_than_the_minor_unit_are_refused(
    major: float, currency: str
) -> None:
    with pytest.raises(InvalidOutboundMessage, match="not a whole number of minor units"):
        to_minor(major, currency, field="data")


def test_outbound_major_amounts_convert_exactly() -> None:
    assert to_minor(9996.2, "EUR", field="d") == 999620  # 9996.2 * 100 is 999619.9999... in binary
    assert to_minor(0.07, "EUR", field="d") == 7
    assert to_minor(1.005, "BHD", field="d") == 1005
    assert to_minor(5000.0, "JPY", field="d") == 5000
