"""Compliance from the JS API in real Chromium: a JS lobby (examples/js_lobby.html) with the
``compliance`` option embeds examples/js_game.html; the engine (Python, in the lobby's worker)
runs the reality check on a short interval, holds it while a round is open, sends it at
``roundEnded``, and reports the actions, the answer's too, to ``onCompliance``. Also the named
helpers of the catalog's extensions, and ``pause()`` as a request, over the same pair.
"""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest
from playwright.sync_api import Frame, Page

from .conftest import BrowserLog, E2ESite
from .test_js_api import BOOT_TIMEOUT_MS, STATUS_IS, _game_frame

pytestmark = pytest.mark.e2e

HISTORY = "https://casino.example.com/history"
RC_INTERVAL_MS = 4000
COMPLIANCE = {
    "settings": {"rcEnabled": True, "rcInterval": RC_INTERVAL_MS, "historyURL": HISTORY},
    "currency": "EUR",
}
ORDER_JS = """() => [...document.querySelectorAll('#event-log li')]
    .map(li => li.dataset.direction + ':' + li.dataset.type)"""


def _open(page: Page, site: E2ESite) -> Frame:
    # rc=history: the game answers the reality check with "history".
    query = f"game={site.game_origin}&rc=history&compliance={quote(json.dumps(COMPLIANCE))}"
    page.goto(site.lobby_url(f"examples/js_lobby.html?{query}"))
    page.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
    game = _game_frame(page, "js_game.html")
    game.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
    return game


def _order(target: Page | Frame) -> list[str]:
    """The example log's lines, oldest first (example_log.js appends)."""
    return list(target.evaluate(ORDER_JS))


def test_reality_check_waits_for_the_round_and_the_answer_reaches_on_compliance(
    page: Page, e2e_site: E2ESite, browser_log: BrowserLog
) -> None:
    game = _open(page, e2e_site)
    # The compliance option imported compliance at creation, in the lobby's runtime only.
    later = page.evaluate("async () => (await bridge.stats()).later_modules_loaded")
    assert {"bridge.compliance", "bridge.browser.supervision"} <= set(later), later
    later = game.evaluate("async () => (await bridge.stats()).later_modules_loaded")
    assert not {"bridge.compliance", "bridge.browser.supervision"} & set(later), later
    # A round starts at once (the session began at gameReady, just now) and stays open.
    game.evaluate("() => bridge.roundStarted(99)")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#event-log li')].some(li =>"
        " li.dataset.type === 'roundStarted' && li.dataset.direction === 'in')",
        timeout=10_000,
    )
    t_round = time.monotonic()
    # The check falls due inside the round: nothing may be sent while it is open.
    page.wait_for_timeout(RC_INTERVAL_MS + 1500)
    assert page.evaluate("() => complianceActions") == []
    assert "out:realityCheck" not in _order(page)

    game.evaluate("() => bridge.roundEnded({ stake: 1, win: 0.5, balance: 99.5 })")
    page.wait_for_function("() => complianceActions.length >= 2", timeout=10_000)
    assert time.monotonic() - t_round > RC_INTERVAL_MS / 1000
    check, history = page.evaluate("() => complianceActions")
    assert check["kind"] == "realityCheck"
    data = check["data"]
    assert (data["rounds"], data["totalStaked"], data["totalWon"], data["netResult"]) == (
        1, 1, 0.5, -0.5
    )  # fmt: skip
    assert data["currency"] == "EUR" and data["historyUrl"] == HISTORY
    assert data["elapsedSeconds"] >= RC_INTERVAL_MS / 1000
    # The player's answer ("history") came back and the supervisor acted on it.
    assert history == {"kind": "openHistory", "url": HISTORY}

    order = _order(page)
    assert order.index("in:roundEnded") < order.index("out:realityCheck"), order
    assert order.index("out:realityCheck") < order.index("in:realityCheckAnswer"), order
    assert order.count("out:realityCheck") == 1
    # The game got the check the engine sent, with the session's figures.
    game.wait_for_function(
        "() => [...document.querySelectorAll('#event-log li')].some(li =>"
        " li.dataset.type === 'realityCheck' && li.dataset.direction === 'in')",
        timeout=10_000,
    )

    # Named helpers of the extensions, both ways, and pause() as a request.
    game.evaluate(
        """() => { window.__got = [];
            for (const t of ["setStake", "toggleTurbo", "showError", "freeRounds", "continue"])
              bridge.on(t, (m) => window.__got.push(m)); }"""
    )
    page.evaluate(
        """async () => {
            await bridge.setStake(2);
            await bridge.toggleTurbo();
            await bridge.showError("session expired", { canContinue: false });
            await bridge.freeRounds({ roundsLeft: 3, roundsTotal: 10, stake: 0.2,
                                      wonSoFar: 1.5, currency: "EUR" });
            await bridge.continue();
        }"""
    )
    game.wait_for_function("() => window.__got.length === 5", timeout=10_000)
    got = game.evaluate("() => window.__got")
    assert [m["type"] for m in got] == [
        "setStake", "toggleTurbo", "showError", "freeRounds", "continue"
    ]  # fmt: skip
    assert got[0]["data"] == {"stake": 2}
    assert got[2]["data"] == {"message": "session expired", "canContinue": False}

    paused = page.evaluate("() => bridge.pause().then((m) => m)")
    assert paused == {"type": "gamePaused"}  # the request resolves to the game's reply
    resumed = page.evaluate("() => bridge.resume()")
    assert resumed == {"type": "gameResumed"}

    page.evaluate(
        """() => { window.__fromGame = [];
            for (const t of ["stakeChanged", "freeRoundsFinished"])
              bridge.on(t, (m) => window.__fromGame.push(m)); }"""
    )
    game.evaluate(
        """async () => { await bridge.stakeChanged(2, "EUR");
            await bridge.freeRoundsFinished(3.4, { rounds: 10 }); }"""
    )
    page.wait_for_function("() => window.__fromGame.length === 2", timeout=10_000)
    assert page.evaluate("() => window.__fromGame") == [
        {"type": "stakeChanged", "data": {"stake": 2, "currency": "EUR"}},
        {"type": "freeRoundsFinished", "data": {"won": 3.4, "rounds": 10}},
    ]

    # Settings errors reject lobby() with invalid_config naming the setting.
    error = page.evaluate(
        """() => HiziBridge.lobby({ iframe: document.getElementById("game"),
              gameOrigin: location.origin,
              compliance: { settings: { rcEnabled: true }, currency: "EUR" } })
            .then(() => null, (e) => ({ code: e.code, field: e.field, message: e.message }))"""
    )
    assert error is not None and error["code"] == "invalid_config"
    assert error["field"] == "compliance.settings.rcInterval"
    assert "rcInterval" in error["message"]
    browser_log.assert_no_errors()
