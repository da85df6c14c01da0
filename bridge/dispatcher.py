"""The application's handlers of one bridge (the Python API), each isolated.

``Dispatcher`` keeps the handlers (per type, any, journal, status); a handler that raises, or
an async handler whose task fails, is reported and counted, never propagated into the
bridge. (The JS API's handlers live in JavaScript: see ``bridge.boundary``'s ownership table.)
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .core.errors import ProtocolError
from .core.messages import BY_TYPE, Message

if TYPE_CHECKING:
    from .core.journal import JournalEntry

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


def print_error(where: str, exc: BaseException) -> None:
    print(f"hizi-bridge: {where}: {type(exc).__name__}: {exc}")


class Dispatcher:
    """Handler registry. Every handler is isolated: its errors are counted, not raised."""

    def __init__(self, report: ErrorReporter = print_error) -> None:
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

    def sole_listener(self) -> Handler | None:
        """The one handler every message goes to, when it is the only message handler and
        nobody wants journal entries (the JS API's engine: its handlers live on the page);
        else None. The driver's connected lane calls it directly (``Driver.receive_port``)."""
        if len(self._any) == 1 and not self._by_type and not self._journal:
            return self._any[0]
        return None

    def message(self, message: Message) -> None:
        by_type = self._by_type.get(message.type)
        # A copy: a handler may unsubscribe (itself or another) while we go through them.
        for handler in (*by_type, *self._any) if by_type else tuple(self._any):
            self.call(handler, message, "handler for %r", message.type)

    def journal(self, entry: JournalEntry) -> None:
        for handler in tuple(self._journal):
            self.call(handler, entry, "journal handler")

    def status(self, event: StatusEvent) -> None:
        for handler in tuple(self._status):
            self.call(handler, event, "status handler")

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

    def call(self, handler: Handler, arg: object, where: str, *where_args: object) -> None:
        """``handler(arg)``, isolated; ``where % where_args`` names it in a report (made only
        when it fails: this runs for every message delivered)."""
        try:
            result = handler(arg)
            if result is not None and inspect.isawaitable(result):
                self._watch(result, where % where_args if where_args else where)
        except Exception as exc:
            self.fail(where % where_args if where_args else where, exc)

    def _watch(self, awaitable: Awaitable[Any], where: str) -> None:
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)

        def done(fut: asyncio.Future[Any]) -> None:
            self._tasks.discard(fut)
            if not fut.cancelled() and (exc := fut.exception()) is not None:
                self.fail(where, exc)

        task.add_done_callback(done)

    def fail(self, where: str, exc: BaseException) -> None:
        self.handler_errors += 1
        with contextlib.suppress(Exception):  # a broken reporter must not break the bridge
            self._report(where, exc)
