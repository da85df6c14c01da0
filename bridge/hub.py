"""Pure glue between a ``Channel`` and an application: handlers, requests, status.

The browser adapter only moves bytes; everything that can be decided without a
browser lives here so it runs (and is tested) under CPython:

* ``Dispatcher`` keeps the application's handlers (per type, any, journal,
  status); a handler that raises, or an async handler whose task fails, is
  reported and counted, never propagated into the bridge.
* ``Driver`` owns a ``Channel`` and carries out its effects in order through
  an ``IO`` object (the adapter, or a fake in tests). Effects are queued and
  drained by one loop, so a handler that sends from inside a delivery cannot
  overtake messages the channel emitted before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from . import __version__
from .core.channel import Channel, State
from .core.dialects import Auto
from .core.effects import (
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
    Superseded,
    Transport,
)
from .core.errors import ChannelClosedError, HandshakeTimeout, ProtocolError
from .core.journal import JournalEntry, entry_for
from .core.messages import BY_TYPE, Message

Handler = Callable[[Any], object]
Unsubscribe = Callable[[], None]
ErrorReporter = Callable[[str, BaseException], None]
RequestCallback = Callable[[Message | None, ProtocolError | None], None]
FailureCallback = Callable[[ProtocolError], None]


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A status change: ``handshaking``, ``connected``, ``error`` or ``closed``.

    ``error`` with ``code="timeout"``: a lobby's handshake timeout passed with no game
    connected; the bridge keeps listening and still connects if the game speaks later.
    ``closed`` with ``code="superseded"``: a newer lobby bridge on the same iframe took the
    game over (``bridge.core.state``). ``code`` is None on every other status.
    """

    status: str
    mode: str | None = None  # "bridge" | "compat" once connected
    reason: str = ""
    code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "mode": self.mode, "reason": self.reason, "code": self.code}


def type_key(key: str | type[Message]) -> str:
    """The wire type name for ``on()``: a catalog class or its type name."""
    if isinstance(key, type) and issubclass(key, Message):
        name = key.type_name()
    elif isinstance(key, str):
        name = key
    else:
        raise TypeError(f"expected a message class or type name, got {key!r}")
    if name not in BY_TYPE:
        raise ValueError(f"unknown message type {name!r}")
    return name


def _print_error(where: str, exc: BaseException) -> None:
    print(f"hizi-bridge: {where}: {type(exc).__name__}: {exc}")


def merge_counters(stats: dict[str, Any], counters: Mapping[str, Any]) -> dict[str, Any]:
    """Fold what the JavaScript halves counted into a ``stats()`` dict (Python formats it).

    ``counters`` (from ``hizi-bridge.js``): ``early_replayed`` / ``early_overflow`` (the early
    buffer), ``fast_rejected`` (repeats of a (reason, origin) the page already reported: it
    counts them without crossing; ``rejected`` and ``rejected_total`` then hold every
    rejection, ``rejected_fast`` the part counted on the page), ``target_origins``,
    ``page_io_errors`` / ``engine_io_errors`` (posts that failed) and ``handler_errors`` (the
    page's handlers that threw).
    """
    fast = {str(k): int(v) for k, v in dict(counters.get("fast_rejected") or {}).items()}
    rejected = dict(stats.get("rejected", {}))
    for reason, n in fast.items():
        if n:
            rejected[reason] = rejected.get(reason, 0) + n
    stats["rejected"] = rejected
    stats["rejected_total"] = int(stats.get("rejected_total", 0)) + sum(fast.values())
    stats["rejected_fast"] = fast
    stats["early_replayed"] = int(counters.get("early_replayed") or 0)
    stats["early_overflow"] = int(counters.get("early_overflow") or 0)
    stats["target_origins"] = list(counters.get("target_origins") or [])
    stats["io_errors"] = (
        int(stats.get("io_errors", 0))
        + int(counters.get("page_io_errors") or 0)
        + int(counters.get("engine_io_errors") or 0)
    )
    stats["handler_errors"] = int(stats.get("handler_errors", 0)) + int(
        counters.get("handler_errors") or 0
    )
    return stats


class Dispatcher:
    """Handler registry. Every handler is isolated: its errors are counted, not raised."""

    def __init__(self, report: ErrorReporter = _print_error) -> None:
        self._report = report
        self._by_type: dict[str, list[Handler]] = {}
        self._any: list[Handler] = []
        self._journal: list[Handler] = []
        self._status: list[Handler] = []
        self._tasks: set[asyncio.Future[Any]] = set()  # keeps async handlers from being GC'd
        self.handler_errors = 0

    def on(self, key: str | type[Message], handler: Handler) -> Unsubscribe:
        return self._add(self._by_type.setdefault(type_key(key), []), handler)

    def on_any(self, handler: Handler) -> Unsubscribe:
        return self._add(self._any, handler)

    def on_journal(self, handler: Handler) -> Unsubscribe:
        return self._add(self._journal, handler)

    def on_status(self, handler: Handler) -> Unsubscribe:
        return self._add(self._status, handler)

    @property
    def wants_journal(self) -> bool:
        return bool(self._journal)

    def message(self, message: Message) -> None:
        for handler in (*self._by_type.get(message.type, ()), *self._any):
            self._call(handler, message, f"handler for {message.type!r}")

    def journal(self, entry: JournalEntry) -> None:
        for handler in tuple(self._journal):
            self._call(handler, entry, "journal handler")

    def status(self, event: StatusEvent) -> None:
        for handler in tuple(self._status):
            self._call(handler, event, "status handler")

    def clear(self) -> None:
        self._by_type.clear()
        self._any.clear()
        self._journal.clear()
        self._status.clear()

    def _add(self, handlers: list[Any], handler: Callable[..., object]) -> Unsubscribe:
        if not callable(handler):
            raise TypeError(f"handler must be callable, got {handler!r}")
        handlers.append(handler)

        def unsubscribe() -> None:
            # Remove this registration only (the same function may be registered twice).
            for i, h in enumerate(handlers):
                if h is handler:
                    del handlers[i]
                    return

        return unsubscribe

    def _call(self, handler: Handler, arg: object, where: str) -> None:
        try:
            result = handler(arg)
            if result is not None and inspect.isawaitable(result):
                self._watch(result, where)
        except Exception as exc:
            self._fail(where, exc)

    def _watch(self, awaitable: Awaitable[Any], where: str) -> None:
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)

        def done(fut: asyncio.Future[Any]) -> None:
            self._tasks.discard(fut)
            if not fut.cancelled() and (exc := fut.exception()) is not None:
                self._fail(where, exc)

        task.add_done_callback(done)

    def _fail(self, where: str, exc: BaseException) -> None:
        self.handler_errors += 1
        with contextlib.suppress(Exception):  # a broken reporter must not break the bridge
            self._report(where, exc)


class IO(Protocol):
    """What the driver needs from its environment (the browser adapter, or a test fake)."""

    def post_window(self, text: str, target_origin: str, transfer_port: bool) -> None: ...

    def post_port(self, text: str) -> None: ...

    def adopt_port(self) -> bool:
        """Use the port carried by the inbound event being processed; False if it has none."""
        ...

    def close_port(self) -> None: ...

    def schedule(self, delay_ms: float | None) -> None:
        """Call ``Driver.poll`` after ``delay_ms`` (replacing any earlier timer); None cancels."""
        ...


class Ticker(Protocol):
    """Something besides the channel that needs the bridge's one timer (e.g. the compliance
    supervisor of ``bridge.browser.supervision``): its deadline is folded into the timer."""

    def next_deadline(self) -> float | None:
        """The channel clock's value (seconds) at which ``tick`` has work to do, if any."""
        ...

    def tick(self) -> None:
        """The timer fired (called after the channel's own ``poll``)."""
        ...


class Driver:
    """Runs a channel's effects through ``io`` and the dispatcher, in order."""

    def __init__(
        self,
        channel: Channel,
        io: IO,
        *,
        dispatcher: Dispatcher | None = None,
        report: ErrorReporter = _print_error,
        wall_ms: Callable[[], float] = lambda: time.time() * 1000,
    ) -> None:
        self.channel = channel
        self.io = io
        self.dispatcher = dispatcher or Dispatcher(report)
        self._report = report
        self._wall_ms = wall_ms
        self._effects: deque[Effect] = deque()
        self._draining = False
        self._requests: dict[int, RequestCallback] = {}
        self._armed: float | None = None  # the deadline the io's timer is set for
        self._answered = False  # a reply came in this run (see _reschedule)
        self._lingering = False  # armed with nothing pending, left to fire once
        self.status = "idle"
        self.mode: str | None = None
        self.counters: dict[str, int] = {"io_errors": 0, "internal_errors": 0}
        self._connected_waiters: list[tuple[Callable[[], None], FailureCallback | None]] = []
        self._failure: ProtocolError | None = None  # why status is "error", if it is
        self._ticker: Ticker | None = None
        dialect = channel.dialect
        self._auto: Auto | None = dialect if isinstance(dialect, Auto) else None

    # ----------------------------------------------------------------- commands

    def start(self, *, announce: bool = True) -> None:
        self._set_status(StatusEvent("handshaking"))
        self._run(self.channel.start(announce=announce))

    def peer_loaded(self) -> None:
        """The iframe's ``load`` event (lobby): see ``Channel.peer_loaded``."""
        if self._auto is not None:
            self._auto.document_loaded()  # dialect "auto" picks again from the next message
        self._run(self.channel.peer_loaded())

    def peer_removed(self) -> None:
        """The lobby's iframe left the document (see ``Channel.peer_removed``)."""
        self._run(self.channel.peer_removed())

    def port_closed(self) -> None:
        """The current MessagePort's other end closed (its ``close`` event)."""
        self._run(self.channel.port_closed())

    def receive(self, inbound: Inbound) -> None:
        self._run(self.channel.receive(inbound))
        if self._auto is not None and self._auto.unjournalled:
            self._journal_picks(self._auto)

    def receive_port(self, text: str) -> None:
        """A text off the MessagePort (``receive`` without building an ``Inbound``)."""
        self._run(self.channel.receive_port(text))

    def receive_batch(self, inbounds: list[Inbound]) -> None:
        """Several inbound events at once (a coalesced port frame), in order.

        Each is received on its own (limits, validation, counters, rejections); one that
        fails in an unexpected way is counted and does not cost the others. (In the browser
        the whole batch answers with one outbox: see ``bridge.browser.adapter``.)
        """
        try:
            for inbound in inbounds:
                try:
                    self._run(self.channel.receive(inbound), reschedule=False)
                except Exception as exc:
                    self.counters["internal_errors"] += 1
                    self._report("receiving a batched message", exc)
        finally:
            self._reschedule()

    def send(self, message: Message) -> None:
        """Raises ``InvalidOutboundMessage`` / ``ChannelClosedError`` at the call."""
        self._run(self.channel.send(message))

    def request(self, message: Message, timeout_ms: float | None, callback: RequestCallback) -> int:
        request_id, effects = self.channel.request(message, timeout_ms)
        self._requests[request_id] = callback
        self._run(effects)
        return request_id

    def poll(self) -> None:
        """The timer fired (it is not armed any more): expire what is due, re-arm."""
        self._armed = None
        self._lingering = False
        self._run(self.channel.poll(), reschedule=self._ticker is None)
        ticker = self._ticker
        if ticker is not None:
            try:
                ticker.tick()  # may send or request: those run (and reschedule) as usual
            except Exception as exc:
                self.counters["internal_errors"] += 1
                self._report("the ticker", exc)
            self._reschedule()

    def set_ticker(self, ticker: Ticker | None) -> None:
        """Fold ``ticker``'s deadline into the timer (None: stop); re-arms now."""
        self._ticker = ticker
        self.reschedule()

    def reschedule(self) -> None:
        """Re-arm the timer after the ticker's deadline changed outside a call of ours."""
        if self.status != "closed":
            self._reschedule()

    def close(self, reason: str = "closed") -> None:
        effects = self.channel.close(reason)
        if self._draining:
            # Called from a handler: the bye (and what was queued before it) must go out
            # now, while the adapter still has its port, not after the caller tears it down.
            self._effects.extend(effects)
            self._drain()
        else:
            self._run(effects)
        self._armed = None
        self._lingering = False
        self._ticker = None
        self.io.schedule(None)
        if self.status != "closed":
            self._set_status(StatusEvent("closed", self.mode, reason))
        self._fail_waiters(ChannelClosedError(f"the bridge is closed: {reason}"))

    def when_connected(
        self, callback: Callable[[], None], on_failed: FailureCallback | None = None
    ) -> None:
        """Call ``callback`` once connected, or ``on_failed(error)`` if that cannot happen now.

        Settles at once when the bridge is already connected, closed
        (``ChannelClosedError``) or failed (status ``error``: ``HandshakeTimeout``);
        otherwise on the next of these. A bridge that failed may still connect later
        (a game that speaks after the handshake timeout); ask again to wait for that.
        """
        if self.status == "connected":
            callback()
        elif self.status == "closed" or self.channel.state is State.CLOSED:
            if on_failed is not None:
                on_failed(ChannelClosedError("the bridge is closed"))
        elif self.status == "error" and self._failure is not None:
            if on_failed is not None:
                on_failed(self._failure)
        else:
            self._connected_waiters.append((callback, on_failed))

    def stats(self) -> dict[str, Any]:
        out = self.channel.stats.to_dict()
        out.update(self.counters)
        out["handler_errors"] = self.dispatcher.handler_errors
        out["pending_requests"] = self.channel.pending_requests
        out["status"] = self.status
        out["mode"] = self.mode
        # Which hizi-bridge this is, the protocol versions it offers in a handshake and the one
        # the handshake chose (None before it, and with a plain Appendix A peer).
        out["package_version"] = __version__
        out["protocol_versions"] = list(self.channel.config.versions)
        out["protocol_version"] = self.channel.version
        if self._auto is not None:
            out["dialect"] = self._auto.stats()
        return out

    def _journal_picks(self, auto: Auto) -> None:
        """Dialect "auto" picked one: a journal line per pick (after the message it read)."""
        picks, auto.unjournalled = auto.unjournalled, []
        if not self.dispatcher._journal:
            return
        for pick in picks:
            detail = f"dialect auto picked {pick.dialect} ({pick.how}: {pick.first})"
            payload = {"dialect": pick.dialect, "how": pick.how, "first": pick.first}
            self.dispatcher.journal(
                JournalEntry(
                    "in",
                    "dialect",
                    "accepted",
                    payload,
                    "window",
                    detail=detail,
                    origin=self.channel.target_origin,
                    time=self._wall_ms(),
                )
            )

    # ----------------------------------------------------------------- effects

    def _run(self, effects: list[Effect], *, reschedule: bool = True) -> None:
        if self._draining:
            # The outer loop picks them up, after what the channel emitted first.
            self._effects.extend(effects)
            return
        self._draining = True
        try:
            for effect in effects:
                try:
                    self._apply(effect)
                except Exception as exc:  # e.g. the iframe went away under postMessage
                    self.counters["io_errors"] += 1
                    self._report(f"carrying out {type(effect).__name__}", exc)
            if self._effects:  # queued by handlers meanwhile
                self._drain()
        finally:
            self._draining = False
        if reschedule:
            self._reschedule()

    def _drain(self) -> None:
        queue = self._effects
        while queue:
            effect = queue.popleft()
            try:
                self._apply(effect)
            except Exception as exc:  # e.g. the iframe went away under postMessage
                self.counters["io_errors"] += 1
                self._report(f"carrying out {type(effect).__name__}", exc)

    def _reschedule(self) -> None:
        # Each schedule() is a setTimeout or clearTimeout, which Chromium makes costly
        # (tens of µs), so the timer is only touched when it must change. Armed for a later
        # deadline, it is left alone (it fires early, poll() finds nothing due and re-arms).
        # When a reply answers the last pending request it is left armed too: it fires
        # once, finds nothing and is not re-armed, instead of a clearTimeout now and a
        # setTimeout for the next request, on every round trip. Anything else that leaves
        # nothing pending (a cancel, a close, the handshake done) cancels it.
        channel = self.channel
        armed = self._armed
        answered, self._answered = self._answered, False
        ticker = self._ticker
        if armed is None and ticker is None and not channel.has_timers:
            return  # nothing armed, nothing due: the usual case on a game's side
        deadline = channel.next_deadline()
        if ticker is not None:
            due = ticker.next_deadline()
            if due is not None and (deadline is None or due < deadline):
                deadline = due
        if deadline is None:
            if armed is not None and not self._lingering:
                if answered:
                    self._lingering = True
                else:
                    self._armed = None
                    self.io.schedule(None)
            return
        self._lingering = False
        if armed is None or deadline < armed:
            self._armed = deadline
            delay = (deadline - self.channel.now()) * 1000
            self.io.schedule(max(0.0, delay) + 1)  # +1 ms: never fire just before the deadline

    def _apply(self, effect: Effect) -> None:
        journal = self.dispatcher._journal  # entries are built only while someone listens
        if isinstance(effect, Post):
            if effect.via is Transport.PORT:
                self.io.post_port(effect.text)
            else:
                self.io.post_window(effect.text, effect.target_origin, effect.transfer_new_port)
            if journal:
                self._journal(effect)
        elif isinstance(effect, Deliver):
            if journal:
                self._journal(effect)
            self.dispatcher.message(effect.message)
        elif isinstance(effect, Rejected | SendFailed):
            if journal:
                self._journal(effect)
        elif isinstance(effect, RequestDone):
            self._answered = True
            self._finish(effect.request_id, effect.response, None)
        elif isinstance(effect, RequestFailed):
            self._finish(effect.request_id, None, effect.error)
        elif isinstance(effect, AdoptPort):
            if not self.io.adopt_port():
                self.counters["internal_errors"] += 1
                self._report("adopting the port", RuntimeError("the welcome carried no port"))
        elif isinstance(effect, ClosePort):
            self.io.close_port()
        elif isinstance(effect, Connected):
            if self._auto is not None and effect.mode is Mode.BRIDGE:
                self._auto.handshake_connected()
                self._journal_picks(self._auto)
            self._failure = None
            self._set_status(StatusEvent("connected", effect.mode.value))
            waiters, self._connected_waiters = self._connected_waiters, []
            for waiter, _ in waiters:
                waiter()
        elif isinstance(effect, Disconnected) and self.channel.state is not State.CLOSED:
            # The peer left (bye, or its page went away); we wait for the next one.
            self._failure = None
            self._set_status(StatusEvent("handshaking", None, effect.reason))
        elif isinstance(effect, Superseded):
            # A newer bridge on the iframe has the game: this one is closed for good.
            self._set_status(StatusEvent("closed", self.mode, effect.reason, "superseded"))
            self._fail_waiters(ChannelClosedError(f"the bridge is closed: {effect.reason}"))
        elif isinstance(effect, HandshakeTimedOut):
            self._failure = HandshakeTimeout(effect.reason)
            self._set_status(StatusEvent("error", None, effect.reason, "timeout"))
            self._fail_waiters(self._failure)

    def _fail_waiters(self, error: ProtocolError) -> None:
        waiters, self._connected_waiters = self._connected_waiters, []
        for _, on_failed in waiters:
            if on_failed is not None:
                try:
                    on_failed(error)
                except Exception as exc:
                    self.dispatcher._fail("connected() callback", exc)

    def _finish(
        self, request_id: int, response: Message | None, error: ProtocolError | None
    ) -> None:
        callback = self._requests.pop(request_id, None)
        if callback is None:
            return
        try:
            callback(response, error)
        except Exception as exc:
            self.dispatcher._fail("request callback", exc)

    def _journal(self, effect: Effect) -> None:
        entry = entry_for(effect, self._wall_ms())
        if entry is not None:
            self.dispatcher.journal(entry)

    def _set_status(self, event: StatusEvent) -> None:
        self.status = event.status
        self.mode = event.mode
        self.dispatcher.status(event)
