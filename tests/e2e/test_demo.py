"""The demo pair in real Chromium: demo_lobby on the lobby origin embedding demo_game from the
game origin, both in PyScript.

Booting the two pages costs several seconds of CPU, so one test walks the whole story on one
page pair: connect, a spin from the game, every lobby command, a reality check answered in the
game, a screenshot, errors, then close and reload (which ends the pair) last.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FrameLocator, Locator, Page, expect

from .conftest import ROOT, BrowserLog, E2ESite

pytestmark = pytest.mark.e2e

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
STEP_TIMEOUT_MS = 15_000
# Where the screenshot goes; point it at docs/img/demo.png to refresh the committed one.
SCREENSHOT = Path(os.environ.get("HIZI_DEMO_SCREENSHOT", ROOT / "build" / "reports" / "demo.png"))

# Every lobby -> game command button, in the order clicked. reload and close end the session
# and come last; realityCheck is the form's submit button.
COMMANDS = (
    "stakeUp",
    "stakeDown",
    "turbo",
    "setAudio",
    "spin",
    "stop",
    "stopAutoplay",
    "pause",
    "resume",
    "updateBalance",
    "clearCookies",
    "showHelp",
)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


def _entry(
    log_owner: Page | FrameLocator, type_: str, direction: str, status: str = "accepted"
) -> Locator:
    """The ``#event-log`` lines of one type, direction and status (lobby page or game frame)."""
    selector = (
        f'#event-log li[data-type="{type_}"][data-direction="{direction}"][data-status="{status}"]'
    )
    return log_owner.locator(selector)


def test_demo_lobby_drives_demo_game(
    page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    game_url = e2e_site.game_url("demo_game/")
    page.goto(e2e_site.lobby_url(f"demo_lobby/?game={game_url}&seed=7"))
    game = page.frame_locator("#game-frame")

    # --- both ends connect (over the MessagePort) ---------------------------------------
    expect(page.locator("#bridge-status")).to_have_text("connected", timeout=BOOT_TIMEOUT_MS)
    expect(game.locator("#spin")).to_be_enabled(timeout=BOOT_TIMEOUT_MS)
    expect(game.locator("#bridge-status")).to_have_text("connected")
    expect(page.locator("#bridge-mode")).to_have_text("bridge")
    for type_ in ("onAppFrameReady", "loadProgress", "gameDataLoaded", "gameReady"):
        expect(_entry(page, type_, "in").first).to_be_attached()

    # --- a spin in the game is reported to the lobby --------------------------------------
    start_balance = game.locator("#balance").text_content()
    assert start_balance == "100.00"
    game.locator("#spin").click()
    expect(_entry(page, "roundEnded", "in")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    expect(_entry(page, "roundStarted", "in")).to_have_count(1)
    expect(_entry(page, "balance", "in").first).to_be_attached()
    expect(_entry(page, "playerActivity", "in").first).to_be_attached()
    expect(game.locator("#balance")).not_to_have_text(start_balance)
    expect(game.locator("#spin")).to_be_enabled()

    # --- every lobby command reaches the game ---------------------------------------------
    for command in COMMANDS:
        page.locator(f'#commands [data-command="{command}"]').click()
        expect(_entry(game, command, "in"), command).to_have_count(1, timeout=STEP_TIMEOUT_MS)
        expect(_entry(page, command, "out").first).to_be_attached()
        if command in ("pause", "resume"):
            reply = "gamePaused" if command == "pause" else "gameResumed"
            expect(page.locator("#command-reply")).to_have_text(f"{command} \u2192 {reply}")
            expect(_entry(page, reply, "in")).to_have_count(1)
        if command == "spin":
            expect(_entry(page, "roundEnded", "in")).to_have_count(2, timeout=STEP_TIMEOUT_MS)
    expect(game.locator("#turbo")).to_have_attribute("aria-pressed", "false")  # clearCookies
    expect(game.locator("#help")).to_be_visible()
    game.locator('#help button[value="ok"]').click()
    expect(game.locator("#help")).to_be_hidden()

    # --- reality check: lobby asks, the player answers in the game ------------------------
    form = page.locator("#rc-form")
    form.locator('[name="elapsed"]').fill("61")
    form.locator('[name="staked"]').fill("12.50")
    form.locator('[name="won"]').fill("3")
    form.locator('[data-command="realityCheck"]').click()
    dialog = game.locator("#reality-check")
    expect(dialog).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(game.locator("#rc-net")).to_have_text("-9.50 EUR")
    expect(game.locator("#rc-elapsed")).to_have_text("1 h 1 min")
    expect(_entry(game, "realityCheck", "in")).to_have_count(1)
    dialog.locator('[data-action="continue"]').click()
    expect(page.locator("#rc-answer")).to_have_text("continue", timeout=STEP_TIMEOUT_MS)
    expect(_entry(page, "realityCheckAnswer", "in")).to_have_count(1)

    # A couple more rounds so the screenshot shows a lively log and session figures.
    for rounds in (3, 4):
        game.locator("#spin").click()
        expect(_entry(page, "roundEnded", "in")).to_have_count(rounds, timeout=STEP_TIMEOUT_MS)
        expect(game.locator("#spin")).to_be_enabled()
    expect(page.locator('#stats [data-stat="accepted"] dd')).not_to_have_text("0")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    # --- errors: recoverable as a notice, fatal as a banner -------------------------------
    game.locator("#raise-error").click()
    expect(page.locator("#notices")).to_contain_text("recoverable", timeout=STEP_TIMEOUT_MS)
    expect(page.locator("#fatal-error")).to_be_hidden()
    game.locator("#raise-fatal").click()
    expect(page.locator("#fatal-error")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator("#fatal-error-text")).to_contain_text("RuntimeError")
    expect(_entry(page, "error", "in")).to_have_count(2)
    expect(game.locator("#spin")).to_be_disabled()

    # --- close (a request answered by gameClosed), then reload re-runs the handshake ------
    page.locator('#commands [data-command="close"]').click()
    expect(_entry(game, "close", "in")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    expect(page.locator("#command-reply")).to_have_text("close \u2192 gameClosed")
    page.locator('#commands [data-command="reload"]').click()
    expect(_entry(page, "reload", "out")).to_have_count(1)
    expect(_entry(page, "gameReady", "in")).to_have_count(2, timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("#bridge-status")).to_have_text("connected")
    expect(game.locator("#spin")).to_be_enabled(timeout=STEP_TIMEOUT_MS)
    expect(game.locator("#balance")).to_have_text("100.00")  # a fresh game session

    assert not page.locator('#event-log li[data-status="rejected"]').count()
    browser_log.assert_no_errors()
