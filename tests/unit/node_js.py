"""Run hizi-bridge.js in Node for the unit tests of its JavaScript halves.

Loaded without ``window``, the script defines only the engine (as in the worker); its parts
are at ``__hiziBridgeEngine._internals``. ``run_engine(body)`` runs ``body`` after that with
``OP``, ``ENGINE``, ``makeEngineKit``, ``makeEngine``, ``encodeInbound`` and ``toPlainJson`` in
scope and returns the JSON the body printed last.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bridge" / "static" / "hizi-bridge.js"

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

PRELUDE = """
require("vm").runInThisContext(SOURCE);
const { OP, ENGINE, makeEngineKit, makeEngine, encodeInbound, toPlainJson } =
  globalThis.__hiziBridgeEngine._internals;
const out = (value) => console.log(JSON.stringify(value));
"""


def run_engine(body: str, tmp_path: Path) -> Any:
    program = tmp_path / "harness.js"
    program.write_text(PRELUDE.replace("SOURCE", json.dumps(SCRIPT.read_text())) + body)
    done = subprocess.run(["node", str(program)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    # "\n" only: splitlines() would also cut at U+0085 or U+2028 inside the JSON.
    return json.loads(done.stdout.strip().split("\n")[-1])
