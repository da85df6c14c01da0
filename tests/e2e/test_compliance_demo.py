"""Issue #12 in real Chromium: the demo lobby's reality check runs from the game settings and
waits for the round in progress; a plain game's loose Appendix A forms are accepted and counted.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from .conftest import BrowserLog, E2ESite
from .test_demo import BOOT_TIMEOUT_MS, STEP_TIMEOUT_MS, _entry

pytestmark = pytest.mark.e2e

# The settings panel's fields (seconds, as a person types them), pre-filled from ?settings=.
# The check falls due 4 s after gameReady; a round lasts at least 10 s (Appendix C's
# minSpinTime, honoured by the demo game), so a round started at once is still running.
PANEL = {
    "rcEnabled": True,
    "rcInterval": "4",
    "rcDisplayWinLoss": False,
    "turboEnabled": False,
    "minSpinTime": "10",
}


def _log_types(page: Page) -> list[str]:
    """The lobby log's lines oldest first, as ``direction:type``."""
    items = page.eval_on_selector_all(
        "#event-log li", "els => els.map(e => e.dataset.direction + ':' + e.dataset.type)"
    )
    return list(reversed(items))


def test_reality_check_from_settings_waits_for_the_round(
    page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    game_url = e2e_site.game_url("demo_game/")
    settings = quote(json.dumps(PANEL))
    page.goto(e2e_site.lobby_url(f"demo_lobby/?game={game_url}&seed=7&settings={settings}"))
    game = page.frame_locator("#game-frame")
    expect(game.locator("#spin")).to_be_enabled(timeout=BOOT_TIMEOUT_MS)

    # The game got the settings through its launch URL and honours them.
    src = page.locator("#game-frame").get_attribute("src") or ""
    assert "mode=DEMO" in src and "currency=EUR" in src and "settings=" in src
    expect(game.locator("#turbo")).to_be_disabled()

    # Start a long round at once; the check falls due during it and must wait.
    game.locator("#spin").click()
    expect(page.locator("#rc-next")).to_have_attribute("data-state", "due", timeout=STEP_TIMEOUT_MS)
    expect(game.locator("#spin")).to_be_disabled()  # the round is still running
    assert _entry(page, "realityCheck", "out").count() == 0
    assert _entry(page, "roundEnded", "in").count() == 0

    # When the round ends, the check goes out: after roundEnded, never before.
    expect(_entry(page, "realityCheck", "out")).to_have_count(1, timeout=2 * STEP_TIMEOUT_MS)
    order = _log_types(page)
    assert order.index("in:roundEnded") < order.index("out:realityCheck"), order
    assert order.count("in:roundStarted") == 1

    # rcDisplayWinLoss is false: the check carries the time only, and the game shows no figures.
    dialog = game.locator("#reality-check")
    expect(dialog).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(game.locator("#rc-figures")).to_be_hidden()
    expect(game.locator("#rc-elapsed")).not_to_be_empty()
    data = _entry(game, "realityCheck", "in").locator(".data").text_content() or "{}"
    figures = json.loads(data)
    assert "netResult" not in figures and "totalStaked" not in figures
    assert figures["rounds"] == 1 and figures["currency"] == "EUR"
    # The clock is held while the dialog is open.
    expect(page.locator("#rc-next")).to_have_attribute("data-state", "showing")

    dialog.locator('[data-action="continue"]').click()
    expect(page.locator("#rc-answer")).to_have_text("continue", timeout=STEP_TIMEOUT_MS)
    expect(page.locator("#rc-next")).to_have_attribute("data-state", "counting")
    expect(page.locator("#session-rounds")).to_have_text("1")

    # The settings panel: a bad value is refused naming the setting; a good one relaunches.
    panel = page.locator("#settings-form")
    panel.locator('[name="rcInterval"]').fill("0.5")
    panel.locator("#settings-apply").click()
    expect(page.locator("#settings-status")).to_contain_text("rcInterval:")
    assert page.locator("#game-frame").get_attribute("src") == src  # no relaunch
    panel.locator('[name="rcInterval"]').fill("600")
    panel.locator('[name="turboEnabled"]').check()
    panel.locator("#settings-apply").click()
    expect(page.locator("#settings-status")).to_contain_text("applied")
    expect(_entry(page, "gameReady", "in")).to_have_count(2, timeout=BOOT_TIMEOUT_MS)
    assert "turboEnabled" not in (page.locator("#game-frame").get_attribute("src") or "")
    expect(game.locator("#turbo")).to_be_enabled(timeout=STEP_TIMEOUT_MS)
    expect(page.locator("#session-rounds")).to_have_text("0")  # a new session
    assert not page.locator('#event-log li[data-status="rejected"]').count()
    browser_log.assert_no_errors()


def test_bad_settings_in_the_link_are_shown_and_the_lobby_starts_with_defaults(
    page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    game_url = e2e_site.game_url("demo_game/")
    settings = quote(json.dumps({"rcEnabled": True, "rcInterval": "0.1"}))
    page.goto(e2e_site.lobby_url(f"demo_lobby/?game={game_url}&seed=7&settings={settings}"))
    expect(page.locator("#bridge-status")).to_have_attribute(
        "data-status", "connected", timeout=BOOT_TIMEOUT_MS
    )
    status = page.locator("#settings-status")
    expect(status).to_contain_text("rcInterval: must be at least 1 s")
    expect(status).to_contain_text("default settings")
    expect(status).to_have_attribute("data-kind", "error")
    assert "settings=" not in (page.locator("#game-frame").get_attribute("src") or "")
    browser_log.assert_no_errors()


def test_a_plain_game_loose_forms_are_accepted_and_counted(
    page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    game_url = e2e_site.game_url("examples/plain_loose_game.html")
    page.goto(e2e_site.lobby_url(f"demo_lobby/?game={game_url}"))
    expect(page.locator("#bridge-status")).to_have_text("connected", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("#bridge-mode")).to_have_text("compat")
    expect(_entry(page, "gameReady", "in")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    page.locator('#commands [data-command="spin"]').click()
    expect(_entry(page, "audioToggle", "in")).to_have_count(1, timeout=STEP_TIMEOUT_MS)

    normalised = page.locator("#event-log li[data-normalised]")
    expect(normalised).to_have_count(5)
    kinds = sorted(
        normalised.evaluate_all("els => els.map(e => e.dataset.type + ':' + e.dataset.normalised)")
    )
    assert kinds == [
        "audioToggle:data_absent",
        "balance:numeric_string",
        "balance:numeric_string",
        "roundStarted:data_absent",
        "roundStarted:numeric_string",
    ]
    expect(page.locator('#stats [data-stat="normalised"] dd')).to_have_text("5")
    # Accepted, none refused: the session figures follow the normalised messages.
    assert not page.locator('#event-log li[data-status="rejected"]').count()
    expect(page.locator("#session-rounds")).to_have_text("2")
    expect(page.locator("#game-balance")).to_have_text("97.50")
    browser_log.assert_no_errors()


def test_the_demo_game_refuses_a_lobby_not_on_its_list(
    page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    """``?lobby=`` is checked against the studio's allow-list before the game talks to it."""
    posts: list[str] = []
    page.on("console", lambda msg: posts.append(msg.text) if "postMessage" in msg.text else None)
    page.goto(e2e_site.game_url("demo_game/?mode=REAL&lobby=https%3A%2F%2Fevil.example"))
    expect(page.locator("#launch-error")).to_be_visible(timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("#launch-error")).to_contain_text("lobby: not an allowed lobby origin")
    expect(page.locator("#bridge-status")).to_have_text("refused")
    expect(page.locator("#spin")).to_be_disabled()
    # Had the game trusted the parameter, its hello to window.parent (itself, at top level)
    # would have made Chromium log a postMessage target-origin mismatch for evil.example.
    assert posts == []
    browser_log.assert_no_errors()
