"""Booting a site/ or dist/ tree's vendored Pyodide under Node, the engine's way.

``BOOT_JS`` loads Pyodide with the tree's cut standard library, the wheels with a shared
library installed from the manifest's engine lock, and the pure wheels put on ``sys.path`` as
zips (as bridge/js/boot.js does; buildtool/engine_boot.py); ``boot_fields(tree)`` fills its
placeholders. A script puts its own JavaScript after it (``pyodide`` is in scope) and runs the
whole with ``run``. ``tests/e2e/dist_imports.py`` boots dist/ with it too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

BOOT_JS = r"""
import { loadPyodide } from %(module)s;
import { readFileSync } from "node:fs";
const pyodide = await loadPyodide({ indexURL: %(index)s, stdLibURL: %(stdlib)s,
  lockFileContents: %(lock)s, packageBaseUrl: %(vendor)s, packages: %(packages)s,
  env: { PYDANTIC_DISABLE_PLUGINS: "__all__" }, errorCallback(m) { throw new Error(m); } });
pyodide.FS.mkdirTree("/lib/hizi-bridge");
const zipPaths = %(zips)s.map((file) => {
  const path = "/lib/hizi-bridge/" + file.slice(file.lastIndexOf("/") + 1);
  pyodide.FS.writeFile(path, readFileSync(file));
  return path;
});
pyodide.runPython(`import sys\nsys.path[0:0] = ${JSON.stringify(zipPaths)}`);
"""


def boot_fields(tree: Path) -> dict[str, str]:
    """``BOOT_JS``'s placeholders for ``tree`` (its ``vendor/manifest.json``), as JS literals."""
    vendor = tree / "vendor"
    manifest = json.loads((vendor / "manifest.json").read_text())
    py = manifest["pyodide"]
    engine = manifest["engine"]
    index = (vendor / py["index"]).resolve()
    return {
        "module": json.dumps((index / "pyodide.mjs").as_uri()),
        "index": json.dumps(str(index) + "/"),
        "stdlib": json.dumps(str((vendor / py["runtime_stdlib"]).resolve())),
        "lock": json.dumps(json.dumps(engine["lock"])),
        "vendor": json.dumps(str(vendor.resolve()) + "/"),
        "packages": json.dumps(engine["packages"]),
        "zips": json.dumps([str((vendor / z["file"]).resolve()) for z in engine["zips"]]),
    }


def run(script: str, timeout: float = 600) -> tuple[int, str, str]:
    """``(returncode, stdout, stderr)`` of ``script`` as a Node ES module. stderr goes through
    a file: a pipe loses the end of a long error (Pyodide prints its minified source)."""
    node = shutil.which("node")
    if node is None:
        return 1, "", "node is needed"
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.run(
            [node, "--input-type=module", "-e", script],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            timeout=timeout,
            check=False,
        )
        errors.seek(0)
        return proc.returncode, proc.stdout, errors.read()
