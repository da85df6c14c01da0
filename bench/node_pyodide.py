"""Booting a site/ or dist/ tree's vendored Pyodide under Node, for the bench's Node scripts.

``BOOT_JS`` loads Pyodide with the tree's cut standard library and lock, then its wheels (as
``tests/e2e/dist_imports.py`` does); ``boot_fields(tree)`` fills its placeholders. A script
puts its own JavaScript after it (``pyodide`` is in scope) and runs the whole with ``run``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

BOOT_JS = r"""
import { loadPyodide } from %(module)s;
const pyodide = await loadPyodide({ indexURL: %(index)s, stdLibURL: %(stdlib)s,
  lockFileURL: %(lock)s, env: { PYDANTIC_DISABLE_PLUGINS: "__all__" } });
await pyodide.loadPackage(%(wheels)s, { messageCallback() {},
  errorCallback(m) { throw new Error(m); } });
"""


def boot_fields(tree: Path) -> dict[str, str]:
    """``BOOT_JS``'s placeholders for ``tree`` (its ``vendor/manifest.json``), as JS literals."""
    vendor = tree / "vendor"
    manifest = json.loads((vendor / "manifest.json").read_text())
    py = manifest["pyodide"]
    index = (vendor / py["index"]).resolve()
    return {
        "module": json.dumps((index / "pyodide.mjs").as_uri()),
        "index": json.dumps(str(index) + "/"),
        "stdlib": json.dumps(str((vendor / py["runtime_stdlib"]).resolve())),
        "lock": json.dumps(str((vendor / py["lock"]).resolve())),
        "wheels": json.dumps([str((vendor / w["file"]).resolve()) for w in manifest["wheels"]]),
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
