"""The sans-IO channel: handshake, compatibility mode, queue, requests, timeouts, duplicates."""

from __future__ import annotations

import json

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig, State
from bridge.core.effects import (
    Inbound,
    Mode,
    Post,
    Transport,
)
from bridge.core.errors import (
    ChannelClosedError,
    InvalidOutboundMessage,
    RequestCancelled,
)
from bridge.core.messages import Role

from .fakes import (
    CHECK,
    GAME_ORIGIN,
    LOBBY_ORIGIN,
    Loopback,
    reasons,
)

# ---------------------------------------------------------------- handshake


def test_game_that_loads_after_the_lobby_still_connects() -> None:
    net = Loopback()
    net.game_loaded = False
    net.apply(net.lobby, net.lobby.channel.start())  # lost: the frame is still blank
    net.run()
    net.game_loaded = True
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert net.lobby.channel.mode is Mode.BRIDGE and net.game.channel.mode is Mode.BRIDGE


def test_lobby_waits_for_the_iframe_load_before_its_hello() -> None:
    """No hello into the initial about:blank (Chromium logs a targetOrigin mismatch)."""
    net = Loopback()
    net.game_loaded = False
    assert net.lobby.channel.start(announce=False) == []
    assert net.lobby.channel.state is State.HANDSHAKING
    net.game_loaded = True
    hello = net.lobby.channel.peer_loaded()
    assert [type(e) for e in hello] == [Post]
    assert json.loads(hello[0].text)["type"] == "hiziBridge.hello"  # type: ignore[union-attr]
    net.apply(net.lobby, hello)
    net.run()  # the game's early buffer answered with its own hello
    assert net.lobby.channel.mode is Mode.BRIDGE and net.game.channel.mode is Mode.BRIDGE
    assert net.lobby.channel.state is State.CONNECTED


def test_peer_loaded_before_start_and_after_close_is_silent() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN))
    assert lobby.peer_loaded() == []
    lobby.start(announce=False)
    lobby.close()
    assert lobby.peer_loaded() == []


def test_game_reload_rehandshakes_and_fails_pending_requests() -> None:
    net = Loopback()
    net.connect()
    request_id, effects = net.lobby.channel.request(CHECK)
    net.apply(net.lobby, effects)
    # the iframe reloads before the game answers: a fresh game channel says hello
    net.game.channel = Channel(ChannelConfig(Role.GAME, LOBBY_ORIGIN), clock=net.clock)
    net.game.port = None
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert isinstance(net.lobby.failed[request_id], RequestCancelled)
    assert net.lobby.channel.stats.handshakes == 2
    net.apply(net.game, net.game.channel.send(m.GameReady()))
    net.run()
    assert net.lobby.types == ["gameReady"]


# ---------------------------------------------------------------- compat mode


def test_lobby_falls_back_to_compat_when_a_plain_game_talks() -> None:
    net = Loopback(game_plain=True)
    net.start()
    net.apply(net.lobby, net.lobby.channel.send(m.SetAudio(data=False)))  # queued
    net.inject(net.lobby, Inbound({"type": "onAppFrameReady"}, GAME_ORIGIN, from_peer=True))
    net.inject(
        net.lobby, Inbound({"type": "roundStarted", "data": 99}, GAME_ORIGIN, from_peer=True)
    )
    assert net.lobby.channel.mode is Mode.COMPAT
    assert net.lobby.types == ["onAppFrameReady", "roundStarted"]
    posts = [p for p in net.lobby.window_posts if not p["type"].startswith("hiziBridge.")]
    assert posts == [{"type": "setAudio", "data": False}]  # bare Appendix A, no ids


def test_game_falls_back_to_compat_after_the_handshake_timeout() -> None:
    net = Loopback(lobby_plain=True, game_handshake_timeout_ms=800)
    net.start()
    net.apply(net.game, net.game.channel.send(m.OnAppFrameReady()))
    net.advance(799)
    assert net.game.channel.state is State.HANDSHAKING
    net.advance(1)
    assert net.game.channel.mode is Mode.COMPAT
    sent = [p for p in net.game.window_posts if p.get("type") == "onAppFrameReady"]
    assert sent == [{"type": "onAppFrameReady"}]


def test_compat_game_upgrades_when_a_hizi_lobby_says_hello_late() -> None:
    net = Loopback(game_handshake_timeout_ms=100)
    net.apply(net.game, net.game.channel.start())
    net.in_flight.clear()  # the lobby's Python was not up: the hello is lost
    net.advance(100)
    assert net.game.channel.mode is Mode.COMPAT
    net.apply(net.lobby, net.lobby.channel.start())
    net.run()
    assert net.game.channel.mode is Mode.BRIDGE and net.lobby.channel.mode is Mode.BRIDGE


# ---------------------------------------------------------------- requests


def test_close_fails_pending_requests_and_says_bye() -> None:
    net = Loopback()
    net.connect()
    rid, effects = net.lobby.channel.request(CHECK)
    net.apply(net.lobby, effects)
    net.apply(net.lobby, net.lobby.channel.close("player left"))
    net.run()
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    assert net.game.channel.state is State.HANDSHAKING  # the game saw the bye
    with pytest.raises(ChannelClosedError):
        net.lobby.channel.send(m.Spin())


def test_non_requests_and_wrong_direction_are_local_errors() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN))
    with pytest.raises(InvalidOutboundMessage, match="not a request"):
        lobby.request(m.Spin())
    with pytest.raises(InvalidOutboundMessage, match="cannot send"):
        lobby.send(m.GameReady())
    with pytest.raises(InvalidOutboundMessage):
        lobby.send(m.Hello.model_validate(m.Hello.example))


# ---------------------------------------------------------------- rejections


def test_rejections_are_counted_by_reason_and_never_delivered() -> None:
    net = Loopback()
    net.connect()
    lobby = net.lobby
    good = {"type": "gameReady"}
    cases = [
        Inbound(good, "https://games.hizi.example.evil.net", from_peer=True),
        Inbound(good, GAME_ORIGIN, from_peer=False),
        Inbound("x" * 100_000, via=Transport.PORT),
        Inbound('{"type": "warp", "id": 99}', via=Transport.PORT),
        Inbound('{"type": "spin", "id": 98}', via=Transport.PORT),
        Inbound('{"type": "balance", "data": -3, "id": 97}', via=Transport.PORT),
        Inbound('{"type": "gameReady"}', via=Transport.PORT),
    ]
    for inbound in cases:
        net.inject(lobby, inbound)
    assert reasons(lobby.rejected) == [
        "origin", "source", "oversize", "unknown_type", "direction", "schema", "malformed",
    ]  # fmt: skip
    assert lobby.delivered == []
    stats = lobby.channel.stats.to_dict()
    assert stats["rejected_total"] == len(cases)
    assert stats["rejected"]["origin"] == 1  # type: ignore[index]


def test_a_bad_value_never_costs_the_next_good_one() -> None:
    net = Loopback()
    net.connect()
    for bad in ("{", '{"type":"balance","data":"1e999","id":1}', "[]" * 50_000):
        net.inject(net.lobby, Inbound(bad, via=Transport.PORT))
    net.apply(net.game, net.game.channel.send(m.Balance(data=5)))
    net.run()
    assert net.lobby.delivered == [m.Balance(data=5)]


def test_posts_always_name_the_exact_peer_origin() -> None:
    net = Loopback()
    net.connect()
    posts = [e for e in net.lobby.effects + net.game.effects if isinstance(e, Post)]
    assert posts
    assert all(p.target_origin in (LOBBY_ORIGIN, GAME_ORIGIN) for p in posts)


def test_window_messages_of_a_game_that_gave_up_waiting_are_not_lost() -> None:
    """The lobby's Python boots late: the game fell back to compat and talked on the
    window; the lobby's replayed buffer then holds the hello *and* those messages."""
    net = Loopback(game_handshake_timeout_ms=1000)
    net.apply(net.game, net.game.channel.start())
    net.apply(net.game, net.game.channel.send(m.OnAppFrameReady()))
    net.clock.advance(1000)
    net.apply(net.game, net.game.channel.poll())
    assert net.game.channel.mode is Mode.COMPAT
    net.apply(net.game, net.game.channel.send(m.GameReady()))
    buffered, net.in_flight = net.in_flight, []
    assert [i.data["type"] for _, i, _ in buffered] == [
        "hiziBridge.hello",
        "onAppFrameReady",
        "gameReady",
    ]
    # the lobby boots and replays what its early listener buffered
    net.apply(net.lobby, net.lobby.channel.start())
    net.in_flight = buffered + net.in_flight
    net.run()
    assert net.lobby.types == ["onAppFrameReady", "gameReady"]
    assert net.lobby.rejected == []
    assert net.game.channel.mode is Mode.BRIDGE and net.lobby.channel.mode is Mode.BRIDGE
    assert net.lobby.channel.state is State.CONNECTED  # the game's ready came on the port
    net.apply(net.game, net.game.channel.send(m.Balance(data=2)))
    net.run()
    assert net.lobby.delivered[-1] == m.Balance(data=2)


def test_a_game_refuses_window_traffic_after_the_upgrade() -> None:
    """Its lobby's document cannot be replaced under it: only the port is trusted."""
    net = Loopback()
    net.connect()
    net.inject(net.game, Inbound({"type": "spin"}, LOBBY_ORIGIN, from_peer=True))
    assert reasons(net.game.rejected) == ["transport"]
    assert net.game.delivered == [] and net.game.channel.mode is Mode.BRIDGE


# ---------------------------------------------------------------- the connected lane


def _port_text(message: dict[str, object], msg_id: int, re: int | None = None) -> str:
    envelope = {**message, "id": msg_id} if re is None else {**message, "id": msg_id, "re": re}
    return json.dumps(envelope)


def test_the_connected_lane_takes_a_data_message_as_receive_port_would() -> None:
    lane, general = Loopback(), Loopback()
    lane.connect()
    general.connect()
    text = _port_text({"type": "balance", "data": 12.5}, 50)
    taken = lane.lobby.channel.receive_port_connected(text)
    effects = general.lobby.channel.receive_port(text)
    assert taken == (m.Balance(data=12.5), None)
    assert [type(e).__name__ for e in effects] == ["Deliver"]
    assert lane.lobby.channel.stats.to_dict() == general.lobby.channel.stats.to_dict()
    # The id is noted: the same text again is a duplicate on both ways in, counted once.
    [rejected] = lane.lobby.channel.receive_port_connected(text)  # type: ignore[misc]
    assert rejected.error.reason == "duplicate"  # type: ignore[union-attr]
    assert lane.lobby.channel.stats.rejected["duplicate"] == 1


def test_the_connected_lane_settles_the_request_its_reply_answers() -> None:
    net = Loopback()
    net.connect()
    lobby = net.lobby.channel
    request_id, _ = lobby.request(m.RealityCheck(data=m.RealityCheck.example["data"]))
    answer = {"type": "realityCheckAnswer", "data": {"choice": "continue"}}
    taken = lobby.receive_port_connected(_port_text(answer, 77, re=request_id))
    assert taken is not None
    message, done = taken
    assert message == m.RealityCheckAnswer(data={"choice": "continue"})  # type: ignore[arg-type]
    assert done is not None and done.request_id == request_id and done.response is message
    assert lobby.pending_requests == 0 and lobby.stats.requests_ok == 1


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        json.dumps({"type": "balance", "data": 1}),  # no id
        _port_text({"type": "balance", "data": "lots"}, 9),  # schema
        _port_text({"type": "spin"}, 9),  # lobby -> game, not this way
        _port_text({"type": "hiziBridge.bye", "data": {"reason": "done"}}, 9),  # control
    ],
)
def test_the_connected_lane_gives_everything_else_receive_ports_effects(text: str) -> None:
    """A refusal or a control message: the lane returns what ``receive_port`` returns on a
    twin channel (from its one decode), with the same counters and state: counted once."""
    lane, general = Loopback(), Loopback()
    lane.connect()
    general.connect()
    got = lane.lobby.channel.receive_port_connected(text)
    expected = general.lobby.channel.receive_port(text)
    assert isinstance(got, list) and got  # a rejection, or the bye's transition
    assert [repr(e) for e in got] == [repr(e) for e in expected]
    assert lane.lobby.channel.stats.to_dict() == general.lobby.channel.stats.to_dict()
    assert lane.lobby.channel.peer_state is general.lobby.channel.peer_state


def test_the_connected_lane_outside_the_connected_state_is_receive_port() -> None:
    net = Loopback()
    lobby = net.lobby.channel
    text = _port_text({"type": "balance", "data": 1}, 3)
    [rejected] = lobby.receive_port_connected(text)  # type: ignore[misc]
    assert rejected.error.reason == "transport"  # type: ignore[union-attr]
    net.connect()
    lobby.close()
    assert lobby.receive_port_connected(text) == [] and lobby.stats.accepted == 0
