"""bridge.core.requests: requests in flight, matched to their replies, timed out, cancelled."""

from __future__ import annotations

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig
from bridge.core.effects import (
    Inbound,
    RequestDone,
    RequestFailed,
)
from bridge.core.errors import (
    RequestCancelled,
    RequestTimeout,
)
from bridge.core.messages import Role

from .fakes import (
    ANSWER,
    CHECK,
    CONFIRM_MS,
    GAME_ORIGIN,
    Loopback,
    connected_bridge,
    load,
    lobby_request,
    new_bridge_document,
)


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


def test_each_request_ends_once_with_the_waiter_it_was_given() -> None:
    """The channel is the one registry of requests in flight: whatever the caller gave as
    ``waiter`` comes back on the effect that ends the request (reply, timeout, cancel)."""
    net = Loopback(request_timeout_ms=3000)
    net.connect()
    answered, effects = net.lobby.channel.request(CHECK, waiter="the check")
    net.apply(net.lobby, effects)
    timed_out, effects = net.lobby.channel.request(m.Close(), waiter="the close")
    net.apply(net.lobby, effects)
    cancelled, effects = net.lobby.channel.request(m.Pause(), 60_000, waiter="the pause")
    net.apply(net.lobby, effects)
    net.run()
    net.apply(net.game, net.game.channel.send(ANSWER))
    net.run()
    net.advance(3000)
    net.apply(net.lobby, net.lobby.channel.close("done"))
    ends = [e for e in net.lobby.effects if isinstance(e, RequestDone | RequestFailed)]
    assert [(e.request_id, e.waiter) for e in ends] == [
        (answered, "the check"),
        (timed_out, "the close"),
        (cancelled, "the pause"),
    ]
    assert isinstance(ends[1], RequestFailed) and isinstance(ends[1].error, RequestTimeout)
    assert isinstance(ends[2], RequestFailed) and isinstance(ends[2].error, RequestCancelled)
    assert net.lobby.channel.pending_requests == 0


def test_request_queued_for_a_peer_that_never_comes_times_out() -> None:
    clock_now = [0.0]
    lobby = Channel(
        ChannelConfig(Role.LOBBY, GAME_ORIGIN, request_timeout_ms=50), clock=lambda: clock_now[0]
    )
    lobby.start()
    rid, effects = lobby.request(m.Pause())
    assert effects == []
    clock_now[0] = 1.0
    failed = lobby.poll()
    assert len(failed) == 1
    assert isinstance(failed[0], RequestFailed) and failed[0].request_id == rid
    assert isinstance(failed[0].error, RequestTimeout)


def test_a_reality_check_waits_for_the_person_unless_given_a_timeout() -> None:
    net = connected_bridge()
    assert m.RealityCheck.answered_by_person and not m.Pause.answered_by_person
    patient = lobby_request(net, CHECK)
    bounded = lobby_request(net, CHECK, timeout_ms=2000)
    paused = lobby_request(net, m.Pause())
    net.advance(10_000)
    assert isinstance(net.lobby.failed[paused], RequestTimeout)
    assert isinstance(net.lobby.failed[bounded], RequestTimeout)
    net.advance(3_600_000)
    assert patient not in net.lobby.failed
    net.apply(net.game, net.game.channel.send(m.RealityCheckAnswer(data={"choice": "continue"})))  # type: ignore[arg-type]
    net.run()
    assert patient in net.lobby.done


def test_queued_requests_survive_a_reset_and_go_to_the_next_page() -> None:
    net = connected_bridge()
    load(net)
    rid = lobby_request(net, m.Pause())  # held by the probe, never sent to the old page
    net.in_flight.clear()
    new_bridge_document(net)
    net.advance(CONFIRM_MS)
    assert rid not in net.lobby.failed
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert net.game.types == ["pause"]
    net.apply(net.game, net.game.channel.send(m.GamePaused()))
    net.run()
    assert rid in net.lobby.done


# ---------------------------------------------------------------- Requests on its own


def test_replies_match_by_re_or_else_the_oldest_waiting_for_that_type() -> None:
    from bridge.core.requests import Requests
    from bridge.core.stats import Stats
    from bridge.core.wire import build

    paused, resumed = build("gamePaused"), build("gameResumed")
    stats = Stats()
    requests = Requests(stats)
    requests.add(1, "gamePaused", 10.0, 1000, "first")
    requests.add(2, "gamePaused", 11.0, 1000, "second")
    requests.add(3, "realityCheckAnswer", None, None, "third")
    assert requests.next_deadline() == 10.0 and len(requests) == 3
    assert requests.match(paused, 2) == RequestDone(2, paused, "second")  # by id
    assert requests.match(resumed, 1) is None  # the id waits for another type
    assert requests.match(paused, None) == RequestDone(1, paused, "first")  # compat: the oldest
    assert stats.requests_ok == 2 and 3 in requests
    assert requests.expire(1e9) == []  # a person answers: no deadline
    [failed] = requests.cancel("gone", keep=())
    assert failed.request_id == 3 and isinstance(failed.error, RequestCancelled)
    assert failed.waiter == "third"  # each ending hands back the caller's waiter
    assert stats.requests_cancelled == 1 and len(requests) == 0


def test_timeouts_name_the_reply_and_the_time() -> None:
    from bridge.core.requests import Requests
    from bridge.core.stats import Stats

    requests = Requests(Stats())
    requests.add(5, "gameClosed", 2.0, 250)
    assert requests.expire(1.9) == []
    [failed] = requests.expire(2.0)
    assert isinstance(failed.error, RequestTimeout)
    assert str(failed.error) == "no 'gameClosed' within 250 ms"


def test_the_peers_requests_get_their_re_in_order_and_are_forgotten_with_the_peer() -> None:
    from bridge.core.requests import Requests
    from bridge.core.stats import Stats

    requests = Requests(Stats())
    requests.peer_asked("gamePaused", 7)
    requests.peer_asked("gamePaused", 9)
    assert requests.answer_to("gamePaused") == 7
    assert requests.answer_to("balance") is None
    requests.forget_peer()
    assert requests.answer_to("gamePaused") is None
