"""Pure glue between a ``Channel`` and an application: effects, requests, status.

The browser adapter only moves bytes; everything that can be decided without a
browser lives here so it runs (and is tested) under CPython:

* ``Driver`` owns a ``Channel`` and carries out its effects in order through
  an ``IO`` object (the adapter, or a fake in tests). Effects are queued and
  drained by one loop, so a handler that sends from inside a delivery cannot
  overtake messages the channel emitted before it. Requests in flight are the channel's
  alone (the callback rides with each as its waiter); the timer is ``bridge.timer``'s; what
  each effect does is ``bridge.effect_appliers``'s.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from .core.channel import Channel, State
from .core.dialects import is_auto
from .core.effects import Effect, Inbound, Rejected
from .core.errors import (
    ChannelClosedError,
    OriginRejected,
    ProtocolError,
    RemoteProtocolError,
    SourceRejected,
)
from .core.messages import Message
from .counters import bridge_stats
from .dispatcher import (
    Dispatcher,
    ErrorReporter,
    FailureCallback,
    RequestCallback,
    StatusEvent,
    print_error,
)
from .effect_appliers import Appliers
from .timer import Ticker, Timer

if TYPE_CHECKING:
    from .core.dialects.auto import Auto


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


class Driver(Appliers):
    """Runs a channel's effects through ``io`` and the dispatcher, in order."""

    def __init__(
        self,
        channel: Channel,
        io: IO,
        *,
        dispatcher: Dispatcher | None = None,
        report: ErrorReporter = print_error,
        wall_ms: Callable[[], float] = lambda: time.time() * 1000,
    ) -> None:
        self.channel = channel
        self.io = io
        self.dispatcher = dispatcher or Dispatcher(report)
        self._report = report
        self._wall_ms = wall_ms
        self._effects: deque[Effect] = deque()
        self._draining = False
        self._timer = Timer(channel, io)
        self.status = "idle"
        self.mode: str | None = None
        self.counters: dict[str, int] = {"io_errors": 0, "internal_errors": 0}
        self.refusals: dict[str, int] = {}  # the page side's refusals, by reason (see refused)
        self._connected_waiters: list[tuple[Callable[[], None], FailureCallback | None]] = []
        self._failure: ProtocolError | None = None  # why status is "error", if it is
        dialect = channel.dialect
        self.auto: Auto | None = dialect if is_auto(dialect) else None
        self._appliers = self._appliers_by_type()

    # ----------------------------------------------------------------- commands

    def start(self, *, announce: bool = True) -> None:
        self._set_status(StatusEvent("handshaking"))
        self._run(self.channel.start(announce=announce))

    def peer_loaded(self) -> None:
        """The iframe's ``load`` event (lobby): see ``Channel.peer_loaded``."""
        if self.auto is not None:
            self.auto.document_loaded()  # dialect "auto" picks again from the next message
        self._run(self.channel.peer_loaded())

    def peer_removed(self) -> None:
        """The lobby's iframe left the document (see ``Channel.peer_removed``)."""
        self._run(self.channel.peer_removed())

    def port_closed(self) -> None:
        """The current MessagePort's other end closed (its ``close`` event)."""
        self._run(self.channel.port_closed())

    def receive(self, inbound: Inbound) -> None:
        self._run(self.channel.receive(inbound))
        if self.auto is not None and self.auto.unjournalled:
            self._journal_picks(self.auto)

    def refused(self, reason: str, origin: str) -> None:
        """The page side refused a window event: ``reason`` ``"origin"`` (not on the allow-list;
        the channel's ``OriginPolicy`` says why) or ``"source"`` (an allowed origin, from a
        window other than the paired one). Counted under ``stats()["rejected"]`` and journaled
        like a rejection of the channel's own; nothing else happens (the page decided)."""
        if self.status == "closed":
            return
        if reason == "source":
            error: RemoteProtocolError = SourceRejected(
                "right origin, but event.source is not the paired window"
            )
        else:
            error = OriginRejected(self.channel.policy.check(origin).reason)
        key = "source" if reason == "source" else "origin"
        self.refusals[key] = self.refusals.get(key, 0) + 1
        self._run([Rejected(error, origin)])

    def receive_port(self, text: str) -> None:
        """A text off the MessagePort (``receive`` without building an ``Inbound``).

        The connected lane: while one handler hears every message and nobody journals
        (``Dispatcher.sole_listener``), a data message the channel takes in the connected
        state goes to it straight (``Channel.receive_port_connected``), without the effect
        list; what the handler (or the request's callback) sends runs after, in order, as in
        ``_run``. Anything else is carried out as the general path's effects.
        """
        listener = self.dispatcher.sole_listener()
        if listener is None or self._draining:
            self._run(self.channel.receive_port(text))
            return
        taken = self.channel.receive_port_connected(text)
        if isinstance(taken, list):  # not for the lane: the effects, as receive_port's
            self._run(taken)
            return
        message, done = taken
        self._draining = True
        try:
            self.dispatcher.call(listener, message, "handler for %r", message.type)
            if done is not None:
                self._apply_request_done(done)
            if self._effects:  # queued by the handler or the callback meanwhile
                self._drain()
        finally:
            self._draining = False
        # Always: the handler or the callback may have made a request (its effects waited
        # in the queue, which does not re-arm); nothing armed and nothing due returns at once.
        self._timer.reschedule()

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
            self._timer.reschedule()

    def send(self, message: Message) -> None:
        """Raises ``InvalidOutboundMessage`` / ``ChannelClosedError`` at the call."""
        # A send sets no deadline and ends no request: the timer stays as it is.
        self._run(self.channel.send(message), reschedule=False)

    def request(self, message: Message, timeout_ms: float | None, callback: RequestCallback) -> int:
        """Send a request; ``callback(reply, None)`` or ``callback(None, error)`` once it ends.
        The channel holds ``callback`` with the request (its one registry) and hands it back
        in the effect that ends it; the driver keeps no table of its own."""
        request_id, effects = self.channel.request(message, timeout_ms, callback)
        self._run(effects)
        return request_id

    def poll(self) -> None:
        """The timer fired (it is not armed any more): expire what is due, re-arm."""
        timer = self._timer
        timer.fired()
        self._run(self.channel.poll(), reschedule=timer.ticker is None)
        ticker = timer.ticker
        if ticker is not None:
            try:
                ticker.tick()  # may send or request: those run (and reschedule) as usual
            except Exception as exc:
                self.counters["internal_errors"] += 1
                self._report("the ticker", exc)
            self._timer.reschedule()

    @property
    def ticker(self) -> Ticker | None:
        """What besides the channel uses the timer (``set_ticker``), if anything."""
        return self._timer.ticker

    def set_ticker(self, ticker: Ticker | None) -> None:
        """Fold ``ticker``'s deadline into the timer (None: stop); re-arms now."""
        self._timer.ticker = ticker
        self.reschedule()

    def reschedule(self) -> None:
        """Re-arm the timer after the ticker's deadline changed outside a call of ours."""
        if self.status != "closed":
            self._timer.reschedule()

    def close(self, reason: str = "closed") -> None:
        effects = self.channel.close(reason)
        if self._draining:
            # Called from a handler: the bye (and what was queued before it) must go out
            # now, while the adapter still has its port, not after the caller tears it down.
            self._effects.extend(effects)
            self._drain()
        else:
            self._run(effects)
        self._timer.stop()
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

    def stats(self, page: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Every counter of the bridge (``bridge.counters.bridge_stats``: the one place they
        are assembled), with ``page``: what the JavaScript halves tallied themselves."""
        return bridge_stats(self, page or {})

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
            self._timer.reschedule()

    def _drain(self) -> None:
        queue = self._effects
        while queue:
            effect = queue.popleft()
            try:
                self._apply(effect)
            except Exception as exc:  # e.g. the iframe went away under postMessage
                self.counters["io_errors"] += 1
                self._report(f"carrying out {type(effect).__name__}", exc)
