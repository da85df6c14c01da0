"""The sans-IO channel: handshake, compatibility mode, queue, requests, timeouts, duplicates."""

from __future__ import annotations

import json

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig, State
from bridge.core.effects import (
    Connected,
    Inbound,
    Mode,
    Post,
    Rejected,
    RequestFailed,
    Transport,
)
from bridge.core.errors import (
    ChannelClosedError,
    InvalidOutboundMessage,
    RequestCancelled,
    RequestTimeout,
)
from bridge.core.messages import PROTOCOL_VERSIONS, Role

from .loopback import GAME_ORIGIN, LOBBY_ORIGIN, Loopback

ANSWER = m.RealityCheckAnswer(data=m.RealityCheckAnswerData(choice=m.RealityCheckChoice.CONTINUE))
CHECK = m.RealityCheck.model_validate(m.RealityCheck.example)


def reasons(side_rejected: list[Rejected]) -> list[str]:
    return [r.error.reason.value for r in side_rejected]


# ---------------------------------------------------------------- handshake


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


def test_game_reload_rehandshakes_and_fails_pending_requests() -> None:
    net = Loopback()
    net.connect()
    request_id, effects = net.lobby.channel.request(CHECK)
    net.apply(net.lobby, effects)
    # the iframe reloads before the game answers: a fresh game channel says hello
    fresh = Loopback()
    net.game.channel = fresh.game.channel
    net.game.channel._clock = net.clock
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


def test_compat_requests_correlate_by_reply_type() -> None:
    net = Loopback(game_plain=True)
    net.start()
    net.inject(net.lobby, Inbound({"type": "gameReady"}, GAME_ORIGIN, from_peer=True))
    first, effects = net.lobby.channel.request(m.Pause())
    net.apply(net.lobby, effects)
    second, effects = net.lobby.channel.request(m.Pause())
    net.apply(net.lobby, effects)
    net.inject(net.lobby, Inbound({"type": "gamePaused"}, GAME_ORIGIN, from_peer=True))
    assert first in net.lobby.done and second not in net.lobby.done


# ---------------------------------------------------------------- requests


def test_request_resolves_with_the_correlated_reply() -> None:
    net = Loopback()
    net.connect()
    request_id, effects = net.lobby.channel.request(CHECK)
    net.apply(net.lobby, effects)
    net.run()
    assert net.game.types == ["realityCheck"]
    # the game just sends its answer: the channel fills in which request it answers
    net.apply(net.game, net.game.channel.send(ANSWER))
    net.run()
    assert net.lobby.done == {request_id: ANSWER}
    assert net.lobby.channel.pending_requests == 0
    assert net.lobby.channel.stats.requests_ok == 1


def test_answers_go_to_the_request_they_answer_by_id() -> None:
    net = Loopback()
    net.connect()
    ids = []
    for _ in range(2):
        rid, effects = net.lobby.channel.request(CHECK)
        net.apply(net.lobby, effects)
        ids.append(rid)
    net.run()
    quit_answer = m.RealityCheckAnswer(data=m.RealityCheckAnswerData(choice="quit"))  # type: ignore[arg-type]
    net.apply(net.game, net.game.channel.send(ANSWER))
    net.apply(net.game, net.game.channel.send(quit_answer))
    net.run()
    assert net.lobby.done == {ids[0]: ANSWER, ids[1]: quit_answer}


def test_request_times_out_on_the_injected_clock() -> None:
    net = Loopback(request_timeout_ms=3000)
    net.connect()
    rid, effects = net.lobby.channel.request(m.Close())
    net.apply(net.lobby, effects)
    net.run()
    assert net.lobby.channel.next_deadline() == pytest.approx(net.clock.now + 3.0)
    net.advance(2999)
    assert rid not in net.lobby.failed
    net.advance(1)
    error = net.lobby.failed[rid]
    assert isinstance(error, RequestTimeout) and error.code == "timeout"
    assert "gameClosed" in str(error)
    # a late answer is still delivered as an event, but resolves nothing
    net.apply(net.game, net.game.channel.send(m.GameClosed()))
    net.run()
    assert net.lobby.types == ["gameClosed"] and rid not in net.lobby.done


def test_request_queued_for_a_peer_that_never_comes_times_out() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN, request_timeout_ms=50))
    clock_now = [0.0]
    lobby._clock = lambda: clock_now[0]
    lobby.start()
    rid, effects = lobby.request(m.Pause())
    assert effects == []
    clock_now[0] = 1.0
    failed = lobby.poll()
    assert len(failed) == 1
    assert isinstance(failed[0], RequestFailed) and failed[0].request_id == rid
    assert isinstance(failed[0].error, RequestTimeout)


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


def test_duplicate_ids_are_dropped() -> None:
    net = Loopback()
    net.connect()
    text = json.dumps({"type": "gameReady", "id": 5})
    net.inject(net.lobby, Inbound(text, via=Transport.PORT))
    net.inject(net.lobby, Inbound(text, via=Transport.PORT))
    assert net.lobby.types == ["gameReady"]
    assert reasons(net.lobby.rejected) == ["duplicate"]


def test_strings_on_the_window_are_not_json_text() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN))
    effects = lobby.receive(Inbound('{"type":"gameReady"}', GAME_ORIGIN, from_peer=True))
    assert isinstance(effects[0], Rejected) and effects[0].error.reason.value == "malformed"
    # the adapter marks JSON it made from a posted object as encoded
    effects = lobby.receive(
        Inbound('{"type":"gameReady"}', GAME_ORIGIN, from_peer=True, encoded=True)
    )
    assert [type(e) for e in effects][:2] == [Connected, type(effects[1])]


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


def test_wildcard_peer_origin_is_refused() -> None:
    with pytest.raises(ValueError):
        Channel(ChannelConfig(Role.LOBBY, "*"))
    with pytest.raises(ValueError):
        Channel(
            ChannelConfig(
                Role.GAME, "https://*.casino.example", allowed_origins=["https://*.casino.example"]
            )
        )


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
