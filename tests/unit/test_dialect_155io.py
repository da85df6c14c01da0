"""155.io Iframe Events: the envelope, every mapping both ways, refusals, ASSUMED events."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig
from bridge.core.dialects import Io155, dialect_data, make_dialect, not_given
from bridge.core.dialects.io155 import ASSUMED, MAPPING
from bridge.core.effects import Deliver, Inbound, Post, Rejected
from bridge.core.errors import (
    MalformedMessage,
    SchemaViolation,
    UnknownMessageType,
    UnsupportedInDialect,
    WrongDirection,
)
from bridge.core.messages import Direction, Role

LOBBY = "https://casino.example.com"
GAME = "https://widget.155.example"
G2L, L2G = Direction.GAME_TO_LOBBY, Direction.LOBBY_TO_GAME
NOW = 1_760_000_000_000.0


def envelope(
    source: str, type_: str, payload: dict[str, Any] | None = None, **more: Any
) -> dict[str, Any]:
    return {
        "source": source,
        "type": type_,
        "version": 1,
        "payload": payload or {},
        "timestamp": NOW,
        **more,
    }


def game_says(type_: str, payload: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    return envelope("marbles-game-widget", type_, payload, **more)


def lobby_says(type_: str, payload: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    return envelope("marbles-operator", type_, payload, **more)


def dialect(role: Role) -> Io155:
    made = make_dialect("155io", role, now=lambda: NOW)
    assert isinstance(made, Io155)
    return made


def same(got: m.Message, want: m.Message) -> bool:
    return type(got) is type(want) and got.model_dump() == want.model_dump()


COMMANDS: list[tuple[m.Message, str, dict[str, Any]]] = [
    (m.UpdateBalance(), "refresh-balance", {}),
    (m.SetAudio(data=False), "mute-audio", {"muted": True}),
    (m.SetAudio(data=True), "mute-audio", {"muted": False}),
    (m.SetVolume(data=m.SetVolumeData(volume=0.25)), "set-audio-volume", {"volume": 0.25}),
    (m.ShowHistory(), "open-game-history", {}),
    (m.ClosePanels(), "close-panels", {}),
]

EVENTS: list[tuple[m.Message, str, dict[str, Any]]] = [
    (m.RoundStarted(data=99.5), "bet-placed", {"balance": 99.5}),
    (not_given(m.RoundStarted), "bet-placed", {}),
    (m.Cashier(), "balance-insufficient", {}),
    (
        m.RoundEnded(data=m.RoundEndedData(win=2.5, balance=102.0)),
        "round-ended",
        {"win": 2.5, "balance": 102.0},
    ),
    (m.RoundEnded(), "round-ended", {}),
    (m.Balance(data=102.0), "balance-updated", {"balance": 102.0}),
]


@pytest.mark.parametrize(("message", "name", "payload"), COMMANDS)
def test_every_documented_command_maps_both_ways(
    message: m.Message, name: str, payload: dict[str, Any]
) -> None:
    wire = lobby_says(name, payload)
    assert dialect(Role.LOBBY).encode(message) == wire
    got = dialect(Role.GAME).decode(wire, L2G)
    assert same(got, message)
    assert dialect_data(got) == {"dialect": "155io", "timestamp": NOW}


@pytest.mark.parametrize(("message", "name", "payload"), EVENTS)
def test_every_assumed_event_maps_both_ways(
    message: m.Message, name: str, payload: dict[str, Any]
) -> None:
    wire = game_says(name, payload)
    assert dialect(Role.GAME).encode(message) == wire
    assert same(dialect(Role.LOBBY).decode(wire, G2L), message)


def test_the_docs_mark_every_event_as_assumed_and_no_command() -> None:
    events = {e[1] for e in EVENTS}
    assert {row[1] for row in MAPPING if row[3] == ASSUMED} == events
    assert {row[1] for row in MAPPING if not row[3]} == {c[1] for c in COMMANDS}


def test_request_id_and_integer_numbers_are_accepted() -> None:
    wire = lobby_says("set-audio-volume", {"volume": 1}, requestId="r-1")
    got = dialect(Role.GAME).decode(wire, L2G)
    assert got.data == m.SetVolumeData(volume=1.0)
    assert dialect_data(got) == {"dialect": "155io", "timestamp": NOW, "requestId": "r-1"}
    assert dialect(Role.LOBBY).decode(game_says("balance-updated", {"balance": 7}), G2L).data == 7.0


@pytest.mark.parametrize(
    ("wire", "error", "match"),
    [
        (lobby_says("refresh-balance"), WrongDirection, "other way"),
        ({**game_says("balance-insufficient"), "version": 2}, SchemaViolation, "version"),
        ({**game_says("balance-insufficient"), "source": "someone"}, SchemaViolation, "source"),
        ({**game_says("balance-insufficient"), "timestamp": -1}, SchemaViolation, "timestamp"),
        ({**game_says("balance-insufficient"), "extra": 1}, SchemaViolation, "extra"),
        (
            {k: v for k, v in game_says("cashier").items() if k != "payload"},
            SchemaViolation,
            "payload",
        ),
        (game_says("balance-updated", {"balance": -1}), SchemaViolation, "balance"),
        (game_says("balance-updated", {"balance": 2e12}), SchemaViolation, "balance"),
        (game_says("balance-updated", {"balance": "1"}), SchemaViolation, "balance"),
        (game_says("balance-updated", {}), SchemaViolation, "balance"),
        (game_says("round-ended", {"win": 1, "stake": 1}), SchemaViolation, "stake"),
        (game_says("balance-insufficient", {"why": "x"}), SchemaViolation, "why"),
        (game_says("get-state"), UnknownMessageType, "get-state"),
        ({"type": "refresh-balance"}, MalformedMessage, "source"),
        ("refresh-balance", MalformedMessage, "source"),
    ],
)
def test_the_lobby_refuses_what_155io_does_not_say(
    wire: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        dialect(Role.LOBBY).decode(wire, G2L)


def test_the_game_refuses_bad_commands() -> None:
    game = dialect(Role.GAME)
    with pytest.raises(SchemaViolation, match="volume"):
        game.decode(lobby_says("set-audio-volume", {"volume": 1.5}), L2G)
    with pytest.raises(SchemaViolation, match="muted"):
        game.decode(lobby_says("mute-audio", {"muted": 1}), L2G)
    with pytest.raises(UnknownMessageType):
        game.decode(lobby_says("get-state"), L2G)  # its answer is not in the stored docs
    with pytest.raises(WrongDirection):
        game.decode(game_says("bet-placed"), L2G)


@pytest.mark.parametrize(
    "message",
    [
        m.Spin(),
        m.Turbo(data=True),
        m.ShowHelp(),
        m.RealityCheck.model_validate(m.RealityCheck.example),
    ],
)
def test_lobby_messages_without_a_155io_form_are_unsupported(message: m.Message) -> None:
    with pytest.raises(UnsupportedInDialect, match="155io"):
        dialect(Role.LOBBY).encode(message)


@pytest.mark.parametrize(
    "message",
    [
        m.GameReady(),
        m.AudioToggle(data=True),
        m.RoundEnded(data=m.RoundEndedData(stake=1.0, win=0.0)),
    ],
)
def test_game_messages_without_a_155io_form_are_unsupported(message: m.Message) -> None:
    with pytest.raises(UnsupportedInDialect, match="155io"):
        dialect(Role.GAME).encode(message)


def test_a_pair_of_channels_speaks_155io_to_exact_origins() -> None:
    config = {"dialect": "155io", "dialect_options": {"now": lambda: NOW}}
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME, **config))  # type: ignore[arg-type]
    game = Channel(ChannelConfig(Role.GAME, LOBBY, **config))  # type: ignore[arg-type]
    lobby.start()
    game.start()
    (post,) = game.send(m.Balance(data=12.5))
    assert isinstance(post, Post) and post.target_origin == LOBBY
    got = [
        e
        for e in lobby.receive(Inbound(json.loads(post.text), GAME, from_peer=True))
        if isinstance(e, Deliver)
    ]
    assert [(d.message.type, d.message.data) for d in got] == [("balance", 12.5)]
    stranger = lobby.receive(Inbound(json.loads(post.text), "https://evil.example", from_peer=True))
    assert [e.error.reason.value for e in stranger if isinstance(e, Rejected)] == ["origin"]
    (cmd,) = lobby.send(m.SetVolume(data=m.SetVolumeData(volume=0.5)))
    assert isinstance(cmd, Post) and cmd.target_origin == GAME
    assert json.loads(cmd.text)["source"] == "marbles-operator"
