"""A round through the demo in each dialect: the lobby selects it, the game launches in it,
and the lobby log shows the aggregator's wire form beside the typed message."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from .conftest import BrowserLog, E2ESite
from .test_demo import BOOT_TIMEOUT_MS, STEP_TIMEOUT_MS, _entry

pytestmark = pytest.mark.e2e


def test_gamesglobal_round_through_the_demo(
    page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    game_url = e2e_site.game_url("demo_game/")
    page.goto(e2e_site.lobby_url(f"demo_lobby/?game={game_url}&seed=3&dialect=gamesglobal"))
    game = page.frame_locator("#game-frame")
    expect(page.locator("#dialect")).to_have_value("gamesglobal", timeout=BOOT_TIMEOUT_MS)
    # No hizi-bridge handshake with an aggregator: the lobby waits for BRIDGE_API_READY.
    ready = _entry(page, "gameReady", "in")
    expect(ready).to_have_count(1, timeout=BOOT_TIMEOUT_MS)
    wire = ready.locator(".wire").text_content() or ""
    envelope = json.loads(wire.removeprefix("wire "))
    assert envelope["Name"] == "bridge_api_ready"
    assert envelope["Type"] == "NOTIFICATION" and envelope["Origin"] == "embeddedgame"

    expect(game.locator("#spin")).to_be_enabled(timeout=BOOT_TIMEOUT_MS)
    game.locator("#spin").click()
    # The player's action reaches the lobby as PLAYER_ACTIVITY ...
    expect(_entry(page, "playerActivity", "in").first).to_be_attached(timeout=STEP_TIMEOUT_MS)
    # ... while round events, which the Bridge API cannot carry, are refused at the game with
    # a typed reason instead of vanishing.
    refused = _entry(game, "roundStarted", "out", "rejected")
    expect(refused.first).to_be_attached(timeout=STEP_TIMEOUT_MS)
    expect(_entry(page, "roundStarted", "in")).to_have_count(0)
    # A lobby command has no Bridge API form either: the lobby says so.
    page.locator('[data-command="pause"]').click()
    expect(_entry(page, "pause", "out", "rejected")).to_have_count(1)
    expect(page.locator("#command-reply")).to_contain_text("GamesGlobal")
    assert page.locator('#event-log li[data-status="rejected"][data-direction="in"]').count() == 0
    browser_log.assert_no_errors()


def test_switching_the_dialect_reloads_lobby_and_game(
    page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    game_url = e2e_site.game_url("demo_game/")
    page.goto(e2e_site.lobby_url(f"demo_lobby/?game={game_url}&seed=3"))
    expect(page.locator("#bridge-mode")).to_have_text("bridge", timeout=BOOT_TIMEOUT_MS)
    page.locator("#dialect").select_option("gamesglobal")
    page.wait_for_url("**dialect=gamesglobal**")
    expect(_entry(page, "gameReady", "in")).to_have_count(1, timeout=BOOT_TIMEOUT_MS)
    assert "dialect=gamesglobal" in (page.locator("#game-frame").get_attribute("src") or "")
    expect(page.locator("#bridge-mode")).to_have_text("compat")
    browser_log.assert_no_errors()


@pytest.mark.parametrize(
    ("dialect", "balance_wire"),
    [("rubyplay", "rp.g2w.balanceUpdate"), ("155io", "balance-updated")],
)
def test_studio_dialect_round_through_the_demo(
    page: Page, e2e_site: E2ESite, browser_log: BrowserLog, dialect: str, balance_wire: str
) -> None:
    game_url = e2e_site.game_url("demo_game/")
    page.goto(e2e_site.lobby_url(f"demo_lobby/?game={game_url}&seed=3&dialect={dialect}"))
    game = page.frame_locator("#game-frame")
    expect(page.locator("#dialect")).to_have_value(dialect, timeout=BOOT_TIMEOUT_MS)
    expect(game.locator("#spin")).to_be_enabled(timeout=BOOT_TIMEOUT_MS)
    game.locator("#spin").click()
    expect(_entry(page, "roundEnded", "in").first).to_be_attached(timeout=STEP_TIMEOUT_MS)
    # The balance arrives typed in EUR; the log shows the studio's own form beside it.
    entry = _entry(page, "balance", "in").first
    wire = json.loads((entry.locator(".wire").text_content() or "").removeprefix("wire "))
    assert wire["type"] == balance_wire
    if dialect == "rubyplay":  # integer cents on the wire
        assert isinstance(wire["data"]["balance"], int) and wire["sender"] == "hizi_sevens"
    # What the studio's wire cannot carry is refused at the game with a typed reason.
    expect(_entry(game, "loadProgress", "out", "rejected").first).to_be_attached()
    assert page.locator('#event-log li[data-status="rejected"][data-direction="in"]').count() == 0
    browser_log.assert_no_errors()
