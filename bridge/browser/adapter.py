"""The Python half of the engine kit: events in, outbox pieces out (``bridge.boundary``).

The JavaScript engine kit (in ``hizi-bridge.js``) owns the MessagePort and the timer and calls
Python once per event with primitives only (JSON text, origin, flags); the page side has
already checked the window event's origin against the allow-list and its ``event.source``
against the paired window. Python answers each call with an *outbox*: every post, timer
change, port change and emit, in order, as one string the kit carries out. Nothing here
touches the DOM, so the whole adapter runs (and is tested) under CPython with a stand-in kit.

Inbound values arrive as JSON text (``JSON.stringify`` by the kit's strict encoder), never
converted with ``to_py``: that is cheaper, avoids ``jsnull``, and a value JSON would change
(NaN, a Date, a cycle) arrives as text that is not JSON, which the channel rejects as
malformed.

A piece produced outside a call from JavaScript (rare: e.g. a PyScript handler's ``send``
after an ``await``) is handed to the kit's ``run`` at once.
"""

from __future__ import annotations

from typing import Any

from ..boundary import FIELD, SEPARATOR, PageOp, Piece
from ..core.effects import Inbound, Transport
from ..hub import Driver

BATCH_VERSION = 2  # the protocol version from which a port frame may be an array of texts


class BrowserAdapter:
    """Implements ``hub.IO`` as outbox pieces, and feeds the kit's events to a ``Driver``.

    ``kit`` is the JavaScript engine kit (or a stand-in with a ``run(outbox)`` method).
    """

    def __init__(self, kit: Any) -> None:
        self._driver: Driver | None = None
        self._run: Any = kit.run  # looked up once: each JsProxy attribute access costs
        self._out: list[str] | None = None  # the outbox, while collecting (see begin)
        self._event_has_port = False
        self._closed = False

    def attach(self, driver: Driver) -> None:
        self._driver = driver

    # ------------------------------------------------------------------ outbox

    def begin(self) -> bool:
        """Start collecting pieces; False if an outer call collects already."""
        if self._out is not None:
            return False
        self._out = []
        return True

    def end(self, began: bool) -> str:
        """Stop collecting (if ``begin`` returned True): the outbox for the kit."""
        if not began:
            return ""
        out, self._out = self._out, None
        return SEPARATOR.join(out) if out else ""

    def emit(self, piece: str) -> None:
        """A piece (its code first): collected while handling a call, else run at once."""
        out = self._out
        if out is not None:
            out.append(piece)
        elif not self._closed:
            self._run(piece)

    # ------------------------------------------------------------------ IO (hub.IO)

    def post_window(self, text: str, target_origin: str, transfer_port: bool) -> None:
        flag = "1" if transfer_port else "0"
        self.emit(f"{Piece.WINDOW.value}{flag}{target_origin}{FIELD}{text}")

    def post_port(self, text: str) -> None:
        # Coalesced per task only when the peer reads batches (protocol version 2).
        driver = self._driver
        batch = driver is not None and (driver.channel.version or 0) >= BATCH_VERSION
        self.emit(("P" if batch else "p") + text)

    def adopt_port(self) -> bool:
        if not self._event_has_port:
            return False
        self.emit(Piece.ADOPT_PORT.value)
        return True

    def close_port(self) -> None:
        self.emit(Piece.CLOSE_PORT.value)

    def schedule(self, delay_ms: float | None) -> None:
        if self._closed:
            return
        self.emit(f"T{-1 if delay_ms is None else delay_ms}")

    # ------------------------------------------------------------------ events

    def on_event(self, op: int, a: Any = None, b: Any = None, c: Any = None, d: Any = None) -> str:
        """One event from the kit (``PageOp``: START, WINDOW, REJECTED, LOAD, PORT, BATCH,
        TIMER, PORT_CLOSED); returns the outbox. Never raises into the DOM listener."""
        driver = self._driver
        if driver is None or self._closed:
            return ""
        began = self.begin()
        try:
            if op == PageOp.PORT:
                driver.receive_port(a)
            elif op == PageOp.BATCH:  # texts of a coalesced port frame, framed by U+0000
                driver.receive_batch(
                    [Inbound(t, "", False, Transport.PORT) for t in str(a).split(SEPARATOR)]
                )
            elif op == PageOp.WINDOW:  # origin and source were checked on the page
                self._event_has_port = bool(d)
                try:
                    driver.receive(Inbound(a, str(c), True, Transport.WINDOW, bool(b), bool(d)))
                finally:
                    self._event_has_port = False
            elif op == PageOp.REJECTED:
                # The first of its (reason, origin): the channel counts and journals it.
                # An allowed origin from the wrong window is a "source" rejection there.
                reason, origin = str(a), str(b)
                driver.receive(Inbound("", origin, reason != "source", Transport.WINDOW))
            elif op == PageOp.TIMER:
                driver.poll()
            elif op == PageOp.LOAD:
                driver.peer_loaded()
            elif op == PageOp.PORT_CLOSED:
                driver.port_closed()
            elif op == PageOp.REMOVED:
                driver.peer_removed()
            elif op == PageOp.START:
                driver.start(announce=bool(a))
        except Exception as exc:  # never let an exception escape into the DOM listener
            driver.counters["internal_errors"] += 1
            console_error(f"hizi-bridge: internal error: {type(exc).__name__}: {exc}")
        return self.end(began)

    def close(self) -> None:
        self._closed = True


def console_error(text: str) -> None:
    try:
        import js
    except ImportError:  # CPython (tests)
        print(text)
        return
    js.console.error(text)
