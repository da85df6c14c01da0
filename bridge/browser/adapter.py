"""The Python half of the engine kit: events in, outbox pieces out (``bridge.boundary``).

The JavaScript engine kit (in ``hizi-bridge.js``) owns the MessagePort and the timer and calls
Python once per event with primitives only (JSON text, origin, flags), as ``handle(code,
*fields)`` with the fields ``bridge.boundary`` declares for that op; the page side has already
checked the window event's origin against the allow-list and its ``event.source`` against the
paired window. Python answers each call with an *outbox*: every post, timer change, port
change and emit, in order, as one string the kit carries out. Nothing here touches the DOM,
so the whole adapter runs (and is tested) under CPython with a stand-in kit.

Inbound values arrive as JSON text (``JSON.stringify`` by the kit's strict encoder), never
converted with ``to_py``: that is cheaper, avoids ``jsnull``, and a value JSON would change
(NaN, a Date, a cycle) arrives as text that is not JSON, which the channel rejects as
malformed.

A piece produced outside a call from JavaScript (rare: e.g. a PyScript handler's ``send``
after an ``await``) is handed to the kit's ``run`` at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..boundary import BY_PAGE_CODE, FIELD, KIT_OPS, SEPARATOR, code_of
from ..core.effects import Inbound, Transport
from ..hub import Driver

BATCH_VERSION = 2  # the protocol version from which a port frame may be an array of texts

_PORT_BATCHED = code_of("port_batched")
_PORT = code_of("port")
_TIMER = code_of("timer")
_ADOPT_PORT = code_of("adopt_port")
_CLOSE_PORT = code_of("close_port")
_WINDOW = code_of("window")

# The ops this adapter answers (the rest are the JS API engine's, bridge.browser.engine).
EVENT_OPS = frozenset({"start", "window", "refused", "load", "removed"} | {o.name for o in KIT_OPS})


def handlers(target: object, names: frozenset[str]) -> dict[int, Callable[..., None]]:
    """``{code: target.on_<name>}`` for the declared ops in ``names`` (see bridge.boundary)."""
    return {
        code: getattr(target, f"on_{o.name}") for code, o in BY_PAGE_CODE.items() if o.name in names
    }


class BrowserAdapter:
    """Implements ``hub.IO`` as outbox pieces, and feeds the kit's events to a ``Driver``.

    ``kit`` is the JavaScript engine kit (or a stand-in with a ``run(outbox)`` method).
    """

    def __init__(self, kit: Any) -> None:
        self._driver: Driver | None = None
        self._run: Any = kit.run  # looked up once: each JsProxy attribute access costs
        self._out: list[str] | None = None  # the outbox, while collecting (see begin)
        self._event_has_port = False
        self._events = handlers(self, EVENT_OPS)

    def attach(self, driver: Driver) -> None:
        self._driver = driver

    @property
    def closed(self) -> bool:
        """The bridge is closed (the driver's status says so; nothing more is carried out)."""
        return self._driver is None or self._driver.status == "closed"

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
        elif not self.closed:
            self._run(piece)

    # ------------------------------------------------------------------ IO (hub.IO)

    def post_window(self, text: str, target_origin: str, transfer_port: bool) -> None:
        flag = "1" if transfer_port else "0"
        self.emit(f"{_WINDOW}{flag}{target_origin}{FIELD}{text}")

    def post_port(self, text: str) -> None:
        # Coalesced per task only when the peer reads batches (protocol version 2).
        driver = self._driver
        batch = driver is not None and (driver.channel.version or 0) >= BATCH_VERSION
        self.emit((_PORT_BATCHED if batch else _PORT) + text)

    def adopt_port(self) -> bool:
        if not self._event_has_port:
            return False
        self.emit(_ADOPT_PORT)
        return True

    def close_port(self) -> None:
        self.emit(_CLOSE_PORT)

    def schedule(self, delay_ms: float | None) -> None:
        if self._driver is not None and self._driver.status != "closed":
            self.emit(f"{_TIMER}{-1 if delay_ms is None else delay_ms}")

    # ------------------------------------------------------------------ events

    def on_event(self, op: int, *fields: Any) -> str:
        """One event from the kit (a page or kit op of ``bridge.boundary``, with its declared
        fields); returns the outbox. Never raises into the DOM listener."""
        driver = self._driver
        handler = self._events.get(op)
        if driver is None or handler is None or self.closed:
            return ""
        began = self.begin()
        try:
            handler(*fields)
        except Exception as exc:  # never let an exception escape into the DOM listener
            driver.counters["internal_errors"] += 1
            console_error(f"hizi-bridge: internal error: {type(exc).__name__}: {exc}")
        return self.end(began)

    def on_start(self, peer_loaded: bool) -> None:
        self._attached().start(announce=bool(peer_loaded))

    def on_window(self, text: str, encoded: bool, origin: str, has_port: bool) -> None:
        # Origin and source were checked on the page (and the origin is checked again here).
        self._event_has_port = bool(has_port)
        inbound = Inbound(text, str(origin), True, Transport.WINDOW, bool(encoded), bool(has_port))
        try:
            self._attached().receive(inbound)
        finally:
            self._event_has_port = False

    def on_refused(self, reason: str, origin: str) -> None:
        self._attached().refused(str(reason), str(origin))

    def on_load(self) -> None:
        self._attached().peer_loaded()

    def on_removed(self) -> None:
        self._attached().peer_removed()

    def on_port(self, text: str, encoded: bool) -> None:
        self._attached().receive_port(str(text))

    def on_batch(self, texts: str) -> None:
        # The texts of a coalesced port frame, framed by U+0000.
        inbounds = [Inbound(t, "", False, Transport.PORT) for t in str(texts).split(SEPARATOR)]
        self._attached().receive_batch(inbounds)

    def on_timer(self) -> None:
        self._attached().poll()

    def on_port_closed(self) -> None:
        self._attached().port_closed()

    def _attached(self) -> Driver:
        assert self._driver is not None  # on_event calls these only once attached
        return self._driver


def console_error(text: str) -> None:
    try:
        import js
    except ImportError:  # CPython (tests)
        print(text)
        return
    js.console.error(text)
