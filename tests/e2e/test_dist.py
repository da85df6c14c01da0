"""dist/ as an operator hosts it: the JS API boots from it on two origins (cut stdlib, stored
zips, hashed names), and the server sends the precompressed twins with the right caching."""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Response

from bridge.later import LATER_MODULES

from .conftest import ROOT, BrowserLog
from .dist_imports import run_on_dist

pytestmark = pytest.mark.e2e

REPORT = ROOT / "build" / "reports" / "dist.json"
BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
STATUS_IS = "s => document.getElementById('bridge-status').textContent === s"
RC_DATA = {
    "elapsedSeconds": 3600,
    "totalStaked": 120,
    "totalWon": 95.5,
    "netResult": -24.5,
    "currency": "EUR",
}


@dataclass
class Hosted:
    lobby: str
    game: str
    manifest: dict[str, Any]
    dist: Path
    responses: list[Response] = field(default_factory=list)


@pytest.fixture(scope="module")
def hosted(
    build_module: ModuleType, built_site: Any, tmp_path_factory: pytest.TempPathFactory
) -> Generator[Hosted, None, None]:
    """dist/ plus the example pages (they load /hizi-bridge.js), served on two origins."""
    root = tmp_path_factory.mktemp("hosted")
    result = build_module.make_dist(ROOT, dist_dir=root / "dist", built=built_site)
    served = result.dist_dir
    shutil.copytree(ROOT / "examples", served / "examples")
    servers = build_module.start_servers(served, [("127.0.0.1", 0), ("localhost", 0)])
    try:
        yield Hosted(servers[0].origin, servers[1].origin, result.manifest, served)
    finally:
        build_module.stop_servers(servers)


def test_js_api_connects_from_dist(browser: Browser, hosted: Hosted) -> None:
    log = BrowserLog()
    context = browser.new_context()
    log.guard(context)
    responses: list[Response] = []
    context.on("response", lambda r: responses.append(r))
    try:
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(f"{hosted.lobby}/examples/js_lobby.html?game={hosted.game}")
        page.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
        game = next(f for f in page.frames if "js_game.html" in f.url)
        game.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
        boot_s = time.perf_counter() - t0
        answer = page.evaluate("(data) => bridge.realityCheck(data)", RC_DATA)
        assert answer == {"type": "realityCheckAnswer", "data": {"choice": "continue"}}
        ok = [r for r in responses if r.ok]
        wasm = [r for r in ok if r.url.endswith(".wasm")]
        assert wasm and all(r.headers.get("content-encoding") in ("br", "gzip") for r in wasm)
        # Everything fetched from dist/ is a file the manifest lists (or the example pages);
        # the immutable ones are exactly the hashed ones.
        listed = set(hosted.manifest["files"])
        for response in ok:
            path = urlsplit(response.url).path.lstrip("/")
            if path.startswith("examples/"):
                continue
            assert path in listed, path
            immutable = "immutable" in response.headers.get("cache-control", "")
            entry = path in ("hizi-bridge.js", "hizi-bridge-worker.mjs", "vendor/manifest.json")
            assert immutable is not entry, (path, response.headers.get("cache-control"))
        stdlib = hosted.manifest["pyodide"]["runtime_stdlib"]
        assert any(urlsplit(r.url).path.endswith(Path(stdlib).name) for r in ok)
        # Bytes on the wire (encoded bodies) per origin, dist files only, cold profile.
        wire: dict[str, int] = {}
        for response in ok:
            parts = urlsplit(response.url)
            if not parts.path.startswith("/examples/"):
                size = response.request.sizes()["responseBodySize"]
                wire[parts.netloc] = wire.get(parts.netloc, 0) + size
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(json.dumps({"boot_to_connected_s": round(boot_s, 2), "wire": wire}))
        print(f"\n[dist] both connected in {boot_s:.2f} s; bytes on the wire per origin: {wire}")
    finally:
        context.close()
    assert not log.blocked, log.blocked


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_later_paths_import_nothing_dist_leaves_out(hosted: Hosted) -> None:
    """Compliance, dialects, the journal and the lifecycle run on dist's cut library and wheels
    (under Node, the vendored Pyodide) without an ImportError: what a boot does not import and
    a later path does is shipped."""
    report = run_on_dist(hosted.dist, ROOT / "tests")
    assert report["missing"] == [], json.dumps(report["missing"], indent=2)
    # The run did reach those paths (a stand-in that ran nothing would pass anything).
    assert report["ran"] >= 150, report
    assert not report["skipped"], report["skipped"]
    for module in ("bridge.core.dialects.gamesglobal", "bridge.compliance.supervisor"):
        assert module in report["modules"]
    # The modules a boot leaves for after connected (bridge.later) are shipped, as bytecode,
    # and so is what they import beyond the boot (the build imports them after the engine when
    # it records what the cut keeps): a later path gets no ImportError and compiles nothing.
    assert set(LATER_MODULES) <= set(report["modules"])
    wheel = next(w for w in hosted.manifest["wheels"] if w["name"] == "hizi-bridge")
    with zipfile.ZipFile(hosted.dist / "vendor" / wheel["file"]) as zf:
        names = set(zf.namelist())
    for module in LATER_MODULES:
        path = module.replace(".", "/")
        assert {f"{path}.pyc", f"{path}/__init__.pyc"} & names, module
    deps = report["later_deps"]
    assert deps, "the later modules import nothing beyond a boot: the check is idle"
    sources = {n: f for n, f in deps.items() if f.endswith(".py")}
    assert not sources, sources


def test_a_runtime_on_another_origin_without_cors_says_so(browser: Browser, hosted: Hosted) -> None:
    """dist/'s entry script carries the manifest, so the first thing the worker fetches from
    assetsUrl is Pyodide's module; from a server without CORS headers the browser says only
    "failed to fetch", and boot_failed names the fix (found by a red-team pass)."""
    blank = hosted.dist / "examples" / "cors_probe.html"
    blank.write_text('<!doctype html><meta charset="utf-8"><script src="/hizi-bridge.js"></script>')
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{hosted.lobby}/examples/cors_probe.html")
        name, code, message = page.evaluate(
            """(assets) => HiziBridge.lobby({ iframe: document.createElement("iframe"),
                gameOrigin: "http://localhost:1", assetsUrl: assets,
                workerUrl: "/hizi-bridge-worker.mjs" })
              .then(() => ["ok"], (e) => [e.name, e.code, String(e.message)])""",
            f"{hosted.game}/",
        )
        assert (name, code) == ("HiziBridgeError", "boot_failed"), message
        assert "pyodide.mjs" in message and "CORS" in message, message
    finally:
        context.close()
