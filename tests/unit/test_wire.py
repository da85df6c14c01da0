"""``parse`` turns any value into a message or a typed RemoteProtocolError, never anything else."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from bridge import build, parse
from bridge.core import messages as m
from bridge.core.errors import (
    InvalidOutboundMessage,
    MalformedMessage,
    OversizeValue,
    RemoteProtocolError,
    UnknownMessageType,
)
from bridge.core.limits import Limits, check_value, decode_text
from bridge.core.wire import dump, dump_json


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (None, MalformedMessage),
        (42, MalformedMessage),
        ([{"type": "spin"}], MalformedMessage),
        ("spin", MalformedMessage),
        ('{"type": "spin"', MalformedMessage),
        ("NaN", MalformedMessage),
        ('{"type": "roundStarted", "data": Infinity}', MalformedMessage),
        (b"\xff\xfe", MalformedMessage),
        ({}, MalformedMessage),
        ({"type": 5}, MalformedMessage),
        ({"type": "fly"}, UnknownMessageType),
        ({"type": "x" * 100_000}, OversizeValue),
        ({"type": "spin", "data": nested(10_000)}, OversizeValue),
        ("[" * 10_000 + "]" * 10_000, OversizeValue),
        ("x" * 10_000_000, OversizeValue),
        ({"type": "spin", "data": {str(i): i for i in range(10_000)}}, OversizeValue),
        ({"type": "spin", "data": object()}, MalformedMessage),
        ({1: "spin"}, MalformedMessage),
        ({"type": "roundStarted", "data": math.nan}, RemoteProtocolError),
    ],
    ids=lambda v: type(v).__name__,
)
def test_bad_values_raise_typed_errors(value: object, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        parse(value)
    assert isinstance(info.value, RemoteProtocolError)
    assert info.value.code == info.value.reason.value


def test_unknown_type_is_reported_with_its_name() -> None:
    with pytest.raises(UnknownMessageType) as info:
        parse({"type": "jackpotWon", "data": 1})
    assert info.value.type_name == "jackpotWon"
    assert info.value.reason.value == "unknown_type"


def test_limits_are_configurable() -> None:
    tight = Limits(max_text=10)
    with pytest.raises(OversizeValue):
        decode_text('{"type":"spin"}', tight)
    check_value({"a": [1, 2, 3]}, Limits(max_nodes=5))
    with pytest.raises(OversizeValue):
        check_value({"a": [1, 2, 3, 4, 5]}, Limits(max_nodes=5))


def test_build_makes_messages_from_plain_data_and_blames_the_caller() -> None:
    assert build("turbo", True).data is True
    assert build("spin").type == "spin"
    with pytest.raises(InvalidOutboundMessage):
        build("turbo", "yes")
    with pytest.raises(InvalidOutboundMessage):
        build("warp")


@pytest.mark.parametrize("cls", m.ALL_MESSAGES)
def test_dump_json_is_the_wire_object(cls: type[m.Message]) -> None:
    message = cls.model_validate(cls.example)
    assert json.loads(dump_json(message)) == dump(message)
    assert dump_json(message).endswith("}")
