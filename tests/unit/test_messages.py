"""Every catalog message both ways: wire example -> typed -> exact wire form."""

from __future__ import annotations

import importlib
import inspect
import json
from typing import Any

import pytest

from bridge import dump, dump_json, parse
from bridge.core import messages as m
from bridge.core.errors import SchemaViolation, WrongDirection
from bridge.core.messages import Direction

ALL = m.ALL_MESSAGES


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.type_name())
def test_example_round_trips_exactly(cls: type[m.Message]) -> None:
    message = parse(cls.example)
    assert type(message) is cls
    assert dump(message) == cls.example
    # and through JSON text, as it travels on a MessagePort
    assert dump(parse(dump_json(message))) == cls.example


@pytest.mark.parametrize("cls", m.LOBBY_TO_GAME, ids=lambda c: c.type_name())
def test_lobby_messages_parse_only_towards_the_game(cls: type[m.Message]) -> None:
    assert type(parse(cls.example, direction=Direction.LOBBY_TO_GAME)) is cls
    with pytest.raises(WrongDirection):
        parse(cls.example, direction=Direction.GAME_TO_LOBBY)


@pytest.mark.parametrize("cls", m.GAME_TO_LOBBY, ids=lambda c: c.type_name())
def test_game_messages_parse_only_towards_the_lobby(cls: type[m.Message]) -> None:
    assert type(parse(cls.example, direction=Direction.GAME_TO_LOBBY)) is cls
    with pytest.raises(WrongDirection):
        parse(cls.example, direction=Direction.LOBBY_TO_GAME)


def test_catalog_covers_every_appendix_a_message() -> None:
    appendix_a = {c.type_name() for c in ALL if c.family is m.Family.APPENDIX_A}
    assert appendix_a == {
        # lobby -> game
        "spin", "stop", "clearCookies", "stopAutoplay", "reload", "pause", "resume",
        "stakeUp", "stakeDown", "turbo", "setAudio", "updateBalance", "showHelp",
        # game -> lobby
        "onAppFrameReady", "gameDataLoaded", "gameReady", "roundStarted", "roundEnded",
        "balance", "audioToggle", "cashier",
    }  # fmt: skip


def test_every_reply_names_a_message_travelling_back() -> None:
    for cls in ALL:
        if cls.reply is not None:
            reply = m.BY_TYPE[cls.reply]
            assert reply.direction is not cls.direction


def test_no_data_messages_send_bare_type() -> None:
    assert dump(m.Spin()) == {"type": "spin"}
    assert json.loads(dump_json(m.RoundEnded())) == {"type": "roundEnded"}


def test_plain_peer_forms_with_null_data_are_accepted() -> None:
    assert parse({"type": "gameReady", "data": None}) == m.GameReady()


RC: dict[str, Any] = dict(m.RealityCheck.example["data"])  # type: ignore[call-overload]


def rc(**changes: Any) -> dict[str, Any]:
    return {"type": "realityCheck", "data": {**RC, **changes}}


BAD: list[tuple[dict[str, Any], str]] = [
    ({"type": "turbo", "data": "true"}, "data"),
    ({"type": "turbo", "data": 1}, "data"),
    ({"type": "turbo"}, "data"),
    ({"type": "roundStarted", "data": -1}, "data"),
    ({"type": "roundStarted", "data": "12.50"}, "data"),
    ({"type": "roundStarted", "data": 1e300}, "data"),
    ({"type": "balance", "data": True}, "data"),
    ({"type": "spin", "data": {"x": 1}}, "data"),
    ({"type": "spin", "extra": 1}, "extra"),
    ({"type": "loadProgress", "data": {"percent": 101}}, "percent"),
    ({"type": "error", "data": {"code": "oops", "message": "x", "fatal": True}}, "code"),
    ({"type": "error", "data": {"code": "network", "message": "x" * 3000, "fatal": 1}}, "message"),
    ({"type": "realityCheckAnswer", "data": {"choice": "maybe"}}, "choice"),
    (rc(currency="EUD"), "currency"),
    (rc(currency="eur"), "currency"),
    (rc(totalStaked=-5), "totalStaked"),
    (rc(elapsedSeconds=float("inf")), "elapsedSeconds"),
    (rc(historyUrl="javascript:alert(1)"), "historyUrl"),
    ({"type": "realityCheck", "data": {"__proto__": {"polluted": True}}}, "data"),
    ({"type": "playerActivity", "data": {"constructor": "x"}}, "constructor"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "where"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_invalid_data_is_a_schema_violation_naming_the_field(
    value: dict[str, Any], where: str
) -> None:
    with pytest.raises(SchemaViolation) as info:
        parse(value)
    assert info.value.reason.value == "schema"
    assert where in str(info.value)


def test_money_fields_accept_integers_and_decimals() -> None:
    msg = parse({"type": "roundStarted", "data": 12})
    assert isinstance(msg, m.RoundStarted) and msg.data == 12.0
    check = m.RealityCheck.model_validate(m.RealityCheck.example)
    assert check.data.net_result == -24.5 and check.data.currency == "EUR"


CATALOG_MODULES = (
    "control_messages",
    "game_messages",
    "lobby_messages",
    "operator_messages",
    "studio_messages",
    "message_model",
    "fields",
)


@pytest.mark.parametrize("name", CATALOG_MODULES)
def test_catalog_modules_keep_annotations_unquoted(name: str) -> None:
    # With `from __future__ import annotations` every field annotation is a string that
    # pydantic evaluates (compiles) when the class is made, 81 models on the JS-API boot's
    # path: ≈ 50 ms of `import bridge.browser.engine` under Pyodide (docs/performance.md, #19).
    module = importlib.import_module(f"bridge.core.{name}")
    quoted = [
        f"{cls.__name__}.{field}"
        for cls in vars(module).values()
        if isinstance(cls, type) and cls.__module__ == module.__name__
        for field, hint in inspect.get_annotations(cls).items()
        if isinstance(hint, str)
    ]
    assert quoted == []
