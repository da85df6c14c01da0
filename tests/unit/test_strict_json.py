"""hizi-bridge.js's strict JSON, run in Node: values JSON would silently change are refused.

Inbound (a peer's window or port message): ``{type: "autoplayStarted", data: {rounds: NaN}}``
must not arrive as ``{"rounds": null}`` (a valid message without a round count); the kit hands
Python a text that is not JSON instead, which the channel rejects as malformed. Outbound (the
JS API's ``send`` / ``request`` / ``close``): the same rule, as an error that names the field
(issue #11, section 4).
"""

from __future__ import annotations

from pathlib import Path

from .node_js import needs_node, run_engine

BAD = "\u0000unserialisable"


@needs_node
def test_inbound_values_json_would_change_become_malformed(tmp_path: Path) -> None:
    got = run_engine(
        r"""
const values = [
  { type: "balance", data: 5 },
  { type: "autoplayStarted", data: { rounds: NaN } },
  { type: "balance", data: Infinity },
  { type: "playerActivity", data: { action: new Date(0) } },
  { type: "gameReady", data: new Map() },
  [1, undefined],
  { type: "gameReady", data: new Uint8Array(2) },
  Object.assign(Object.create(null), { type: "gameReady" }),
  { type: "roundEnded", skipped: undefined },
  { type: "error", data: { message: "\ud800" } },
  { type: "balance", data: 10n },
  "a string stays as it is",
];
out(values.map((v) => encodeInbound(v)));
""",
        tmp_path,
    )
    assert got == [
        ['{"type":"balance","data":5}', True],
        [BAD, True],  # NaN
        [BAD, True],  # Infinity
        [BAD, True],  # Date
        [BAD, True],  # Map
        [BAD, True],  # undefined in an array
        [BAD, True],  # typed array
        ['{"type":"gameReady"}', True],  # a null-prototype object is plain data
        ['{"type":"roundEnded"}', True],  # an absent property stays absent
        [BAD, True],  # a lone surrogate
        [BAD, True],  # BigInt
        ["a string stays as it is", False],  # text: Python parses (and judges) it
    ]


@needs_node
def test_outbound_refusals_name_the_field(tmp_path: Path) -> None:
    got = run_engine(
        r"""
const cycle = { a: [1] }; cycle.a.push(cycle);
const cases = [
  { rounds: NaN }, { action: new Date(0) }, 10n, cycle, { reason: "x\udc00" },
  { list: [1, undefined] }, { f() {} }, { ok: "\ud83c\udfb0", n: -0.5, none: null },
];
// Deeper than any stack, and a getter that throws (red team of #18: both were bare errors).
let deep = {}; for (let i = 0; i < 200000; i++) deep = { d: deep };
cases.push(deep, { get stake() { throw new Error("no stake yet"); } });
out(cases.map((v) => {
  try { return ["ok", toPlainJson(v, "data")]; } catch (e) { return [e.path, e.why]; }
}));
""",
        tmp_path,
    )
    assert got[0] == ["data.rounds", "is NaN, which JSON cannot carry"]
    assert got[1] == ["data.action", "is a Date, not a plain object"]
    assert got[2] == ["data", "is a BigInt; pass a number"]
    assert got[3] == ["data.a[1]", "refers back to itself (a cycle)"]
    assert got[4] == ["data.reason", "is not valid Unicode (a lone surrogate)"]
    assert got[5] == ["data.list[1]", "is undefined, which JSON cannot carry"]
    assert got[6] == ["data.f", "is function, which JSON cannot carry"]
    assert got[7] == ["ok", '{"ok":"\U0001f3b0","n":-0.5,"none":null}']  # a pair is fine
    assert got[8][0] == "data" and got[8][1].startswith("could not be encoded (RangeError: ")
    assert got[9] == ["data", "could not be encoded (Error: no stake yet)"]
