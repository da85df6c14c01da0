"""The unit tests' shared fakes, in one place.

* ``Clock``: a hand-driven clock (seconds) to inject into a ``Channel``;
* ``Loopback``: a fake browser, two channels wired window-to-window and port-to-port,
  carrying out effects the way the browser adapter does, so channel behaviour can be
  tested under CPython, deterministically;
* ``FakeIO`` and ``make``: a ``bridge.hub.Driver`` on a channel, with an IO that records;
* ``StubKit``, ``open_handle`` and ``pieces``: the JS API engine's Python handle with a
  stand-in engine kit, and its outboxes read by ``bridge.boundary``'s decoder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bridge.boundary import decode_piece
from bridge.browser import engine
from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig, State
from bridge.core.effects import (
    AdoptPort,
    ClosePort,
    Deliver,
    Effect,
    Inbound,
    Mode,
    Post,
    Rejected,
    RequestDone,
    RequestFailed,
    Transport,
)
from bridge.core.messages import Role
from bridge.hub import Driver

LOBBY_ORIGIN = "https://casino.example.com"
GAME_ORIGIN = "https://games.hizi.example"
OTHER_GAME_ORIGIN = "https://cdn.games.example"
ANSWER = m.RealityCheckAnswer(data=m.RealityCheckAnswerData(choice=m.RealityCheckChoice.CONTINUE))
CHECK = m.RealityCheck.model_validate(m.RealityCheck.example)
CONFIRM_MS = ChannelConfig(Role.LOBBY, GAME_ORIGIN).confirm_timeout_ms


class Clock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


@dataclass
class Side:
    channel: Channel
    origin: str
    delivered: list[Any] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    done: dict[int, Any] = field(default_factory=dict)
    failed: dict[int, Any] = field(default_factory=dict)
    window_posts: list[dict[str, Any]] = field(default_factory=list)
    port: int | None = None  # which MessageChannel this side holds an end of
    offered_port: int | None = None  # the port carried by the inbound being handled
    effects: list[Effect] = field(default_factory=list)

    @property
    def types(self) -> list[str]:
        return [m.type for m in self.delivered]


class Loopback:
    """Lobby and game channels joined as the browser would join them.

    Posts are queued and delivered by ``run()``, like browser tasks. A game that
    is ``loaded=False`` does not exist yet: window posts to it are lost, as a
    postMessage to a frame still on about:blank would be.
    """

    def __init__(
        self,
        *,
        game_handshake_timeout_ms: float | None = None,
        game_plain: bool = False,
        lobby_plain: bool = False,
        request_timeout_ms: float = 5000,
    ) -> None:
        self.clock = Clock()
        self.lobby = Side(
            Channel(
                ChannelConfig(Role.LOBBY, GAME_ORIGIN, request_timeout_ms=request_timeout_ms),
                clock=self.clock,
            ),
            LOBBY_ORIGIN,
        )
        self.game = Side(
            Channel(
                ChannelConfig(
                    Role.GAME,
                    LOBBY_ORIGIN,
                    handshake_timeout_ms=game_handshake_timeout_ms,
                    request_timeout_ms=request_timeout_ms,
                ),
                clock=self.clock,
            ),
            GAME_ORIGIN,
        )
        self.game_plain = game_plain
        self.lobby_plain = lobby_plain
        self.in_flight: list[tuple[Side, Inbound, int | None]] = []
        self.ports_made = 0
        self.game_loaded = True

    def peer(self, side: Side) -> Side:
        return self.game if side is self.lobby else self.lobby

    def apply(self, side: Side, effects: list[Effect]) -> None:
        for effect in effects:
            side.effects.append(effect)
            peer = self.peer(side)
            if isinstance(effect, Post):
                if effect.via is Transport.WINDOW:
                    obj = json.loads(effect.text)
                    side.window_posts.append(obj)
                    assert effect.target_origin == peer.origin
                    if peer is self.game and not self.game_loaded:
                        continue
                    transferred = None
                    if effect.transfer_new_port:
                        self.ports_made += 1
                        transferred = side.port = self.ports_made
                    inbound = Inbound(
                        obj, side.origin, from_peer=True, has_port=transferred is not None
                    )
                    self.in_flight.append((peer, inbound, transferred))
                else:
                    assert side.port is not None, "posted on a port that is not open"
                    self.in_flight.append(
                        (peer, Inbound(effect.text, via=Transport.PORT), side.port)
                    )
            elif isinstance(effect, AdoptPort):
                assert side.offered_port is not None, "adopted a port that never came"
                side.port = side.offered_port
            elif isinstance(effect, ClosePort):
                side.port = None
            elif isinstance(effect, Deliver):
                side.delivered.append(effect.message)
            elif isinstance(effect, Rejected):
                side.rejected.append(effect)
            elif isinstance(effect, RequestDone):
                side.done[effect.request_id] = effect.response
            elif isinstance(effect, RequestFailed):
                side.failed[effect.request_id] = effect.error

    def start(self) -> None:
        if not self.lobby_plain:
            self.apply(self.lobby, self.lobby.channel.start())
        if not self.game_plain:
            self.apply(self.game, self.game.channel.start())

    def run(self) -> None:
        """Deliver everything in flight, including what the deliveries cause."""
        for _ in range(10_000):
            if not self.in_flight:
                return
            side, inbound, port = self.in_flight.pop(0)
            if inbound.via is Transport.PORT and side.port != port:
                continue  # that end was closed, or never adopted
            plain = (side is self.game and self.game_plain) or (
                side is self.lobby and self.lobby_plain
            )
            if plain:
                side.window_posts.append({"received": inbound.data})
                continue
            side.offered_port = port if inbound.has_port else None
            self.apply(side, side.channel.receive(inbound))
        raise AssertionError("message storm")

    def inject(self, side: Side, inbound: Inbound) -> None:
        self.apply(side, side.channel.receive(inbound))

    def advance(self, ms: float) -> None:
        self.clock.advance(ms)
        for side in (self.lobby, self.game):
            self.apply(side, side.channel.poll())
        self.run()

    def connect(self) -> None:
        self.start()
        self.run()


@dataclass
class FakeIO:
    window: list[tuple[str, str, bool]] = field(default_factory=list)
    port: list[str] = field(default_factory=list)
    timer: float | None = None
    port_offered: bool = False
    has_port: bool = False
    fail_next_post: bool = False
    errors: list[str] = field(default_factory=list)  # where the driver reported a failure

    def post_window(self, text: str, target_origin: str, transfer_port: bool) -> None:
        if self.fail_next_post:
            self.fail_next_post = False
            raise RuntimeError("iframe gone")
        self.window.append((text, target_origin, transfer_port))
        if transfer_port:
            self.has_port = True

    def post_port(self, text: str) -> None:
        self.port.append(text)

    def adopt_port(self) -> bool:
        self.has_port = self.port_offered
        return self.port_offered

    def close_port(self) -> None:
        self.has_port = False

    def schedule(self, delay_ms: float | None) -> None:
        self.timer = delay_ms


def make(role: Role = Role.LOBBY, **kw: Any) -> tuple[Driver, FakeIO, Clock]:
    """A ``Driver`` on a fresh channel of ``role``, its ``FakeIO`` and the channel's clock."""
    clock = Clock(50.0)
    peer = GAME_ORIGIN if role is Role.LOBBY else LOBBY_ORIGIN
    channel = Channel(ChannelConfig(role=role, peer_origin=peer, **kw), clock=clock)
    io = FakeIO()
    driver = Driver(channel, io, report=lambda where, exc: io.errors.append(where))
    return driver, io, clock


# ---------------------------------------------------------------- on a Loopback


def reasons(side_rejected: list[Rejected]) -> list[str]:
    return [r.error.reason.value for r in side_rejected]


def new_bridge_document(net: Loopback) -> Channel:
    """The iframe now holds a fresh hizi-bridge game page (a new session, no port)."""
    fresh = Channel(ChannelConfig(Role.GAME, LOBBY_ORIGIN), clock=net.clock)
    net.game.channel, net.game.port = fresh, None
    net.game_plain = False
    net.game.delivered.clear()
    return fresh


def plain_says(net: Loopback, *types: str) -> None:
    """The iframe's current (plain Appendix A) document posts these messages."""
    net.game_plain = True
    net.game.port = None
    for type_name in types:
        net.inject(net.lobby, Inbound({"type": type_name}, net.game.origin, from_peer=True))


def load(net: Loopback) -> None:
    net.apply(net.lobby, net.lobby.channel.peer_loaded())


def lobby_request(net: Loopback, message: m.Message, timeout_ms: float | None = None) -> int:
    rid, effects = net.lobby.channel.request(message, timeout_ms)
    net.apply(net.lobby, effects)
    return rid


def send(net: Loopback, message: m.Message) -> None:
    net.apply(net.lobby, net.lobby.channel.send(message))


def window_sends(net: Loopback) -> list[object]:
    """What the lobby posted on the window, handshake aside."""
    return [
        p for p in net.lobby.window_posts if not str(p.get("type", "")).startswith("hiziBridge.")
    ]


def hellos(effects: list[object]) -> int:
    return sum(
        1
        for e in effects
        if isinstance(e, Post) and json.loads(e.text)["type"] == "hiziBridge.hello"
    )


def connected_bridge() -> Loopback:
    net = Loopback()
    net.connect()
    assert net.lobby.channel.state is State.CONNECTED and net.lobby.channel.mode is Mode.BRIDGE
    return net


# ---------------------------------------------------------------- the engine's stand-in kit


class StubKit:
    """The engine kit's one method Python calls: ``run(outbox)``, recorded."""

    def __init__(self) -> None:
        self.runs: list[str] = []

    def run(self, out: str) -> None:
        self.runs.append(out)


def pieces(out: str) -> list[tuple[str, Any]]:
    """``(piece name, value)`` for each piece of an outbox (``bridge.boundary``'s decoder); a
    window piece is ``window`` or ``window_new_port`` with ``(target origin, value)``; a port
    post's text is parsed, to be read."""
    result: list[tuple[str, Any]] = []
    for text in out.split("\x00") if out else []:
        name, fields = decode_piece(text)
        if name == "window":
            label = "window_new_port" if fields["new_port"] else "window"
            result.append((label, (fields["target_origin"], fields["value"])))
        elif name in ("port", "port_batched"):
            result.append((name, json.loads(fields["text"])))
        else:
            result.append((name, next(iter(fields.values()), None)))
    return result


def open_handle(
    role: str, config: dict[str, Any], clock: Callable[[], float] | None = None
) -> tuple[Any, StubKit]:
    """A JS-API bridge's engine handle (open reply taken), its channel on ``clock`` if given."""
    kit = StubKit()
    extra = {} if clock is None else {"clock": clock}
    handle = engine.open_bridge(1, role, json.dumps(config), kit, **extra)
    assert not isinstance(handle, str), handle
    [(code, reply)] = pieces(kit.runs.pop())
    assert code == "reply" and reply["key"] == 1
    return handle, kit
