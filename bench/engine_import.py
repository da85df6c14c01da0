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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from node_pyodide import BOOT_JS, boot_fields, run

from bridge.later import LATER_MODULES  # this tree's list: any dist/ is timed alike

LATER = list(LATER_MODULES)

SCRIPT = (
    "const t0 = performance.now(); // (the import above it is hoisted: it runs first)\n"
    + BOOT_JS
    + r"""
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
)


def main() -> int:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    script = SCRIPT % {**boot_fields(dist), "later": json.dumps(json.dumps(LATER))}
    returncode, out, err = run(script)
    if returncode != 0:
        print(err[-3000:], file=sys.stderr)
        return 1
    print(out.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
