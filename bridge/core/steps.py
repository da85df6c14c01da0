"""What the table's steps do: the half of the Channel that carries out transitions.

``Channel`` (bridge.core.channel) reads each call or inbound value into an ``Event`` and
hands it to ``_fire``, which looks the transition up in ``bridge.core.state``'s table for
the channel's role and state, runs its checks (one that raises changes nothing), moves to
the next state and runs the rest of its steps, each a ``_step_<name>`` method here. The
timers belong to states: leaving the states a timer runs in stops it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import handshake
from .config import ChannelConfig
from .decoding import window_message
from .dedup import SeenIds
from .dialects import Dialect
from .effects import (
    AdoptPort,
    ClosePort,
    Connected,
    Deliver,
    Disconnected,
    Effect,
    HandshakeTimedOut,
    Mode,
    Post,
    RequestDone,
    Superseded,
    Transport,
)
from .errors import InvalidTransition, TransportRejected
from .messages import REPLIES, Direction, HelloData, Message, Role, WelcomeData
from .outgoing import Outgoing, to_json
from .requests import Requests
from .state import (
    CHECKS,
    CONFIRM_TIMER_STATES,
    HANDSHAKE_TIMER_STATES,
    Event,
    PeerState,
    Step,
    table_for,
)
from .stats import Stats
from .wire import dump

S = PeerState
_PROBING = frozenset({S.PROBING, S.PROBING_PLAIN})
TAKEOVER = handshake.TAKEOVER


@dataclass(slots=True)
class Happening:
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


_Steps = tuple[Callable[["Steps", "Happening"], list[Effect]], ...]
_Route = tuple[PeerState, _Steps, _Steps, str]  # next state, checks, steps, why
_ROUTES: dict[Role, dict[tuple[PeerState, Event], _Route]] = {}  # made once per role


class Steps:
    """The transitions' steps, on the state a ``Channel`` sets up in its ``__init__``."""

    config: ChannelConfig
    role: Role
    session: str
    dialect: Dialect
    stats: Stats
    peer_state: PeerState
    version: int | None
    peer_session: str | None
    target_origin: str
    _clock: Callable[[], float]
    _inbound: Direction
    _requests: Requests
    _out: Outgoing
    _seen: SeenIds
    _handshake_deadline: float | None
    _confirm_deadline: float | None
    _load_seen: bool
    _closed_why: str
    _routes: dict[tuple[PeerState, Event], _Route]

    def _bind_routes(self) -> None:
        """The table's rows for our role, each step as the function that carries it out."""
        routes = _ROUTES.get(self.role)
        if routes is None:
            routes = _ROUTES[self.role] = {}
            for key, t in table_for(self.role).items():
                n = sum(step in CHECKS for step in t.steps)
                assert all(step in CHECKS for step in t.steps[:n]), key  # the checks lead
                funcs = [getattr(Steps, f"_step_{step.value}") for step in t.steps]
                routes[key] = (t.next, tuple(funcs[:n]), tuple(funcs[n:]), t.why)
        self._routes = routes

    def _fire(self, event: Event, happening: Happening | None = None) -> list[Effect]:
        """Carry out the table's transition for ``event`` in the current state."""
        try:
            next_state, checks, steps, why = self._routes[(self.peer_state, event)]
        except KeyError:
            raise InvalidTransition(self.role.value, self.peer_state.value, event.value) from None
        h = happening or Happening()
        for check in checks:  # one that raises leaves everything as it was
            check(self, h)
        h.old = old = self.peer_state
        self.peer_state = next_state
        if why:
            h.why = why.format(confirm_ms=self.config.confirm_timeout_ms, reason=h.reason)
        effects: list[Effect] = []
        for step in steps:
            effects += step(self, h)
        if next_state is not old:
            if next_state not in HANDSHAKE_TIMER_STATES:
                self._handshake_deadline = None
            if next_state not in CONFIRM_TIMER_STATES:
                self._confirm_deadline = None
        return effects

    def _accept(
        self,
        message: Message,
        msg_id: int | None,
        via: Transport,
        re: int | None,
        raw: object = None,
        normalised: tuple[str, ...] = (),
    ) -> list[Effect]:
        effects: list[Effect] = [Deliver(message, msg_id, via, raw, normalised)]
        done = self._take(message, msg_id, via, re)
        if done is not None:
            effects.append(done)
        return effects

    def _take(
        self, message: Message, msg_id: int | None, via: Transport, re: int | None
    ) -> RequestDone | None:
        """Count an accepted message, match the request it answers (the ``RequestDone``),
        remember the reply it asks of us."""
        stats = self.stats
        stats.accepted += 1
        stats.accepted_by_type[message.type] += 1
        done = None
        # A window message answers a request by its type only in compatibility mode, where
        # requests went on the window. While a port is held (or being confirmed) requests went
        # on it with ids: a window post, from any script in the game's document, settles none.
        if message.type in REPLIES and (via is Transport.PORT or self.peer_state is S.PLAIN):
            done = self._requests.match(message, re)
        if message.reply is not None and msg_id is not None:
            self._requests.peer_asked(message.reply, msg_id)
        return done

    def _port_post(self, message: Message) -> Post:
        return self._out.port_post(message, self._out.take_id(), None, self.target_origin)

    # ------------------------------------------------------------------ steps (state.Step)

    def _step_check_strict(self, h: Happening) -> list[Effect]:
        h.message, h.notes = window_message(h.value, self.dialect, self._inbound, plain=False)
        return []

    def _step_check_loose(self, h: Happening) -> list[Effect]:
        h.message, h.notes = window_message(h.value, self.dialect, self._inbound, plain=True)
        return []

    def _step_refuse_window(self, h: Happening) -> list[Effect]:
        raise TransportRejected(
            "window message after the upgrade to a MessagePort; only the port is trusted"
        )

    def _step_hello(self, h: Happening) -> list[Effect]:
        hello = handshake.hello(self.config, self.session)
        return [Post(to_json(dump(hello)), Transport.WINDOW, self.target_origin, hello)]

    def _step_welcome(self, h: Happening) -> list[Effect]:
        assert h.hello is not None
        self.version = h.version
        self.peer_session = h.hello.session
        welcome = handshake.welcome(h.version, h.hello.session)
        return [Post(to_json(dump(welcome)), Transport.WINDOW, self.target_origin, welcome, True)]

    def _step_adopt_port(self, h: Happening) -> list[Effect]:
        assert h.welcome is not None
        self.version = h.welcome.version
        return [AdoptPort()]

    def _step_say_ready(self, h: Happening) -> list[Effect]:
        return [self._port_post(handshake.ready(self.session))]

    def _step_say_bye(self, h: Happening) -> list[Effect]:
        return [self._port_post(handshake.bye(h.reason))]

    def _step_say_takeover(self, h: Happening) -> list[Effect]:
        return [self._port_post(handshake.bye(TAKEOVER))]

    def _step_close_port(self, h: Happening) -> list[Effect]:
        return [ClosePort()]

    def _step_cancel_sent(self, h: Happening) -> list[Effect]:
        # Requests still queued never reached the old peer: they go to the next one.
        return list(self._requests.cancel(h.why, keep=self._out.queued_ids()))

    def _step_cancel_all(self, h: Happening) -> list[Effect]:
        return list(self._requests.cancel(h.why))

    def _step_drop_queue(self, h: Happening) -> list[Effect]:
        self._out.drop_all()
        return []

    def _step_forget(self, h: Happening) -> list[Effect]:
        self._requests.forget_peer()
        self._seen.clear()
        # A load event seen during a probe belongs to the newer document.
        self._load_seen = self._load_seen and h.old in _PROBING
        return []

    def _step_handshake_timer(self, h: Happening) -> list[Effect]:
        limit = self.config.effective_handshake_timeout_ms()
        self._handshake_deadline = None if limit is None else self._clock() + limit / 1000
        return []

    def _step_no_handshake_timer(self, h: Happening) -> list[Effect]:
        self._handshake_deadline = None
        return []

    def _step_confirm_timer(self, h: Happening) -> list[Effect]:
        self._confirm_deadline = self._clock() + self.config.confirm_timeout_ms / 1000
        return []

    def _step_fresh_loads(self, h: Happening) -> list[Effect]:
        self._load_seen = False
        return []

    def _step_connected_bridge(self, h: Happening) -> list[Effect]:
        self.stats.handshakes += 1
        return [Connected(Mode.BRIDGE, self.version, self.peer_session)]

    def _step_connected_plain(self, h: Happening) -> list[Effect]:
        return [Connected(Mode.COMPAT)]

    def _step_flush(self, h: Happening) -> list[Effect]:
        return self._out.flush(self.target_origin, on_port=self.peer_state is not S.PLAIN)

    def _step_replay_greeting(self, h: Happening) -> list[Effect]:
        greeting = self._out.greeting()
        self.stats.sent += len(greeting)
        return [self._port_post(message) for message in greeting]

    def _step_deliver_window(self, h: Happening) -> list[Effect]:
        message = h.message
        assert message is not None
        for note in h.notes:
            self.stats.normalised[note] += 1
        effects = self._accept(message, None, Transport.WINDOW, None, h.value, h.notes)
        self.dialect.received(message)
        return effects + self._out.release_held(self.target_origin)

    def _step_deliver_port(self, h: Happening) -> list[Effect]:
        assert h.message is not None
        return self._accept(h.message, h.msg_id, Transport.PORT, h.re)

    def _step_disconnected(self, h: Happening) -> list[Effect]:
        return [Disconnected(h.reason if h.closing else h.why)]

    def _step_handshake_timed_out(self, h: Happening) -> list[Effect]:
        waited = self.config.effective_handshake_timeout_ms()
        return [HandshakeTimedOut(f"no game connected within {waited:g} ms; still listening")]

    def _step_superseded(self, h: Happening) -> list[Effect]:
        self._closed_why = h.why
        return [Superseded(h.why)]


assert {f"_step_{s.value}" for s in Step} <= set(vars(Steps)), "a step without a method"
