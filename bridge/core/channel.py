"""The channel: a pure state machine for one lobby <-> game pairing.

Like h11's ``Connection`` it does no I/O. The caller reports what happened (``receive`` an
inbound event, ``send`` / ``request`` a message, ``poll`` when time passed, ``peer_loaded``
/ ``port_closed`` / ``peer_removed``, ``close``) and carries out the effects each call
returns, in order (``bridge.core.effects``).

What the other end is lives in one ``PeerState``; every lifecycle rule is a row of
``bridge.core.state.TABLE`` (drawn in docs/state-diagram.md). A call is read into an
``Event``, the table gives the transition, and the channel carries out its steps with the
small parts it is made of: ``handshake`` (messages and checks), ``requests`` (pending
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
from dataclasses import dataclass
from enum import StrEnum

from . import handshake
from .config import ChannelConfig, check_origins
from .decoding import inbound_value, type_of, window_message
from .dedup import SeenIds
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
    Superseded,
    Transport,
)
from .envelope import is_object, open_envelope
from .errors import (
    ChannelClosedError,
    InvalidOutboundMessage,
    InvalidTransition,
    MalformedMessage,
    OriginRejected,
    RemoteProtocolError,
    SourceRejected,
    TransportRejected,
)
from .limits import decode_text
from .messages import BY_TYPE, REPLIES, Bye, Direction, HelloData, Message, Ready, Role, WelcomeData
from .origin import normalise_origin
from .outgoing import Outgoing, Queued, check_unicode, encode, to_json
from .requests import Requests
from .state import (
    CHECKS,
    CONFIRM_TIMER_STATES,
    HANDSHAKE_TIMER_STATES,
    PORT_STATES,
    Event,
    PeerState,
    Step,
    table_for,
)
from .stats import Stats
from .wire import dump, parse_object

__all__ = ["TAKEOVER", "Channel", "ChannelConfig", "PeerState", "State"]

TAKEOVER = handshake.TAKEOVER


class State(StrEnum):
    """The coarse status callers switch on (``peer_state`` says more)."""

    IDLE = "idle"
    HANDSHAKING = "handshaking"
    CONNECTED = "connected"
    CLOSED = "closed"


S = PeerState
_STATE = {
    S.IDLE: State.IDLE,
    S.HANDSHAKING: State.HANDSHAKING,
    S.WELCOMED: State.HANDSHAKING,
    S.WELCOMED_PLAIN: State.HANDSHAKING,
    S.CONNECTED: State.CONNECTED,
    S.PROBING: State.CONNECTED,
    S.PROBING_PLAIN: State.CONNECTED,
    S.PLAIN: State.CONNECTED,
    S.CLOSED: State.CLOSED,
}
_PROBING = frozenset({S.PROBING, S.PROBING_PLAIN})


@dataclass(slots=True)
class _Happening:
    """What the steps of one transition need to know of the event."""

    value: object = None  # a window value to check
    message: Message | None = None  # the checked (or port) message
    notes: tuple[str, ...] = ()  # loose forms normalised on the way
    msg_id: int | None = None
    re: int | None = None
    hello: HelloData | None = None
    version: int = 0  # the version a lobby picked for ``hello``
    welcome: WelcomeData | None = None
    reason: str = ""  # a bye's or close()'s
    closing: bool = False  # close(): Disconnected carries the caller's own reason
    old: PeerState = S.IDLE
    why: str = ""


_Steps = tuple[Callable[["_Happening"], list[Effect]], ...]
_Route = tuple[PeerState, _Steps, _Steps, str]  # next state, checks, steps, why


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
        # The table's rows for our role, each step bound to its method here.
        self._routes: dict[tuple[PeerState, Event], _Route] = {}
        for key, t in table_for(self.role).items():
            n = sum(step in CHECKS for step in t.steps)
            assert all(step in CHECKS for step in t.steps[:n]), key  # the checks lead
            bound = [getattr(self, f"_step_{step.value}") for step in t.steps]
            self._routes[key] = (t.next, tuple(bound[:n]), tuple(bound[n:]), t.why)

    # ------------------------------------------------------------------ queries

    @property
    def state(self) -> State:
        return _STATE[self.peer_state]

    @property
    def mode(self) -> Mode | None:
        """``bridge`` while a port is held (or being confirmed), ``compat`` with a plain peer."""
        if self.peer_state in PORT_STATES:
            return Mode.BRIDGE
        return Mode.COMPAT if self.peer_state is S.PLAIN else None

    @property
    def connected(self) -> bool:
        return _STATE[self.peer_state] is State.CONNECTED

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
        self._requests.add(request_id, message.reply, deadline, timeout)
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
            self.stats.reject(exc.reason)
            return [Rejected(exc, "", type_of(value))]

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
        return self._fire(Event.CLOSE, _Happening(reason=reason, closing=True))

    # ------------------------------------------------------------------ the table

    def _fire(self, event: Event, happening: _Happening | None = None) -> list[Effect]:
        """Carry out the table's transition for ``event`` in the current state."""
        try:
            next_state, checks, steps, why = self._routes[(self.peer_state, event)]
        except KeyError:
            raise InvalidTransition(self.role.value, self.peer_state.value, event.value) from None
        h = happening or _Happening()
        for check in checks:  # one that raises leaves everything as it was
            check(h)
        h.old = old = self.peer_state
        self.peer_state = next_state
        if why:
            h.why = why.format(confirm_ms=self.config.confirm_timeout_ms, reason=h.reason)
        effects: list[Effect] = []
        for step in steps:
            effects += step(h)
        if next_state is not old:
            if next_state not in HANDSHAKE_TIMER_STATES:
                self._handshake_deadline = None
            if next_state not in CONFIRM_TIMER_STATES:
                self._confirm_deadline = None
        return effects

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
                    return self._fire(event, _Happening(hello=data, version=version))
                if isinstance(data, WelcomeData):
                    handshake.check_welcome(data, inbound, self.config, self.session)
                    return self._fire(Event.WELCOME, _Happening(welcome=data))
                raise MalformedMessage(f"{control.type!r} travels on the port, not the window")
        return self._fire(Event.WINDOW_MESSAGE, _Happening(value=value))

    def _receive_port(self, value: object) -> list[Effect]:
        if self.peer_state not in PORT_STATES:
            raise TransportRejected("port message before the handshake finished")
        msg_id, re, body = open_envelope(value)
        message = parse_object(body, direction=self._inbound, limits=None)
        self._seen.note(msg_id)
        if message.direction is Direction.CONTROL:
            if isinstance(message, Bye):
                reason = message.data.reason
                takeover = self.role is Role.LOBBY and reason == TAKEOVER
                event = Event.BYE_TAKEOVER if takeover else Event.BYE
                return self._fire(event, _Happening(reason=reason))
            if isinstance(message, Ready):
                return self._fire(Event.READY)
            raise MalformedMessage("handshake messages travel on the window, not the port")
        return self._fire(Event.PORT_MESSAGE, _Happening(message=message, msg_id=msg_id, re=re))

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
            request_id = self._requests.match(message.type, re)
            if request_id is not None:
                effects.append(RequestDone(request_id, message))
        if message.reply is not None and msg_id is not None:
            self._requests.peer_asked(message.reply, msg_id)
        return effects

    def _follow(self, origin: str) -> None:
        """Post to the allowed origin the current document speaks from."""
        self.target_origin = normalise_origin(origin)
        self._target_from = origin

    # ------------------------------------------------------------------ outbound

    def _send(self, message: Message) -> tuple[int, list[Effect]]:
        if self.peer_state is S.CLOSED:
            why = self._closed_why
            raise ChannelClosedError("the bridge is closed" + (f": {why}" if why else ""))
        if not isinstance(message, Message) or BY_TYPE.get(message.type) is not type(message):
            raise InvalidOutboundMessage(f"not a catalog message: {message!r}"[:200])
        if message.direction is not self._outbound:
            raise InvalidOutboundMessage(
                f"{message.type!r} travels {message.direction.value}; "
                f"a {self.role.value} cannot send it"
            )
        text = encode(message)  # before any state changes: a refused message costs nothing
        msg_id = self._out.take_id()
        out = Queued(message, msg_id, self._requests.answer_to(message.type), text)
        if self.peer_state is S.CONNECTED:  # the hot path: straight onto the port
            return msg_id, self._out.emit(out, self.target_origin, on_port=True)
        if self.peer_state is S.PLAIN:
            return msg_id, self._out.emit(out, self.target_origin, on_port=False)
        self._out.queue(out)
        return msg_id, []

    def _port_post(self, message: Message) -> Post:
        return self._out.port_post(message, self._out.take_id(), None, self.target_origin)

    # ------------------------------------------------------------------ steps (state.Step)

    def _step_check_strict(self, h: _Happening) -> list[Effect]:
        h.message, h.notes = window_message(h.value, self.dialect, self._inbound, plain=False)
        return []

    def _step_check_loose(self, h: _Happening) -> list[Effect]:
        h.message, h.notes = window_message(h.value, self.dialect, self._inbound, plain=True)
        return []

    def _step_refuse_window(self, h: _Happening) -> list[Effect]:
        raise TransportRejected(
            "window message after the upgrade to a MessagePort; only the port is trusted"
        )

    def _step_hello(self, h: _Happening) -> list[Effect]:
        hello = handshake.hello(self.config, self.session)
        return [Post(to_json(dump(hello)), Transport.WINDOW, self.target_origin, hello)]

    def _step_welcome(self, h: _Happening) -> list[Effect]:
        assert h.hello is not None
        self.version = h.version
        self.peer_session = h.hello.session
        welcome = handshake.welcome(h.version, h.hello.session)
        return [Post(to_json(dump(welcome)), Transport.WINDOW, self.target_origin, welcome, True)]

    def _step_adopt_port(self, h: _Happening) -> list[Effect]:
        assert h.welcome is not None
        self.version = h.welcome.version
        return [AdoptPort()]

    def _step_say_ready(self, h: _Happening) -> list[Effect]:
        return [self._port_post(handshake.ready(self.session))]

    def _step_say_bye(self, h: _Happening) -> list[Effect]:
        return [self._port_post(handshake.bye(h.reason))]

    def _step_say_takeover(self, h: _Happening) -> list[Effect]:
        return [self._port_post(handshake.bye(TAKEOVER))]

    def _step_close_port(self, h: _Happening) -> list[Effect]:
        return [ClosePort()]

    def _step_cancel_sent(self, h: _Happening) -> list[Effect]:
        # Requests still queued never reached the old peer: they go to the next one.
        return list(self._requests.cancel(h.why, keep=self._out.queued_ids()))

    def _step_cancel_all(self, h: _Happening) -> list[Effect]:
        return list(self._requests.cancel(h.why))

    def _step_drop_queue(self, h: _Happening) -> list[Effect]:
        self._out.drop_all()
        return []

    def _step_forget(self, h: _Happening) -> list[Effect]:
        self._requests.forget_peer()
        self._seen.clear()
        # A load event seen during a probe belongs to the newer document.
        self._load_seen = self._load_seen and h.old in _PROBING
        return []

    def _step_handshake_timer(self, h: _Happening) -> list[Effect]:
        limit = self.config.effective_handshake_timeout_ms()
        self._handshake_deadline = None if limit is None else self._clock() + limit / 1000
        return []

    def _step_no_handshake_timer(self, h: _Happening) -> list[Effect]:
        self._handshake_deadline = None
        return []

    def _step_confirm_timer(self, h: _Happening) -> list[Effect]:
        self._confirm_deadline = self._clock() + self.config.confirm_timeout_ms / 1000
        return []

    def _step_fresh_loads(self, h: _Happening) -> list[Effect]:
        self._load_seen = False
        return []

    def _step_connected_bridge(self, h: _Happening) -> list[Effect]:
        self.stats.handshakes += 1
        return [Connected(Mode.BRIDGE, self.version, self.peer_session)]

    def _step_connected_plain(self, h: _Happening) -> list[Effect]:
        return [Connected(Mode.COMPAT)]

    def _step_flush(self, h: _Happening) -> list[Effect]:
        return self._out.flush(self.target_origin, on_port=self.peer_state is not S.PLAIN)

    def _step_deliver_window(self, h: _Happening) -> list[Effect]:
        message = h.message
        assert message is not None
        for note in h.notes:
            self.stats.normalised[note] += 1
        effects = self._accept(message, None, Transport.WINDOW, None, h.value, h.notes)
        self.dialect.received(message)
        return effects + self._out.release_held(self.target_origin)

    def _step_deliver_port(self, h: _Happening) -> list[Effect]:
        assert h.message is not None
        return self._accept(h.message, h.msg_id, Transport.PORT, h.re)

    def _step_disconnected(self, h: _Happening) -> list[Effect]:
        return [Disconnected(h.reason if h.closing else h.why)]

    def _step_handshake_timed_out(self, h: _Happening) -> list[Effect]:
        waited = self.config.effective_handshake_timeout_ms()
        return [HandshakeTimedOut(f"no game connected within {waited:g} ms; still listening")]

    def _step_superseded(self, h: _Happening) -> list[Effect]:
        self._closed_why = h.why
        return [Superseded(h.why)]


assert {f"_step_{s.value}" for s in Step} <= set(vars(Channel)), "a step without a method"
