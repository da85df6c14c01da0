"""hizi-bridge.js's early buffer, run in Node: a flooding frame cannot push the peer out.

While Python boots, the script tag's tiny listener keeps every message for replay. Its
budget is per sending window, so a stranger's flood fills only its own share.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bridge" / "static" / "hizi-bridge.js"

HARNESS = r"""
const listeners = [];
globalThis.window = globalThis;
globalThis.addEventListener = (t, f) => { if (t === "message") listeners.push(f); };
globalThis.removeEventListener = () => {};
globalThis.document = { currentScript: null };
globalThis.location = { href: "https://casino.example/lobby/" };
require("vm").runInThisContext(SOURCE);
const early = globalThis.__hiziBridgeEarly;
const evil = {}, peer = {};
for (let i = 0; i < 50000; i++) listeners[0]({ data: { type: "junk" }, origin: "x", source: evil });
listeners[0]({ data: { type: "gameReady" }, origin: "https://game.example", source: peer });
console.log(JSON.stringify({
  kept: early.events.length,
  overflow: early.overflow,
  peer: early.events.filter((e) => e.source === peer).map((e) => e.data.type),
}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_a_flood_from_one_frame_leaves_room_for_the_peer(tmp_path: Path) -> None:
    program = tmp_path / "harness.js"
    program.write_text(HARNESS.replace("SOURCE", json.dumps(SCRIPT.read_text())))
    out = subprocess.run(["node", str(program)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["peer"] == ["gameReady"]
    assert result["kept"] == 1001
    assert result["overflow"] == 49_000
