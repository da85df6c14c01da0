"""bridge.hub under CPython: handler isolation, effect order, requests, timers, status."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bridge.core.channel import Channel, ChannelConfig
from bridge.core.effects import Inbound, Transport
from bridge.core.errors import (
    ChannelClosedError,
    InvalidOutboundMessage,
    RequestCancelled,
    RequestTimeout,
)
from bridge.core.journal import JournalEntry
from bridge.core.messages import (
    GamePaused,
    GameReady,
    Pause,
    RealityCheck,
    RealityCheckAnswer,
    Resume,
    Role,
    RoundStarted,
    Spin,
)
from bridge.core.wire import dump
from bridge.dispatcher import Dispatcher, StatusEvent, type_key
from bridge.hub import Driver

from .fakes import Clock, FakeIO, make

LOBBY = "https://casino.example.com"
GAME = "https://games.hizi.example"


def wire(message: Any) -> Inbound:
    return Inbound(dump(message), GAME, from_peer=True)


def test_type_key_accepts_classes_and_names_and_refuses_typos() -> None:
    assert type_key(RealityCheckAnswer) == "realityCheckAnswer"
    assert type_key("gameReady") == "gameReady"
    with pytest.raises(ValueError):
        type_key("gameready")
    with pytest.raises(TypeError):
        type_key(42)  # type: ignore[arg-type]


def test_handler_errors_are_counted_and_do_not_stop_other_handlers() -> None:
    reported: list[str] = []
    d = Dispatcher(lambda where, exc: reported.append(f"{where}: {exc}"))
    seen: list[str] = []

    def boom(msg: Any) -> None:
        raise ValueError("bad handler")

    d.on(GameReady, boom)
    d.on("gameReady", lambda m: seen.append("typed"))
    d.on_any(lambda m: seen.append("any"))
    d.message(GameReady())
    assert seen == ["typed", "any"]
    assert d.handler_errors == 1
    assert "bad handler" in reported[0]


def test_unsubscribe_removes_one_registration_even_during_dispatch() -> None:
    d = Dispatcher()
    seen: list[int] = []
    unsub_holder: list[Any] = []

    def once(msg: Any) -> None:
        seen.append(1)
        unsub_holder[0]()

    unsub_holder.append(d.on(GameReady, once))
    d.on(GameReady, lambda m: seen.append(2))
    d.message(GameReady())
    d.message(GameReady())
    assert seen == [1, 2, 2]


def test_async_handler_failure_is_counted() -> None:
    d = Dispatcher(lambda where, exc: None)
    done: list[str] = []

    async def ok(msg: Any) -> None:
        done.append(msg.type)

    async def bad(msg: Any) -> None:
        raise RuntimeError("async boom")

    d.on(GameReady, ok)
    d.on(GameReady, bad)

    async def run() -> None:
        d.message(GameReady())
        await asyncio.sleep(0)
        await asyncio.sleep(0)

    asyncio.run(run())
    assert done == ["gameReady"]
    assert d.handler_errors == 1


def test_compat_flow_delivers_journals_and_reports_status() -> None:
    driver, io, _ = make()
    statuses: list[StatusEvent] = []
    journal: list[JournalEntry] = []
    driver.dispatcher.on_status(statuses.append)
    driver.dispatcher.on_journal(journal.append)
    got: list[Any] = []
    driver.dispatcher.on(GameReady, got.append)
    driver.start()
    driver.send(Spin())  # queued until connected
    assert [json.loads(t)["type"] for t, _, _ in io.window] == ["hiziBridge.hello"]
    driver.receive(wire(GameReady()))  # a plain game talks: compat mode
    assert got == [GameReady()]
    assert [s.status for s in statuses] == ["handshaking", "connected"]
    assert statuses[-1].mode == "compat"
    assert [json.loads(t)["type"] for t, _, _ in io.window] == ["hiziBridge.hello", "spin"]
    assert all(origin == GAME for _, origin, _ in io.window)
    assert [(e.direction, e.type) for e in journal] == [
        ("out", "hiziBridge.hello"),
        ("out", "spin"),  # the channel flushes its queue as it connects, then delivers
        ("in", "gameReady"),
    ]
    driver.receive(Inbound(dump(GameReady()), "https://evil.example", from_peer=True))
    assert journal[-1].status == "rejected" and journal[-1].reason == "origin"
    assert driver.stats()["rejected"]["origin"] == 1


def test_send_from_a_handler_does_not_overtake_queued_messages() -> None:
    driver, io, _ = make()
    driver.dispatcher.on_status(lambda s: driver.send(Pause()) if s.status == "connected" else None)
    driver.start()
    driver.send(Spin())
    driver.receive(wire(GameReady()))
    types = [json.loads(t)["type"] for t, _, _ in io.window]
    assert types == ["hiziBridge.hello", "spin", "pause"]


def test_request_done_timeout_and_cancel() -> None:
    driver, io, clock = make(request_timeout_ms=1000)
    results: list[tuple[Any, Any]] = []

    def cb(resp: Any, err: Any) -> None:
        results.append((resp, err))

    driver.start()
    driver.receive(wire(GameReady()))  # compat
    driver.request(Pause(), None, cb)
    assert io.timer is not None and 1000 <= io.timer <= 1002
    driver.receive(wire(RoundStarted(data=1.0)))
    assert results == []
    driver.receive(wire(GamePaused()))
    assert results == [(GamePaused(), None)]
    assert driver.channel.next_deadline() is None  # answered: nothing pending, and the
    assert io.timer is not None  # timer is left to fire once (no clearTimeout per reply)

    driver.request(Pause(), 200, cb)
    clock.now += 0.3
    driver.poll()
    assert isinstance(results[-1][1], RequestTimeout)

    driver.request(Pause(), None, cb)
    driver.close()
    assert isinstance(results[-1][1], RequestCancelled)
    assert driver.status == "closed"
    assert io.timer is None
    assert driver.stats()["requests"] == {"ok": 1, "timed_out": 1, "cancelled": 1}


def test_invalid_outbound_raises_at_the_call() -> None:
    driver, _, _ = make()
    driver.start()
    with pytest.raises(InvalidOutboundMessage):
        driver.send(GameReady())  # a lobby cannot send a game message


def test_io_failure_is_counted_not_raised() -> None:
    driver, io, _ = make()
    driver.start()
    driver.receive(wire(GameReady()))
    io.fail_next_post = True
    driver.send(Spin())
    assert driver.stats()["io_errors"] == 1
    driver.send(Spin())
    assert json.loads(io.window[-1][0])["type"] == "spin"


def test_bridge_handshake_adopts_port_and_waiters_fire() -> None:
    game, io, _ = make(Role.GAME)
    fired: list[str] = []
    game.when_connected(lambda: fired.append("connected"))
    game.start()
    hello = json.loads(io.window[0][0])
    welcome = {
        "type": "hiziBridge.welcome",
        "data": {"protocol": "hizi-bridge", "version": 1, "session": hello["data"]["session"]},
    }
    io.port_offered = True
    game.receive(Inbound(welcome, LOBBY, from_peer=True, has_port=True))
    assert io.has_port and game.mode == "bridge" and fired == ["connected"]
    assert json.loads(io.port[0])["type"] == "hiziBridge.ready"  # first on the new port
    game.send(GameReady())
    assert json.loads(io.port[-1]) == {"type": "gameReady", "id": 2}
    spin = json.dumps({"type": "spin", "id": 1})
    got: list[Any] = []
    game.dispatcher.on(Spin, got.append)
    game.receive(Inbound(spin, "", via=Transport.PORT))
    assert got == [Spin()]
    game.close()
    assert json.loads(io.port[-1])["type"] == "hiziBridge.bye"
    assert not io.has_port


def test_lobby_start_without_announce_says_hello_on_peer_loaded_only() -> None:
    driver, io, _ = make()
    driver.start(announce=False)
    assert io.window == [] and driver.status == "handshaking"
    driver.peer_loaded()
    assert [json.loads(text)["type"] for text, _, _ in io.window] == ["hiziBridge.hello"]
    assert io.window[0][1] == GAME  # the exact game origin, never "*"


def test_fast_rejections_fold_into_exact_totals() -> None:
    driver, _, _ = make()
    driver.start()
    driver.receive(Inbound("{}", "https://evil.example", from_peer=False))
    driver.receive(Inbound("{}", GAME, from_peer=False))
    page = {"fast_rejected": {"origin": 41, "source": 9}, "early_replayed": 2,
            "target_origins": [GAME], "page_io_errors": 1, "engine_io_errors": 2,
            "handler_errors": 3}  # fmt: skip
    stats = driver.stats(page)
    assert stats["rejected"]["origin"] == 42 and stats["rejected"]["source"] == 10
    assert stats["rejected_total"] == 52
    assert stats["rejected_fast"] == {"origin": 41, "source": 9}
    assert stats["early_replayed"] == 2 and stats["target_origins"] == [GAME]
    assert stats["io_errors"] == 3 and stats["handler_errors"] == 3
    untouched = driver.stats({"fast_rejected": {"origin": 0, "source": 0}})
    assert untouched["rejected_total"] == 2 and untouched["rejected"]["origin"] == 1


def test_a_refusal_of_the_page_side_is_counted_and_journaled_not_received() -> None:
    driver, _, _ = make()
    driver.start()
    entries: list[Any] = []
    driver.dispatcher.on_journal(entries.append)
    driver.refused("origin", "https://evil.example")
    driver.refused("source", GAME)
    stats = driver.stats()
    assert stats["rejected"]["origin"] == 1 and stats["rejected"]["source"] == 1
    assert stats["rejected_total"] == 2 and stats["accepted"] == 0
    assert [e.reason for e in entries] == ["origin", "source"]
    # The channel's OriginPolicy still says why the origin was refused.
    assert "evil.example" in entries[0].detail and entries[1].origin == GAME


class CountingIO(FakeIO):
    def __init__(self) -> None:
        super().__init__()
        self.schedules: list[float | None] = []

    def schedule(self, delay_ms: float | None) -> None:
        self.schedules.append(delay_ms)
        super().schedule(delay_ms)


def test_timer_is_touched_only_when_it_must_change() -> None:
    clock = Clock()
    channel = Channel(
        ChannelConfig(role=Role.LOBBY, peer_origin=GAME, request_timeout_ms=1000), clock=clock
    )
    io = CountingIO()
    driver = Driver(channel, io)
    driver.start()
    assert len(io.schedules) == 1  # the lobby's handshake timeout (30 s by default)
    driver.receive(wire(GameReady()))  # compat, nothing pending
    assert io.schedules[-1] is None  # connected: cancelled
    io.schedules.clear()
    for _ in range(5):
        driver.receive(wire(RoundStarted(data=1.0)))
    assert io.schedules == []  # an idle channel never crosses into the timer

    driver.request(Pause(), None, lambda r, e: None)
    assert len(io.schedules) == 1 and io.schedules[0] is not None
    clock.now += 0.1
    driver.request(Pause(), None, lambda r, e: None)  # later deadline: the armed timer stays
    driver.receive(wire(RoundStarted(data=1.0)))
    assert len(io.schedules) == 1
    driver.request(Pause(), 50, lambda r, e: None)  # earlier deadline: re-armed
    assert len(io.schedules) == 2 and io.schedules[-1] is not None and io.schedules[-1] <= 52

    clock.now += 0.06
    driver.poll()  # the 50 ms request expires; the timer is re-armed for the next one
    assert len(io.schedules) == 3 and io.schedules[-1] is not None
    touched = len(io.schedules)
    driver.receive(wire(GamePaused()))
    driver.receive(wire(GamePaused()))
    assert channel.pending_requests == 0
    driver.receive(wire(RoundStarted(data=1.0)))
    assert len(io.schedules) == touched  # answered: left armed, no clearTimeout

    clock.now += 5
    driver.poll()  # the stale timer fires with nothing due: nothing to arm
    assert len(io.schedules) == touched
    driver.request(Pause(), None, lambda r, e: None)  # the next request arms it again
    assert len(io.schedules) == touched + 1 and io.schedules[-1] is not None

    # Anything else that leaves nothing pending cancels it: here, a cancel on close.
    driver.close()
    assert io.schedules[-1] is None


def _connected_lobby() -> tuple[Driver, FakeIO, Clock]:
    driver, io, clock = make(Role.LOBBY)
    driver.start()
    hello = {
        "type": "hiziBridge.hello",
        "data": {"protocol": "hizi-bridge", "versions": [1], "role": "game", "session": "g-1"},
    }
    io.port_offered = True
    driver.receive(Inbound(hello, GAME, from_peer=True))
    driver.receive_port(
        json.dumps({"type": "hiziBridge.ready", "data": {"session": "g-1"}, "id": 1})
    )
    assert driver.status == "connected"
    return driver, io, clock


def test_a_superseded_lobby_bridge_is_closed_saying_why() -> None:
    """Issue #18: the game left this bridge for a newer one on its iframe (its bye said so):
    status closed with code "superseded", waiters and requests fail, sends raise."""
    driver, io, _ = _connected_lobby()
    statuses: list[StatusEvent] = []
    driver.dispatcher.on_status(statuses.append)
    answers: list[object] = []
    driver.request(Pause(), None, lambda response, error: answers.append(error))
    bye = {"type": "hiziBridge.bye", "data": {"reason": "another lobby bridge took over"}, "id": 2}
    driver.receive_port(json.dumps(bye))
    assert driver.status == "closed" and not io.has_port
    assert statuses[-1].code == "superseded" and "another lobby bridge" in statuses[-1].reason
    assert isinstance(answers[0], RequestCancelled)
    failures: list[Exception] = []
    driver.when_connected(lambda: None, failures.append)
    assert failures and failures[0].code == "closed"  # type: ignore[attr-defined]
    with pytest.raises(ChannelClosedError, match="another lobby bridge"):
        driver.send(Spin())


@pytest.mark.parametrize("journal", [False, True], ids=["connected lane", "general path"])
def test_a_reply_reaches_the_handler_then_the_request_and_their_sends_go_in_order(
    journal: bool,
) -> None:
    """One handler and no journal: the driver's connected lane; a journal listener: the
    general path. Both: the handler hears the reply, then the request's callback settles;
    what each sends from inside goes out after, in that order."""
    driver, io, _ = _connected_lobby()
    entries: list[JournalEntry] = []
    if journal:
        driver.dispatcher.on_journal(entries.append)
    heard: list[str] = []

    def handler(message: Any) -> None:
        heard.append(message.type)
        if message.type == "realityCheckAnswer":
            driver.send(Pause())

    def settled(response: Any, error: Any) -> None:
        heard.append(f"settled {response.data.choice}")
        driver.send(Resume())

    driver.dispatcher.on_any(handler)
    request_id = driver.request(RealityCheck(data=RealityCheck.example["data"]), None, settled)
    answer = {"type": "realityCheckAnswer", "data": {"choice": "quit"}, "id": 2, "re": request_id}
    driver.receive_port(json.dumps(answer))
    assert heard == ["realityCheckAnswer", "settled quit"]
    assert [json.loads(text)["type"] for text in io.port[-2:]] == ["pause", "resume"]
    assert driver.channel.pending_requests == 0
    assert bool(entries) is journal  # entries only while someone listens
    driver.receive_port(json.dumps(answer))  # the same id again: refused, counted, unheard
    assert heard == ["realityCheckAnswer", "settled quit"]
    assert driver.stats()["rejected"]["duplicate"] == 1


@pytest.mark.parametrize("lane", [True, False], ids=["connected lane", "general path"])
def test_a_request_the_handler_makes_during_a_delivery_still_times_out(lane: bool) -> None:
    """Red team of issue #18: on the lane, a request made from inside a delivery left the
    timer unarmed (its effects waited in the queue), so it never timed out."""
    driver, io, clock = _connected_lobby()
    if not lane:
        driver.dispatcher.on("cashier", lambda message: None)  # a second handler: general path
    failures: list[Any] = []

    def handler(message: Any) -> None:
        if message.type == "gameReady":
            driver.request(Pause(), 500, lambda response, error: failures.append(error))

    driver.dispatcher.on_any(handler)
    driver.receive_port(json.dumps({"type": "gameReady", "id": 2}))
    assert io.timer is not None and io.timer >= 500
    clock.advance(600)
    driver.poll()
    assert [error.code for error in failures] == ["timeout"]
