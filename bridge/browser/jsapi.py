"""The Python side of ``hizi-bridge.js``: JSON text in, JSON text out.

JavaScript gets one callable per bridge, ``handle(op, argJson) -> resultJson``,
and gives Python one ``emit(code, json)`` function. Only strings, numbers and
booleans cross the boundary, so no proxy is created per call or per message.
Handler registries live on the JavaScript side.

The hot operations, send (``"s"``) and request (``"q"``), take the data alone as
JSON and return the adapter's outbox (posts and emits for the kit to run), or
``"\x01"`` + an error; emits made while Python handles an event travel in that
event's outbox (see ``bridge.browser.adapter``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic_core import from_json

from ..core.errors import InvalidOutboundMessage, ProtocolError
from ..core.journal import JournalEntry
from ..core.messages import Message
from ..core.wire import build, dump_json
from ..hub import StatusEvent
from .bridges import GameBridge, LobbyBridge, _Bridge

Emit = Callable[[str, str], object]

# The one-letter code of each emit kind: it leads its piece in an outbox.
_CODES = {"message": "m", "journal": "j", "status": "s", "reply": "r"}
_FAILED = "\x01"  # leads a hot call's result when it raised


def _error(exc: BaseException) -> dict[str, str]:
    if isinstance(exc, ProtocolError):
        return exc.to_dict()
    return {"name": type(exc).__name__, "code": "error", "message": str(exc)}


class JsHandle:
    """One bridge as seen from JavaScript."""

    def __init__(self, bridge: _Bridge, emit: Emit, *, journal: bool = True) -> None:
        self._bridge = bridge
        self._driver = bridge._driver
        self._adapter = bridge._adapter
        self._dumped: tuple[Message | None, str] = (None, "")  # the last message emitted
        self._live = True
        self._unjournal: Callable[[], None] | None = None
        self._adapter.set_sink(emit)
        bridge.on_any(self._on_message)
        bridge.on_status(self._on_status)
        self._set_journal(journal)

    def _set_journal(self, on: bool) -> None:
        """Emit journal entries only while JavaScript has journal handlers.

        Building, encoding and crossing into JS for every message in and out costs about as
        much as the message itself, so the entries are made only when someone reads them.
        """
        if on and self._unjournal is None:
            self._unjournal = self._bridge.on_journal(self._on_journal)
        elif not on and self._unjournal is not None:
            self._unjournal()
            self._unjournal = None

    @property
    def kit(self) -> Any:
        """The adapter's kit, whose ``run`` carries out the outboxes returned here."""
        return self._adapter.kit

    def __call__(
        self,
        op: str,
        arg: str = "null",
        type_name: str = "",
        key: int = 0,
        timeout_ms: float | None = None,
    ) -> str:
        if op == "s" or op == "q":
            # The hot path (send, request): the data alone as JSON text, no envelope.
            adapter = self._adapter
            began = adapter.begin()
            failed = ""
            try:
                message = build(type_name, from_json(arg) if arg else None)
                if op == "s":
                    self._driver.send(message)
                else:
                    self._driver.request(message, timeout_ms, self._replier(key))
            except Exception as exc:
                failed = _FAILED + json.dumps({"error": _error(exc)})
            out = adapter.end(began)
            if failed:
                if out:  # rare: what was collected before the failure still goes out
                    adapter.emit(out)
                return failed
            return out
        try:
            return json.dumps({"ok": self._op(op, json.loads(arg) if arg else None)})
        except Exception as exc:
            return json.dumps({"error": _error(exc)})

    def _op(self, op: str, arg: Any) -> Any:
        bridge = self._bridge
        if op == "journal":
            self._set_journal(bool(arg))
            return None
        if op == "stats":
            return bridge.stats()
        if op == "state":
            return {"status": bridge.status, "mode": bridge.mode, "session": bridge.session}
        if op == "live":
            return bridge.live_resources()
        if op == "close":
            bridge.close(str(arg or "closed"))
            self._live = False  # JS destroys this handle's proxy next
            return None
        raise InvalidOutboundMessage(f"unknown operation {op!r}")

    def _replier(self, key: int) -> Callable[[Message | None, ProtocolError | None], None]:
        def done(response: Message | None, error: ProtocolError | None) -> None:
            if error is not None:
                self._send("reply", json.dumps({"key": key, "error": _error(error)}))
            else:
                ok = "null" if response is None else self._dump(response)
                self._send("reply", f'{{"key":{int(key)},"ok":{ok}}}')

        return done

    def _send(self, kind: str, text: str) -> None:
        if self._live:
            self._adapter.emit(_CODES[kind] + text)

    def _dump(self, message: Message) -> str:
        # A reply is emitted twice (to the handlers, then to the request): dump it once.
        last, text = self._dumped
        if last is not message:
            text = dump_json(message)
            self._dumped = (message, text)
        return text

    def _on_message(self, message: Message) -> None:
        if self._live:
            self._adapter.emit("m" + self._dump(message))

    def _on_journal(self, entry: JournalEntry) -> None:
        self._send("journal", json.dumps(entry.to_dict()))

    def _on_status(self, event: StatusEvent) -> None:
        self._send("status", json.dumps(event.to_dict()))


def open_bridge(role: str, config_json: str, emit: Emit, iframe: Any = None) -> JsHandle:
    """Create a bridge from ``hizi-bridge.js``'s options (camelCase JSON)."""
    cfg = json.loads(config_json)
    common: dict[str, Any] = {
        "allowed_origins": cfg.get("allowedOrigins"),
        "request_timeout_ms": cfg.get("requestTimeoutMs") or 10_000,
    }
    if cfg.get("dialect"):
        common["dialect"] = str(cfg["dialect"])
    bridge: _Bridge
    # Built unstarted: the handle subscribes first, so JS sees the very first status and
    # every replayed early message.
    if role == "lobby":
        bridge = LobbyBridge(iframe, cfg["gameOrigin"], **common, _start=False)
    elif role == "game":
        common["handshake_timeout_ms"] = cfg.get("handshakeTimeoutMs")
        bridge = GameBridge(cfg["lobbyOrigin"], **common, _start=False)
    else:
        raise ValueError(f"role must be 'lobby' or 'game', not {role!r}")
    handle = JsHandle(bridge, emit, journal=bool(cfg.get("journal", True)))
    bridge._start()
    return handle
