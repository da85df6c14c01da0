"""The boundary between the JavaScript side of a bridge and its Python engine: one contract.

A bridge made with the JS API (``hizi-bridge.js``) lives in two places:

* the **page side** (JavaScript, the page's main thread): the early buffer, the window
  ``message`` listener with the origin allow-list and the ``event.source`` check, the iframe
  ``load`` listener, window posts, the user's handlers and promises;
* the **engine** (Python under Pyodide, with a small JavaScript *engine kit* beside it): the
  protocol (validation, state, ids, dedup, requests, timers, counters), the MessagePort after
  the handshake, and the timer.

By default the engine runs in a dedicated Web Worker and the two talk through
``worker.postMessage`` (the *worker carrier*); with ``runtime: "main"`` (or from a PyScript
page's Python API) the engine runs on the page's thread and the same messages are direct calls
(the *direct carrier*). One protocol, two carriers.

Every message that crosses is a record declared below, once, with named fields; ``python -m
bridge.contract`` generates the JavaScript encoders and decoders from these declarations
(``bridge.boundary_js``), and ``tests/unit/test_boundary.py`` round-trips every record through
both languages.

* **Page → engine** (``PAGE_OPS``): a carrier message ``[code, bridge, *fields]``, or an array
  of them (one post per task); the only transferable is the ``MessagePort`` of a welcome that
  came with a ``window`` op. The engine kit calls the bridge's Python handle with
  ``handle(code, *fields)``, the same fields (``call`` says where the kit changes them: it
  encodes a window event's value, and adds its own counters to a query). The kit's own events
  (``KIT_OPS``: the port and the timer live in the engine) are calls of the same form.
* **Python → engine kit**: an *outbox*, what Python asks for in answer to one call, in order:
  pieces (``PIECES``) joined by U+0000 (JSON text never holds a raw U+0000), each led by its
  one-letter code (no two codes differ only by case). The kit carries out the engine pieces
  (port posts, the timer, port adoption) and **decodes** the page pieces (``JSON.parse``,
  once, in the engine) into ``[code, value, code, value, ...]``.
* **Engine → page** (``ENGINE_OPS``): ``out`` carries those decoded pieces in one carrier
  message (+ the transferred port of a welcome): one crossing per event, and the page never
  parses or splits what it gets.

Who owns what (``OWNERSHIP``): each piece of state has one owner; the other side gets
read-only values from it (the normalised allow-list the page pre-filters with, the status the
page shows), never a second registry kept in step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

SEPARATOR = "\x00"  # between pieces (and between the texts of a batch)
FIELD = "\x01"  # inside a window piece, between the target origin and the text


class Payload(StrEnum):
    """How a piece's payload (what follows its code) is written."""

    NONE = "none"  # nothing
    TEXT = "text"  # the text itself
    NUMBER = "number"  # a decimal number
    JSON = "json"  # JSON text: the kit hands the page JSON.parse(payload)
    WINDOW = "window"  # <0|1><targetOrigin>U+0001<JSON text>: a window post


@dataclass(frozen=True, slots=True)
class Op:
    """One carrier message (page → engine, engine → page) or engine-kit call, by its fields.

    ``code`` never changes once released; ``name`` (snake_case) is the Python handler
    ``on_<name>`` and, in camelCase, the JavaScript encoder ``pageOps.<name>``; ``call`` is
    the fields of the call into Python when they differ from the carrier message's.
    """

    code: int
    name: str
    fields: tuple[str, ...]
    doc: str
    call: tuple[str, ...] | None = None

    @property
    def call_fields(self) -> tuple[str, ...]:
        return self.fields if self.call is None else self.call


@dataclass(frozen=True, slots=True)
class PieceKind:
    """One kind of outbox piece: its code, fields (in payload order) and payload form."""

    code: str
    name: str
    fields: tuple[str, ...]
    payload: Payload
    doc: str
    engine: bool  # carried out by the engine kit (else decoded and handed to the page)


# ---------------------------------------------------------------- page -> engine

PAGE_OPS: tuple[Op, ...] = (
    Op(
        1,
        "open",
        ("key", "role", "config_json"),
        "create the bridge from the options (camelCase JSON); reply {allowed, wildcards}: the "
        "exact origins the page's listener lets through, and whether wildcard entries exist",
    ),
    Op(
        2,
        "start",
        ("peer_loaded",),
        "the page listens: say hello if the peer's page is there (peer_loaded)",
    ),
    Op(
        3,
        "window",
        ("text", "encoded", "origin", "has_port"),
        "a window event whose origin and source the page side let through: event.data as "
        "strict JSON text (encoded), or the string itself; has_port: a welcome's MessagePort "
        "is transferred with it",
    ),
    Op(
        4,
        "refused",
        ("reason", "origin"),
        'the page refused a window event ("origin" or "source"): the first of each '
        "(reason, origin); Python counts and journals it (repeats are counted on the page)",
    ),
    Op(5, "load", (), "the game iframe's load event"),
    Op(
        6,
        "send",
        ("key", "type", "data_json"),
        'send a message ("" data: none); an ack settles it, a reply piece only on failure',
    ),
    Op(
        7,
        "request",
        ("key", "type", "data_json", "timeout_ms"),
        "send a request; -1 timeout_ms: the bridge's default; the reply piece settles it",
    ),
    Op(8, "close", ("key", "reason"), "say bye, cancel, tear down; the kit answers key"),
    Op(
        9,
        "query",
        ("key", "what", "counters_json"),
        'what: "stats" (counters_json: the page\'s own counters) or "live" (the kit answers)',
    ),
    # 10 was SUBSCRIBE (the page's handler types, a second registry): retired.
    Op(15, "supervise", ("key", "options_json"), 'lobby: compliance on ("": off)'),
    Op(16, "removed", (), "the lobby's iframe left the document"),
    Op(
        17,
        "journal",
        ("on",),
        "journal entries wanted (the page has journal handlers): they cost about as much as "
        "the message itself, so they are built only on demand",
    ),
)

# The engine kit's own events, as calls into Python (the port and the timer live in the kit).
KIT_OPS: tuple[Op, ...] = (
    Op(11, "port", ("text", "encoded"), "a value off the MessagePort (JSON text if encoded)"),
    Op(12, "batch", ("texts",), "a coalesced port frame: its texts joined by U+0000"),
    Op(13, "timer", (), "the timer Python armed fired"),
    Op(14, "port_closed", (), "the MessagePort's other end closed (its document went away)"),
)

# ---------------------------------------------------------------- engine -> page

ENGINE_OPS: tuple[Op, ...] = (
    Op(
        1,
        "out",
        ("pieces",),
        "the page pieces of an outbox, decoded: [code, value, ...] (+ transfer: a welcome's port)",
    ),
    Op(2, "ack", ("key",), "every send up to key was taken (queued or posted)"),
    Op(
        3,
        "booted",
        ("boot_ms", "timeline"),
        "the runtime is up (bridge 0); timeline: the boot's phases and fetches (stats().boot)",
    ),
    Op(4, "boot_failed", ("message",), "the runtime could not start (bridge 0)"),
)

# ---------------------------------------------------------------- outbox pieces

PIECES: tuple[PieceKind, ...] = (
    PieceKind(
        "B",
        "port_batched",
        ("text",),
        Payload.TEXT,
        "post on the port, coalesced per task (protocol v2)",
        engine=True,
    ),
    PieceKind("P", "port", ("text",), Payload.TEXT, "post on the port on its own", engine=True),
    PieceKind(
        "T",
        "timer",
        ("ms",),
        Payload.NUMBER,
        "(re)arm the bridge's one timer; -1 cancels",
        engine=True,
    ),
    PieceKind(
        "A",
        "adopt_port",
        (),
        Payload.NONE,
        "use the port that came with the window event being handled",
        engine=True,
    ),
    PieceKind("X", "close_port", (), Payload.NONE, "close the current port", engine=True),
    PieceKind(
        "W",
        "window",
        ("new_port", "target_origin", "value"),
        Payload.WINDOW,
        "post value on the paired window to target_origin; new_port: with a new "
        "MessageChannel's port (the kit keeps the other end)",
        engine=False,
    ),
    PieceKind(
        "M",
        "message",
        ("message",),
        Payload.JSON,
        "a delivered message {type, data}, for the handlers",
        engine=False,
    ),
    PieceKind(
        "R",
        "reply",
        ("reply",),
        Payload.JSON,
        "{key, ok: value} or {key, error: {name, code, message, field?}}",
        engine=False,
    ),
    PieceKind(
        "S",
        "status",
        ("status",),
        Payload.JSON,
        "{status, mode, reason, code}: the bridge's status (Python's), to show",
        engine=False,
    ),
    PieceKind(
        "J",
        "journal",
        ("entry",),
        Payload.JSON,
        "a journal entry (only while the page wants them)",
        engine=False,
    ),
    PieceKind(
        "K",
        "compliance",
        ("action",),
        Payload.JSON,
        "a compliance action {kind, ...} (bridge.browser.supervision)",
        engine=False,
    ),
)

# ---------------------------------------------------------------- who owns what

OWNERSHIP: tuple[tuple[str, str, str], ...] = (
    # (state, owner, what the other side holds)
    (
        "message, status, journal and compliance handlers",
        "JavaScript (Bridge); a PyScript page's Python API: its Dispatcher, the only one there",
        "nothing: Python emits every delivered message; journal entries while asked (journal op)",
    ),
    (
        "promises of send, request, query, close, the open",
        "JavaScript (Bridge: one map by key, settled only by a reply piece or an ack)",
        "the key, echoed in the reply piece / ack (a request's key is its waiter, below)",
    ),
    ("status and mode", "Python (Driver)", "the page's copy of the last status piece, to show"),
    (
        "protocol state: the peer's state, handshake, session, version, ids, dedup",
        "Python (Channel, its PeerState table)",
        "nothing",
    ),
    (
        "pending requests: the reply each waits for, deadlines, timeouts, matching",
        "Python (the Channel's Requests, the one registry: each request holds its waiter, the"
        " page's key or a Python callback, handed back when it ends)",
        "the page's promise per key; the Driver and the engine keep no table of their own",
    ),
    (
        "counters and stats()",
        "Python (bridge/counters.py, the one place they are assembled)",
        "the page's and kit's own tallies, handed over in the query",
    ),
    (
        "the origin allow-list",
        "Python (OriginPolicy)",
        "the normalised exact entries, handed over in the open reply (a pre-filter)",
    ),
    (
        "the MessagePort and the timer",
        "the engine kit (JavaScript beside Python)",
        "Python asks through pieces",
    ),
    (
        "window listeners, event.source, window posts",
        "the page side (JavaScript)",
        "Python asks through window pieces; refusals arrive as refused ops",
    ),
)

BY_PAGE_CODE = {op.code: op for op in PAGE_OPS + KIT_OPS}
BY_PIECE_CODE = {p.code: p for p in PIECES}


def op(name: str) -> Op:
    """The page or kit op called ``name``."""
    for o in PAGE_OPS + KIT_OPS:
        if o.name == name:
            return o
    raise KeyError(name)


def piece(name: str) -> PieceKind:
    """The piece kind called ``name``."""
    for p in PIECES:
        if p.name == name:
            return p
    raise KeyError(name)


# ---------------------------------------------------------------- Python codecs
# The engine's hot paths write pieces with the codes of the declarations (``code_of``, looked
# up once at import); these functions are the general form, used by tests and by whatever is
# not on a hot path.


def code_of(name: str) -> str:
    """The code of the piece kind called ``name``."""
    return piece(name).code


def encode_piece(name: str, *values: Any) -> str:
    """One piece of an outbox: its code, then its fields as its payload form says."""
    kind = piece(name)
    if len(values) != len(kind.fields):
        raise TypeError(f"{name} takes {kind.fields}, got {len(values)} values")
    if kind.payload is Payload.NONE:
        return kind.code
    if kind.payload is Payload.TEXT:
        return kind.code + str(values[0])
    if kind.payload is Payload.NUMBER:
        return kind.code + json.dumps(values[0])
    if kind.payload is Payload.JSON:
        return kind.code + json.dumps(values[0])
    new_port, target_origin, text = values  # WINDOW: the value already as JSON text
    return f"{kind.code}{'1' if new_port else '0'}{target_origin}{FIELD}{text}"


def decode_piece(text: str) -> tuple[str, dict[str, Any]]:
    """``(name, {field: value})`` of one piece (what the JS kit's ``readPiece`` returns)."""
    kind = BY_PIECE_CODE[text[0]]
    payload = text[1:]
    if kind.payload is Payload.NONE:
        return kind.name, {}
    if kind.payload is Payload.TEXT:
        return kind.name, {kind.fields[0]: payload}
    if kind.payload in (Payload.NUMBER, Payload.JSON):
        return kind.name, {kind.fields[0]: json.loads(payload)}
    target, _, value = payload[1:].partition(FIELD)
    return kind.name, {
        "new_port": payload[0] == "1",
        "target_origin": target,
        "value": json.loads(value),
    }


def encode_op(name: str, bridge: int, *values: Any) -> list[Any]:
    """A page → engine carrier message (what the JS ``pageOps.<name>`` makes)."""
    o = op(name)
    if len(values) != len(o.fields):
        raise TypeError(f"{name} takes {o.fields}, got {len(values)} values")
    return [o.code, bridge, *values]


def decode_op(message: list[Any]) -> tuple[str, int, dict[str, Any]]:
    """``(name, bridge, {field: value})`` of a page → engine carrier message."""
    o = BY_PAGE_CODE[int(message[0])]
    return o.name, int(message[1]), dict(zip(o.fields, message[2:], strict=True))


CODES: dict[str, int] = {o.name: o.code for o in PAGE_OPS + KIT_OPS}  # op name -> code
