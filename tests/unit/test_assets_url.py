"""hizi-bridge.js without a script tag (an ES module import, a bundle): no guess at where the
runtime lives, a clear ``invalid_config`` unless the app passes ``assetsUrl``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from .node_js import SCRIPT, needs_node

HARNESS = r"""
globalThis.window = globalThis;
globalThis.addEventListener = () => {};
globalThis.removeEventListener = () => {};
globalThis.document = {
  currentScript: CURRENT_SCRIPT, addEventListener() {}, removeEventListener() {},
};
globalThis.location = { href: "https://casino.example/lobby/", origin: "https://casino.example" };
require("vm").runInThisContext(SOURCE);
HiziBridge.game(OPTIONS).then(
  () => console.log(JSON.stringify({ ok: true })),
  (err) => console.log(JSON.stringify({ name: err.name, code: err.code, message: err.message,
                                        typed: err instanceof HiziBridge.HiziBridgeError })),
);
"""


def _open_game(tmp_path: Path, current_script: object, options: dict[str, Any]) -> Any:
    program = tmp_path / "harness.js"
    # The script goes in last: its own text may hold the placeholders' words.
    program.write_text(
        HARNESS.replace("CURRENT_SCRIPT", json.dumps(current_script))
        .replace("OPTIONS", json.dumps(options))
        .replace("SOURCE", json.dumps(SCRIPT.read_text()))
    )
    done = subprocess.run(["node", str(program)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@needs_node
def test_no_script_tag_and_no_assets_url_is_invalid_config(tmp_path: Path) -> None:
    result = _open_game(tmp_path, None, {"lobbyOrigin": "https://casino.example"})
    assert result["code"] == "invalid_config", result
    assert result["typed"] is True and result["name"] == "HiziBridgeError"
    assert "assetsUrl is required" in result["message"]


@needs_node
def test_assets_url_or_a_script_tag_gets_past_the_check(tmp_path: Path) -> None:
    # Node has no Worker: the runtime then fails to boot, which proves the options passed.
    for script, options in [
        (None, {"lobbyOrigin": "https://casino.example", "assetsUrl": "/hizi/"}),
        (
            {"src": "https://casino.example/hizi/hizi-bridge.js", "dataset": {}},
            {"lobbyOrigin": "https://casino.example"},
        ),
    ]:
        result = _open_game(tmp_path, script, options)
        assert result["code"] == "boot_failed", (script, options, result)
        assert "https://casino.example/hizi/hizi-bridge-worker.mjs" in result["message"], result


WORKER_HARNESS = r"""
require("vm").runInThisContext(SOURCE);
const listeners = {};
const posted = [];
const scope = {
  addEventListener(type, fn) { listeners[type] = fn; },
  postMessage(msg) { posted.push(msg); },
};
globalThis.__hiziBridgeEngine.serve(scope);
listeners.message({ data: { assetsUrl: "https://casino.example/hizi/", version: "0.0.0-other" } });
console.log(JSON.stringify(posted));
"""


@needs_node
def test_worker_refuses_a_page_side_of_another_version(tmp_path: Path) -> None:
    """A bundled page side (npm) and hosted runtime files of different releases: boot_failed
    naming both versions, before any download."""
    program = tmp_path / "worker.js"
    program.write_text(WORKER_HARNESS.replace("SOURCE", json.dumps(SCRIPT.read_text())))
    done = subprocess.run(["node", str(program)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    posted = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(posted) == 1 and posted[0][0] == 4, posted  # ENGINE.BOOT_FAILED
    import bridge

    assert "0.0.0-other" in posted[0][2] and bridge.__version__ in posted[0][2], posted
