"""What the other end is, and every lifecycle rule, as one transition table (h11's _state.py).

``PeerState`` says what the channel knows of its peer; ``Event`` is what the caller or the
peer did; ``TABLE`` maps ``(role, state, event)`` to a ``Transition``: the next state, the
steps the channel carries out (in order, see ``Step``) and the reason given to cancelled
requests and status handlers. A pair missing from the table is a bug in the caller or in
the channel, never a peer's doing, and raises ``InvalidTransition`` naming the three.
``docs/make-state-diagram.py`` draws docs/state-diagram.md from this table.

The rules (lobby side unless said; the iframe's document can be replaced at any time and a
lobby cannot see a cross-origin navigation start; window messages reach the table only after
the origin and source checks, so they come from the iframe's *current* document):

* Handshake. Both ends say ``hello`` at start. The lobby answers a game's hello with a
  ``welcome`` and a transferred MessagePort (WELCOMED); the game answers on that port with
  ``ready`` (CONNECTED). Sends wait in the queue until then. A peer that talks without a
  hello is a plain Appendix A peer (PLAIN: bare ``{type, data}`` on the window).
* No ``ready`` within ``confirm_timeout_ms``: the welcomed document is gone. The port is
  dropped, sent requests fail ``cancelled``, and the lobby says hello again, or goes to
  PLAIN if a plain message came meanwhile (WELCOMED_PLAIN).
* A load event while CONNECTED (the document may be new or not: a hello can come before or
  after it) and a plain window message while CONNECTED (a plain page replaced the game, or
  the game page posts plain Appendix A messages itself: a studio's old code, an analytics
  snippet) both start a probe: the lobby says hello and holds its sends. The game holding
  the port answers with a hello of the same session (back to CONNECTED, the queue flushed);
  a new session's hello re-handshakes; the port closing or ``confirm_timeout_ms`` without
  an answer means the document is gone: to PLAIN if a plain page spoke (PROBING_PLAIN), else
  HANDSHAKING (the new page is accepted in whatever mode it first speaks). Port messages
  during a probe are delivered. A game keeps refusing window traffic once on a port
  (``transport``): its lobby's document cannot be replaced under it.
* PLAIN: a hello means the frame now speaks hizi-bridge (requests sent in compat fail
  ``cancelled``: their answers could not be told apart). A load event: plain pages usually
  talk before their own load event, so the first load since the lobby learned of a new
  document (LOAD) changes nothing; a further one (RELOAD) means another document: sent
  requests fail ``cancelled``.
* The port's ``close`` event and the iframe's removal: on a lobby the document is gone (the
  probe's outcome, at once); on a game, the port closing is the lobby's bye.
* Handshake timeout: a game waits ``handshake_timeout_ms`` (1 s) for a welcome, then takes
  the lobby as plain; a lobby reports ``HandshakeTimedOut`` after 30 s and keeps listening.
* Two lobby bridges on one iframe: the game follows the newest welcome, says bye
  ``TAKEOVER`` on the old port and repeats its greeting (``outgoing.GREETING``, the loading
  messages it sent) to the new one. The older lobby channel then ends (CLOSED, effect
  ``Superseded``): its requests fail ``cancelled`` and its queued sends are dropped, so no
  handle is left waiting for a game it can never have again.
* Requests still queued when a peer is reset are kept for the next peer; only requests
  already sent to a document that went away fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidTransition
from .messages import Role


class PeerState(StrEnum):
    """What the other end is, as far as this channel knows."""

    IDLE = "idle"  # not started
    HANDSHAKING = "handshaking"  # hello said; no peer known
    WELCOMED = "welcomed"  # lobby: welcome and port sent, waiting for the ready
    WELCOMED_PLAIN = "welcomed_plain"  # ... and a plain window message came meanwhile
    CONNECTED = "connected"  # a hizi-bridge peer on a confirmed MessagePort
    PROBING = "probing"  # lobby: the iframe loaded; is the port's document still there?
    PROBING_PLAIN = "probing_plain"  # lobby: a plain page spoke; is the game still there?
    PLAIN = "plain"  # a plain Appendix A peer: bare {type, data} on the window
    CLOSED = "closed"


class Event(StrEnum):
    START = "start"  # start()
    START_SILENT = "start_silent"  # start(announce=False): the iframe shows about:blank
    START_PLAIN = "start_plain"  # start() with a dialect that has no handshake
    LOAD = "load"  # peer_loaded(), the first since a new document
    RELOAD = "reload"  # peer_loaded() again
    PORT_CLOSED = "port_closed"  # port_closed()
    PEER_REMOVED = "peer_removed"  # peer_removed()
    HELLO = "hello"  # a hello from a session other than the peer's
    HELLO_AGAIN = "hello_again"  # a hello from the peer's session
    WELCOME = "welcome"
    READY = "ready"  # hiziBridge.ready on the port
    PORT_MESSAGE = "port_message"  # a catalog message on the port
    BYE = "bye"
    BYE_TAKEOVER = "bye_takeover"  # the game left us for a newer lobby bridge on its iframe
    WINDOW_MESSAGE = "window_message"  # a catalog (non-handshake) message on the window
    HANDSHAKE_TIMEOUT = "handshake_timeout"
    CONFIRM_TIMEOUT = "confirm_timeout"
    CLOSE = "close"  # close()


class Step(StrEnum):
    """What a transition does, in order. Checks come first and may raise: then nothing
    changed. The channel carries out each (``bridge.core.steps.Steps._step_<value>``)."""

    CHECK_STRICT = "check_strict"  # check: decode a window value strictly
    CHECK_LOOSE = "check_loose"  # check: decode it, a plain peer's loose forms allowed
    REFUSE_WINDOW = "refuse_window"  # check: raise TransportRejected
    HELLO = "hello"  # say hello on the window
    WELCOME = "welcome"  # pick the version, post the welcome with a new port
    ADOPT_PORT = "adopt_port"  # game: take the welcome's port
    SAY_READY = "say_ready"  # game: ready, first on the new port
    SAY_BYE = "say_bye"  # bye on the port (we close)
    SAY_TAKEOVER = "say_takeover"  # game: bye TAKEOVER on the old port
    CLOSE_PORT = "close_port"
    CANCEL_SENT = "cancel_sent"  # requests sent to the old document fail cancelled
    CANCEL_ALL = "cancel_all"  # every request fails cancelled, queued ones too
    DROP_QUEUE = "drop_queue"  # queued sends are dropped (counted)
    FORGET = "forget"  # the old peer's reply ids and seen ids go
    HANDSHAKE_TIMER = "handshake_timer"  # (re)arm the handshake timeout
    NO_HANDSHAKE_TIMER = "no_handshake_timer"
    CONFIRM_TIMER = "confirm_timer"  # (re)arm the confirmation timeout
    FRESH_LOADS = "fresh_loads"  # no load event seen since this document spoke
    CONNECTED_BRIDGE = "connected_bridge"  # Connected(bridge)
    CONNECTED_PLAIN = "connected_plain"  # Connected(compat)
    FLUSH = "flush"  # send the queue
    REPLAY_GREETING = "replay_greeting"  # game: its loading messages again, to a new lobby
    DELIVER_WINDOW = "deliver_window"  # the checked window message to the handlers
    DELIVER_PORT = "deliver_port"  # the port message to the handlers; replies settle
    DISCONNECTED = "disconnected"  # Disconnected(why)
    HANDSHAKE_TIMED_OUT = "handshake_timed_out"  # HandshakeTimedOut
    SUPERSEDED = "superseded"  # Superseded(why)


CHECKS = frozenset({Step.CHECK_STRICT, Step.CHECK_LOOSE, Step.REFUSE_WINDOW})


@dataclass(frozen=True, slots=True)
class Transition:
    """One cell of the transition table: the next peer state and the steps that lead there."""

    next: PeerState
    steps: tuple[Step, ...] = ()
    # The reason cancelled requests and Disconnected carry; ``{confirm_ms}`` and
    # ``{reason}`` (a bye's or close()'s) are filled in.
    why: str = ""


S = PeerState
E = Event
L, G = Role.LOBBY, Role.GAME


class State(StrEnum):
    """The coarse status callers switch on (``peer_state`` says more)."""

    IDLE = "idle"
    HANDSHAKING = "handshaking"
    CONNECTED = "connected"
    CLOSED = "closed"


COARSE = {  # each PeerState's State
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

# States in which a MessagePort is held (port traffic is read only then), in which sends go
# out at once (else they wait in the queue), and in which each timer may run.
PORT_STATES = frozenset({S.WELCOMED, S.WELCOMED_PLAIN, S.CONNECTED, S.PROBING, S.PROBING_PLAIN})
SENDING_STATES = frozenset({S.CONNECTED, S.PLAIN})
HANDSHAKE_TIMER_STATES = frozenset({S.HANDSHAKING, S.WELCOMED, S.WELCOMED_PLAIN})
CONFIRM_TIMER_STATES = frozenset({S.WELCOMED, S.WELCOMED_PLAIN, S.PROBING, S.PROBING_PLAIN})
GAME_STATES = frozenset({S.IDLE, S.HANDSHAKING, S.CONNECTED, S.PLAIN, S.CLOSED})

_Key = tuple[Role, PeerState, Event]

# Steps that go together.
_RESET = (Step.CLOSE_PORT, Step.CANCEL_SENT, Step.FORGET)  # the old document is gone
_TO_PLAIN = (Step.CONNECTED_PLAIN, Step.FLUSH)
_GONE = (*_RESET, Step.HANDSHAKE_TIMER, Step.DISCONNECTED)  # ... wait for whatever comes next
_GONE_TO_PLAIN = (*_RESET, Step.DISCONNECTED, *_TO_PLAIN)  # ... a plain page spoke meanwhile
_ENDS = (Step.CANCEL_ALL, Step.DROP_QUEUE, Step.DISCONNECTED)
_WELCOME = (Step.WELCOME, Step.CONFIRM_TIMER)
_REHANDSHAKE = (Step.HANDSHAKE_TIMER, Step.DISCONNECTED, *_WELCOME)
_WELCOMED = (Step.ADOPT_PORT, Step.CONNECTED_BRIDGE, Step.SAY_READY, Step.FLUSH)  # a game
_PROBE = (Step.HELLO, Step.CONFIRM_TIMER)

_NO_ANSWER = "the game page went away (no answer within {confirm_ms:g} ms)"
_NO_READY = "no ready on the port within {confirm_ms:g} ms"
_REPLACED_BY_PLAIN = "the game page was replaced by a plain Appendix A page"
_PORT_GONE = "the peer's port closed (its page went away)"
_REMOVED = "the game's iframe was removed from the document"
_NEW_PAGE = "a new game page said hello"
_BYE = "peer closed: {reason}"
_TAKEOVER = "another lobby bridge on this iframe took the game over"
_CLOSED = "bridge closed: {reason}"


class _Rows:
    """Collects rows; ``to=None`` stays in the state the row is for."""

    def __init__(self) -> None:
        self.rows: list[tuple[_Key, Transition]] = []

    def __call__(
        self,
        roles: Iterable[Role],
        states: Iterable[PeerState],
        events: Iterable[Event],
        to: PeerState | None = None,
        steps: tuple[Step, ...] = (),
        why: str = "",
    ) -> None:
        for role in roles:
            for state in states:
                for event in events:
                    self.rows.append(((role, state, event), Transition(to or state, steps, why)))


def _rows() -> list[tuple[_Key, Transition]]:
    row = _Rows()
    both, lobby, game = (L, G), (L,), (G,)
    loads = (E.LOAD, E.RELOAD)
    hellos = (E.HELLO, E.HELLO_AGAIN)
    starts = (E.START, E.START_SILENT, E.START_PLAIN)

    # ---------------------------------------------------------------- both roles
    row(both, [S.IDLE], [E.START], S.HANDSHAKING, (Step.HANDSHAKE_TIMER, Step.HELLO))
    row(both, [S.IDLE], [E.START_SILENT], S.HANDSHAKING, (Step.HANDSHAKE_TIMER,))
    row(both, [S.IDLE], [E.START_PLAIN], S.PLAIN, _TO_PLAIN)
    row(lobby, [s for s in S if s is not S.IDLE], starts)  # started already
    row(game, [s for s in GAME_STATES if s is not S.IDLE], starts)
    row(both, [S.IDLE, S.HANDSHAKING, S.PLAIN], [E.CLOSE], S.CLOSED, _ENDS, _CLOSED)
    row(both, [S.IDLE, S.HANDSHAKING, S.PLAIN], [E.PORT_CLOSED])  # no port: not ours
    # Talking without a hello: a plain Appendix A peer.
    row(both, [S.IDLE, S.HANDSHAKING], [E.WINDOW_MESSAGE], S.PLAIN,
        (Step.CHECK_LOOSE, *_TO_PLAIN, Step.DELIVER_WINDOW))  # fmt: skip
    row(both, [S.PLAIN], [E.WINDOW_MESSAGE], None, (Step.CHECK_LOOSE, Step.DELIVER_WINDOW))
    row(both, [S.IDLE], loads)
    row(both, [S.HANDSHAKING], loads, None, (Step.HELLO,))
    row(both, [S.PLAIN], [E.LOAD])  # maybe this plain page's own load event
    row(both, [S.PLAIN], [E.RELOAD], None, (Step.CANCEL_SENT,),
        "the game page was replaced (the iframe loaded again)")  # fmt: skip
    # A closed channel does nothing more.
    for role in both:
        row([role], [S.CLOSED], possible_events(role, S.CLOSED))

    # ---------------------------------------------------------------- game
    row(game, [S.HANDSHAKING], [E.HANDSHAKE_TIMEOUT], S.PLAIN, _TO_PLAIN)
    # The lobby (re)started its bridge: introduce ourselves; its welcome follows.
    row(game, [S.IDLE, S.HANDSHAKING, S.CONNECTED, S.PLAIN], [E.HELLO], None, (Step.HELLO,))
    row(game, [S.IDLE, S.HANDSHAKING, S.CONNECTED, S.PLAIN], [E.PEER_REMOVED])  # a lobby's
    row(game, [S.IDLE, S.HANDSHAKING, S.PLAIN], [E.WELCOME], S.CONNECTED, _WELCOMED)
    # A second lobby bridge on our iframe, or a restarted one, took over: tell the old one
    # (the MessagePort close event that would is not on by default in Chromium).
    # The new lobby bridge never heard the game's greeting (onAppFrameReady, loading, ready):
    # it is said again, after what was queued.
    row(game, [S.CONNECTED], [E.WELCOME], None,
        (Step.SAY_TAKEOVER, *_RESET, *_WELCOMED, Step.REPLAY_GREETING),
        "the lobby restarted its bridge")  # fmt: skip
    row(game, [S.CONNECTED], [E.WINDOW_MESSAGE], None, (Step.REFUSE_WINDOW,))
    row(game, [S.CONNECTED], loads, None, (Step.HELLO,))
    row(game, [S.CONNECTED], [E.READY])
    row(game, [S.CONNECTED], [E.PORT_MESSAGE], None, (Step.DELIVER_PORT,))
    for gone, why in ((E.BYE, _BYE), (E.PORT_CLOSED, _PORT_GONE)):
        row(game, [S.CONNECTED], [gone], S.HANDSHAKING,
            (*_RESET, Step.NO_HANDSHAKE_TIMER, Step.DISCONNECTED), why)  # fmt: skip
    row(game, [S.CONNECTED], [E.CLOSE], S.CLOSED, (Step.SAY_BYE, Step.CLOSE_PORT, *_ENDS), _CLOSED)

    # ---------------------------------------------------------------- lobby
    welcomed = (S.WELCOMED, S.WELCOMED_PLAIN)
    on_port = (S.CONNECTED, S.PROBING, S.PROBING_PLAIN)
    port_states = sorted(PORT_STATES, key=list(S).index)
    row(lobby, [S.IDLE, S.HANDSHAKING], hellos, S.WELCOMED, _WELCOME)
    row(lobby, [S.IDLE, S.HANDSHAKING], [E.PEER_REMOVED])  # no document known
    row(lobby, [S.HANDSHAKING, *welcomed], [E.HANDSHAKE_TIMEOUT], None, (Step.HANDSHAKE_TIMED_OUT,))
    # A plain page holds no port: it is forgotten without closing one.
    forget = (Step.CANCEL_SENT, Step.FORGET)
    row(lobby, [S.PLAIN], hellos, S.WELCOMED, (*forget, *_REHANDSHAKE),
        "the game page now speaks hizi-bridge")  # fmt: skip
    row(lobby, [S.PLAIN], [E.PEER_REMOVED], S.HANDSHAKING,
        (*forget, Step.HANDSHAKE_TIMER, Step.DISCONNECTED), _REMOVED)  # fmt: skip
    # Every state holding a port.
    row(lobby, port_states, [E.BYE], S.HANDSHAKING, _GONE, _BYE)
    row(lobby, port_states, [E.BYE_TAKEOVER], S.CLOSED,
        (Step.CLOSE_PORT, *_ENDS, Step.SUPERSEDED), _TAKEOVER)  # fmt: skip
    row(lobby, port_states, [E.CLOSE], S.CLOSED, (Step.SAY_BYE, Step.CLOSE_PORT, *_ENDS), _CLOSED)
    row(lobby, [*welcomed, S.CONNECTED], [E.HELLO_AGAIN])  # the game answered our own hello
    # Waiting for the welcomed game's ready.
    row(lobby, welcomed, [E.READY], S.CONNECTED, (Step.CONNECTED_BRIDGE, Step.FLUSH))
    # A conforming game says ready first; any message on the new port proves it holds it.
    row(lobby, welcomed, [E.PORT_MESSAGE], S.CONNECTED,
        (Step.CONNECTED_BRIDGE, Step.FLUSH, Step.DELIVER_PORT))  # fmt: skip
    # The welcomed game may have talked on the window before the welcome reached it; if no
    # ready follows, this says a plain page is there.
    row(lobby, welcomed, [E.WINDOW_MESSAGE], S.WELCOMED_PLAIN,
        (Step.CHECK_STRICT, Step.DELIVER_WINDOW))  # fmt: skip
    row(lobby, welcomed, loads, None, (Step.HELLO,))
    row(lobby, welcomed, [E.HELLO], S.WELCOMED, (*_RESET, *_WELCOME), _NEW_PAGE)
    row(lobby, [S.WELCOMED], [E.CONFIRM_TIMEOUT], S.HANDSHAKING, (*_RESET, Step.HELLO), _NO_READY)
    row(lobby, [S.WELCOMED_PLAIN], [E.CONFIRM_TIMEOUT], S.PLAIN, (*_RESET, *_TO_PLAIN), _NO_READY)
    for gone, why in ((E.PORT_CLOSED, _PORT_GONE), (E.PEER_REMOVED, _REMOVED)):
        row(lobby, [S.WELCOMED], [gone], S.HANDSHAKING, (*_RESET, Step.HANDSHAKE_TIMER), why)
        row(lobby, [S.WELCOMED_PLAIN], [gone], S.PLAIN, (*_RESET, *_TO_PLAIN), why)
        row(lobby, [S.CONNECTED, S.PROBING], [gone], S.HANDSHAKING, _GONE, why)
        row(lobby, [S.PROBING_PLAIN], [gone], S.PLAIN, _GONE_TO_PLAIN, why)
    # On a confirmed port: a probe asks whether the port's document is still there.
    row(lobby, on_port, [E.PORT_MESSAGE], None, (Step.DELIVER_PORT,))
    row(lobby, on_port, [E.READY])
    row(lobby, [S.CONNECTED], loads, S.PROBING, _PROBE)
    row(lobby, [S.PROBING, S.PROBING_PLAIN], loads, None, _PROBE)
    row(lobby, [S.CONNECTED], [E.WINDOW_MESSAGE], S.PROBING_PLAIN,
        (Step.CHECK_LOOSE, Step.DELIVER_WINDOW, Step.FRESH_LOADS, *_PROBE))  # fmt: skip
    row(lobby, [S.PROBING, S.PROBING_PLAIN], [E.WINDOW_MESSAGE], S.PROBING_PLAIN,
        (Step.CHECK_LOOSE, Step.DELIVER_WINDOW))  # fmt: skip
    row(lobby, on_port, [E.HELLO], S.WELCOMED, (*_RESET, *_REHANDSHAKE), _NEW_PAGE)
    row(lobby, [S.PROBING, S.PROBING_PLAIN], [E.HELLO_AGAIN], S.CONNECTED, (Step.FLUSH,))
    row(lobby, [S.PROBING], [E.CONFIRM_TIMEOUT], S.HANDSHAKING, _GONE, _NO_ANSWER)
    row(lobby, [S.PROBING_PLAIN], [E.CONFIRM_TIMEOUT], S.PLAIN, _GONE_TO_PLAIN, _REPLACED_BY_PLAIN)
    return row.rows


def possible_events(role: Role, state: PeerState) -> frozenset[Event]:
    """The events a channel can read in ``state``: each has a row in the table.

    Port traffic is read only while a port is held; a timer fires only in the states it
    runs in; a game reads no ``HELLO_AGAIN`` (it tracks no lobby session) and no
    ``BYE_TAKEOVER``; a lobby refuses a welcome before it reaches the table.
    """
    events = set(E)
    if state is not S.CLOSED:
        if state not in PORT_STATES and not (role is G and state is S.CONNECTED):
            events -= {E.READY, E.PORT_MESSAGE, E.BYE, E.BYE_TAKEOVER}
        if state not in HANDSHAKE_TIMER_STATES:
            events.discard(E.HANDSHAKE_TIMEOUT)
        if state not in CONFIRM_TIMER_STATES:
            events.discard(E.CONFIRM_TIMEOUT)
    if role is G:
        events -= {E.HELLO_AGAIN, E.BYE_TAKEOVER}
    else:
        events.discard(E.WELCOME)
    return frozenset(events)


def _build() -> dict[tuple[Role, PeerState, Event], Transition]:
    table: dict[tuple[Role, PeerState, Event], Transition] = {}
    for key, transition in _rows():
        if key in table and table[key] != transition:
            raise AssertionError(f"two transitions for {key}")  # a mistake in _rows
        table[key] = transition
    return table


TABLE: dict[tuple[Role, PeerState, Event], Transition] = _build()


def transition(role: Role, state: PeerState, event: Event) -> Transition:
    """The table's transition, or ``InvalidTransition`` naming role, state and event."""
    try:
        return TABLE[(role, state, event)]
    except KeyError:
        raise InvalidTransition(role.value, state.value, event.value) from None


def table_for(role: Role) -> dict[tuple[PeerState, Event], Transition]:
    """One role's rows, keyed by ``(state, event)`` (what a channel looks up per event)."""
    return {(s, e): t for (r, s, e), t in TABLE.items() if r is role}
