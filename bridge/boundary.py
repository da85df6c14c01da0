"""The boundary between the JavaScript side of a bridge and its Python engine: one contract.

A bridge made with the JS API (``hizi-bridge.js``) lives in two places:

* the **page side** (JavaScript, the page's main thread): the early buffer, the window
  ``message`` listener with the origin allow-list and the ``event.source`` check, the iframe
  ``load`` listener, window posts, the user's handlers and promises;
* the **engine** (Python under Pyodide, with a small JavaScript *engine kit* beside it): the
  protocol (validation, state, ids, dedup, requests, timers, counters), the MessagePort after
  the handshake, and the timers.

By default the engine runs in a dedicated Web Worker and the two talk through
``worker.postMessage`` (the *worker carrier*); with ``runtime: "main"`` (or from a PyScript
page's Python API) the engine runs on the page's thread and the same messages are direct calls
(the *direct carrier*). One protocol, two carriers.

Page → engine: a carrier message is ``[op, bridge, ...args]`` (``PageOp`` gives each op's
arguments) or an array of them; the only transferable is a ``MessagePort`` that came with a
window message (``WINDOW``).

Engine → page: ``[EngineOp.OUT, bridge, outbox]`` (+ a transferred port for a welcome),
``[EngineOp.ACK, bridge, key]`` (every ``SEND`` up to ``key`` was taken), ``[EngineOp.BOOTED,
0, ms]`` and ``[EngineOp.BOOT_FAILED, 0, message]``.

An **outbox** is what Python asks for in answer to one call, in order: pieces joined by U+0000
(JSON text never holds a raw U+0000), each led by a ``Piece`` code. The engine kit carries out
the engine pieces (port posts, timer, port adoption) itself and hands the rest, in order, to the
page side in one carrier message: one crossing per event.

JavaScript owns handlers and promises (keyed by the ``key`` the page side picks, per page);
Python owns everything protocol. ``python -m bridge.contract`` writes the constants below into
``bridge/static/hizi-bridge.js`` between its ``boundary`` markers, so the two cannot drift.
"""

from __future__ import annotations

import json
from enum import IntEnum, StrEnum

from .core.messages import GAME_TO_LOBBY, LOBBY_TO_GAME


class PageOp(IntEnum):
    """What the page side (or the engine kit, for its own events) tells Python, per bridge."""

    OPEN = 1  # [OPEN, bridge, key, role, configJson] -> reply {allowed: [origin], target: origin}
    START = 2  # [START, bridge, peerLoaded]: say hello (if the peer's page is there), listen
    WINDOW = 3  # [WINDOW, bridge, text, encoded, origin, hasPort]: origin and source passed
    REJECTED = 4  # [REJECTED, bridge, reason, origin]: first of each (reason, origin) refused
    LOAD = 5  # [LOAD, bridge]: the game iframe's load event
    SEND = 6  # [SEND, bridge, key, type, dataJson]
    REQUEST = 7  # [REQUEST, bridge, key, type, dataJson, timeoutMs | null]
    CLOSE = 8  # [CLOSE, bridge, key, reason]
    QUERY = 9  # [QUERY, bridge, key, "stats" | "live", pageCountersJson]
    SUBSCRIBE = 10  # [SUBSCRIBE, bridge, typesJson]: the types the page has handlers for
    # Engine-kit events (never sent by the page): the port and the timer live in the engine.
    PORT = 11  # a text off the MessagePort
    BATCH = 12  # a coalesced port frame: texts joined by U+0000
    TIMER = 13  # the timer Python armed fired
    PORT_CLOSED = 14  # the MessagePort's other end closed (its document went away)
    # Sent by the page again (added after the engine-kit events; codes never change).
    SUPERVISE = 15  # [SUPERVISE, bridge, key, optionsJson | ""]: compliance on (or off: "")
    REMOVED = 16  # [REMOVED, bridge]: the lobby's iframe left the document (page side)


class EngineOp(IntEnum):
    """What the engine tells the page side."""

    OUT = 1  # [OUT, bridge, outbox] (+ transfer: the port of a welcome)
    ACK = 2  # [ACK, bridge, key]: every SEND up to key was taken (queued or posted)
    BOOTED = 3  # [BOOTED, 0, bootMs]
    BOOT_FAILED = 4  # [BOOT_FAILED, 0, message]


class Piece(StrEnum):
    """The code that leads each piece of an outbox."""

    # Carried out by the engine kit.
    PORT_BATCHED = "P"  # P<text>: post on the port, coalesced per task (protocol v2)
    PORT = "p"  # p<text>: post on the port on its own
    TIMER = "T"  # T<ms>: (re)arm the bridge's one timer; -1 cancels
    ADOPT_PORT = "A"  # A: use the port that came with the WINDOW event being handled
    CLOSE_PORT = "C"  # C: close the current port
    # Carried out by the page side.
    WINDOW = "W"  # W<0|1><targetOrigin>U+0001<text>: post JSON.parse(text); 1: with a new port
    MESSAGE = "m"  # m<json>: a delivered message {type, data}, for the handlers
    REPLY = "r"  # r{"key": k, "ok": value} | r{"key": k, "error": {name, code, message}}
    STATUS = "s"  # s{"status", "mode", "reason", "code"}
    JOURNAL = "j"  # j<json>: a journal entry (only while the page has journal handlers)
    COMPLIANCE = "c"  # c<json>: a compliance action {kind, ...} (bridge.browser.supervision)


SEPARATOR = "\x00"  # between pieces (and between the texts of a BATCH)
FIELD = "\x01"  # inside a WINDOW piece, between the target origin and the text
ENGINE_PIECES = frozenset(
    {Piece.PORT_BATCHED, Piece.PORT, Piece.TIMER, Piece.ADOPT_PORT, Piece.CLOSE_PORT}
)

JS_BEGIN = "/* boundary:begin (generated by python -m bridge.contract from bridge/boundary.py) */\n"
JS_END = "\n/* boundary:end */"


def js_constants() -> str:
    """The JavaScript block written into hizi-bridge.js between the boundary markers."""

    def table(name: str, members: dict[str, object]) -> str:
        body = ", ".join(f"{k}: {json.dumps(v)}" for k, v in members.items())
        return f"const {name} = Object.freeze({{ {body} }});"

    from . import __version__  # the one place the version is defined

    lobby = json.dumps([c.type_name() for c in LOBBY_TO_GAME])
    game = json.dumps([c.type_name() for c in GAME_TO_LOBBY])
    lines = [
        f"const VERSION = {json.dumps(__version__)};",
        table("OP", {m.name: m.value for m in PageOp}),
        table("ENGINE", {m.name: m.value for m in EngineOp}),
        table("PIECE", {m.name: m.value for m in Piece}),
        f"const SEPARATOR = {json.dumps(SEPARATOR)};",
        f"const FIELD = {json.dumps(FIELD)};",
        f"const LOBBY_TO_GAME = {_wrap(lobby)};",
        f"const GAME_TO_LOBBY = {_wrap(game)};",
    ]
    return "\n".join(lines)


def _wrap(array: str) -> str:
    # One type per line keeps the generated diff readable when the catalog grows.
    items = json.loads(array)
    return "[\n" + "".join(f"  {json.dumps(i)},\n" for i in items) + "]"


def with_constants(source: str) -> str:
    """``source`` (hizi-bridge.js) with its boundary block regenerated."""
    head, rest = source.split(JS_BEGIN, 1)
    _, tail = rest.split(JS_END, 1)
    return head + JS_BEGIN + js_constants() + JS_END + tail
