"""Dialects: documented wire examples through decode -> typed -> encode; the GamesGlobal gate."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig, State
from bridge.core.dialects import GamesGlobal, make_dialect
from bridge.core.effects import Deliver, Inbound, Mode, Post, Rejected
from bridge.core.errors import (
    MalformedMessage,
    PrematureMessage,
    SchemaViolation,
    UnknownMessageType,
    UnsupportedInDialect,
)
from bridge.core.journal import entry_for
from bridge.core.messages import Direction, Role

LOBBY = "https://casino.example.com"
GAME = "https://games.hizi.example"
G2L = Direction.GAME_TO_LOBBY


def envelope(name: str, **changes: Any) -> dict[str, Any]:
    """The Bridge API format as the docs show it."""
    value = {
        "Id": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "Name": name,
        "Body": None,
        "Type": "NOTIFICATION",
        "Origin": "embeddedgame",
        "SenderId": "game-frame",
    }
    value.update(changes)
    return value


def ids() -> Any:
    counter = itertools.count(1)
    return lambda: f"id-{next(counter)}"


# The three documented messages, in both documented casings.
VECTORS = [
    ("BRIDGE_API_READY", m.GameReady),
    ("bridge_api_ready", m.GameReady),
    ("PLAYER_ACTIVITY", m.PlayerActivity),
    ("player_activity", m.PlayerActivity),
    ("CLOSE_APPLICATION", m.CloseRequest),
    ("close_application", m.CloseRequest),
]


@pytest.mark.parametrize(("name", "cls"), VECTORS)
def test_documented_messages_decode_and_encode_back(name: str, cls: type[m.Message]) -> None:
    lobby = GamesGlobal(Role.LOBBY)
    lobby.ready = True
    message = lobby.decode(envelope(name), G2L)
    assert type(message) is cls
    game = GamesGlobal(Role.GAME, sender_id="game-frame", new_id=lambda: "fixed")
    wire = game.encode(message)
    assert wire == envelope(name.lower(), Id="fixed")
    assert type(lobby.decode(wire, G2L)) is cls


def test_upper_case_names_on_request() -> None:
    game = GamesGlobal(Role.GAME, name_case="upper")
    assert game.encode(m.GameReady())["Name"] == "BRIDGE_API_READY"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (envelope("BRIDGE_API_READY", Origin="casino"), SchemaViolation),
        (envelope("BRIDGE_API_READY", Type="REQUEST"), SchemaViolation),
        (envelope("BRIDGE_API_READY", Extra=1), SchemaViolation),
        (envelope("BRIDGE_API_READY", Body="x"), SchemaViolation),
        (envelope("JACKPOT"), UnknownMessageType),
        ({"type": "gameReady"}, MalformedMessage),
    ],
)
def test_bad_envelopes_are_typed_rejections(value: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        GamesGlobal(Role.LOBBY).decode(value, G2L)


def test_unsupported_messages_say_so() -> None:
    game = GamesGlobal(Role.GAME)
    with pytest.raises(UnsupportedInDialect, match="roundStarted"):
        game.encode(m.RoundStarted(data=5))
    with pytest.raises(UnknownMessageType):
        GamesGlobal(Role.GAME).decode({"Name": "x"}, Direction.LOBBY_TO_GAME)


def test_lobby_refuses_game_messages_before_ready() -> None:
    lobby = GamesGlobal(Role.LOBBY)
    with pytest.raises(PrematureMessage):
        lobby.decode(envelope("PLAYER_ACTIVITY"), G2L)


def test_make_dialect_knows_every_name() -> None:
    assert make_dialect("appendix_a", Role.GAME).name == "appendix_a"
    assert make_dialect("gamesglobal", Role.GAME).name == "gamesglobal"
    with pytest.raises(ValueError, match="unknown dialect"):
        make_dialect("fireball", Role.GAME)


# ---------------------------------------------------------------- through the channel


def gg_channel(role: Role) -> Channel:
    peer = LOBBY if role is Role.GAME else GAME
    options = {"sender_id": "game-frame", "new_id": ids()}
    return Channel(ChannelConfig(role, peer, dialect="gamesglobal", dialect_options=options))


def posted(effects: list[Any]) -> list[dict[str, Any]]:
    return [json.loads(e.text) for e in effects if isinstance(e, Post)]


def test_game_holds_everything_until_bridge_api_ready() -> None:
    game = gg_channel(Role.GAME)
    effects = game.start()
    assert game.state is State.CONNECTED and game.mode is Mode.COMPAT
    assert posted(effects) == []  # no hizi-bridge hello to a GamesGlobal lobby
    assert game.send(m.PlayerActivity()) == []
    assert game.send(m.CloseRequest()) == []
    names = [w["Name"] for w in posted(game.send(m.GameReady()))]
    assert names == ["bridge_api_ready", "player_activity", "close_application"]
    with pytest.raises(UnsupportedInDialect):
        game.send(m.RoundStarted(data=1))


def test_gamesglobal_pair_plays_through_a_lobby_emulating_the_aggregator() -> None:
    game, lobby = gg_channel(Role.GAME), gg_channel(Role.LOBBY)
    game.start()
    lobby.start()
    early = lobby.receive(Inbound(envelope("PLAYER_ACTIVITY"), GAME, from_peer=True))
    assert isinstance(early[0], Rejected) and early[0].error.reason.value == "premature"
    delivered = []
    for out in [*game.send(m.GameReady()), *game.send(m.PlayerActivity())]:
        wire = json.loads(out.text)  # type: ignore[union-attr]
        for effect in lobby.receive(Inbound(wire, GAME, from_peer=True)):
            if isinstance(effect, Deliver):
                delivered.append(effect)
    assert [d.message.type for d in delivered] == ["gameReady", "playerActivity"]
    # the journal shows the aggregator's wire form beside the typed message
    line = entry_for(delivered[0], 0.0)
    assert line is not None and line.payload == {"type": "gameReady"}
    assert line.wire["Name"] == "bridge_api_ready"
    assert lobby.stats.to_dict()["rejected"]["premature"] == 1  # type: ignore[index]


def test_a_dialect_never_weakens_origin_or_source_checks() -> None:
    lobby = gg_channel(Role.LOBBY)
    lobby.start()
    wrong_origin = lobby.receive(Inbound(envelope("BRIDGE_API_READY"), "https://evil.example"))
    wrong_source = lobby.receive(Inbound(envelope("BRIDGE_API_READY"), GAME, from_peer=False))
    assert [e.error.reason.value for e in wrong_origin + wrong_source] == ["origin", "source"]  # type: ignore[union-attr]


def test_appendix_a_journal_has_no_separate_wire_form() -> None:
    game = Channel(ChannelConfig(Role.GAME, LOBBY, handshake_timeout_ms=0))
    game.start()
    game.poll()
    (post,) = game.send(m.GameReady())
    line = entry_for(post, 0.0)
    assert line is not None and line.wire is None and line.payload == {"type": "gameReady"}
