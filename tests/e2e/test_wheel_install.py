"""The wheel as a Python page installs it: plain Pyodide, ``pyodide.loadPackage(wheel URLs)``.

The README documents this instead of ``micropip.install(url)``: micropip is not in Pyodide's
npm package and the build does not vendor it, so a page of ours has no micropip to call
(tests/e2e/test_boot.py asserts none is fetched). ``loadPackage`` with a URL installs that
wheel without resolving its dependencies, hence every URL of ``manifest.wheels``.
"""

from __future__ import annotations

import json
import os
import zipfile

from playwright.sync_api import Page

from .conftest import BrowserLog, E2ESite

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>loadPackage of the wheels' URLs</title></head>
<body><output id="status">booting</output><pre id="result"></pre>
<script type="module">
  const vendor = new URL("../vendor/", location.href);
  const status = document.getElementById("status");
  try {
    const manifest = await (await fetch(new URL("manifest.json", vendor))).json();
    const { loadPyodide } = await import(new URL(manifest.pyodide.module, vendor).href);
    const pyodide = await loadPyodide({ indexURL: new URL(manifest.pyodide.index, vendor).href });
    const failed = [];
    await pyodide.loadPackage(manifest.wheels.map((w) => new URL(w.file, vendor).href),
                              { errorCallback: (msg) => failed.push(String(msg)) });
    if (failed.length) throw new Error(failed.join("; "));
    document.getElementById("result").textContent = pyodide.runPython(`
import importlib.metadata as md, json
import bridge
from bridge import Balance, parse
dist = md.distribution("hizi-bridge")
files = [str(f) for f in dist.files or []]
json.dumps({"version": bridge.__version__, "dist_version": dist.version,
            "py_typed": "bridge/py.typed" in files,
            "license": [f for f in files if f.endswith("LICENSE")],
            "parsed": isinstance(parse({"type": "balance", "data": 5}), Balance),
            "file": bridge.__file__})`);
    status.textContent = "ok";
  } catch (err) {
    document.getElementById("result").textContent = String(err && err.stack || err);
    status.textContent = "failed";
  }
</script></body></html>
"""


def test_wheel_ships_py_typed_and_license(e2e_site: E2ESite) -> None:
    wheel = e2e_site.site_dir / "vendor" / e2e_site.manifest["bridge_wheel"]
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "bridge/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names[-10:]


def test_load_package_of_the_wheel_urls_in_plain_pyodide(
    page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    probe = e2e_site.site_dir / "wheel_probe" / "load_package.html"
    probe.parent.mkdir(exist_ok=True)
    probe.write_text(PAGE)
    page.goto(e2e_site.lobby_url("wheel_probe/load_package.html"))
    page.wait_for_function(
        "document.getElementById('status').textContent !== 'booting'", timeout=BOOT_TIMEOUT_MS
    )
    text = page.text_content("#result") or ""
    assert page.text_content("#status") == "ok", text
    result = json.loads(text)
    import bridge

    assert result["version"] == result["dist_version"] == bridge.__version__
    assert result["py_typed"] is True and result["license"], result
    assert result["parsed"] is True
    assert "site-packages/bridge/" in result["file"], result
    bridge_wheel = e2e_site.manifest["bridge_wheel"].rsplit("/", 1)[-1]
    assert any(u.endswith(bridge_wheel) for u in browser_log.requests)
    assert not [u for u in browser_log.requests if "micropip" in u.lower()]
    browser_log.assert_no_errors()
