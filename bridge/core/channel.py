"""The channel: a pure state machine for one lobby <-> game pairing.

Like h11's ``Connection`` it does no I/O. The caller reports what happened (``receive`` an
inbound event, ``send`` / ``request`` a message, ``poll`` when time passed, ``peer_loaded``
/ ``port_closed`` / ``peer_removed``, ``close``) and carries out the effects each call
returns, in order (``bridge.core.effects``).

What the other end is lives in one ``PeerState``; every lifecycle rule is a row of
``bridge.core.state.TABLE`` (drawn in docs/state-diagram.md). A call is read into an
``Event``, the table gives the transition, and the channel carries out its steps
(``bridge.core.steps``, the half of ``Channel`` that does them) with the small parts it is
made of: ``handshake`` (messages and checks), ``requests`` (pending
requests, reply matching, timeouts), ``outgoing`` (ids, the queue, the dialect's hold),
``dedup`` (the peer's ids), ``envelope`` (ids on the port), ``decoding`` (inbound values)
and ``config`` (the checks of a ``ChannelConfig``).

Requests answered by a person (``Message.answered_by_person``: the reality check) have no
timeout unless the caller gives one; all others time out after ``request_timeout_ms``.

Window posts go to the exact origin the current document last spoke from (checked against
the allow-list), at first the configured peer origin; never ``"*"``. So a launch URL that
redirects to another allowed origin is served. The hello of a probe goes to the last known
origin (the browser drops it if the new document is elsewhere; a hizi-bridge game says hello
itself).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from . import handshake
from .config import ChannelConfig, check_origins
from .decoding import inbound_value, type_of
from .dedup import SeenIds
from .dialects import Dialect, make_dialect
from .effects import Effect, Inbound, Mode, Rejected, RequestDone, Transport
from .envelope import is_object, open_envelope
from .errors import (
    ChannelClosedError,
    InvalidOutboundMessage,
    MalformedMessage,
    OriginRejected,
    RemoteProtocolError,
    SourceRejected,
    TransportRejected,
)
from .limits import decode_text
from .messages import BY_TYPE, Bye, Direction, HelloData, Message, Ready, Role, WelcomeData
from .origin import normalise_origin
from .outgoing import Outgoing, Queued, check_unicode, encode
from .requests import Requests
from .state import COARSE, PORT_STATES, SENDING_STATES, Event, PeerState, State
from .stats import Stats
from .steps import TAKEOVER, Happening, Steps
from .wire import parse_object

__all__ = ["TAKEOVER", "Channel", "ChannelConfig", "PeerState", "State"]


S = PeerState
_CATALOG = frozenset(BY_TYPE.values())
Taken = tuple[Message, RequestDone | None]  # what the connected lane hands its caller


class Channel(Steps):
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
        self.policy, self.target_origin = check_origins(config)
        self._target_from = self.target_origin  # the event.origin the target was made from
        self.session = session or f"{config.role.value[0]}-{secrets.token_hex(8)}"
        self.dialect: Dialect = (
            make_dialect(config.dialect, config.role, **config.dialect_options)
            if isinstance(config.dialect, str)
            else config.dialect
        )
        self.stats = Stats()
        self.peer_state = PeerState.IDLE
        self.version: int | None = None
        self.peer_session: str | None = None
        lobby = self.role is Role.LOBBY
        self._inbound = Direction.GAME_TO_LOBBY if lobby else Direction.LOBBY_TO_GAME
        self._outbound = Direction.LOBBY_TO_GAME if lobby else Direction.GAME_TO_LOBBY
        self._requests = Requests(self.stats)
        self._out = Outgoing(self.dialect, self.stats, self._requests)
        self._seen = SeenIds(config.dedup_window)
        self._handshake_deadline: float | None = None
        self._confirm_deadline: float | None = None
        # A load event came since the lobby last learned of a new document (see state.py).
        self._load_seen = False
        self._closed_why = ""
        self._bind_routes()

    # ------------------------------------------------------------------ queries

    @property
    def state(self) -> State:
        return COARSE[self.peer_state]

    @property
    def mode(self) -> Mode | None:
        """``bridge`` while a port is held (or being confirmed), ``compat`` with a plain peer."""
        if self.peer_state in PORT_STATES:
            return Mode.BRIDGE
        return Mode.COMPAT if self.peer_state is S.PLAIN else None

    @property
    def connected(self) -> bool:
        return COARSE[self.peer_state] is State.CONNECTED

    @property
    def pending_requests(self) -> int:
        return len(self._requests)

    @property
    def has_timers(self) -> bool:
        """True while a request is pending or a handshake / confirmation timer runs: then
        ``next_deadline`` may give a time (False: nothing for ``poll`` to do, ever)."""
        return bool(
            len(self._requests)
            or self._handshake_deadline is not None
            or self._confirm_deadline is not None
        )

    @property
    def handshake_deadline(self) -> float | None:
        """Clock value (s) of the handshake timeout, while it runs."""
        return self._handshake_deadline

    @property
    def confirm_deadline(self) -> float | None:
        """Clock value (s) by which the game must confirm the port or answer a probe."""
        return self._confirm_deadline

    @property
    def next_message_id(self) -> int:
        """The id the next message sent will carry."""
        return self._out.next_id

    def now(self) -> float:
        """The channel's clock (seconds; injected, ``time.monotonic`` by default)."""
        return self._clock()

    def next_deadline(self) -> float | None:
        """The clock value at which ``poll`` has work to do, if any."""
        deadline = self._handshake_deadline
        confirm = self._confirm_deadline
        if confirm is not None and (deadline is None or confirm < deadline):
            deadline = confirm
        due = self._requests.next_deadline()
        if due is not None and (deadline is None or due < deadline):
            deadline = due
        return deadline

    # ------------------------------------------------------------------ commands

    def start(self, *, announce: bool = True) -> list[Effect]:
        """Begin the handshake: announce ourselves on the window.

        ``announce=False`` starts listening without the hello, for a lobby whose iframe
        still shows its initial ``about:blank`` (a post to it would be dropped by the
        browser, with a console error); call ``peer_loaded`` when the game page loads. A
        dialect without a handshake (an aggregator's own protocol) is connected at once.
        """
        if not self.dialect.handshake:
            return self._fire(Event.START_PLAIN)
        if self.peer_state is S.IDLE:
            self._load_seen = announce  # a lobby that may announce sees a loaded document
        return self._fire(Event.START if announce else Event.START_SILENT)

    def peer_loaded(self) -> list[Effect]:
        """The peer's document (re)loaded (the iframe's ``load`` event); see state.py."""
        if not self.dialect.handshake or self.peer_state in (S.IDLE, S.CLOSED):
            return []
        event = Event.RELOAD if self._load_seen else Event.LOAD
        self._load_seen = True
        return self._fire(event)

    def port_closed(self) -> list[Effect]:
        """The current MessagePort reported that its other end closed.

        The adapter calls this only for the port in use (Chromium fires ``close`` on a
        MessagePort when the entangled port is closed or its document goes away). A
        lobby takes the game document as gone; a game takes it as the lobby's bye.
        """
        return self._fire(Event.PORT_CLOSED)

    def peer_removed(self) -> list[Effect]:
        """A lobby's iframe left the document, taking the game's document with it.

        Requests fail ``cancelled`` (nobody can answer them), sends are queued for whatever
        page the iframe shows if it comes back, and the lobby waits for it.
        """
        return self._fire(Event.PEER_REMOVED)

    def send(self, message: Message) -> list[Effect]:
        """Send an event. Before the peer is ready it is queued and flushed in order."""
        _, effects = self._send(message)
        return effects

    def request(
        self, message: Message, timeout_ms: float | None = None, waiter: object = None
    ) -> tuple[int, list[Effect]]:
        """Send a request; a later ``RequestDone`` or ``RequestFailed`` carries the id returned
        and ``waiter`` (anything of the caller's: a callback, a page's key), exactly once.

        ``timeout_ms=None`` means ``config.request_timeout_ms``, except for a request a
        person answers (``answered_by_person``: the reality check), which then waits
        without a timeout; it still fails ``cancelled`` if the game's page goes away. The
        channel is the one registry of requests in flight (``bridge.core.requests``): a
        caller keeps no table of its own, it reads the waiter off the effect.
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
        self._requests.add(request_id, message.reply, deadline, timeout, waiter)
        return request_id, effects

    def receive(self, inbound: Inbound) -> list[Effect]:
        """Take one inbound event; every rejection is counted and reported, never raised."""
        if self.peer_state is S.CLOSED:
            return []
        type_name: str | None = None
        try:
            if inbound.via is Transport.WINDOW:
                decision = self.policy.check(inbound.origin)
                if not decision.allowed:
                    raise OriginRejected(decision.reason)
                if not inbound.from_peer:
                    raise SourceRejected("right origin, but event.source is not the paired window")
                if inbound.origin != self._target_from:
                    self._follow(inbound.origin)
            value = inbound_value(inbound, self.config.limits)
            type_name = type_of(value)
            if inbound.via is Transport.PORT:
                return self._receive_port(value)
            return self._receive_window(value, inbound)
        except RemoteProtocolError as exc:
            self.stats.reject(exc.reason)
            return [Rejected(exc, inbound.origin, type_name)]

    def receive_port(self, text: str) -> list[Effect]:
        """A text off the MessagePort: ``receive`` without the ``Inbound`` (the hot path)."""
        if self.peer_state is S.CLOSED:
            return []
        value: object = None
        try:
            value = decode_text(text, self.config.limits)
            return self._receive_port(value)
        except RemoteProtocolError as exc:
            return self._refuse_port(exc, value)

    def receive_port_connected(self, text: str) -> Taken | list[Effect]:
        """``receive_port`` for a caller that only delivers (the connected lane): ``(message,
        done)`` for a data message taken in the connected state (counted; ``done``: the
        ``RequestDone`` it settles, if any), without the effect list; for anything else
        (another state, a control message, a refusal) ``receive_port``'s effects, from the
        same one decode. One rule, two ways in: the same steps as ``receive_port``.
        """
        if self.peer_state is not S.CONNECTED:
            return self.receive_port(text)
        value: object = None
        try:
            value = decode_text(text, self.config.limits)
            msg_id, re, message = self._read_port(value)
            self._seen.note(msg_id)
            if message.direction is Direction.CONTROL:
                return self._port_control(message)
        except RemoteProtocolError as exc:
            return self._refuse_port(exc, value)
        return message, self._take(message, msg_id, Transport.PORT, re)

    def poll(self) -> list[Effect]:
        """Expire timed-out requests, a handshake and a confirmation that got no answer."""
        if self.peer_state is S.CLOSED:
            return []
        now = self._clock()
        effects: list[Effect] = list(self._requests.expire(now))
        if self._confirm_deadline is not None and now >= self._confirm_deadline:
            self._confirm_deadline = None
            effects += self._fire(Event.CONFIRM_TIMEOUT)
        if self._handshake_deadline is not None and now >= self._handshake_deadline:
            self._handshake_deadline = None
            effects += self._fire(Event.HANDSHAKE_TIMEOUT)
        return effects

    def close(self, reason: str = "closed") -> list[Effect]:
        """Close for good: tell a hizi-bridge peer, fail pending requests, drop the queue.

        A ``reason`` that is not valid Unicode raises ``InvalidOutboundMessage`` and
        nothing changes (it would reach the peer and the status handlers).
        """
        if self.peer_state is S.CLOSED:
            return []
        if not isinstance(reason, str):
            raise InvalidOutboundMessage(f"close reason must be a string, not {reason!r}"[:200])
        check_unicode(reason, "close reason")
        self._closed_why = reason
        return self._fire(Event.CLOSE, Happening(reason=reason, closing=True))

    # ------------------------------------------------------------------ inbound

    def _receive_window(self, value: object, inbound: Inbound) -> list[Effect]:
        if self.dialect.handshake and is_object(value):
            type_name = value.get("type")
            if isinstance(type_name, str) and type_name.startswith(handshake.CONTROL_PREFIX):
                control = parse_object(value, limits=None)
                data = control.data
                if isinstance(data, HelloData):
                    version = handshake.check_hello(data, self.config)
                    again = self.role is Role.LOBBY and data.session == self.peer_session
                    event = Event.HELLO_AGAIN if again else Event.HELLO
                    return self._fire(event, Happening(hello=data, version=version))
                if isinstance(data, WelcomeData):
                    handshake.check_welcome(data, inbound, self.config, self.session)
                    return self._fire(Event.WELCOME, Happening(welcome=data))
                raise MalformedMessage(f"{control.type!r} travels on the port, not the window")
        return self._fire(Event.WINDOW_MESSAGE, Happening(value=value))

    def _read_port(self, value: object) -> tuple[int, int | None, Message]:
        msg_id, re, body = open_envelope(value)
        return msg_id, re, parse_object(body, direction=self._inbound, limits=None)

    def _receive_port(self, value: object) -> list[Effect]:
        if self.peer_state not in PORT_STATES:
            raise TransportRejected("port message before the handshake finished")
        msg_id, re, message = self._read_port(value)
        self._seen.note(msg_id)
        if message.direction is Direction.CONTROL:
            return self._port_control(message)
        if self.peer_state is S.CONNECTED:
            # The hot path, the table's (CONNECTED, PORT_MESSAGE) row without the lookup: it
            # stays and delivers (tests/unit/test_state.py holds the row to exactly that).
            return self._accept(message, msg_id, Transport.PORT, re)
        return self._fire(Event.PORT_MESSAGE, Happening(message=message, msg_id=msg_id, re=re))

    def _port_control(self, message: Message) -> list[Effect]:
        if isinstance(message, Bye):
            reason = message.data.reason
            takeover = self.role is Role.LOBBY and reason == TAKEOVER
            event = Event.BYE_TAKEOVER if takeover else Event.BYE
            return self._fire(event, Happening(reason=reason))
        if isinstance(message, Ready):
            return self._fire(Event.READY)
        raise MalformedMessage("handshake messages travel on the window, not the port")

    def _refuse_port(self, exc: RemoteProtocolError, value: object) -> list[Effect]:
        self.stats.reject(exc.reason)
        return [Rejected(exc, "", type_of(value))]

    def _follow(self, origin: str) -> None:
        """Post to the allowed origin the current document speaks from."""
        self.target_origin = normalise_origin(origin)
        self._target_from = origin

    # ------------------------------------------------------------------ outbound

    def _send(self, message: Message) -> tuple[int, list[Effect]]:
        if self.peer_state is S.CLOSED:
            why = self._closed_why
            raise ChannelClosedError("the bridge is closed" + (f": {why}" if why else ""))
        # The class first, by identity: ``isinstance(message, Message)`` runs pydantic's
        # ``ModelMetaclass.__instancecheck__``, a Python frame per message.
        cls = type(message)
        if cls not in _CATALOG or BY_TYPE.get(message.type) is not cls:
            raise InvalidOutboundMessage(f"not a catalog message: {message!r}"[:200])
        if message.direction is not self._outbound:
            raise InvalidOutboundMessage(
                f"{message.type!r} travels {message.direction.value}; "
                f"a {self.role.value} cannot send it"
            )
        text = encode(message)  # before any state changes: a refused message costs nothing
        self._out.remember(message)
        msg_id = self._out.take_id()
        re = self._requests.answer_to(message.type)
        if self.peer_state is S.CONNECTED:  # the hot path: straight onto the port
            self.stats.sent += 1
            return msg_id, [self._out.port_post(message, msg_id, re, self.target_origin, text)]
        out = Queued(message, msg_id, re, text)
        if self.peer_state not in SENDING_STATES:  # held until the table's FLUSH step
            self._out.queue(out)
            return msg_id, []
        # The sending states but CONNECTED (above): PLAIN, on the window.
        return msg_id, self._out.emit(out, self.target_origin, on_port=False)
