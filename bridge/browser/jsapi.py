"""The Python side of ``hizi-bridge.js``: JSON text in, JSON text out.

JavaScript gets one callable per bridge, ``handle(op, argJson) -> resultJson``,
and gives Python one ``emit(kind, json)`` function. Only strings, numbers and
booleans cross the boundary, so no proxy is created per call or per message.
Handler registries live on the JavaScript side.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..core.errors import InvalidOutboundMessage, ProtocolError
from ..core.journal import JournalEntry
from ..core.messages import Message
from ..core.wire import dump, dump_json
from ..hub import StatusEvent
from .bridges import GameBridge, LobbyBridge, _Bridge, to_message

Emit = Callable[[str, str], object]

# One-letter codes of the emit kinds inside a "batch" emit (pieces framed by U+0000).
_CODES = {"message": "m", "journal": "j", "status": "s", "reply": "r"}
_KINDS = {code: kind for kind, code in _CODES.items()}


def _error(exc: BaseException) -> dict[str, str]:
    if isinstance(exc, ProtocolError):
        return exc.to_dict()
    return {"name": type(exc).__name__, "code": "error", "message": str(exc)}


class JsHandle:
    """One bridge as seen from JavaScript."""

    def __init__(self, bridge: _Bridge, emit: Emit, *, journal: bool = True) -> None:
        self._bridge = bridge
        self._emit: Emit | None = emit
        self._unjournal: Callable[[], None] | None = None
        # While the driver handles a batch of inbound messages, emits are collected here and
        # cross into JavaScript once, as one "batch" emit, when the batch is done.
        self._dispatcher = bridge._driver.dispatcher
        self._outbox: list[str] = []
        self._dispatcher.on_flush(self._flush)
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

    def __call__(self, op: str, arg: str = "null", type_name: str = "") -> str:
        if op == "s":
            # The hot path (``bridge.send``): the data alone as JSON text, and "" back on
            # success, so neither side wraps or parses an envelope per message.
            try:
                self._bridge.send(to_message(type_name, json.loads(arg) if arg else None))
                return ""
            except Exception as exc:
                return json.dumps({"error": _error(exc)})
        try:
            return json.dumps({"ok": self._op(op, json.loads(arg) if arg else None)})
        except Exception as exc:
            return json.dumps({"error": _error(exc)})

    def _op(self, op: str, arg: Any) -> Any:
        bridge = self._bridge
        if op == "send":
            bridge.send(to_message(arg["type"], arg.get("data")))
            return None
        if op == "request":
            return self._request(arg)
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
            self._emit = None  # JS destroys this handle's proxy next; drop our end too
            return None
        raise InvalidOutboundMessage(f"unknown operation {op!r}")

    def _request(self, arg: Any) -> None:
        key = arg["key"]
        timeout = arg.get("timeoutMs")

        def done(response: Message | None, error: ProtocolError | None) -> None:
            reply: dict[str, Any] = {"key": key}
            if error is not None:
                reply["error"] = _error(error)
            else:
                reply["ok"] = dump(response) if response is not None else None
            self._send("reply", json.dumps(reply))

        bridge = self._bridge
        message = to_message(arg["type"], arg.get("data"))
        bridge._driver.request(message, timeout, done)

    def _send(self, kind: str, text: str) -> None:
        if self._emit is not None:
            if self._dispatcher.batching:
                self._outbox.append(_CODES[kind] + text)
            else:
                self._emit(kind, text)

    def _flush(self) -> None:
        out, self._outbox = self._outbox, []
        if not out or self._emit is None:
            return
        if len(out) == 1:
            self._emit(_KINDS[out[0][0]], out[0][1:])
        else:
            self._emit("batch", "\x00".join(out))

    def _on_message(self, message: Message) -> None:
        self._send("message", dump_json(message))

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
