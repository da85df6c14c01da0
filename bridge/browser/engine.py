"""The engine's Python: one ``JsHandle`` per JS-API bridge, called by the engine kit.

``hizi-bridge.js`` starts the engine (in a Web Worker by default) and calls ``open_bridge``
for each ``HiziBridge.lobby()`` / ``game()``; every later event of that bridge reaches its
handle as ``handle(code, *fields)``, the fields ``bridge.boundary`` declares for that op, and
returns an outbox. Only strings, numbers and booleans cross, so no proxy is made per call.

JavaScript owns the handlers and the promises (keyed by the page's ``key``); this module owns
the protocol side of them: every delivered message goes to the page (whose handlers pick
theirs), a reply per request / query / failed send, status changes and, while the page asks
for them, journal entries.

What connecting needs is imported here; ``LATER_MODULES`` (``bridge.later``: compliance,
supervision, the journal, the dialects other than Appendix A's) are imported where first used,
or at ``open_bridge`` when the options name them.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn

from pydantic_core import from_json

from ..boundary import code_of
from ..core.dialects import dialect_data
from ..core.errors import ProtocolError
from ..core.messages import Message, Role
from ..core.validators import build_next as build_next  # the engine's idle tasks call it
from ..core.wire import build, dump_json
from ..dispatcher import StatusEvent
from ..later import LATER_MODULES as LATER_MODULES  # the build imports them after this one
from .adapter import EVENT_OPS, handlers
from .base import BrowserBridge
from .game import GameBridge
from .lobby import LobbyBridge

if TYPE_CHECKING:
    from ..compliance import Action
    from ..core.journal import JournalEntry
    from .supervision import ComplianceOptions, Supervision

_SUPERVISION = "bridge.browser.supervision"

_APP_OPS = frozenset({"send", "request", "close", "query", "supervise", "journal"})
_REPLY = code_of("reply")
_MESSAGE = code_of("message")
_JOURNAL = code_of("journal")
_COMPLIANCE = code_of("compliance")
_STATUS = code_of("status")


def _error(exc: BaseException) -> dict[str, str]:
    if isinstance(exc, ProtocolError):
        return exc.to_dict()
    # One line: what went wrong, never a traceback (e.g. a config error's ValueError).
    message = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    supervision = sys.modules.get(_SUPERVISION)  # not imported: no ComplianceConfigError yet
    if supervision is not None and isinstance(exc, supervision.ComplianceConfigError):
        return {
            "name": type(exc).__name__,
            "code": "invalid_config",
            "message": f"hizi-bridge: {message}",
            "field": exc.field,
        }
    return {"name": type(exc).__name__, "code": "error", "message": message}


def _reply(key: int, *, ok: Any = None, error: BaseException | None = None) -> str:
    if error is not None:
        return _REPLY + json.dumps({"key": key, "error": _error(error)})
    return _REPLY + json.dumps({"key": key, "ok": ok})


class JsHandle:
    """One bridge as seen from the engine kit: ``handle(code, *fields)`` -> outbox."""

    def __init__(self, bridge: BrowserBridge) -> None:
        self.bridge = bridge
        self._driver = bridge.driver
        self._adapter = bridge.adapter
        self._dumped: tuple[Message | None, str] = (None, "")  # the last message emitted
        self._unjournal: Callable[[], None] | None = None
        self._ops = handlers(self, _APP_OPS)
        bridge.on_any(self._on_message)  # first: the page hears a message before its actions
        bridge.on_status(self._on_status)
        if isinstance(bridge, LobbyBridge):
            bridge.on_compliance(self._on_compliance)

    @property
    def _live(self) -> bool:
        return self._driver.status != "closed"

    @property
    def supervision(self) -> Supervision | None:
        """The lobby bridge's running supervision, if any (``LobbyBridge.supervision``)."""
        bridge = self.bridge
        return bridge.supervision if isinstance(bridge, LobbyBridge) else None

    def supervise(self, options: ComplianceOptions | None) -> None:
        """Run compliance on this (lobby) bridge with ``options``; None stops it (the one
        implementation: ``LobbyBridge.supervise_with``, reporting to ``on_compliance``)."""
        bridge = self.bridge
        if not isinstance(bridge, LobbyBridge):
            _not_a_lobby()
        bridge.supervise_with(options)

    def __call__(self, op: int, *fields: Any) -> str:
        handler = self._ops.get(op)
        if handler is None:
            return self._adapter.on_event(op, *fields)
        adapter = self._adapter
        began = adapter.begin()
        try:
            handler(*fields)
        finally:
            out = adapter.end(began)
        return out

    # ---------------------------------------------------------------- the page's ops

    def on_send(self, key: int, type: str, data_json: str) -> None:
        # The hot path: the data alone as JSON text; the ack (the engine's) settles a success.
        try:
            self._driver.send(build(str(type), from_json(data_json) if data_json else None))
        except Exception as exc:
            self._adapter.emit(_reply(int(key), error=exc))

    def on_request(self, key: int, type: str, data_json: str, timeout_ms: float) -> None:
        try:
            timeout = None if timeout_ms is None or float(timeout_ms) < 0 else float(timeout_ms)
            message = build(str(type), from_json(data_json) if data_json else None)
            self._driver.request(message, timeout, partial(self._settle, int(key)))
        except Exception as exc:
            self._adapter.emit(_reply(int(key), error=exc))

    def on_query(self, key: int, what: str, counters_json: str) -> None:
        try:
            stats = self._driver.stats(json.loads(str(counters_json)))
            self._adapter.emit(_reply(int(key), ok=stats))
        except Exception as exc:
            self._adapter.emit(_reply(int(key), error=exc))

    def on_supervise(self, key: int, options_json: str) -> None:
        try:
            if self.bridge.role is not Role.LOBBY:
                _not_a_lobby()
            self.supervise(
                _compliance(str(options_json), self.bridge.currency) if options_json else None
            )
            self._adapter.emit(_reply(int(key), ok=None))
        except Exception as exc:
            self._adapter.emit(_reply(int(key), error=exc))

    def on_journal(self, on: bool) -> None:
        """Journal entries are built only while the page has journal handlers (they cost
        about as much as the message itself)."""
        if on and self._unjournal is None:
            self._unjournal = self.bridge.on_journal(self._on_journal)
        elif not on and self._unjournal is not None:
            self._unjournal()
            self._unjournal = None

    def on_close(self, key: int, reason: str) -> None:
        # The kit answers the close itself, once it has run this outbox.
        self.bridge.close(str(reason or "closed"))

    # ---------------------------------------------------------------- to the page

    def _settle(self, key: int, response: Message | None, error: ProtocolError | None) -> None:
        # The waiter the channel holds with the page's request ``key`` (the channel is the
        # one registry of requests in flight): its reply piece, the page's promise settles.
        if not self._live and error is None:
            return
        if error is not None:
            self._adapter.emit(_reply(key, error=error))
        else:
            ok = "null" if response is None else self._dump(response)
            self._adapter.emit(f'{_REPLY}{{"key":{key},"ok":{ok}}}')

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
        if self._driver.status != "closed":  # _live, inlined: every message comes here
            self._adapter.emit(_MESSAGE + self._dump(message))

    def _on_journal(self, entry: JournalEntry) -> None:
        if self._live:
            self._adapter.emit(_JOURNAL + json.dumps(entry.to_dict()))

    def _on_compliance(self, action: Action) -> None:
        from .supervision import action_to_dict  # supervision runs: it is imported

        if self._live:
            self._adapter.emit(_COMPLIANCE + json.dumps(action_to_dict(action)))

    def _on_status(self, event: StatusEvent) -> None:
        self._adapter.emit(_STATUS + json.dumps(event.to_dict()))


assert not _APP_OPS & EVENT_OPS  # each op has one handler


def _compliance(raw: object, currency: str | None) -> ComplianceOptions:
    """``ComplianceOptions.parse``; its currency defaults to the bridge's ``currency``."""
    from .supervision import ComplianceOptions

    value = raw
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):  # parse() names the option
            value = json.loads(raw)
    if isinstance(value, dict) and value.get("currency") is None and currency is not None:
        value = {**value, "currency": currency}
    return ComplianceOptions.parse(value)


def _not_a_lobby() -> NoReturn:
    from .supervision import ComplianceConfigError

    raise ComplianceConfigError("compliance", "a lobby option only")


def _positive_ms(cfg: dict[str, Any], key: str) -> float:
    value = cfg[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 2**31:
        raise ValueError(f"{key} must be a positive number of ms (below 2**31), not {value!r}")
    return float(value)


def open_bridge(
    key: int,
    role: str,
    config_json: str,
    kit: Any,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> JsHandle | str:
    """Create a bridge from ``hizi-bridge.js``'s options (camelCase JSON).

    Returns the handle, after sending the page the open reply ``{allowed, wildcards}`` (the
    normalised exact origins the page checks ``event.origin`` against, and whether wildcard
    entries exist, whose matches the page lets through for Python to decide) through ``kit``;
    or, when the options are refused, the outbox with the error reply (code
    ``invalid_config``, one line; for a ``compliance`` option, with ``field`` naming the
    refused option or setting). A lobby's ``compliance`` option starts
    supervision (``bridge.browser.supervision``) once the bridge is open. ``clock``: the
    channel's clock (seconds), injected by tests.
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
                _not_a_lobby()
            compliance = _compliance(cfg["compliance"], common.get("currency"))
        bridge: BrowserBridge
        if role == "lobby":
            bridge = LobbyBridge(None, cfg.get("gameOrigin"), **common, _kit=kit, _clock=clock)
        elif role == "game":
            bridge = GameBridge(cfg.get("lobbyOrigin"), **common, _kit=kit, _clock=clock)
        else:
            raise ValueError(f"role must be 'lobby' or 'game', not {role!r}")
    except Exception as exc:
        error = _error(exc)
        if error["code"] != "invalid_config":
            error["code"] = "invalid_config"
            error["message"] = f"hizi-bridge: {error['message']}"
        return _REPLY + json.dumps({"key": key, "error": error})
    handle = JsHandle(bridge)
    kit.run(_reply(key, ok=bridge.policy()))
    if compliance is not None:
        handle.supervise(compliance)  # after the OPEN reply: its timer piece runs at once
    return handle
