"""The adapter kit's inbound encoding, run in Node: values JSON would silently change are refused.

A cross-origin peer's ``{type: "autoplayStarted", data: {rounds: NaN}}`` must not arrive as
``{"rounds": null}`` (a valid message without a round count): the kit hands Python a text
that is not JSON instead, which the channel rejects as malformed.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from bridge.browser.kit import kit_source

HARNESS = r"""
const listeners = [];
globalThis.window = { addEventListener: (t, f) => listeners.push(f), removeEventListener() {} };
const parentWindow = {};
window.parent = parentWindow;
const calls = [];
const py = (kind, text, encoded, origin, fromPeer) => {
  if (kind === "o") return origin === "https://lobby.example";
  calls.push([kind, text, encoded]);
};
const kit = (KIT)(null, py);
kit.start();
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
];
for (const data of values) {
  listeners[0]({ data, origin: "https://lobby.example", source: parentWindow, ports: [] });
}
console.log(JSON.stringify(calls));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_values_json_would_change_are_refused() -> None:
    script = HARNESS.replace("(KIT)", kit_source())
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    calls = json.loads(out.stdout)
    texts = [text for kind, text, encoded in calls]
    bad = "\u0000unserialisable"
    assert texts == [
        '{"type":"balance","data":5}',
        bad,  # NaN
        bad,  # Infinity
        bad,  # Date
        bad,  # Map
        bad,  # undefined in an array
        bad,  # typed array
        '{"type":"gameReady"}',  # a null-prototype object is plain data
        '{"type":"roundEnded"}',  # an absent property stays absent
    ]
