"""bridge.boundary: every record declared once, read the same in Python and in JavaScript.

Each page -> engine op is encoded in one language and decoded in the other (both ways), each
outbox piece is written by Python and read by the engine kit's generated decoder, and every
Python handler takes exactly the fields its op declares.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest

from bridge import boundary
from bridge.boundary import ENGINE_OPS, KIT_OPS, PAGE_OPS, PIECES, Payload
from bridge.boundary_js import camel, js_boundary
from bridge.browser import adapter, engine

from .fakes import StubKit
from .node_js import needs_node, run_engine

STATIC = Path(__file__).resolve().parents[2] / "bridge" / "static"

# A sample value for every declared field name (a field is typed by its name).
SAMPLES: dict[str, Any] = {
    "key": 7,
    "role": "lobby",
    "config_json": '{"gameOrigin":"https://g.example"}',
    "peer_loaded": True,
    "data": {"type": "balance", "data": [1, "ü", None]},
    "encoded": False,
    "origin": "https://a.example",
    "has_port": True,
    "reason": "source",
    "type": "realityCheck",
    "data_json": '{"choice":"continue"}',
    "timeout_ms": 250.5,
    "what": "stats",
    "counters_json": '{"early_replayed":1}',
    "options_json": "",
    "on": True,
    "text": '{"type":"spin","id":3}',
    "texts": '{"a":1}\x00{"b":2}',
    "pieces": ["M", {"type": "spin"}],
    "boot_ms": 812.25,
    "timeline": {
        "context_start_ms": 1.5e12,
        "phases": [["imports", 1.5e12 + 700, 1.5e12 + 812]],
        "fetches": [
            {
                "url": "https://a.example/x.whl",
                "start_ms": 1.5e12,
                "end_ms": 1.5e12 + 9,
                "bytes": 10,
                "transfer_bytes": 0,
            }
        ],
    },
    "message": {"type": "balance", "data": 12.5},
    "ms": 10_001.5,
    "new_port": True,
    "target_origin": "https://g.example",
    "value": {"type": "hiziBridge.welcome", "data": {"version": 2}},
    "reply": {"key": 9, "error": {"name": "RequestTimeout", "code": "timeout", "message": "x"}},
    "status": {"status": "connected", "mode": "bridge", "reason": "", "code": None},
    "entry": {"direction": "in", "type": "balance", "status": "accepted"},
    "action": {"kind": "warnInactive", "remainingMs": 3000},
}


def test_every_declared_field_has_a_sample_and_codes_are_unique() -> None:
    fields = {f for o in (*PAGE_OPS, *KIT_OPS, *ENGINE_OPS) for f in (*o.fields, *o.call_fields)}
    fields |= {f for p in PIECES for f in p.fields}
    assert fields <= set(SAMPLES)
    page_codes = [o.code for o in (*PAGE_OPS, *KIT_OPS)]
    assert len(page_codes) == len(set(page_codes))
    # One letter per piece, and no two that differ only by case.
    assert len({p.code.lower() for p in PIECES}) == len(PIECES)
    assert all(len(p.code) == 1 for p in PIECES)


def _piece_text(kind: boundary.PieceKind) -> tuple[str, dict[str, Any]]:
    values = [SAMPLES[f] for f in kind.fields]
    if kind.payload is Payload.WINDOW:
        values[2] = json.dumps(values[2])  # Python writes the value as JSON text
    text = boundary.encode_piece(kind.name, *values)
    return text, dict(zip(kind.fields, [SAMPLES[f] for f in kind.fields], strict=True))


def test_python_reads_back_what_it_writes() -> None:
    for kind in PIECES:
        text, expected = _piece_text(kind)
        assert boundary.decode_piece(text) == (kind.name, expected), kind.name
    for o in PAGE_OPS:
        values = [SAMPLES[f] for f in o.fields]
        message = boundary.encode_op(o.name, 4, *values)
        assert boundary.decode_op(message) == (o.name, 4, dict(zip(o.fields, values, strict=True)))
    with pytest.raises(TypeError):
        boundary.encode_op("send", 1, 7)  # a field missing


@needs_node
def test_every_record_round_trips_through_javascript(tmp_path: Path) -> None:
    page_ops = [[o.name, [SAMPLES[f] for f in o.fields]] for o in PAGE_OPS]
    python_encoded = [
        boundary.encode_op(o.name, 5, *v) for o, (_, v) in zip(PAGE_OPS, page_ops, strict=True)
    ]
    engine_ops = [[o.name, [SAMPLES[f] for f in o.fields]] for o in ENGINE_OPS]
    pieces = [_piece_text(kind)[0] for kind in PIECES]
    got = run_engine(
        f"""
const {{ pageOps, engineOps, readOp, readEngineOp, readPiece }} =
  globalThis.__hiziBridgeEngine._internals;
const camel = (n) => n.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const pageOpsIn = {json.dumps(page_ops)};
const fromPython = {json.dumps(python_encoded)};
const engineOpsIn = {json.dumps(engine_ops)};
const pieces = {json.dumps(pieces)};
out({{
  encoded: pageOpsIn.map(([name, values]) => pageOps[camel(name)](3, ...values)),
  read: fromPython.map(readOp),
  engine: engineOpsIn.map(([name, values]) => {{
    const msg = engineOps[camel(name)](...(name.startsWith("boot") ? values : [3, ...values]));
    return readEngineOp(msg);
  }}),
  pieces: pieces.map(readPiece),
}});
""",
        tmp_path,
    )
    # JavaScript's encoders -> Python's decoder.
    for o, message in zip(PAGE_OPS, got["encoded"], strict=True):
        assert boundary.decode_op(message) == (
            o.name,
            3,
            {f: SAMPLES[f] for f in o.fields},
        ), o.name
    # Python's encoder -> JavaScript's decoder, by the declared names.
    for o, read in zip(PAGE_OPS, got["read"], strict=True):
        assert read == {
            "op": camel(o.name),
            "bridge": 5,
            **{camel(f): SAMPLES[f] for f in o.fields},
        }
    for o, read in zip(ENGINE_OPS, got["engine"], strict=True):
        bridge = 0 if o.name.startswith("boot") else 3
        assert read == {
            "op": camel(o.name),
            "bridge": bridge,
            **{camel(f): SAMPLES[f] for f in o.fields},
        }
    # Python's pieces -> the kit's decoder: the value the page acts on.
    for kind, value in zip(PIECES, got["pieces"], strict=True):
        expected = {camel(f): SAMPLES[f] for f in kind.fields}
        if len(kind.fields) == 1:
            assert value == SAMPLES[kind.fields[0]], kind.name
        elif kind.fields:
            assert value == expected, kind.name
        else:
            assert value is None, kind.name


def test_each_python_handler_takes_the_fields_its_op_declares() -> None:
    kit = StubKit()
    handle = engine.open_bridge(1, "lobby", json.dumps({"gameOrigin": "https://g.example"}), kit)
    assert not isinstance(handle, str)
    for o in (*PAGE_OPS, *KIT_OPS):
        if o.name == "open":
            params = list(inspect.signature(engine.open_bridge).parameters)[:3]
        else:
            target = handle.bridge.adapter if o.name in adapter.EVENT_OPS else handle
            params = list(inspect.signature(getattr(target, f"on_{o.name}")).parameters)
        assert tuple(params) == o.call_fields, o.name


def test_the_boundary_module_in_the_script_is_generated() -> None:
    js = (STATIC / "hizi-bridge.js").read_text()
    assert js_boundary() in js


def test_no_positional_reads_of_carrier_messages_in_the_script() -> None:
    """The page, carriers and kit read messages by the generated readOp / readEngineOp."""
    js = (STATIC / "hizi-bridge.js").read_text()
    handwritten = js.split(js_boundary(), 1)[1]
    assert not re.search(r"\bmsg\[[2-9]\]", handwritten)
    assert not re.search(r"\[(OP|ENGINE)\.[A-Z_]+,", handwritten)  # literal carrier messages
