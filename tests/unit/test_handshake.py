"""bridge.core.handshake: hello, welcome, ready; what each end checks."""

from __future__ import annotations

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig, State
from bridge.core.effects import (
    Inbound,
    Mode,
    Rejected,
)
from bridge.core.messages import PROTOCOL_VERSIONS, Role

from .fakes import (
    GAME_ORIGIN,
    LOBBY_ORIGIN,
    Loopback,
    reasons,
)


def test_handshake_upgrades_to_a_port_and_carries_traffic_both_ways() -> None:
    net = Loopback()
    net.connect()
    for side in (net.lobby, net.game):
        assert side.channel.state is State.CONNECTED
        assert side.channel.mode is Mode.BRIDGE
        assert side.port is not None
    assert net.lobby.channel.version == max(PROTOCOL_VERSIONS) == 2
    net.apply(net.game, net.game.channel.send(m.GameReady()))
    net.apply(net.lobby, net.lobby.channel.send(m.Turbo(data=True)))
    net.run()
    assert net.lobby.types == ["gameReady"]
    assert net.game.delivered == [m.Turbo(data=True)]
    # after the handshake, application traffic never touches the window
    assert {p["type"] for p in net.game.window_posts} == {"hiziBridge.hello"}
    assert net.lobby.channel.stats.handshakes == 1


def test_welcome_for_another_session_is_refused() -> None:
    net = Loopback()
    net.start()
    stale = {
        "type": "hiziBridge.welcome",
        "data": {"protocol": "hizi-bridge", "version": 1, "session": "someone-else"},
    }
    net.inject(net.game, Inbound(stale, LOBBY_ORIGIN, from_peer=True, has_port=True))
    assert reasons(net.game.rejected) == ["malformed"]
    assert net.game.channel.state is State.HANDSHAKING


def test_no_common_version_leaves_the_lobby_waiting() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN))
    lobby.start()
    hello = dict(m.Hello.example)
    hello["data"] = {**m.Hello.example["data"], "versions": [7]}  # type: ignore[dict-item]
    effects = lobby.receive(Inbound(hello, GAME_ORIGIN, from_peer=True))
    assert [type(e) for e in effects] == [Rejected]
    assert "no common protocol version" in str(effects[0].error)  # type: ignore[union-attr]
    assert lobby.state is State.HANDSHAKING


def test_a_lobby_picks_the_highest_common_version_and_a_game_does_not_pick() -> None:
    from bridge.core import handshake
    from bridge.core.errors import MalformedMessage, SchemaViolation

    lobby = ChannelConfig(Role.LOBBY, GAME_ORIGIN, versions=(1, 2))
    game = ChannelConfig(Role.GAME, LOBBY_ORIGIN, versions=(1, 2))
    hello = handshake.hello(game, "g-1").data
    assert handshake.check_hello(hello, lobby) == 2
    assert handshake.check_hello(handshake.hello(lobby, "l-1").data, game) == 0
    with pytest.raises(MalformedMessage, match="hello from a game"):
        handshake.check_hello(hello, game)
    old = handshake.hello(ChannelConfig(Role.GAME, LOBBY_ORIGIN, versions=(7,)), "g-2").data
    with pytest.raises(SchemaViolation, match="no common protocol version"):
        handshake.check_hello(old, lobby)
    assert handshake.bye("x" * 300).data.reason == "x" * 200
