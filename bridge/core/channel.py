"""The channel: a pure state machine for one lobby <-> game pairing.

Like h11's ``Connection`` it does no I/O. The caller reports what happened
(``receive`` an inbound event, ``send`` / ``request`` a message, ``poll`` when
time passed, ``close``) and carries out the effects each call returns, in order.

Lifecycle::

    IDLE --start()--> HANDSHAKING --hello/welcome--> CONNECTED(bridge, on a MessagePort)
                           |  \\--plain message or handshake timeout--> CONNECTED(compat)
                           \\------------------ close() ------------------> CLOSED

Both ends send ``hiziBridge.hello`` on the window at start. The lobby answers a
game's hello with ``hiziBridge.welcome`` and a transferred MessagePort; from then
on all traffic, with message ids, uses the port and window messages are refused.
A peer that never says hello is a plain Appendix A peer: the channel falls back
to bare ``{type, data}`` on the window (compatibility mode). A new hello while
connected means the peer restarted (e.g. the game iframe reloaded): pending
requests fail and the handshake runs again.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeGuard

from .dialects import Dialect, make_dialect
from .effects import (
    AdoptPort,
    ClosePort,
    Connected,
    Deliver,
    Disconnected,
    Effect,
    Inbound,
    Mode,
    Post,
    Rejected,
    RequestDone,
    RequestFailed,
    SendFailed,
    Transport,
)
from .errors import (
    ChannelClosedError,
    DuplicateMessage,
    InvalidOutboundMessage,
    MalformedMessage,
    ProtocolError,
    RemoteProtocolError,
    RequestCancelled,
    RequestTimeout,
    SchemaViolation,
    TransportRejected,
    UnsupportedInDialect,
)
from .errors import (
    OriginRejected as _OriginRejected,
)
from .errors import (
    SourceRejected as _SourceRejected,
)
from .limits import DEFAULT_LIMITS, Limits, check_value, decode_text
from .loose import normalise as normalise_loose
from .messages import (
    BY_TYPE,
    PROTOCOL_VERSIONS,
    REPLIES,
    Bye,
    ByeData,
    Direction,
    Hello,
    HelloData,
    Message,
    Ready,
    ReadyData,
    Role,
    Welcome,
    WelcomeData,
)
from .origin import OriginPolicy
from .stats import Stats
from .wire import dump, dump_json, parse_object

_CONTROL_PREFIX = "hiziBridge."


class State(StrEnum):
    IDLE = "idle"
    HANDSHAKING = "handshaking"
    CONNECTED = "connected"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    role: Role
    peer_origin: str  # exact origin we post to
    allowed_origins: Sequence[str] | None = None  # inbound allow-list; default [peer_origin]
    # How long a game waits for a welcome before assuming a plain Appendix A lobby.
    # Lobbies wait for evidence instead: a plain game announces itself by talking.
    handshake_timeout_ms: float | None = None
    request_timeout_ms: float = 10_000
    limits: Limits = DEFAULT_LIMITS
    versions: tuple[int, ...] = PROTOCOL_VERSIONS
    # A dialect name (fresh instance per channel) or a ready instance.
    dialect: str | Dialect = "appendix_a"
    dialect_options: Mapping[str, Any] = field(default_factory=dict)
    dedup_window: int = 4096  # remembered peer message ids per session

    def effective_handshake_timeout_ms(self) -> float | None:
        if self.handshake_timeout_ms is not None:
            return self.handshake_timeout_ms
        return 1000.0 if self.role is Role.GAME else None


@dataclass(slots=True)
class _Pending:
    reply: str
    deadline: float
    timeout_ms: float


@dataclass(slots=True)
class _Outgoing:
    message: Message
    id: int
    re: int | None


class Channel:
    def __init__(
        self,
        config: ChannelConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        session: str | None = None,
    ) -> None:
        self.config = config
        self.role = config.role
        self._clock = clock
        self.policy = OriginPolicy(config.allowed_origins or [config.peer_origin])
        self.target_origin = self.policy.target_origin_for(config.peer_origin)
        self.session = session or f"{config.role.value[0]}-{secrets.token_hex(8)}"
        self.dialect: Dialect = (
            make_dialect(config.dialect, config.role, **config.dialect_options)
            if isinstance(config.dialect, str)
            else config.dialect
        )
        self.stats = Stats()
        self.state = State.IDLE
        self.mode: Mode | None = None
        self.version: int | None = None
        self.peer_session: str | None = None
        self._inbound_direction = (
            Direction.GAME_TO_LOBBY if self.role is Role.LOBBY else Direction.LOBBY_TO_GAME
        )
        self._outbound_direction = (
            Direction.LOBBY_TO_GAME if self.role is Role.LOBBY else Direction.GAME_TO_LOBBY
        )
        self._next_id = 1
        self._queue: deque[_Outgoing] = deque()
        # Encoded but held back by the dialect (e.g. before GamesGlobal's ready signal).
        self._held: deque[tuple[_Outgoing, dict[str, object]]] = deque()
        self._pending: OrderedDict[int, _Pending] = OrderedDict()
        self._awaiting_reply: dict[str, deque[int]] = {}
        self._seen: set[int] = set()
        self._seen_order: deque[int] = deque()
        self._handshake_deadline: float | None = None
        self._peer_on_port = False  # the game's Ready came: its window traffic is over
        self._handshake_since_load = False  # see peer_loaded

    # ------------------------------------------------------------------ queries

    @property
    def connected(self) -> bool:
        return self.state is State.CONNECTED

    @property
    def pending_requests(self) -> int:
        return len(self._pending)

    def next_deadline(self) -> float | None:
        """The clock value at which ``poll`` has work to do, if any."""
        deadline = self._handshake_deadline
        for pending in self._pending.values():  # usually none or one
            if deadline is None or pending.deadline < deadline:
                deadline = pending.deadline
        return deadline

    # ------------------------------------------------------------------ commands

    def start(self, *, announce: bool = True) -> list[Effect]:
        """Begin the handshake: announce ourselves on the window.

        ``announce=False`` starts listening without the hello, for a lobby whose iframe
        still shows its initial ``about:blank`` (a post to it would be dropped by the
        browser, with a console error); call ``peer_loaded`` when the game page loads.
        """
        if self.state is not State.IDLE:
            return []
        if not self.dialect.handshake:
            # An aggregator's own protocol: no hello, no port; its gate orders the start.
            return self._connect_compat()
        self.state = State.HANDSHAKING
        timeout = self.config.effective_handshake_timeout_ms()
        if timeout is not None:
            self._handshake_deadline = self._clock() + timeout / 1000
        return [self._hello()] if announce else []

    def peer_loaded(self) -> list[Effect]:
        """The peer's document (re)loaded (the iframe's ``load`` event).

        Say hello if we still wait for a handshake. A reloaded hizi-bridge game says
        hello itself, before or after this event; if no hello came since the last load
        while we were on a port, the document holding the other end is gone (say, the
        frame now shows a plain game): forget it and start over, so the new page's
        window messages are not refused as stale-port traffic and our sends are queued.
        """
        if self.state is State.CLOSED or not self.dialect.handshake:
            return []
        effects: list[Effect] = []
        if self.mode is Mode.BRIDGE and not self._handshake_since_load:
            why = "the game page was replaced"
            effects += self._reset_peer(why)
            self.state = State.HANDSHAKING
            effects.append(Disconnected(why))
        self._handshake_since_load = False
        if self.state is State.HANDSHAKING:
            effects.append(self._hello())
        return effects

    def send(self, message: Message) -> list[Effect]:
        """Send an event. Before the peer is ready it is queued and flushed in order."""
        _, effects = self._send(message)
        return effects

    def request(
        self, message: Message, timeout_ms: float | None = None
    ) -> tuple[int, list[Effect]]:
        """Send a request; a later ``RequestDone`` or ``RequestFailed`` carries the id returned."""
        if message.reply is None:
            raise InvalidOutboundMessage(f"{message.type!r} is not a request: it has no reply")
        timeout = self.config.request_timeout_ms if timeout_ms is None else timeout_ms
        if not timeout > 0:
            raise InvalidOutboundMessage("request timeout must be positive")
        request_id, effects = self._send(message)
        self._pending[request_id] = _Pending(message.reply, self._clock() + timeout / 1000, timeout)
        return request_id, effects

    def receive(self, inbound: Inbound) -> list[Effect]:
        """Take one inbound event; every rejection is counted and reported, never raised."""
        if self.state is State.CLOSED:
            return []
        type_name: str | None = None
        try:
            if inbound.via is Transport.WINDOW:
                decision = self.policy.check(inbound.origin)
                if not decision.allowed:
                    raise _OriginRejected(decision.reason)
                if not inbound.from_peer:
                    raise _SourceRejected("right origin, but event.source is not the paired window")
            value = self._decode(inbound)
            if _is_object(value) and isinstance(value.get("type"), str):
                type_name = str(value["type"])[:64]
            if inbound.via is Transport.PORT:
                return self._receive_port(value)
            return self._receive_window(value, inbound)
        except RemoteProtocolError as exc:
            self.stats.reject(exc.reason)
            return [Rejected(exc, inbound.origin, type_name)]

    def receive_port(self, text: str) -> list[Effect]:
        """A text off the MessagePort: ``receive`` without the ``Inbound`` (the hot path)."""
        if self.state is State.CLOSED:
            return []
        value: object = None
        try:
            value = decode_text(text, self.config.limits)
            return self._receive_port(value)
        except RemoteProtocolError as exc:
            self.stats.reject(exc.reason)
            type_name = value.get("type") if type(value) is dict else None
            return [Rejected(exc, "", type_name[:64] if isinstance(type_name, str) else None)]

    def poll(self) -> list[Effect]:
        """Expire timed-out requests and a handshake that got no answer."""
        if self.state is State.CLOSED:
            return []
        now = self._clock()
        effects: list[Effect] = []
        for request_id, pending in list(self._pending.items()):
            if now >= pending.deadline:
                del self._pending[request_id]
                self.stats.requests_timed_out += 1
                error = RequestTimeout(f"no {pending.reply!r} within {pending.timeout_ms:g} ms")
                effects.append(RequestFailed(request_id, error))
        if self._handshake_deadline is not None and now >= self._handshake_deadline:
            self._handshake_deadline = None
            if self.state is State.HANDSHAKING:
                effects += self._connect_compat()
        return effects

    def close(self, reason: str = "closed") -> list[Effect]:
        """Close for good: tell a hizi-bridge peer, fail pending requests, drop the queue."""
        if self.state is State.CLOSED:
            return []
        effects: list[Effect] = []
        if self.mode is Mode.BRIDGE:
            bye = Bye(data=ByeData(reason=reason[:200]))
            effects.append(self._post_port(bye, self._take_id(), None))
            effects.append(ClosePort())
        effects += self._cancel_pending(f"bridge closed: {reason}")
        self.stats.dropped_on_close += len(self._queue) + len(self._held)
        self._queue.clear()
        self._held.clear()
        self.stats.queued = 0
        self.state = State.CLOSED
        self._handshake_deadline = None
        effects.append(Disconnected(reason))
        return effects

    # ------------------------------------------------------------------ inbound

    def _decode(self, inbound: Inbound) -> object:
        limits = self.config.limits
        value = inbound.data
        if isinstance(value, str):
            if inbound.encoded or inbound.via is Transport.PORT:
                return decode_text(value, limits)
            # Appendix A peers post objects; a bare string is someone else's traffic.
            raise MalformedMessage("a string was posted where a {type, data} object belongs")
        check_value(value, limits)
        return value

    def _receive_window(self, value: object, inbound: Inbound) -> list[Effect]:
        if self.dialect.handshake and _is_object(value):
            type_name = value.get("type")
            if isinstance(type_name, str) and type_name.startswith(_CONTROL_PREFIX):
                control = parse_object(value, limits=None)
                return self._on_control(control, inbound)
        if self.mode is Mode.BRIDGE and (self.role is Role.GAME or self._peer_on_port):
            raise TransportRejected(
                "window message after the upgrade to a MessagePort; only the port is trusted"
            )
        notes: tuple[str, ...] = ()
        if self.mode is not Mode.BRIDGE and self.dialect.name == "appendix_a" and _is_object(value):
            # A plain Appendix A peer (no hello, or in compat mode): its loose forms are
            # normalised, counted and journalled. A hizi-bridge peer stays strict.
            value_in, notes = normalise_loose(value)
        if notes:
            message = parse_object(
                value_in, direction=self._inbound_direction, limits=None, plain_peer=True
            )
        else:
            message = self.dialect.decode(value, self._inbound_direction)
        effects: list[Effect] = []
        if self.state is not State.CONNECTED:
            # The peer talks without a hello: it is a plain Appendix A peer.
            effects += self._connect_compat()
        for note in notes:
            self.stats.normalised[note] += 1
        effects += self._accept(message, None, Transport.WINDOW, None, raw=value, normalised=notes)
        self.dialect.received(message)
        effects += self._release_held()
        return effects

    def _receive_port(self, value: object) -> list[Effect]:
        if self.mode is not Mode.BRIDGE:
            raise TransportRejected("port message before the handshake finished")
        if not _is_object(value):
            raise MalformedMessage("port messages must be objects")
        envelope = dict(value)
        msg_id = envelope.pop("id", None)
        re = envelope.pop("re", None)
        if not (type(msg_id) is int and 0 < msg_id < _MAX_ID):
            raise MalformedMessage("port message without a valid 'id'")
        if re is not None and not _is_id(re):
            raise MalformedMessage("'re' must be a positive integer")
        message = parse_object(envelope, direction=self._inbound_direction, limits=None)
        seen = self._seen
        if msg_id in seen:
            raise DuplicateMessage(f"message id {msg_id} already received in this session")
        seen.add(msg_id)
        order = self._seen_order
        order.append(msg_id)
        if len(order) > self.config.dedup_window:
            seen.discard(order.popleft())
        if message.direction is Direction.CONTROL:
            if isinstance(message, Bye):
                return self._on_peer_bye(message)
            if isinstance(message, Ready):
                self._peer_on_port = True
                return []
            raise MalformedMessage("handshake messages travel on the window, not the port")
        return self._accept(message, msg_id, Transport.PORT, re)

    def _accept(
        self,
        message: Message,
        msg_id: int | None,
        via: Transport,
        re: int | None,
        raw: object = None,
        normalised: tuple[str, ...] = (),
    ) -> list[Effect]:
        self.stats.accepted += 1
        self.stats.accepted_by_type[message.type] += 1
        effects: list[Effect] = [Deliver(message, msg_id, via, raw, normalised)]
        if message.type in REPLIES:
            request_id = self._match_pending(message.type, re)
            if request_id is not None:
                del self._pending[request_id]
                self.stats.requests_ok += 1
                effects.append(RequestDone(request_id, message))
        if message.reply is not None and msg_id is not None:
            self._awaiting_reply.setdefault(message.reply, deque()).append(msg_id)
        return effects

    def _match_pending(self, reply_type: str, re: int | None) -> int | None:
        if re is not None:
            pending = self._pending.get(re)
            return re if pending is not None and pending.reply == reply_type else None
        # Compatibility mode has no ids: the oldest request waiting for this type wins.
        for request_id, pending in self._pending.items():
            if pending.reply == reply_type:
                return request_id
        return None

    # ------------------------------------------------------------------ handshake

    def _on_control(self, message: Message, inbound: Inbound) -> list[Effect]:
        if isinstance(message, Hello):
            return self._on_hello(message.data)
        if isinstance(message, Welcome):
            return self._on_welcome(message.data, inbound)
        raise MalformedMessage(f"{message.type!r} travels on the port, not the window")

    def _on_hello(self, hello: HelloData) -> list[Effect]:
        if hello.role is self.role:
            raise MalformedMessage(f"hello from a {hello.role.value}; expected the other side")
        if self.role is Role.GAME:
            # The lobby (re)started its bridge: introduce ourselves; its welcome follows.
            return [self._hello()]
        common = set(hello.versions) & set(self.config.versions)
        if not common:
            raise SchemaViolation(
                f"no common protocol version: peer speaks {hello.versions}, "
                f"we speak {list(self.config.versions)}"
            )
        if self.mode is Mode.BRIDGE and hello.session == self.peer_session:
            # The game answered our own hello after we had welcomed it: nothing new.
            return []
        effects: list[Effect] = []
        if self.mode is Mode.BRIDGE:
            effects += self._reset_peer("the game restarted")
        self.version = max(common)
        self.peer_session = hello.session
        welcome = Welcome(data=WelcomeData(version=self.version, session=hello.session))
        effects.append(
            Post(_to_json(dump(welcome)), Transport.WINDOW, self.target_origin, welcome, True)
        )
        effects += self._connect_bridge()
        return effects

    def _on_welcome(self, welcome: WelcomeData, inbound: Inbound) -> list[Effect]:
        if self.role is Role.LOBBY:
            raise MalformedMessage("a welcome is sent by lobbies, not received by them")
        if welcome.session != self.session:
            raise MalformedMessage("welcome answers another session's hello")
        if welcome.version not in self.config.versions:
            raise SchemaViolation(f"welcome picked unsupported version {welcome.version}")
        if not inbound.has_port:
            raise MalformedMessage("welcome without a MessagePort")
        effects: list[Effect] = []
        if self.mode is Mode.BRIDGE:
            effects += self._reset_peer("the lobby restarted its bridge")
        self.version = welcome.version
        effects.append(AdoptPort())
        ready = Ready(data=ReadyData(session=self.session))
        effects += self._connect_bridge(announce=ready)
        return effects

    def _on_peer_bye(self, bye: Bye) -> list[Effect]:
        effects = self._reset_peer(f"peer closed: {bye.data.reason}")
        self.state = State.HANDSHAKING
        effects.append(Disconnected(f"peer closed: {bye.data.reason}"))
        return effects

    def _reset_peer(self, why: str) -> list[Effect]:
        """Forget the old peer session: its requests will never be answered."""
        effects: list[Effect] = [ClosePort()]
        effects += self._cancel_pending(why)
        self._awaiting_reply.clear()
        self._seen.clear()
        self._seen_order.clear()
        self.mode = None
        return effects

    def _cancel_pending(self, why: str) -> list[Effect]:
        effects: list[Effect] = []
        for request_id in list(self._pending):
            del self._pending[request_id]
            self.stats.requests_cancelled += 1
            effects.append(RequestFailed(request_id, RequestCancelled(why)))
        return effects

    def _connect_bridge(self, announce: Ready | None = None) -> list[Effect]:
        self.state = State.CONNECTED
        self.mode = Mode.BRIDGE
        self._peer_on_port = False
        self._handshake_since_load = True
        self._handshake_deadline = None
        self.stats.handshakes += 1
        effects: list[Effect] = [Connected(Mode.BRIDGE, self.version, self.peer_session)]
        if announce is not None:
            effects.append(self._post_port(announce, self._take_id(), None))
        return effects + self._flush()

    def _connect_compat(self) -> list[Effect]:
        self.state = State.CONNECTED
        self.mode = Mode.COMPAT
        self._handshake_deadline = None
        effects: list[Effect] = [Connected(Mode.COMPAT)]
        return effects + self._flush()

    def _hello(self) -> Post:
        hello = Hello(
            data=HelloData(
                versions=list(self.config.versions), role=self.role, session=self.session
            )
        )
        return Post(_to_json(dump(hello)), Transport.WINDOW, self.target_origin, hello)

    # ------------------------------------------------------------------ outbound

    def _send(self, message: Message) -> tuple[int, list[Effect]]:
        if self.state is State.CLOSED:
            raise ChannelClosedError("the bridge is closed")
        if not isinstance(message, Message) or BY_TYPE.get(message.type) is not type(message):
            raise InvalidOutboundMessage(f"not a catalog message: {message!r}"[:200])
        if message.direction is not self._outbound_direction:
            raise InvalidOutboundMessage(
                f"{message.type!r} travels {message.direction.value}; "
                f"a {self.role.value} cannot send it"
            )
        msg_id = self._next_id
        self._next_id += 1
        waiting = self._awaiting_reply.get(message.type)  # a reply answers the oldest request
        re = waiting.popleft() if waiting else None
        if self.state is not State.CONNECTED:
            self._queue.append(_Outgoing(message, msg_id, re))
            self.stats.queued = len(self._queue)
            return msg_id, []
        if self.mode is Mode.BRIDGE:  # the hot path: straight onto the port
            self.stats.sent += 1
            return msg_id, [self._post_port(message, msg_id, re)]
        return msg_id, self._emit(_Outgoing(message, msg_id, re))

    def _take_id(self) -> int:
        msg_id = self._next_id
        self._next_id += 1
        return msg_id

    def _flush(self) -> list[Effect]:
        effects: list[Effect] = []
        while self._queue:
            effects += self._emit(self._queue.popleft(), flushing=True)
        self.stats.queued = 0
        return effects

    def _emit(self, out: _Outgoing, *, flushing: bool = False) -> list[Effect]:
        if self.mode is Mode.BRIDGE:
            self.stats.sent += 1
            return [self._post_port(out.message, out.id, out.re)]
        try:
            wire = self.dialect.encode(out.message)
        except UnsupportedInDialect as exc:
            if not flushing:
                raise
            return self._fail_queued(out, exc)
        if self.dialect.holds(out.message):
            self._held.append((out, wire))
            return []
        return self._post_window(out, wire) + self._release_held()

    def _post_window(self, out: _Outgoing, wire: dict[str, object]) -> list[Effect]:
        self.stats.sent += 1
        self.dialect.sent(out.message)
        return [Post(_to_json(wire), Transport.WINDOW, self.target_origin, out.message)]

    def _release_held(self) -> list[Effect]:
        effects: list[Effect] = []
        while self._held and not self.dialect.holds(self._held[0][0].message):
            out, wire = self._held.popleft()
            effects += self._post_window(out, wire)
        return effects

    def _fail_queued(self, out: _Outgoing, error: ProtocolError) -> list[Effect]:
        # The caller's send() returned long ago; report instead of raising.
        effects: list[Effect] = [SendFailed(out.message, out.id, error)]
        if self._pending.pop(out.id, None) is not None:
            self.stats.requests_cancelled += 1
            effects.append(RequestFailed(out.id, error))
        return effects

    def _post_port(self, message: Message, msg_id: int, re: int | None) -> Post:
        # pydantic's JSON serializer, then the envelope's ids spliced in before the closing
        # brace: about 3x cheaper in Pyodide than model_dump() + json.dumps().
        text = dump_json(message)
        ids = f',"id":{msg_id}' if re is None else f',"id":{msg_id},"re":{re}'
        return Post(text[:-1] + ids + "}", Transport.PORT, self.target_origin, message)


_MAX_ID = 2**53  # JavaScript's safe integers


def _is_id(value: object) -> bool:
    return type(value) is int and 0 < value < _MAX_ID


def _is_object(value: object) -> TypeGuard[Mapping[str, Any]]:
    # A decoded JSON object is a dict: the exact type check spares the ABC's slow path.
    return type(value) is dict or isinstance(value, Mapping)


def _to_json(wire: Mapping[str, object]) -> str:
    return json.dumps(wire, separators=(",", ":"), allow_nan=False)
