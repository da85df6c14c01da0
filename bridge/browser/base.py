"""``BrowserBridge``: what ``LobbyBridge`` and ``GameBridge`` (the Python API in the browser)
share.

Each bridge wires a ``Channel`` (protocol), a ``Driver`` (effects, handlers, requests;
pure, see ``bridge.hub``) and a ``BrowserAdapter`` (outbox pieces) together. On a PyScript
page the JavaScript halves (page side and engine kit, from ``hizi-bridge.js``) run on the
page's thread with direct calls between them, and the handshake starts at construction; the
JS API's engine (``bridge.browser.engine``) makes the same objects with a kit of its own.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any, overload

from ..core.channel import Channel, ChannelConfig
from ..core.dialects import Dialect
from ..core.errors import InvalidOutboundMessage
from ..core.messages import Message, Role
from ..core.wire import build
from ..dispatcher import Dispatcher, Handler, Unsubscribe
from ..hub import Driver
from .adapter import BrowserAdapter, console_error

_NO_DATA: Any = object()


def _report(where: str, exc: BaseException) -> None:
    console_error(f"hizi-bridge: {where}: {type(exc).__name__}: {exc}")


def to_message(message: Message | str, data: Any = _NO_DATA) -> Message:
    """A catalog model as is, or ``(type, data)`` built and validated; else InvalidOutbound."""
    if isinstance(message, Message):
        if data is not _NO_DATA:
            raise InvalidOutboundMessage("pass either a message model or (type, data), not both")
        return message
    if isinstance(message, str):
        return build(message, None if data is _NO_DATA else data)
    raise InvalidOutboundMessage(f"not a message: {message!r}"[:200])


class BrowserBridge:
    """One end of the post-message protocol in the browser (see the module docstring)."""

    role: Role

    def __init__(
        self,
        *,
        iframe: Any | None,
        peer_origin: str,
        allowed_origins: list[str] | None,
        handshake_timeout_ms: float | None,
        request_timeout_ms: float,
        dialect: str | Dialect | None,
        currency: str | None = None,
        kit: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        extra: dict[str, Any] = {}
        if dialect is not None:  # a dialect name ("appendix_a", ...) or an instance
            extra["dialect"] = dialect
        self.currency = currency
        if currency is not None:
            extra["dialect_options"] = {"currency": currency}
        config = ChannelConfig(
            role=self.role,
            peer_origin=peer_origin,
            allowed_origins=allowed_origins,
            handshake_timeout_ms=handshake_timeout_ms,
            request_timeout_ms=request_timeout_ms,
            **extra,
        )
        self._channel = Channel(config, clock=clock)
        self._closed = False
        self._proxy: Any = None
        if kit is None:
            # A PyScript page: both JavaScript halves here, calling this bridge directly.
            import js
            from pyodide.ffi import create_proxy

            make = getattr(js.globalThis, "__hiziBridgeDirectKit", None)
            if make is None:
                # No script tag: compile the packaged copy (needs a CSP that allows eval, and
                # the page loses the early buffer the script tag installs at load).
                from importlib import resources  # only here: the JS API's runtime lacks it

                from pyodide.code import run_js

                run_js(resources.files("bridge").joinpath("static/hizi-bridge.js").read_text())
                make = js.globalThis.__hiziBridgeDirectKit
            self._proxy = create_proxy(self._on_kit_event)
            kit = make(iframe, self._proxy)
        self._kit: Any = kit
        # Public for the JS API's engine (bridge.browser.engine), which answers the page's
        # ops through them; an application uses the bridge's own methods.
        self.adapter = BrowserAdapter(kit)
        self.driver = Driver(
            self._channel, self.adapter, dispatcher=Dispatcher(_report), report=_report
        )
        self.adapter.attach(self.driver)
        if self._proxy is not None:
            self._kit.start(json.dumps(self.policy()))

    def _on_kit_event(self, op: int, *fields: Any) -> str:
        return self.adapter.on_event(op, *fields)

    def policy(self) -> dict[str, Any]:
        """What the page side checks before Python: ``{"allowed": [exact origins],
        "wildcards": bool}`` (with wildcard entries, an origin not in ``allowed`` still goes
        to Python, which decides)."""
        entries = self._channel.policy.entries
        return {
            "allowed": [e for e in entries if "*" not in e],
            "wildcards": any("*" in e for e in entries),
        }

    # ----------------------------------------------------------------- handlers

    def on(self, key: str | type[Message], handler: Handler) -> Unsubscribe:
        """Call ``handler(message)`` for each delivered message of this type (sync or async)."""
        return self.driver.dispatcher.on(key, handler)

    def on_any(self, handler: Handler) -> Unsubscribe:
        return self.driver.dispatcher.on_any(handler)

    def on_journal(self, handler: Handler) -> Unsubscribe:
        """``handler(JournalEntry)`` for every message in, out or rejected."""
        return self.driver.dispatcher.on_journal(handler)

    def on_status(self, handler: Handler) -> Unsubscribe:
        """``handler(StatusEvent)``: handshaking, connected (with mode), closed."""
        return self.driver.dispatcher.on_status(handler)

    # ----------------------------------------------------------------- sending

    @overload
    def send(self, message: Message) -> None: ...
    @overload
    def send(self, message: str, data: Any = ...) -> None: ...

    def send(self, message: Message | str, data: Any = _NO_DATA) -> None:
        """Send an event; queued until connected. Invalid values raise at the call."""
        self.driver.send(to_message(message, data))

    def request(
        self,
        message: Message | str,
        data: Any = _NO_DATA,
        *,
        timeout_ms: float | None = None,
    ) -> asyncio.Future[Message]:
        """Send a request; the future resolves to the typed reply.

        It fails with ``RequestTimeout`` or ``RequestCancelled``; an invalid
        request raises ``InvalidOutboundMessage`` here, not in the future.
        """
        future: asyncio.Future[Message] = asyncio.get_event_loop().create_future()

        def done(response: Message | None, error: Exception | None) -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            elif response is not None:
                future.set_result(response)

        self.driver.request(to_message(message, data), timeout_ms, done)
        return future

    def _post(self, message: Message) -> None:
        self.send(message)

    def _ask(self, message: Message, timeout_ms: float | None) -> asyncio.Future[Message]:
        return self.request(message, timeout_ms=timeout_ms)

    def connected(self) -> asyncio.Future[None]:
        """Resolves once the handshake finished (bridge or compat mode); settles at once when
        already connected, and fails with ``ChannelClosedError`` (closed) or
        ``HandshakeTimeout`` (status ``error``)."""
        future: asyncio.Future[None] = asyncio.get_event_loop().create_future()

        def done() -> None:
            if not future.done():
                future.set_result(None)

        def failed(error: Exception) -> None:
            if not future.done():
                future.set_exception(error)

        self.driver.when_connected(done, failed)
        return future

    # ----------------------------------------------------------------- state

    @property
    def status(self) -> str:
        return self.driver.status

    @property
    def mode(self) -> str | None:
        return self.driver.mode

    @property
    def session(self) -> str:
        return self._channel.session

    def stats(self) -> dict[str, Any]:
        """Counters: accepted, rejected by reason, requests, early buffer, target origins
        (``hub.Driver.stats``, with the JavaScript halves' own tallies)."""
        return self.driver.stats(json.loads(str(self._kit.counters())))

    def live_resources(self) -> dict[str, int]:
        """Listeners, timers and proxies still held; all zero after ``close()``."""
        counts: dict[str, int] = json.loads(str(self._kit.live()))
        counts["proxies"] = 0 if self._proxy is None else 1
        return counts

    def close(self, reason: str = "closed") -> None:
        """Say bye (bridge mode), fail pending requests, remove listeners and proxies."""
        if self._closed:  # (status may say "closed" already: a newer bridge took over)
            return
        self._closed = True
        began = self.adapter.begin()
        try:
            self.driver.close(reason)
        finally:
            out = self.adapter.end(began)  # "" inside the engine's call: its outbox has it
            if out:
                self._kit.run(out)  # the bye and what came before it
            if self._proxy is not None:  # a PyScript page: tear the JavaScript halves down
                self._kit.close()
                self._proxy.destroy()
                self._proxy = None
