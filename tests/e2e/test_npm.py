"""The npm package as an app uses it: ``npm pack``, installed into a scratch Vite + TypeScript
lobby (tests/e2e/npm_app), type-checked (a wrong payload must fail), bundled, and in Chromium
the bundled lobby, with dist/'s runtime under /hizi/ on its origin, connects to the example
game on the other origin; a reality check goes there and back.

npm's cache lives in build/npm-cache, so a rerun installs vite and typescript from it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from playwright.sync_api import Browser

from .conftest import ROOT, BrowserLog, NpmPackage, npm_ok, run_npm

pytestmark = pytest.mark.e2e

TEMPLATE = Path(__file__).resolve().parent / "npm_app"
BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
STATUS_IS = "s => document.getElementById('bridge-status').textContent === s"
RC_DATA = {
    "elapsedSeconds": 3600,
    "totalStaked": 120,
    "totalWon": 95.5,
    "netResult": -24.5,
    "currency": "EUR",
}

if shutil.which("npm") is None:
    pytest.skip("npm is not installed: the npm package cannot be packed", allow_module_level=True)


@dataclass
class App:
    dir: Path
    tarball: Path
    version: str
    timings: dict[str, float]


@pytest.fixture(scope="module")
def app(npm_package: NpmPackage, tmp_path_factory: pytest.TempPathFactory) -> App:
    root = tmp_path_factory.mktemp("npm")
    timings: dict[str, float] = {}
    app_dir = root / "app"
    shutil.copytree(TEMPLATE, app_dir, ignore=shutil.ignore_patterns("node_modules", "dist"))
    t0 = time.perf_counter()
    npm_ok(run_npm(["install", "--no-audit", "--no-fund", "--prefer-offline"], app_dir))
    tarball = str(npm_package.tarball)
    npm_ok(run_npm(["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], app_dir))
    timings["install_s"] = time.perf_counter() - t0
    (app_dir / "dist").mkdir()
    # The runtime dist/ holds, where the app's assetsUrl points (/hizi/ on the app's origin).
    shutil.copytree(npm_package.dist, app_dir / "runtime")
    return App(app_dir, npm_package.tarball, npm_package.version, timings)


def test_tarball_holds_the_package_and_the_runtime_of_its_version(
    app: App, npm_package: NpmPackage
) -> None:
    with tarfile.open(app.tarball) as tar:
        names = sorted(n.removeprefix("package/") for n in tar.getnames())
        manifest = tar.extractfile("package/runtime/vendor/manifest.json")
        assert manifest is not None
        runtime_version = json.load(manifest)["version"]
    page_side = [n for n in names if not n.startswith("runtime/")]
    assert page_side == [
        "LICENSE",
        "README.md",
        "THIRD-PARTY-NOTICES.txt",
        "bin/hizi-bridge.mjs",
        "hizi-bridge.js",
        "hizi-bridge.mjs",
        "package.json",
        "types/schema/messages.d.ts",
        "types/static/hizi-bridge.d.mts",
        "types/static/hizi-bridge.d.ts",
        "types/vite.d.mts",
        "vite.mjs",
    ]
    # The runtime is dist/ as it is: every file, hashed names, .br / .gz twins, the notices.
    dist_files = sorted(
        p.relative_to(npm_package.dist).as_posix()
        for p in npm_package.dist.rglob("*")
        if p.is_file()
    )
    assert [n.removeprefix("runtime/") for n in names if n.startswith("runtime/")] == dist_files
    assert runtime_version == app.version
    assert any(n.endswith("pyodide.asm.wasm.br") for n in names)
    notices = (npm_package.folder / "THIRD-PARTY-NOTICES.txt").read_text()
    for licence in ("Mozilla Public License Version 2.0", "PYTHON SOFTWARE FOUNDATION", "MIT"):
        assert licence in notices
    installed = app.dir / "node_modules" / "hizi-bridge" / "package.json"
    assert json.loads(installed.read_text())["version"] == app.version


def test_typed_lobby_type_checks_and_a_wrong_payload_does_not(app: App) -> None:
    tsc = app.dir / "node_modules" / ".bin" / "tsc"
    t0 = time.perf_counter()
    good = subprocess.run(
        [str(tsc), "--noEmit", "-p", "tsconfig.json"], cwd=app.dir, capture_output=True, text=True
    )
    assert good.returncode == 0, good.stdout + good.stderr
    wrong = subprocess.run(
        [str(tsc), "--noEmit", "-p", "tsconfig.wrong.json"],
        cwd=app.dir,
        capture_output=True,
        text=True,
    )
    app.timings["typecheck_s"] = time.perf_counter() - t0
    assert wrong.returncode != 0
    errors = re.findall(r"^(src/[\w.]+)\((\d+),(\d+)\): error (TS\d+)", wrong.stdout, re.M)
    source = (app.dir / "src" / "wrong.ts").read_text().splitlines()
    marked = [i + 2 for i, line in enumerate(source) if "WRONG-" in line]  # the line after
    # Each deliberate mistake is reported, in wrong.ts and nowhere else, where it is made.
    assert [(f, int(n)) for f, n, _, _ in errors] == [("src/wrong.ts", n) for n in marked], (
        wrong.stdout
    )
    currency = source[marked[0] - 1].index("currency") + 1
    assert [(int(c), code) for _, _, c, code in errors] == [
        (currency, "TS2322"),  # currency: 978, not a string
        (source[marked[1] - 1].index("toUpperCase") + 1, "TS2339"),  # balance data: number
        (source[marked[2] - 1].index('"on"') + 1, "TS2345"),  # turbo takes a boolean
        (source[marked[3] - 1].index("{ lobbyOrigin") + 1, "TS2345"),  # one of the two
    ], wrong.stdout


@dataclass
class Served:
    lobby: str
    game: str


@pytest.fixture(scope="module")
def served(app: App, build_module: ModuleType) -> Generator[Served, None, None]:
    t0 = time.perf_counter()
    vite = app.dir / "node_modules" / ".bin" / "vite"
    done = subprocess.run(
        [str(vite), "build", "--logLevel", "warn"],
        cwd=app.dir,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    app.timings["vite_build_s"] = time.perf_counter() - t0
    lobby_root = app.dir / "dist"
    bundle = "".join(p.read_text() for p in (lobby_root / "assets").glob("*.js"))
    assert "hizi-bridge" in bundle and "__hiziBridgeEngine" in bundle  # the package is inside
    shutil.copytree(app.dir / "runtime", lobby_root / "hizi")
    # The game origin: dist/ at its root (js_game.html loads /hizi-bridge.js) and the examples.
    game_root = app.dir / "game_root"
    shutil.copytree(app.dir / "runtime", game_root)
    shutil.copytree(ROOT / "examples", game_root / "examples")
    lobby_servers = build_module.start_servers(lobby_root, [("127.0.0.1", 0)])
    game_servers = build_module.start_servers(game_root, [("localhost", 0)])
    try:
        yield Served(lobby_servers[0].origin, game_servers[0].origin)
    finally:
        build_module.stop_servers([*lobby_servers, *game_servers])


def test_bundled_lobby_connects_to_a_game_on_another_origin(
    app: App, served: Served, browser: Browser
) -> None:
    log = BrowserLog()
    context = browser.new_context()
    log.guard(context)
    try:
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(f"{served.lobby}/?game={served.game}&assets=/hizi/")
        page.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
        app.timings["connected_s"] = time.perf_counter() - t0
        assert page.evaluate("window.app.noAssetsUrl") == "invalid_config"
        assert page.evaluate("window.app.version") == app.version
        choice = page.evaluate("(data) => window.app.realityCheck(data)", RC_DATA)
        assert choice == "continue"
        stats = page.evaluate("window.app.stats()")
        assert stats["mode"] == "bridge" and stats["package_version"] == app.version
        assert stats["protocol_version"] in stats["protocol_versions"]
        assert stats["accepted_by_type"].get("realityCheckAnswer") == 1, stats
        # The worker and the runtime came from /hizi/ on the lobby's origin.
        worker = [u for u in log.requests if u.endswith("/hizi-bridge-worker.mjs")]
        assert f"{served.lobby}/hizi/hizi-bridge-worker.mjs" in worker, worker
        log.assert_no_errors(served.lobby)
    finally:
        context.close()
    assert not log.blocked, log.blocked
    print(f"\n[npm] {json.dumps({k: round(v, 2) for k, v in app.timings.items()})}")
