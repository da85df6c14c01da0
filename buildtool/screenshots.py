"""``python build.py screenshots``: refresh what the docs show of the product.

Writes, under ``docs/`` (or ``--out``): ``img/demo.png`` (the demo lobby embedding the demo
game after a few rounds, 1280 x 800), ``reports/demo_game.html`` (hizi-inspect's report of the
demo game, which the root page links) and ``img/inspect-report.png`` (that report, 1200 x 900).
Only this command writes them; the tests write their screenshots under build/reports/.
Needs Playwright and Chromium (/usr/bin/chromium, as the tests), like ``bench``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .common import ROOT, BuildError, log
from .serve import ServerSpec, start_servers, stop_servers

BOOT_TIMEOUT_MS = 120_000
STEP_TIMEOUT_MS = 20_000
ROUNDS = 3
# The demo game's reality-check button the inspector clicks as the player (README).
RC_CLICK = "#reality-check [data-action=continue]"


def _inspect_report(game_url: str, html: Path) -> None:
    html.parent.mkdir(parents=True, exist_ok=True)
    args = ["game", game_url, "--rc-click", RC_CLICK, "--round-timeout", "20"]
    done = subprocess.run(
        [sys.executable, "-m", "bridge.inspect", *args, "--html", str(html)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(f"hizi-inspect failed ({done.returncode}):\n{done.stdout[-3000:]}")


def refresh(site_dir: Path, out: Path | None = None) -> list[Path]:
    """Take the screenshots and the report; returns the files written."""
    from playwright.sync_api import expect, sync_playwright

    from bridge.inspect.browser import CHROMIUM, CHROMIUM_ARGS

    docs = out or ROOT / "docs"
    demo_png, report = docs / "img" / "demo.png", docs / "reports" / "demo_game.html"
    report_png = docs / "img" / "inspect-report.png"
    demo_png.parent.mkdir(parents=True, exist_ok=True)
    servers = start_servers(site_dir, [ServerSpec("127.0.0.1"), ServerSpec("localhost")])
    lobby, game = servers
    try:
        _inspect_report(f"{game.origin}/demo_game/", report)
        log(f"wrote {report}")
        with sync_playwright() as pw:
            launch = {"executable_path": str(CHROMIUM)} if CHROMIUM.exists() else {}
            browser = pw.chromium.launch(args=list(CHROMIUM_ARGS), **launch)  # type: ignore[arg-type]
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{lobby.origin}/demo_lobby/?game={game.origin}/demo_game/&seed=7")
                frame = page.frame_locator("#game-frame")
                status = page.locator("#bridge-status")
                expect(status).to_have_text("connected", timeout=BOOT_TIMEOUT_MS)
                spin = frame.locator("#spin")
                ended = page.locator('#event-log li[data-type="roundEnded"][data-direction="in"]')
                for rounds in range(1, ROUNDS + 1):
                    expect(spin).to_be_enabled(timeout=STEP_TIMEOUT_MS)
                    spin.click()
                    expect(ended).to_have_count(rounds, timeout=STEP_TIMEOUT_MS)
                expect(spin).to_be_enabled(timeout=STEP_TIMEOUT_MS)
                page.screenshot(path=str(demo_png))
                log(f"wrote {demo_png}")
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.goto(report.resolve().as_uri())
                page.screenshot(path=str(report_png))
                log(f"wrote {report_png}")
            finally:
                browser.close()
    finally:
        stop_servers(servers)
    return [demo_png, report, report_png]
