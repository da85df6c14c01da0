"""The lobbies' layout at a small laptop's 800x600 and a phone's 390x844, in real Chromium.

Every click here is a real pointer click through Playwright's actionability checks (no
``force``, no ``element.click()`` in JS): it fails when another element, e.g. the game iframe,
would receive the click instead of the control. Every visible control of the lobby (and of the
demo game inside its frame) gets a trial click, which runs those checks without acting; the
commands that matter to the player are clicked for real and their effect checked where the
player sees it: the game's balance after a spin, the lobby's reply line after pause / resume,
the reality-check dialog in the game and the answer in the lobby. Nothing may need sideways
scrolling. The phone viewport is a mobile, touch context (the page's meta viewport applies);
it is Chromium's emulation, not a phone's browser.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, FrameLocator, Locator, Page, expect

from .conftest import BrowserLog, E2ESite

pytestmark = pytest.mark.e2e

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
STEP_TIMEOUT_MS = 15_000
# A trial click waits this long for the control to become reachable (scrolling included).
REACH_TIMEOUT_MS = 5_000

VIEWPORTS: dict[str, dict[str, Any]] = {
    "800x600": {"viewport": {"width": 800, "height": 600}},
    "390x844-phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}

CONTROLS = "button:visible:enabled, input:visible:enabled, select:visible:enabled"


@pytest.fixture(params=list(VIEWPORTS), ids=[f"chromium-{v}" for v in VIEWPORTS])
def sized_page(request: pytest.FixtureRequest, new_context: Callable[..., BrowserContext]) -> Page:
    options = VIEWPORTS[request.param]
    return new_context(**options).new_page()


def _entry(owner: Page | FrameLocator, type_: str, direction: str) -> Locator:
    return owner.locator(
        f'#event-log li[data-type="{type_}"][data-direction="{direction}"][data-status="accepted"]'
    )


def _assert_every_control_reachable(owner: Page | FrameLocator) -> int:
    """Trial-click every visible, enabled control; returns how many there were."""
    controls = owner.locator(CONTROLS)
    count = controls.count()
    assert count > 0
    for i in range(count):
        control = controls.nth(i)
        label = control.get_attribute("data-command") or control.get_attribute("id")
        label = label or control.get_attribute("name") or control.inner_text()
        try:
            control.click(trial=True, timeout=REACH_TIMEOUT_MS)
        except Exception as exc:  # Playwright's message names the element that covers it
            raise AssertionError(f"control {label!r} cannot be clicked: {exc}") from exc
    return count


def _assert_no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths[0]} px in {widths[1]}"


def test_demo_lobby_controls_are_reachable(
    sized_page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    page = sized_page
    game_url = e2e_site.game_url("demo_game/")
    page.goto(e2e_site.lobby_url(f"demo_lobby/?game={game_url}&seed=7"))
    game = page.frame_locator("#game-frame")
    expect(page.locator("#bridge-status")).to_have_text("connected", timeout=BOOT_TIMEOUT_MS)
    expect(game.locator("#spin")).to_be_enabled(timeout=BOOT_TIMEOUT_MS)

    assert _assert_every_control_reachable(page) >= 20
    assert _assert_every_control_reachable(game) >= 8
    _assert_no_sideways_scroll(page)

    # spin from the lobby: the game plays a round, its balance changes, the lobby hears it
    balance = game.locator("#balance")
    expect(balance).to_have_text("100.00")
    page.locator('#commands [data-command="spin"]').click()
    expect(_entry(game, "spin", "in")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    expect(_entry(page, "roundEnded", "in")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    expect(balance).not_to_have_text("100.00")

    # pause / resume are requests: the reply line shows the game's answer
    for command, reply in (("pause", "gamePaused"), ("resume", "gameResumed")):
        page.locator(f'#commands [data-command="{command}"]').click()
        expect(page.locator("#command-reply")).to_have_text(
            f"{command} \u2192 {reply}", timeout=STEP_TIMEOUT_MS
        )

    # a reality check: asked in the lobby, shown and answered in the game, answer in the lobby
    form = page.locator("#rc-form")
    form.locator('[name="elapsed"]').fill("61")
    form.locator('[data-command="realityCheck"]').click()
    dialog = game.locator("#reality-check")
    expect(dialog).to_be_visible(timeout=STEP_TIMEOUT_MS)
    dialog.locator('[data-action="continue"]').click()
    expect(page.locator("#rc-answer")).to_have_text("continue", timeout=STEP_TIMEOUT_MS)

    # the game's own spin, clicked inside its frame, still reaches the lobby
    expect(game.locator("#spin")).to_be_enabled(timeout=STEP_TIMEOUT_MS)
    game.locator("#spin").click()
    expect(_entry(page, "roundEnded", "in")).to_have_count(2, timeout=STEP_TIMEOUT_MS)
    _assert_no_sideways_scroll(page)
    browser_log.assert_no_errors()


def test_js_example_lobby_controls_are_reachable(
    sized_page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    page = sized_page
    page.goto(e2e_site.lobby_url(f"examples/js_lobby.html?game={e2e_site.game_origin}"))
    game = page.frame_locator("#game")
    expect(page.locator("#bridge-status")).to_have_text("connected", timeout=BOOT_TIMEOUT_MS)
    assert _assert_every_control_reachable(page) == 4
    _assert_no_sideways_scroll(page)

    page.locator("#spin").click()
    expect(_entry(game, "spin", "in")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    expect(_entry(page, "roundEnded", "in")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    for button, reply in (("#pause", "gamePaused"), ("#resume", "gameResumed")):
        page.locator(button).click()
        expect(page.locator("#last-reply")).to_have_text(reply, timeout=STEP_TIMEOUT_MS)
    page.locator("#reality-check").click()
    expect(_entry(page, "realityCheckAnswer", "in")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    browser_log.assert_no_errors()
