"""The channel: a pure state machine for one lobby <-> game pairing.

Like h11's ``Connection`` it does no I/O. The caller reports what happened
(``receive`` an inbound event, ``send`` / ``request`` a message, ``poll`` when
time passed, ``peer_loaded`` / ``port_closed``, ``close``) and carries out the
effects each call returns, in order.

Lifecycle::

    IDLE --start()--> HANDSHAKING --hello/welcome/ready--> CONNECTED(bridge, on a MessagePort)
                           |  \\--plain message (game: or handshake timeout)--> CONNECTED(compat)
                           \\------------------ close() ------------------> CLOSED

Both ends send ``hiziBridge.hello`` on the window at start. The lobby answers a
game's hello with ``hiziBridge.welcome`` and a transferred MessagePort; the game
answers on that port with ``hiziBridge.ready``; from then on all traffic, with
message ids, uses the port. A peer that never says hello is a plain Appendix A
peer: the channel falls back to bare ``{type, data}`` on the window
(compatibility mode).

Which document is on the other end (lobby side; the iframe's document can be
replaced at any time, and a lobby cannot see a cross-origin navigation start).
Window messages reach ``receive`` only after the origin and source checks, so
they come from the iframe's *current* document. The rules:

1. Confirmed port. After a new session's hello the lobby sends the welcome and
   a port, and reports ``Connected(bridge)`` only when the game's ``ready``
   comes on that port. Until then sends are queued (flushed in order on
   ``ready``) and request timers run. Window messages of the game in that phase
   are delivered (a game that fell back to compat before the welcome reached
   it). No ``ready`` within ``confirm_timeout_ms`` (default 3 s): the welcomed
   document is gone; the port is dropped, sent requests fail ``cancelled``, and
   the lobby goes to compat if plain messages came since the welcome, else says
   hello again.
2. A plain (non-handshake) window message while on a confirmed port: the iframe
   now holds a plain page. Reset (port closed, sent requests fail
   ``cancelled``), switch to compat, deliver that message. A *game* keeps
   refusing window traffic after the upgrade as ``transport``: its lobby's
   document cannot be replaced under it.
3. The iframe's load event while on a confirmed port: the document may be new
   or not (a hello can come before or after the load event). The lobby says
   hello and holds its sends until one of: a hello with the same peer session
   (the old document is alive: flush, stay); a hello with a new session (reset,
   rule 1); a plain message (rule 2); ``port_closed()`` or ``confirm_timeout_ms``
   with none of these (the old document is gone: reset, handshaking, the new
   page is accepted in whatever mode it first speaks). Port messages during the
   probe are delivered but do not confirm (the old document may have posted them
   just before it went away). During rule 1's wait a load event only repeats the
   hello.
4. Compatibility mode. A hello means the frame now speaks hizi-bridge: requests
   sent in compat fail ``cancelled`` (their answers could not be told apart),
   then rule 1. A load event: a plain page cannot be asked whether it is still
   there, and plain pages usually talk before their own load event, so the first
   load since the lobby last learned of a new document changes nothing; a
   further one means another document: sent requests fail ``cancelled`` and the
   mode stays compat until the new page says hello.
5. ``port_closed()`` (the adapter saw the current port's other end close): on a
   lobby, the document holding it is gone (rule 3's outcome, at once); on a
   game, as a bye from the lobby.
6. The target follows the document. Window posts go to the exact origin the
   current document last spoke from (checked against the allow-list), at first
   the configured peer origin; never ``"*"``. So a launch URL that redirects to
   another allowed origin is served. The hello after a load event goes to the
   last known origin (the browser drops it if the new document is elsewhere; a
   hizi-bridge game says hello itself).
7. Handshake timeout. A game waits ``handshake_timeout_ms`` (default 1 s) for a
   welcome, then assumes a plain lobby. A lobby waits 30 s by default from every
   entry into handshaking, then reports ``HandshakeTimedOut`` (status ``error``,
   code ``timeout``) and keeps listening: a game that speaks later still connects.

Requests answered by a person (``Message.answered_by_person``: the reality
check) have no timeout unless the caller gives one; all others time out after
``request_timeout_ms``. Requests still queued when a peer is reset are kept for
the next peer; only requests already sent to a document that went away fail.
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

from pydantic_core import PydanticSerializationError

from .dialects import Dialect, make_dialect
from .effects import (
    AdoptPort,
    ClosePort,
    Connected,
    Deliver,
    Disconnected,
    Effect,
    HandshakeTimedOut,
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
    InvalidConfig,
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
from .origin import InvalidOriginPattern, OriginPolicy, normalise_origin, suggest_origin
from .stats import Stats
from .wire import dump, dump_json, parse_object

_CONTROL_PREFIX = "hiziBridge."
# The bye a game says on the old port when a newer lobby bridge on its iframe welcomed it.
TAKEOVER = "another lobby bridge took over"


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
    # How long a game waits for a welcome before assuming a plain Appendix A lobby
    # (default 1 s), and how long a lobby waits for any game before it reports a
    # handshake timeout (default 30 s: a game page on a slow phone boots in seconds;
    # a lobby still connects if the game speaks later).
    handshake_timeout_ms: float | None = None
    # Lobby: how long a game has to confirm the port after the welcome, or to answer
    # the hello said after its iframe loaded, before its document counts as gone.
    confirm_timeout_ms: float = 3000
    # Every request but those a person answers (``answered_by_person``).
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
        return 1000.0 if self.role is Role.GAME else 30_000.0


@dataclass(slots=True)
class _Pending:
    reply: str
    deadline: float | None  # None: answered by a person, no timeout
    timeout_ms: float | None


@dataclass(slots=True)
class _Outgoing:
    message: Message
    id: int
    re: int | None
    text: str  # dump_json(message), made (and so checked) at the call


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
        self.policy, self.target_origin = _check_origins(config)
        self._target_from = self.target_origin  # the event.origin the target was made from
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
        self._ousted_session: str | None = None  # a game that left us for a newer bridge
        # Lobby, see the module docstring: the game's ready came on the current port
        # (rule 1); a load event's hello awaits its answer, sends held (rule 3); the
        # deadline of either wait; plain messages came since the welcome; a load
        # event came since we last learned of a new document (rule 4).
        self._confirmed = False
        self._probing = False
        self._confirm_deadline: float | None = None
        self._plain_since_welcome = False
        self._doc_loaded = False

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
        confirm = self._confirm_deadline
        if confirm is not None and (deadline is None or confirm < deadline):
            deadline = confirm
        for pending in self._pending.values():  # usually none or one
            due = pending.deadline
            if due is not None and (deadline is None or due < deadline):
                deadline = due
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
        self._enter_handshaking()
        # A lobby that may announce sees a document that has loaded (rule 4).
        self._doc_loaded = announce
        return [self._hello()] if announce else []

    def peer_loaded(self) -> list[Effect]:
        """The peer's document (re)loaded (the iframe's ``load`` event): rules 3 and 4.

        While handshaking, say hello. On a confirmed port, say hello and hold sends
        until the game answers (same session: stay; new session: re-handshake) or
        ``confirm_timeout_ms`` passes (the old document is gone). In compat mode, a
        second load since the last new document fails the requests sent so far.
        """
        if self.state in (State.IDLE, State.CLOSED) or not self.dialect.handshake:
            return []
        seen_load, self._doc_loaded = self._doc_loaded, True
        if self.mode is Mode.COMPAT:
            if not seen_load:
                return []  # maybe this plain page's own load event, after it talked
            return self._cancel_pending("the game page was replaced (the iframe loaded again)")
        if self.mode is Mode.BRIDGE and self._confirmed and self.role is Role.LOBBY:
            self._probing = True
            self._confirm_deadline = self._clock() + self.config.confirm_timeout_ms / 1000
        return [self._hello()]

    def port_closed(self) -> list[Effect]:
        """The current MessagePort reported that its other end closed (rule 5).

        The adapter calls this only for the port in use (Chromium fires ``close`` on a
        MessagePort when the entangled port is closed or its document goes away). A
        lobby takes the game document as gone; a game takes it as the lobby's bye.
        """
        if self.state is State.CLOSED or self.mode is not Mode.BRIDGE:
            return []
        why = "the peer's port closed (its page went away)"
        if self.role is Role.GAME:
            effects = self._reset_peer(why)
            self._enter_handshaking(timeout=False)
            return [*effects, Disconnected(why)]
        return self._peer_gone(why)

    def peer_removed(self) -> list[Effect]:
        """A lobby's iframe left the document, taking the game's document with it.

        In any mode: requests fail ``cancelled`` (nobody can answer them), sends are queued
        for whatever page the iframe shows if it comes back, and the lobby waits for it.
        """
        if self.state is State.CLOSED or self.role is not Role.LOBBY or self.mode is None:
            return []
        return self._peer_gone("the game's iframe was removed from the document")

    def send(self, message: Message) -> list[Effect]:
        """Send an event. Before the peer is ready it is queued and flushed in order."""
        _, effects = self._send(message)
        return effects

    def request(
        self, message: Message, timeout_ms: float | None = None
    ) -> tuple[int, list[Effect]]:
        """Send a request; a later ``RequestDone`` or ``RequestFailed`` carries the id returned.

        ``timeout_ms=None`` means ``config.request_timeout_ms``, except for a request a
        person answers (``answered_by_person``: the reality check), which then waits
        without a timeout; it still fails ``cancelled`` if the game's page goes away.
        """
        if message.reply is None:
            raise InvalidOutboundMessage(f"{message.type!r} is not a request: it has no reply")
        timeout: float | None = timeout_ms
        if timeout is None and not message.answered_by_person:
            timeout = self.config.request_timeout_ms
        if timeout is not None and not timeout > 0:
            raise InvalidOutboundMessage("request timeout must be positive")
        request_id, effects = self._send(message)
        deadline = None if timeout is None else self._clock() + timeout / 1000
        self._pending[request_id] = _Pending(message.reply, deadline, timeout)
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
                if inbound.origin != self._target_from:
                    self._follow(inbound.origin)
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
        """Expire timed-out requests, a handshake and a confirmation that got no answer."""
        if self.state is State.CLOSED:
            return []
        now = self._clock()
        effects: list[Effect] = []
        for request_id, pending in list(self._pending.items()):
            if pending.deadline is not None and now >= pending.deadline:
                del self._pending[request_id]
                self.stats.requests_timed_out += 1
                error = RequestTimeout(f"no {pending.reply!r} within {pending.timeout_ms:g} ms")
                effects.append(RequestFailed(request_id, error))
        if self._confirm_deadline is not None and now >= self._confirm_deadline:
            self._confirm_deadline = None
            effects += self._confirm_expired()
        if self._handshake_deadline is not None and now >= self._handshake_deadline:
            self._handshake_deadline = None
            if self.state is State.HANDSHAKING:
                if self.role is Role.GAME:
                    effects += self._connect_compat()
                else:
                    waited = self.config.effective_handshake_timeout_ms()
                    effects.append(
                        HandshakeTimedOut(
                            f"no game connected within {waited:g} ms; still listening"
                        )
                    )
        return effects

    def close(self, reason: str = "closed") -> list[Effect]:
        """Close for good: tell a hizi-bridge peer, fail pending requests, drop the queue.

        A ``reason`` that is not valid Unicode raises ``InvalidOutboundMessage`` and
        nothing changes (it would reach the peer and the status handlers).
        """
        if self.state is State.CLOSED:
            return []
        if not isinstance(reason, str):
            raise InvalidOutboundMessage(f"close reason must be a string, not {reason!r}"[:200])
        _check_unicode(reason, "close reason")
        effects: list[Effect] = []
        if self.mode is Mode.BRIDGE:
            bye = Bye(data=ByeData(reason=reason[:200]))
            effects.append(self._post_port(bye, self._take_id(), None))
            effects.append(ClosePort())
        effects += self._cancel_pending(f"bridge closed: {reason}", queued_too=True)
        self.stats.dropped_on_close += len(self._queue) + len(self._held)
        self._queue.clear()
        self._held.clear()
        self.stats.queued = 0
        self.state = State.CLOSED
        self._handshake_deadline = None
        self._confirm_deadline = None
        self._probing = False
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
        effects: list[Effect] = []
        if self.mode is Mode.BRIDGE:
            if self.role is Role.GAME:
                raise TransportRejected(
                    "window message after the upgrade to a MessagePort; only the port is trusted"
                )
            if self._confirmed:
                # Rule 2: the iframe's current document talks plain Appendix A, so the
                # one holding our port is gone. Only a valid message counts as evidence.
                message, notes = self._decode_window(value, plain=True)
                why = "the game page was replaced by a plain Appendix A page"
                effects += self._reset_peer(why)
                effects.append(Disconnected(why))
                effects += self._connect_compat()
                effects += self._accept_window(message, value, notes)
                return effects
            # Rule 1's wait: the welcomed game may have talked on the window before the
            # welcome reached it; if no ready follows, this says a plain page is there.
            self._plain_since_welcome = True
        message, notes = self._decode_window(value, plain=self.mode is not Mode.BRIDGE)
        if self.state is not State.CONNECTED and self.mode is None:
            # The peer talks without a hello: it is a plain Appendix A peer.
            effects += self._connect_compat()
        effects += self._accept_window(message, value, notes)
        effects += self._release_held()
        return effects

    def _decode_window(self, value: object, *, plain: bool) -> tuple[Message, tuple[str, ...]]:
        """The message a window value carries, and the loose forms normalised on the way.

        A plain Appendix A peer (``plain``: no hello, or in compat mode) may post the loose
        forms the docs allow (see ``loose.py``): normalised, counted and journalled. A
        hizi-bridge peer stays strict.
        """
        if plain and self.dialect.name == "appendix_a" and _is_object(value):
            value_in, notes = normalise_loose(value)
            if notes:
                message = parse_object(
                    value_in, direction=self._inbound_direction, limits=None, plain_peer=True
                )
                return message, notes
        return self.dialect.decode(value, self._inbound_direction), ()

    def _accept_window(self, message: Message, raw: object, notes: tuple[str, ...]) -> list[Effect]:
        for note in notes:
            self.stats.normalised[note] += 1
        effects = self._accept(message, None, Transport.WINDOW, None, raw=raw, normalised=notes)
        self.dialect.received(message)
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
                return [] if self._confirmed else self._confirm()
            raise MalformedMessage("handshake messages travel on the window, not the port")
        if not self._confirmed:
            # A conforming game says ready first; any message on the new port proves
            # the game holds it all the same.
            return self._confirm() + self._accept(message, msg_id, Transport.PORT, re)
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
        if self.mode is None and hello.session == self._ousted_session:
            return []  # the game went to a newer bridge on this iframe (see _on_peer_bye)
        self._ousted_session = None  # a new game page: ours to serve again
        if self.mode is Mode.BRIDGE and hello.session == self.peer_session:
            if self._probing:
                # Rule 3: the document holding the port answered: it is still there.
                self._probing = False
                self._confirm_deadline = None
                return self._flush()
            return []  # the game answered our own hello: nothing new
        effects: list[Effect] = []
        if self.mode is not None:
            why = (
                "a new game page said hello"
                if self.mode is Mode.BRIDGE
                else "the game page now speaks hizi-bridge"
            )
            was_connected = self.state is State.CONNECTED
            effects += self._reset_peer(why)
            if was_connected:
                self._enter_handshaking()
                effects.append(Disconnected(why))
        self.version = max(common)
        self.peer_session = hello.session
        welcome = Welcome(data=WelcomeData(version=self.version, session=hello.session))
        effects.append(
            Post(_to_json(dump(welcome)), Transport.WINDOW, self.target_origin, welcome, True)
        )
        # Rule 1: on the port, but not connected until the game's ready comes on it.
        self.mode = Mode.BRIDGE
        self._confirmed = False
        self._plain_since_welcome = False
        self._confirm_deadline = self._clock() + self.config.confirm_timeout_ms / 1000
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
            # Tell the bridge we leave (the MessagePort close event that would tell it is
            # not on by default in Chromium 156): a second lobby bridge on our iframe, or a
            # restarted one, took over, and the old one must not stay "connected".
            bye = Bye(data=ByeData(reason=TAKEOVER))
            effects.append(self._post_port(bye, self._take_id(), None))
            effects += self._reset_peer("the lobby restarted its bridge")
        self.version = welcome.version
        effects.append(AdoptPort())
        ready = Ready(data=ReadyData(session=self.session))
        effects += self._connect_bridge(announce=ready)
        return effects

    def _on_peer_bye(self, bye: Bye) -> list[Effect]:
        if self.role is Role.LOBBY and bye.data.reason == TAKEOVER:
            # The game chose a newer bridge on our iframe: leave that game session to it
            # (answering its next hello would start a tug of war between the two).
            self._ousted_session = self.peer_session
        why = f"peer closed: {bye.data.reason}"
        effects = self._reset_peer(why)
        self._enter_handshaking(timeout=self.role is Role.LOBBY)
        effects.append(Disconnected(why))
        return effects

    def _confirm(self) -> list[Effect]:
        """Rule 1: the game's ready came on the port we gave it: connected."""
        self._confirmed = True
        self._confirm_deadline = None
        return self._connect_bridge()

    def _confirm_expired(self) -> list[Effect]:
        if self.mode is not Mode.BRIDGE or self.role is not Role.LOBBY:
            return []
        timeout = self.config.confirm_timeout_ms
        if self._confirmed:  # rule 3: the hello said after the load event got no answer
            return self._peer_gone(f"the game page went away (no answer within {timeout:g} ms)")
        # Rule 1: the welcomed document never took the port.
        plain = self._plain_since_welcome
        effects = self._reset_peer(f"no ready on the port within {timeout:g} ms")
        if plain:
            return effects + self._connect_compat()
        return [*effects, self._hello()]

    def _peer_gone(self, why: str) -> list[Effect]:
        """The lobby's document on the other end went away: serve whatever comes next."""
        was_connected = self.state is State.CONNECTED
        plain = not self._confirmed and self._plain_since_welcome
        effects = self._reset_peer(why)
        if plain:  # a plain page talked while we waited for the ready
            return effects + self._connect_compat()
        self._enter_handshaking()
        if was_connected:
            effects.append(Disconnected(why))
        return effects

    def _reset_peer(self, why: str) -> list[Effect]:
        """Forget the old peer session: its requests will never be answered."""
        effects: list[Effect] = [ClosePort()] if self.mode is Mode.BRIDGE else []
        effects += self._cancel_pending(why)
        self._awaiting_reply.clear()
        self._seen.clear()
        self._seen_order.clear()
        self.mode = None
        # A load event seen during rule 3's wait belongs to the newer document.
        self._doc_loaded = self._probing
        self._probing = False
        self._confirmed = False
        self._confirm_deadline = None
        self._plain_since_welcome = False
        return effects

    def _cancel_pending(self, why: str, *, queued_too: bool = False) -> list[Effect]:
        # Requests still queued never reached the old peer: they go to the next one.
        queued = set() if queued_too else {out.id for out in self._queue}
        effects: list[Effect] = []
        for request_id in list(self._pending):
            if request_id in queued:
                continue
            del self._pending[request_id]
            self.stats.requests_cancelled += 1
            effects.append(RequestFailed(request_id, RequestCancelled(why)))
        return effects

    def _enter_handshaking(self, *, timeout: bool = True) -> None:
        self.state = State.HANDSHAKING
        self._handshake_deadline = None
        limit = self.config.effective_handshake_timeout_ms()
        if timeout and limit is not None:
            self._handshake_deadline = self._clock() + limit / 1000

    def _connect_bridge(self, announce: Ready | None = None) -> list[Effect]:
        self.state = State.CONNECTED
        self.mode = Mode.BRIDGE
        self._confirmed = True  # a game is confirmed by the welcome's port itself
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
        self._confirm_deadline = None
        self._probing = False
        self._confirmed = False
        effects: list[Effect] = [Connected(Mode.COMPAT)]
        return effects + self._flush()

    def _follow(self, origin: str) -> None:
        """Rule 6: post to the allowed origin the current document speaks from."""
        self.target_origin = normalise_origin(origin)
        self._target_from = origin

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
        text = _encode(message)  # before any state changes: a refused message costs nothing
        msg_id = self._next_id
        self._next_id += 1
        waiting = self._awaiting_reply.get(message.type)  # a reply answers the oldest request
        re = waiting.popleft() if waiting else None
        if self.state is not State.CONNECTED or self._probing:
            self._queue.append(_Outgoing(message, msg_id, re, text))
            self.stats.queued = len(self._queue)
            return msg_id, []
        if self.mode is Mode.BRIDGE:  # the hot path: straight onto the port
            self.stats.sent += 1
            return msg_id, [self._post_port(message, msg_id, re, text)]
        return msg_id, self._emit(_Outgoing(message, msg_id, re, text))

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
            return [self._post_port(out.message, out.id, out.re, out.text)]
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

    def _post_port(
        self, message: Message, msg_id: int, re: int | None, text: str | None = None
    ) -> Post:
        # pydantic's JSON serializer, then the envelope's ids spliced in before the closing
        # brace: about 3x cheaper in Pyodide than model_dump() + json.dumps().
        if text is None:
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


def _check_origins(config: ChannelConfig) -> tuple[OriginPolicy, str]:
    """The policy and first target of a config; ``InvalidConfig`` with a one-line reason."""
    peer = "game origin" if config.role is Role.LOBBY else "lobby origin"
    allowed = config.allowed_origins
    try:
        policy = OriginPolicy(allowed or [config.peer_origin])
    except InvalidOriginPattern as exc:
        name = f"allowed origin {_quote(exc.entry)}" if allowed else f"{peer} {_quote(exc.entry)}"
        raise InvalidConfig(_instead(f"{name} is refused: {exc.reason}", exc.entry)) from None
    except TypeError as exc:
        raise InvalidConfig(f"allowed origins: {exc}") from None
    origin = config.peer_origin
    if not isinstance(origin, str):
        raise InvalidConfig(f"{peer} must be a string like 'https://games.example.com'")
    try:
        return policy, policy.target_origin_for(origin)
    except ValueError:
        pass
    try:
        OriginPolicy([origin])
    except InvalidOriginPattern as exc:
        problem = f"{peer} {_quote(origin)} is refused: {exc.reason}"
        raise InvalidConfig(_instead(problem, origin)) from None
    raise InvalidConfig(
        f"{peer} {_quote(origin)} is not among the allowed origins {list(policy.entries)}; "
        "add it to them"
    )


def _quote(value: object) -> str:
    return repr(value[:120]) if isinstance(value, str) else f"<{type(value).__name__}>"


def _instead(problem: str, value: object) -> str:
    suggestion = suggest_origin(value)
    one_line = " ".join(problem.split())
    return f"{one_line}; write {suggestion!r} instead" if suggestion else one_line


def _encode(message: Message) -> str:
    """``dump_json``, refusing text that is not valid Unicode (a lone surrogate).

    Models validated by pydantic cannot hold one; this catches those built without
    validation (``model_construct``), so nothing is ever sent half-repaired.
    """
    try:
        return dump_json(message)
    except PydanticSerializationError:
        _check_unicode(dump(message), f"outbound {message.type}")
        raise


def _check_unicode(value: object, where: str) -> None:
    """Raise ``InvalidOutboundMessage`` naming the first string that is not valid Unicode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidOutboundMessage(
                f"{where} is not valid Unicode (a lone surrogate at index {exc.start}); "
                "nothing was sent"
            ) from None
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_unicode(key, f"{where}: a key")
            _check_unicode(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_unicode(item, f"{where}[{i}]")
