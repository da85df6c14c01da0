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
* Two lobby bridges on one iframe: the game follows the newest welcome and says bye
  ``TAKEOVER`` on the old port. The older lobby channel then ends (CLOSED, effect
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
    changed. The channel carries out each (``Channel._step_<value>``)."""

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
    DELIVER_WINDOW = "deliver_window"  # the checked window message to the handlers
    DELIVER_PORT = "deliver_port"  # the port message to the handlers; replies settle
    DISCONNECTED = "disconnected"  # Disconnected(why)
    HANDSHAKE_TIMED_OUT = "handshake_timed_out"  # HandshakeTimedOut
    SUPERSEDED = "superseded"  # Superseded(why)


CHECKS = frozenset({Step.CHECK_STRICT, Step.CHECK_LOOSE, Step.REFUSE_WINDOW})


@dataclass(frozen=True, slots=True)
class Transition:
    next: PeerState
    steps: tuple[Step, ...] = ()
    # The reason cancelled requests and Disconnected carry; ``{confirm_ms}`` and
    # ``{reason}`` (a bye's or close()'s) are filled in.
    why: str = ""


S = PeerState
E = Event
L, G = Role.LOBBY, Role.GAME

# States in which a MessagePort is held (port traffic is read only then), in which sends go
# out at once (else they wait in the queue), and in which each timer may run.
PORT_STATES = frozenset({S.WELCOMED, S.WELCOMED_PLAIN, S.CONNECTED, S.PROBING, S.PROBING_PLAIN})
SENDING_STATES = frozenset({S.CONNECTED, S.PLAIN})
HANDSHAKE_TIMER_STATES = frozenset({S.HANDSHAKING, S.WELCOMED, S.WELCOMED_PLAIN})
CONFIRM_TIMER_STATES = frozenset({S.WELCOMED, S.WELCOMED_PLAIN, S.PROBING, S.PROBING_PLAIN})
GAME_STATES = frozenset({S.IDLE, S.HANDSHAKING, S.CONNECTED, S.PLAIN, S.CLOSED})

_RESET = (Step.CLOSE_PORT, Step.CANCEL_SENT, Step.FORGET)
_TO_PLAIN = (Step.CONNECTED_PLAIN, Step.FLUSH)
_GONE = "the game page went away (no answer within {confirm_ms:g} ms)"
_REPLACED_BY_PLAIN = "the game page was replaced by a plain Appendix A page"
_PORT_GONE = "the peer's port closed (its page went away)"
_REMOVED = "the game's iframe was removed from the document"
_NEW_PAGE = "a new game page said hello"
_TAKEOVER = "another lobby bridge on this iframe took the game over"
_CLOSED = "bridge closed: {reason}"


def _rows() -> Iterable[tuple[tuple[Role, PeerState, Event], Transition]]:
    t = Transition
    both = (L, G)
    for role in both:
        # Start, and close from anywhere.
        yield (role, S.IDLE, E.START), t(S.HANDSHAKING, (Step.HANDSHAKE_TIMER, Step.HELLO))
        yield (role, S.IDLE, E.START_SILENT), t(S.HANDSHAKING, (Step.HANDSHAKE_TIMER,))
        yield (role, S.IDLE, E.START_PLAIN), t(S.PLAIN, _TO_PLAIN)
        for state in (S.IDLE, S.HANDSHAKING, S.PLAIN):
            yield (
                (role, state, E.CLOSE),
                t(S.CLOSED, (Step.CANCEL_ALL, Step.DROP_QUEUE, Step.DISCONNECTED), _CLOSED),
            )
        # Talking without a hello: a plain Appendix A peer.
        for state in (S.IDLE, S.HANDSHAKING):
            yield (
                (role, state, E.WINDOW_MESSAGE),
                t(S.PLAIN, (Step.CHECK_LOOSE, *_TO_PLAIN, Step.DELIVER_WINDOW)),
            )
            for load in (E.LOAD, E.RELOAD):
                yield (role, state, load), t(state, (Step.HELLO,) if state is S.HANDSHAKING else ())
        yield (role, S.PLAIN, E.WINDOW_MESSAGE), t(S.PLAIN, (Step.CHECK_LOOSE, Step.DELIVER_WINDOW))
        yield (role, S.PLAIN, E.LOAD), t(S.PLAIN)  # maybe this plain page's own load event
        yield (
            (role, S.PLAIN, E.RELOAD),
            t(S.PLAIN, (Step.CANCEL_SENT,), "the game page was replaced (the iframe loaded again)"),
        )
        for state in (S.IDLE, S.HANDSHAKING, S.PLAIN):
            yield (role, state, E.PORT_CLOSED), t(state)  # no port: not ours
        for state in S if role is L else GAME_STATES:
            if state is not S.IDLE:
                for start in (E.START, E.START_SILENT, E.START_PLAIN):
                    yield (role, state, start), t(state)  # started already

    # ---------------------------------------------------------------- game
    yield (G, S.HANDSHAKING, E.HANDSHAKE_TIMEOUT), t(S.PLAIN, _TO_PLAIN)
    for state in (S.IDLE, S.HANDSHAKING, S.CONNECTED, S.PLAIN):
        # The lobby (re)started its bridge: introduce ourselves; its welcome follows.
        yield (G, state, E.HELLO), t(state, (Step.HELLO,))  # (a game has no HELLO_AGAIN)
        yield (G, state, E.PEER_REMOVED), t(state)  # a lobby's notion
    welcomed = (Step.ADOPT_PORT, Step.CONNECTED_BRIDGE, Step.SAY_READY, Step.FLUSH)
    for state in (S.IDLE, S.HANDSHAKING, S.PLAIN):
        yield (G, state, E.WELCOME), t(S.CONNECTED, welcomed)
    # A second lobby bridge on our iframe, or a restarted one, took over: tell the old one
    # (the MessagePort close event that would is not on by default in Chromium).
    yield (
        (G, S.CONNECTED, E.WELCOME),
        t(S.CONNECTED, (Step.SAY_TAKEOVER, *_RESET, *welcomed), "the lobby restarted its bridge"),
    )
    yield (G, S.CONNECTED, E.WINDOW_MESSAGE), t(S.CONNECTED, (Step.REFUSE_WINDOW,))
    for load in (E.LOAD, E.RELOAD):
        yield (G, S.CONNECTED, load), t(S.CONNECTED, (Step.HELLO,))
    yield (G, S.CONNECTED, E.READY), t(S.CONNECTED)
    yield (G, S.CONNECTED, E.PORT_MESSAGE), t(S.CONNECTED, (Step.DELIVER_PORT,))
    for bye, why in ((E.BYE, "peer closed: {reason}"), (E.PORT_CLOSED, _PORT_GONE)):
        yield (
            (G, S.CONNECTED, bye),
            t(S.HANDSHAKING, (*_RESET, Step.NO_HANDSHAKE_TIMER, Step.DISCONNECTED), why),
        )
    yield (
        (G, S.CONNECTED, E.CLOSE),
        t(
            S.CLOSED,
            (Step.SAY_BYE, Step.CLOSE_PORT, Step.CANCEL_ALL, Step.DROP_QUEUE, Step.DISCONNECTED),
            _CLOSED,
        ),
    )

    # ---------------------------------------------------------------- lobby
    welcome = (Step.WELCOME, Step.CONFIRM_TIMER)
    rehandshake = (Step.HANDSHAKE_TIMER, Step.DISCONNECTED, *welcome)
    for state in (S.IDLE, S.HANDSHAKING):
        for hello in (E.HELLO, E.HELLO_AGAIN):
            yield (L, state, hello), t(S.WELCOMED, welcome)
        yield (L, state, E.PEER_REMOVED), t(state)  # no document known
    yield (L, S.HANDSHAKING, E.HANDSHAKE_TIMEOUT), t(S.HANDSHAKING, (Step.HANDSHAKE_TIMED_OUT,))
    for hello in (E.HELLO, E.HELLO_AGAIN):
        yield (
            (L, S.PLAIN, hello),
            t(
                S.WELCOMED,
                (Step.CANCEL_SENT, Step.FORGET, *rehandshake),
                "the game page now speaks hizi-bridge",
            ),
        )
    yield (
        (L, S.PLAIN, E.PEER_REMOVED),
        t(
            S.HANDSHAKING,
            (Step.CANCEL_SENT, Step.FORGET, Step.HANDSHAKE_TIMER, Step.DISCONNECTED),
            _REMOVED,
        ),
    )
    # Every state holding a port.
    for state in (S.CONNECTED, S.PROBING, S.PROBING_PLAIN):
        yield (L, state, E.PORT_MESSAGE), t(state, (Step.DELIVER_PORT,))
        yield (L, state, E.READY), t(state)
    for state in (S.WELCOMED, S.WELCOMED_PLAIN, S.CONNECTED):
        yield (L, state, E.HELLO_AGAIN), t(state)  # the game answered our own hello
    for state in PORT_STATES:
        yield (
            (L, state, E.BYE),
            t(
                S.HANDSHAKING,
                (*_RESET, Step.HANDSHAKE_TIMER, Step.DISCONNECTED),
                "peer closed: {reason}",
            ),
        )
        yield (
            (L, state, E.BYE_TAKEOVER),
            t(
                S.CLOSED,
                (
                    Step.CLOSE_PORT,
                    Step.CANCEL_ALL,
                    Step.DROP_QUEUE,
                    Step.DISCONNECTED,
                    Step.SUPERSEDED,
                ),
                _TAKEOVER,
            ),
        )
        yield (
            (L, state, E.CLOSE),
            t(
                S.CLOSED,
                (
                    Step.SAY_BYE,
                    Step.CLOSE_PORT,
                    Step.CANCEL_ALL,
                    Step.DROP_QUEUE,
                    Step.DISCONNECTED,
                ),
                _CLOSED,
            ),
        )
    # Rule of the confirmed port: waiting for the welcomed game's ready.
    for state in (S.WELCOMED, S.WELCOMED_PLAIN):
        yield (L, state, E.READY), t(S.CONNECTED, (Step.CONNECTED_BRIDGE, Step.FLUSH))
        # A conforming game says ready first; any message on the new port proves it holds it.
        yield (
            (L, state, E.PORT_MESSAGE),
            t(S.CONNECTED, (Step.CONNECTED_BRIDGE, Step.FLUSH, Step.DELIVER_PORT)),
        )
        # The welcomed game may have talked on the window before the welcome reached it;
        # if no ready follows, this says a plain page is there.
        yield (
            (L, state, E.WINDOW_MESSAGE),
            t(S.WELCOMED_PLAIN, (Step.CHECK_STRICT, Step.DELIVER_WINDOW)),
        )
        for load in (E.LOAD, E.RELOAD):
            yield (L, state, load), t(state, (Step.HELLO,))
        yield (L, state, E.HELLO), t(S.WELCOMED, (*_RESET, *welcome), _NEW_PAGE)
        yield (L, state, E.HANDSHAKE_TIMEOUT), t(state, (Step.HANDSHAKE_TIMED_OUT,))
    no_ready = "no ready on the port within {confirm_ms:g} ms"
    yield (L, S.WELCOMED, E.CONFIRM_TIMEOUT), t(S.HANDSHAKING, (*_RESET, Step.HELLO), no_ready)
    yield (L, S.WELCOMED_PLAIN, E.CONFIRM_TIMEOUT), t(S.PLAIN, (*_RESET, *_TO_PLAIN), no_ready)
    for gone, why in ((E.PORT_CLOSED, _PORT_GONE), (E.PEER_REMOVED, _REMOVED)):
        yield (L, S.WELCOMED, gone), t(S.HANDSHAKING, (*_RESET, Step.HANDSHAKE_TIMER), why)
        yield (L, S.WELCOMED_PLAIN, gone), t(S.PLAIN, (*_RESET, *_TO_PLAIN), why)
    # On a confirmed port.
    probe = (Step.HELLO, Step.CONFIRM_TIMER)
    for load in (E.LOAD, E.RELOAD):
        yield (L, S.CONNECTED, load), t(S.PROBING, probe)
        yield (L, S.PROBING, load), t(S.PROBING, probe)
        yield (L, S.PROBING_PLAIN, load), t(S.PROBING_PLAIN, probe)
    yield (
        (L, S.CONNECTED, E.WINDOW_MESSAGE),
        t(S.PROBING_PLAIN, (Step.CHECK_LOOSE, Step.DELIVER_WINDOW, Step.FRESH_LOADS, *probe)),
    )
    for state in (S.CONNECTED, S.PROBING, S.PROBING_PLAIN):
        yield (L, state, E.HELLO), t(S.WELCOMED, (*_RESET, *rehandshake), _NEW_PAGE)
        for gone, why in ((E.PORT_CLOSED, _PORT_GONE), (E.PEER_REMOVED, _REMOVED)):
            if state is S.PROBING_PLAIN:
                yield (L, state, gone), t(S.PLAIN, (*_RESET, Step.DISCONNECTED, *_TO_PLAIN), why)
            else:
                yield (
                    (L, state, gone),
                    t(S.HANDSHAKING, (*_RESET, Step.HANDSHAKE_TIMER, Step.DISCONNECTED), why),
                )
    for state in (S.PROBING, S.PROBING_PLAIN):
        yield (L, state, E.HELLO_AGAIN), t(S.CONNECTED, (Step.FLUSH,))  # still there
        yield (
            (L, state, E.WINDOW_MESSAGE),
            t(S.PROBING_PLAIN, (Step.CHECK_LOOSE, Step.DELIVER_WINDOW)),
        )
    yield (
        (L, S.PROBING, E.CONFIRM_TIMEOUT),
        t(S.HANDSHAKING, (*_RESET, Step.HANDSHAKE_TIMER, Step.DISCONNECTED), _GONE),
    )
    yield (
        (L, S.PROBING_PLAIN, E.CONFIRM_TIMEOUT),
        t(S.PLAIN, (*_RESET, Step.DISCONNECTED, *_TO_PLAIN), _REPLACED_BY_PLAIN),
    )
    # A closed channel does nothing more.
    for role in both:
        for event in possible_events(role, S.CLOSED):
            yield (role, S.CLOSED, event), t(S.CLOSED)


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
