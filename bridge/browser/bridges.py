"""``LobbyBridge`` and ``GameBridge``: the Python API in the browser.

Each wires a ``Channel`` (protocol), a ``Driver`` (effects, handlers, requests;
pure, see ``bridge.hub``) and a ``BrowserAdapter`` (DOM) together and starts the
handshake at construction.
"""

from __future__ import annotations

import asyncio
from typing import Any, overload

from ..core.channel import Channel, ChannelConfig
from ..core.dialects import Dialect
from ..core.errors import InvalidOutboundMessage
from ..core.messages import Message, Role
from ..core.wire import build
from ..hub import Dispatcher, Driver, Handler, Unsubscribe, add_fast_rejections
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


class _Bridge:
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
        start: bool = True,
    ) -> None:
        extra: dict[str, Any] = {}
        if dialect is not None:  # a dialect name ("appendix_a", ...) or an instance
            extra["dialect"] = dialect
        config = ChannelConfig(
            role=self.role,
            peer_origin=peer_origin,
            allowed_origins=allowed_origins,
            handshake_timeout_ms=handshake_timeout_ms,
            request_timeout_ms=request_timeout_ms,
            **extra,
        )
        self._channel = Channel(config)
        self._adapter = BrowserAdapter(iframe)
        self._driver = Driver(
            self._channel, self._adapter, dispatcher=Dispatcher(_report), report=_report
        )
        if start:
            self._start()

    def _start(self) -> None:
        # Our hello goes out first (a lobby waits for its iframe's load if it is still
        # about:blank), then the early buffer is replayed.
        self._driver.start(announce=self._adapter.peer_loaded())
        self._adapter.start(self._driver)

    # ----------------------------------------------------------------- handlers

    def on(self, key: str | type[Message], handler: Handler) -> Unsubscribe:
        """Call ``handler(message)`` for each delivered message of this type (sync or async)."""
        return self._driver.dispatcher.on(key, handler)

    def on_any(self, handler: Handler) -> Unsubscribe:
        return self._driver.dispatcher.on_any(handler)

    def on_journal(self, handler: Handler) -> Unsubscribe:
        """``handler(JournalEntry)`` for every message in, out or rejected."""
        return self._driver.dispatcher.on_journal(handler)

    def on_status(self, handler: Handler) -> Unsubscribe:
        """``handler(StatusEvent)``: handshaking, connected (with mode), closed."""
        return self._driver.dispatcher.on_status(handler)

    # ----------------------------------------------------------------- sending

    @overload
    def send(self, message: Message) -> None: ...
    @overload
    def send(self, message: str, data: Any = ...) -> None: ...

    def send(self, message: Message | str, data: Any = _NO_DATA) -> None:
        """Send an event; queued until connected. Invalid values raise at the call."""
        self._driver.send(to_message(message, data))

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

        self._driver.request(to_message(message, data), timeout_ms, done)
        return future

    def connected(self) -> asyncio.Future[None]:
        """Resolves once the handshake finished (bridge or compat mode)."""
        future: asyncio.Future[None] = asyncio.get_event_loop().create_future()

        def done() -> None:
            if not future.done():
                future.set_result(None)

        self._driver.when_connected(done)
        return future

    # ----------------------------------------------------------------- state

    @property
    def status(self) -> str:
        return self._driver.status

    @property
    def mode(self) -> str | None:
        return self._driver.mode

    @property
    def session(self) -> str:
        return self._channel.session

    def stats(self) -> dict[str, Any]:
        out = self._driver.stats()
        kit = self._adapter.counters()
        out["io_errors"] += kit.pop("io_errors", 0)  # posts the kit could not make
        out.update(kit)
        add_fast_rejections(out, self._adapter.fast_rejections())
        out["target_origins"] = self._adapter.target_origins()
        return out

    def live_resources(self) -> dict[str, int]:
        """Listeners, timers and proxies still held; all zero after ``close()``."""
        return self._adapter.live_resources()

    def close(self, reason: str = "closed") -> None:
        """Say bye (bridge mode), fail pending requests, remove listeners and proxies."""
        if self._driver.status == "closed":
            return
        try:
            self._driver.close(reason)
        finally:
            self._adapter.close()


class LobbyBridge(_Bridge):
    """The operator lobby's end; ``iframe`` is the game's ``<iframe>`` element."""

    role = Role.LOBBY

    def __init__(
        self,
        iframe: Any,
        game_origin: str,
        *,
        allowed_origins: list[str] | None = None,
        request_timeout_ms: float = 10_000,
        dialect: str | Dialect | None = None,
        _start: bool = True,
    ) -> None:
        if iframe is None:
            raise ValueError("LobbyBridge needs the game's <iframe> element")
        super().__init__(
            iframe=iframe,
            peer_origin=game_origin,
            allowed_origins=allowed_origins,
            handshake_timeout_ms=None,
            request_timeout_ms=request_timeout_ms,
            dialect=dialect,
            start=_start,
        )


class GameBridge(_Bridge):
    """The game's end, inside the iframe; the peer is ``window.parent``."""

    role = Role.GAME

    def __init__(
        self,
        lobby_origin: str,
        *,
        allowed_origins: list[str] | None = None,
        handshake_timeout_ms: float | None = None,
        request_timeout_ms: float = 10_000,
        dialect: str | Dialect | None = None,
        _start: bool = True,
    ) -> None:
        super().__init__(
            iframe=None,
            peer_origin=lobby_origin,
            allowed_origins=allowed_origins,
            handshake_timeout_ms=handshake_timeout_ms,
            request_timeout_ms=request_timeout_ms,
            dialect=dialect,
            start=_start,
        )
