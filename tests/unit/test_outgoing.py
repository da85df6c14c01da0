"""bridge.core.outgoing: ids, the queue, the dialect's hold, and nothing sent half-repaired."""

from __future__ import annotations

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig, State
from bridge.core.errors import (
    InvalidOutboundMessage,
)
from bridge.core.messages import Role
from bridge.core.wire import build

from .fakes import (
    GAME_ORIGIN,
    Loopback,
    connected_bridge,
)


def test_a_lone_surrogate_is_refused_naming_the_field_and_nothing_is_sent() -> None:
    net = connected_bridge()
    game = net.game.channel
    with pytest.raises(InvalidOutboundMessage, match=r"data\.action"):
        build("playerActivity", {"action": "x\ud800"})
    sneaky = m.PlayerActivity.model_construct(
        data=m.PlayerActivityData.model_construct(action="x\ud800")
    )
    next_id = game.next_message_id
    with pytest.raises(InvalidOutboundMessage, match=r"playerActivity\.data\.action") as info:
        game.send(sneaky)
    assert "lone surrogate" in str(info.value)
    assert game.next_message_id == next_id and game.stats.queued == 0  # nothing changed


def test_a_close_reason_that_is_not_unicode_is_refused_and_nothing_changes() -> None:
    net = connected_bridge()
    with pytest.raises(InvalidOutboundMessage, match="close reason"):
        net.lobby.channel.close("bye \udc00")
    assert net.lobby.channel.state is State.CONNECTED
    plain = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN))  # compat / idle too
    with pytest.raises(InvalidOutboundMessage):
        plain.close("\ud800")


def test_messages_sent_before_the_handshake_are_queued_and_flushed_in_order() -> None:
    net = Loopback()
    for balance in (10.0, 9.0, 8.0):
        net.apply(net.game, net.game.channel.send(m.Balance(data=balance)))
    net.apply(net.lobby, net.lobby.channel.send(m.Pause()))
    assert net.game.channel.stats.queued == 3
    net.connect()
    assert [x.data for x in net.lobby.delivered] == [10.0, 9.0, 8.0]
    assert net.game.types == ["pause"]
    assert net.game.channel.stats.queued == 0


def test_a_message_the_dialect_cannot_express_fails_when_flushed_not_lost() -> None:
    from bridge.core.dialects import make_dialect
    from bridge.core.effects import SendFailed
    from bridge.core.errors import UnsupportedInDialect
    from bridge.core.outgoing import Outgoing, Queued, encode
    from bridge.core.requests import Requests
    from bridge.core.stats import Stats

    dialect = make_dialect("gamesglobal", Role.LOBBY)
    stats = Stats()
    requests = Requests(stats)
    out = Outgoing(dialect, stats, requests)
    message = m.RealityCheck.model_validate(m.RealityCheck.example)
    try:
        dialect.encode(message)
    except UnsupportedInDialect:
        pass
    else:
        pytest.skip("gamesglobal learned to carry a reality check")
    msg_id = out.take_id()
    requests.add(msg_id, "realityCheckAnswer", None, None)
    out.queue(Queued(message, msg_id, None, encode(message)))
    assert stats.queued == 1 and out.queued_ids() == {msg_id}
    effects = out.flush("https://games.example", on_port=False)
    assert [type(e).__name__ for e in effects] == ["SendFailed", "RequestFailed"]
    assert isinstance(effects[0], SendFailed) and stats.queued == 0 and len(requests) == 0
    assert out.next_id == msg_id + 1
