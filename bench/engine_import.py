"""How long ``import bridge.browser.engine`` takes under Node, on a dist/'s own files.

    python build.py dist && python bench/engine_import.py [DIST]   (default dist/)

Boots the vendored Pyodide with dist's cut standard library, lock and wheels (as
``tests/e2e/dist_imports.py`` does), then prints one JSON line: ``load_ms`` (loadPyodide and
loadPackage), ``engine_import_ms`` (the JS-API worker's imports), ``bridge_modules`` (how many
bridge modules that imported) and ``later_import_ms`` (then importing what a boot leaves for
after connected: this tree's ``bridge.later.LATER_MODULES``, so an older dist/ is timed alike).
Figures only; alternate the trees compared (docs/performance.md, "Boot (issue #19)").
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bridge.later import LATER_MODULES  # this tree's list: any dist/ is timed alike

LATER = list(LATER_MODULES)

SCRIPT = r"""
import { loadPyodide } from %(module)s;
const t0 = performance.now();
const pyodide = await loadPyodide({ indexURL: %(index)s, stdLibURL: %(stdlib)s,
  lockFileURL: %(lock)s, env: { PYDANTIC_DISABLE_PLUGINS: "__all__" } });
await pyodide.loadPackage(%(wheels)s, { messageCallback() {},
  errorCallback(m) { throw new Error(m); } });
const t1 = performance.now();
pyodide.runPython("import bridge.browser.engine");
const t2 = performance.now();
const n = pyodide.runPython("import sys; len([m for m in sys.modules if m.startswith('bridge')])");
pyodide.globals.set("LATER_JSON", %(later)s);
pyodide.runPython(
  "import importlib, json\nfor m in json.loads(LATER_JSON): importlib.import_module(m)");
const t3 = performance.now();
console.log(JSON.stringify({ load_ms: Math.round(t1 - t0), engine_import_ms: Math.round(t2 - t1),
  bridge_modules: n, later_import_ms: Math.round(t3 - t2) }));
"""


def main() -> int:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    vendor = dist / "vendor"
    manifest = json.loads((vendor / "manifest.json").read_text())
    py = manifest["pyodide"]
    index = (vendor / py["index"]).resolve()
    script = SCRIPT % {
        "module": json.dumps((index / "pyodide.mjs").as_uri()),
        "index": json.dumps(str(index) + "/"),
        "stdlib": json.dumps(str((vendor / py["runtime_stdlib"]).resolve())),
        "lock": json.dumps(str((vendor / py["lock"]).resolve())),
        "wheels": json.dumps([str((vendor / w["file"]).resolve()) for w in manifest["wheels"]]),
        "later": json.dumps(json.dumps(LATER)),
    }
    node = shutil.which("node")
    if node is None:
        print("node is needed", file=sys.stderr)
        return 1
    proc = subprocess.run(
        [node, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return 1
    print(proc.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
