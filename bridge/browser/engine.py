"""The engine's Python: one ``JsHandle`` per JS-API bridge, called by the engine kit.

``hizi-bridge.js`` starts the engine (in a Web Worker by default) and calls ``open_bridge``
for each ``HiziBridge.lobby()`` / ``game()``; every later event of that bridge reaches its
handle as ``handle(op, a, b, c, d)`` with the ``PageOp`` arguments of ``bridge.boundary`` and
returns an outbox. Only strings, numbers and booleans cross, so no proxy is made per call.

JavaScript owns the handlers and the promises (keyed by the page's ``key``); this module owns
the protocol side of them: it emits a message only for the types the page subscribed to, a
reply per request / query / failed send, status changes and, while the page listens, journal
entries.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

from pydantic_core import from_json

from ..boundary import PageOp, Piece
from ..compliance import Action
from ..core.dialects import dialect_data
from ..core.errors import ProtocolError
from ..core.journal import JournalEntry
from ..core.messages import Message, Role
from ..core.wire import build, dump_json
from ..hub import StatusEvent, merge_counters
from .bridges import GameBridge, LobbyBridge, _Bridge
from .supervision import ComplianceConfigError, ComplianceOptions, Supervision, action_to_dict

_APP_OPS = frozenset(
    {
        PageOp.SEND,
        PageOp.REQUEST,
        PageOp.CLOSE,
        PageOp.QUERY,
        PageOp.SUBSCRIBE,
        PageOp.SUPERVISE,
    }
)


def _error(exc: BaseException) -> dict[str, str]:
    if isinstance(exc, ProtocolError):
        return exc.to_dict()
    # One line: what went wrong, never a traceback (e.g. a config error's ValueError).
    message = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, ComplianceConfigError):
        return {
            "name": type(exc).__name__,
            "code": "invalid_config",
            "message": f"hizi-bridge: {message}",
            "field": exc.field,
        }
    return {"name": type(exc).__name__, "code": "error", "message": message}


def _reply(key: int, *, ok: Any = None, error: BaseException | None = None) -> str:
    if error is not None:
        return Piece.REPLY.value + json.dumps({"key": key, "error": _error(error)})
    return Piece.REPLY.value + json.dumps({"key": key, "ok": ok})


class JsHandle:
    """One bridge as seen from the engine kit."""

    def __init__(self, bridge: _Bridge) -> None:
        self._bridge = bridge
        self._driver = bridge._driver
        self._adapter = bridge._adapter
        self._dumped: tuple[Message | None, str] = (None, "")  # the last message emitted
        self._types: frozenset[str] = frozenset()
        self._all = False
        self._live = True
        self._unjournal: Callable[[], None] | None = None
        self.supervision: Supervision | None = None
        bridge.on_any(self._on_message)  # first: the page hears a message before its actions
        bridge.on_status(self._on_status)

    def supervise(self, options: ComplianceOptions | None) -> None:
        """Run compliance on this (lobby) bridge with ``options``; None stops it."""
        if options is None:
            if self.supervision is not None:
                self.supervision.stop()
                self.supervision = None
        elif self.supervision is None:
            self.supervision = Supervision(self._driver, options, self._on_compliance)
        else:
            self.supervision.configure(options)

    def __call__(self, op: int, a: Any = None, b: Any = None, c: Any = None, d: Any = None) -> str:
        if op not in _APP_OPS:
            return self._adapter.on_event(op, a, b, c, d)
        adapter = self._adapter
        began = adapter.begin()
        try:
            if op == PageOp.SEND:  # the hot path: the data alone as JSON text
                key = int(a)
                try:
                    self._driver.send(build(str(b), from_json(c) if c else None))
                except Exception as exc:
                    adapter.emit(_reply(key, error=exc))
            elif op == PageOp.REQUEST:
                key = int(a)
                try:
                    timeout = None if d is None or float(d) < 0 else float(d)
                    message = build(str(b), from_json(c) if c else None)
                    self._driver.request(message, timeout, self._replier(key))
                except Exception as exc:
                    adapter.emit(_reply(key, error=exc))
            elif op == PageOp.QUERY:
                key = int(a)
                try:
                    stats = self._bridge.protocol_stats()
                    adapter.emit(_reply(key, ok=merge_counters(stats, json.loads(str(c)))))
                except Exception as exc:
                    adapter.emit(_reply(key, error=exc))
            elif op == PageOp.SUPERVISE:
                key = int(a)
                try:
                    if self._bridge.role is not Role.LOBBY:
                        raise ComplianceConfigError("compliance", "a lobby option only")
                    currency = self._bridge.currency
                    self.supervise(_compliance(str(b), currency) if b else None)
                    adapter.emit(_reply(key, ok=None))
                except Exception as exc:
                    adapter.emit(_reply(key, error=exc))
            elif op == PageOp.SUBSCRIBE:
                types, journal = json.loads(str(a))
                self._all = "*" in types
                self._types = frozenset(types)
                self._set_journal(bool(journal))
            elif op == PageOp.CLOSE:
                # The kit answers the close itself, once it has run this outbox.
                self._bridge.close(str(b or "closed"))
                self._live = False
        finally:
            out = adapter.end(began)
        return out

    def _set_journal(self, on: bool) -> None:
        """Journal entries are built only while the page has journal handlers (they cost
        about as much as the message itself)."""
        if on and self._unjournal is None:
            self._unjournal = self._bridge.on_journal(self._on_journal)
        elif not on and self._unjournal is not None:
            self._unjournal()
            self._unjournal = None

    def _replier(self, key: int) -> Callable[[Message | None, ProtocolError | None], None]:
        def done(response: Message | None, error: ProtocolError | None) -> None:
            if not self._live and error is None:
                return
            if error is not None:
                self._adapter.emit(_reply(key, error=error))
            else:
                ok = "null" if response is None else self._dump(response)
                self._adapter.emit(f'{Piece.REPLY.value}{{"key":{int(key)},"ok":{ok}}}')

        return done

    def _dump(self, message: Message) -> str:
        # A reply is emitted twice (to the handlers, then to the request): dump it once.
        last, text = self._dumped
        if last is not message:
            text = dump_json(message)
            extra = dialect_data(message)
            if extra is not None:  # what the studio's envelope said beside it (sender, lang)
                text = f'{text[:-1]},"dialect":{json.dumps(extra)}}}'
            self._dumped = (message, text)
        return text

    def _on_message(self, message: Message) -> None:
        if self._live and (self._all or message.type in self._types):
            self._adapter.emit(Piece.MESSAGE.value + self._dump(message))

    def _on_journal(self, entry: JournalEntry) -> None:
        if self._live:
            self._adapter.emit(Piece.JOURNAL.value + json.dumps(entry.to_dict()))

    def _on_compliance(self, action: Action) -> None:
        if self._live:
            self._adapter.emit(Piece.COMPLIANCE.value + json.dumps(action_to_dict(action)))

    def _on_status(self, event: StatusEvent) -> None:
        self._adapter.emit(Piece.STATUS.value + json.dumps(event.to_dict()))


def _compliance(raw: object, currency: str | None) -> ComplianceOptions:
    """``ComplianceOptions.parse``; its currency defaults to the bridge's ``currency``."""
    value = raw
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):  # parse() names the option
            value = json.loads(raw)
    if isinstance(value, dict) and value.get("currency") is None and currency is not None:
        value = {**value, "currency": currency}
    return ComplianceOptions.parse(value)


def _positive_ms(cfg: dict[str, Any], key: str) -> float:
    value = cfg[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 2**31:
        raise ValueError(f"{key} must be a positive number of ms (below 2**31), not {value!r}")
    return float(value)


def open_bridge(key: int, role: str, config_json: str, kit: Any) -> JsHandle | str:
    """Create a bridge from ``hizi-bridge.js``'s options (camelCase JSON).

    Returns the handle, after sending the page the OPEN reply ``{allowed, target}`` (the
    normalised origin allow-list the page checks ``event.origin`` against, and the target
    origin of our posts) through ``kit``; or, when the options are refused, the outbox with
    the error reply (code ``invalid_config``, one line; for a ``compliance`` option, with
    ``field`` naming the refused option or setting). A lobby's ``compliance`` option starts
    supervision (``bridge.browser.supervision``) once the bridge is open.
    """
    try:
        cfg = json.loads(config_json)
        common: dict[str, Any] = {"allowed_origins": cfg.get("allowedOrigins")}
        if cfg.get("requestTimeoutMs") is not None:
            common["request_timeout_ms"] = _positive_ms(cfg, "requestTimeoutMs")
        if cfg.get("handshakeTimeoutMs") is not None:
            common["handshake_timeout_ms"] = _positive_ms(cfg, "handshakeTimeoutMs")
        if cfg.get("dialect"):
            common["dialect"] = str(cfg["dialect"])
        if cfg.get("currency") is not None:
            common["currency"] = cfg["currency"]
        compliance = None
        if cfg.get("compliance") is not None:
            if role != "lobby":
                raise ComplianceConfigError("compliance", "a lobby option only")
            compliance = _compliance(cfg["compliance"], common.get("currency"))
        bridge: _Bridge
        if role == "lobby":
            bridge = LobbyBridge(None, cfg.get("gameOrigin"), **common, _kit=kit)
        elif role == "game":
            bridge = GameBridge(cfg.get("lobbyOrigin"), **common, _kit=kit)
        else:
            raise ValueError(f"role must be 'lobby' or 'game', not {role!r}")
    except Exception as exc:
        error = _error(exc)
        if error["code"] != "invalid_config":
            error["code"] = "invalid_config"
            error["message"] = f"hizi-bridge: {error['message']}"
        return Piece.REPLY.value + json.dumps({"key": key, "error": error})
    handle = JsHandle(bridge)
    kit.run(_reply(key, ok=bridge.policy()))
    if compliance is not None:
        handle.supervise(compliance)  # after the OPEN reply: its timer piece runs at once
    return handle
