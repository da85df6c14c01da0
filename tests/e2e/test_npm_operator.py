"""README's operator steps, exactly as written, from the packed npm tarball alone: a fresh
Vite + TypeScript app (``create-vite``'s vanilla-ts template), ``npm install`` the tarball,
``npx hizi-bridge copy-runtime public/hizi-bridge``, README's index.html and src/main.ts,
``npm run build`` (the template's strict ``tsc``, then ``vite build``), served by
``vite preview`` on ``http://localhost:<port>``; in Chromium the lobby connects to the demo
game on another origin and shows the balance it reports. Then the same app with README's
Vite plugin instead of copy-runtime (and without the ``assetsUrl`` line).

Every operator step runs with a PATH holding node, npm, npx and sh only: no Python. npm reaches
only the npm registry (through build/npm-cache); the package itself was built by the project's
build (``npm_package``), as an operator would receive it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from .conftest import ROOT, BrowserLog, NpmPackage, free_port, npm_ok, run_npm

pytestmark = pytest.mark.e2e

CREATE_VITE = "create-vite@9.3.0"  # pinned: the template the test scaffolds
BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
README = ROOT / "README.md"
SECTION = "**Operators, npm: from `npm install` to a connected lobby, no Python.**"
README_GAME = "http://localhost:8001"

if shutil.which("npm") is None or shutil.which("node") is None:
    pytest.skip("node and npm are needed for the operator's steps", allow_module_level=True)


@dataclass(frozen=True)
class Steps:
    """README's operator section: its shell lines and code blocks, in order."""

    commands: list[str]
    html: str
    main_ts: str
    vite_config: str


def readme_steps() -> Steps:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) : text.index("**What an origin hosts.**")]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.S)
    by_lang: dict[str, list[str]] = {}
    for lang, body in blocks:
        by_lang.setdefault(lang, []).append(body)
    commands = [line.split("#")[0].strip() for line in by_lang["sh"][0].splitlines()]
    ts = by_lang["ts"]
    assert len(ts) == 2 and ts[1].startswith("// vite.config.ts"), ts
    return Steps([c for c in commands if c], by_lang["html"][0], ts[0], ts[1])


def node_only_path(tmp: Path) -> str:
    """A PATH with node, npm, npx and sh (npm runs scripts with it) and nothing else: no
    python anywhere on it."""
    bin_dir = tmp / "node-only-bin"
    bin_dir.mkdir()
    for name in ("node", "npm", "npx", "sh"):
        found = shutil.which(name)
        assert found, name
        (bin_dir / name).symlink_to(Path(found).resolve())
    path = str(bin_dir)
    for python in ("python", "python3"):
        assert shutil.which(python, path=path) is None
    return path


@dataclass
class Operator:
    app: Path
    env: dict[str, str]
    steps: Steps
    game: str
    timings: dict[str, float]

    def npm(self, args: list[str], timeout: float = 300) -> str:
        return npm_ok(run_npm(args, self.app, timeout=timeout, env=self.env))

    def run(self, command: str, timeout: float = 300) -> str:
        """One README line; `npm install hizi-bridge` installs the tarball instead."""
        done = subprocess.run(
            ["/bin/sh", "-c", command],
            cwd=self.app,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"{command}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout


@pytest.fixture(scope="module")
def game(build_module: ModuleType, built_site: Any) -> Generator[str, None, None]:
    """The demo game on its own origin (the studio's side: built by the project)."""
    servers = build_module.start_servers(built_site.site_dir, [("localhost", 0)])
    try:
        yield servers[0].origin
    finally:
        build_module.stop_servers(servers)


@pytest.fixture(scope="module")
def operator(
    npm_package: NpmPackage, game: str, tmp_path_factory: pytest.TempPathFactory
) -> Operator:
    root = tmp_path_factory.mktemp("operator")
    env = {
        "PATH": node_only_path(root),
        "HOME": str(root),
        "npm_config_cache": str(ROOT / "build" / "npm-cache"),
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
        "npm_config_yes": "true",
        "npm_config_prefer_offline": "true",
    }
    steps = readme_steps()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    create = ["create", CREATE_VITE.replace("create-", ""), "lobby", "--"]
    npm_ok(run_npm([*create, "--template", "vanilla-ts", "--no-interactive"], root, env=env))
    op = Operator(root / "lobby", env, steps, game, timings)
    op.npm(["install"])
    timings["scaffold_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for command in steps.commands:
        if command == "npm install hizi-bridge":
            command = f"npm install {npm_package.tarball}"
        op.run(command)
    timings["readme_commands_s"] = time.perf_counter() - t0
    index = op.app / "index.html"
    html = index.read_text()
    assert '<div id="app"></div>' in html
    index.write_text(html.replace('<div id="app"></div>', steps.html.strip()))
    assert README_GAME in steps.main_ts
    (op.app / "src" / "main.ts").write_text(steps.main_ts.replace(README_GAME, game))
    return op


@contextmanager
def preview(op: Operator) -> Iterator[str]:
    """``vite preview`` of the built app on http://localhost:<port> (node, no Python)."""
    port = free_port()
    vite = op.app / "node_modules" / ".bin" / "vite"
    proc = subprocess.Popen(
        [str(vite), "preview", "--host", "localhost", "--port", str(port), "--strictPort"],
        cwd=op.app,
        env=op.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.2)
        yield f"http://localhost:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def build_app(op: Operator, what: str) -> None:
    t0 = time.perf_counter()
    op.npm(["run", "build"])  # the template's script: tsc && vite build
    op.timings[f"build_{what}_s"] = time.perf_counter() - t0


def connect(op: Operator, browser: Browser, log: BrowserLog, lobby: str) -> None:
    context = browser.new_context()
    log.guard(context)
    try:
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(f"{lobby}/")
        expect(page.locator("#status")).to_have_text("connected", timeout=BOOT_TIMEOUT_MS)
        op.timings["connected_s"] = time.perf_counter() - t0
        # The balance the demo game reports reaches README's handler.
        expect(page.locator("#balance")).to_have_text("100.00", timeout=BOOT_TIMEOUT_MS)
        frame = page.frame_locator("#game")
        expect(frame.locator("#bridge-status")).to_have_text("connected")
        expect(frame.locator("#spin")).to_be_enabled(timeout=BOOT_TIMEOUT_MS)
        frame.locator("#spin").click()
        expect(page.locator("#balance")).not_to_have_text("100.00", timeout=30_000)
        # The worker and the runtime came from the lobby's own origin.
        assert f"{lobby}/hizi-bridge/hizi-bridge-worker.mjs" in log.requests, log.requests
        log.assert_no_errors(lobby)
    finally:
        context.close()
    assert not log.blocked, log.blocked


def test_readme_steps_build_under_strict_tsc_and_connect_to_the_demo_game(
    operator: Operator, browser: Browser, browser_log: BrowserLog
) -> None:
    assert operator.steps.commands == [
        "npm install hizi-bridge",
        "npx hizi-bridge copy-runtime public/hizi-bridge",
    ]
    runtime = operator.app / "public" / "hizi-bridge"
    assert (runtime / "hizi-bridge-worker.mjs").is_file()
    assert (runtime / "THIRD-PARTY-NOTICES.txt").is_file()
    build_app(operator, "copy")
    # The template's tsc is strict: an implicit any fails it (so the README's code passed it).
    probe = operator.app / "src" / "strict_probe.ts"
    probe.write_text("export function f(x) { return x; }\n")
    tsc = subprocess.run(
        [str(operator.app / "node_modules" / ".bin" / "tsc")],
        cwd=operator.app,
        env=operator.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    probe.unlink()
    assert tsc.returncode != 0 and "TS7006" in tsc.stdout, tsc.stdout
    assert (operator.app / "dist" / "hizi-bridge" / "vendor" / "manifest.json").is_file()
    with preview(operator) as lobby:
        connect(operator, browser, browser_log, lobby)


def test_readme_vite_plugin_serves_the_runtime_and_sets_assets_url(
    operator: Operator, browser: Browser, browser_log: BrowserLog
) -> None:
    shutil.rmtree(operator.app / "public" / "hizi-bridge")
    shutil.rmtree(operator.app / "dist", ignore_errors=True)
    (operator.app / "vite.config.ts").write_text(operator.steps.vite_config)
    main = operator.app / "src" / "main.ts"
    lines = main.read_text().splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip().startswith("assetsUrl:")]
    assert len(kept) == len(lines) - 1
    main.write_text("".join(kept))
    build_app(operator, "plugin")
    assert (operator.app / "dist" / "hizi-bridge" / "hizi-bridge-worker.mjs").is_file()
    with preview(operator) as lobby:
        connect(operator, browser, browser_log, lobby)
    print(f"\n[npm operator] { {k: round(v, 1) for k, v in operator.timings.items()} }")
