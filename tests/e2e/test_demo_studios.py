"""One lobby page, three studios: a RubyPlay-style game, a 155.io-style game and a hizi game
side by side, each on its own origin and each through its own bridge and dialect, deliver the
same typed events with money in the major unit (demo_lobby/studios.html)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import BrowserLog, E2ESite
from .test_demo import BOOT_TIMEOUT_MS, STEP_TIMEOUT_MS

pytestmark = pytest.mark.e2e

DIALECTS = ("rubyplay", "155io", "appendix_a")


@pytest.fixture(scope="module")
def game_origins(
    e2e_site: E2ESite, start_site_servers: Callable[[Iterable[Any]], list[Any]]
) -> dict[str, str]:
    """Three game origins (localhost on three ports), none of them the lobby's."""
    second, third = start_site_servers([("localhost", 0), ("localhost", 0)])
    origins = {"rubyplay": e2e_site.game_origin, "155io": second.origin, "appendix_a": third.origin}
    assert len({*origins.values(), e2e_site.lobby_origin}) == 4
    return origins


def _events(page: Page, dialect: str) -> list[dict[str, Any]]:
    return page.evaluate("(d) => window.studioEvents[d] || []", dialect)  # type: ignore[no-any-return]


@pytest.mark.parametrize("auto", [False, True], ids=["dialect-per-frame", "dialect-auto"])
def test_three_studios_deliver_the_same_typed_round_in_major_units(
    page: Page,
    e2e_site: E2ESite,
    game_origins: dict[str, str],
    browser_log: BrowserLog,
    auto: bool,
) -> None:
    query = "&".join(
        f"{'hizi' if d == 'appendix_a' else d}={game_origins[d]}/demo_game/" for d in DIALECTS
    )
    if auto:  # the lobby is not told which studio is where: each bridge picks
        query += "&auto=1"
    page.goto(e2e_site.lobby_url(f"demo_lobby/studios.html?{query}&seed=3"))
    frames = {d: page.frame_locator(f'.studio[data-dialect="{d}"] iframe') for d in DIALECTS}
    for dialect, frame in frames.items():
        expect(frame.locator("#spin")).to_be_enabled(timeout=BOOT_TIMEOUT_MS)
        status = page.locator(f'.studio[data-dialect="{dialect}"] .status')
        expect(status).to_have_attribute("data-status", "connected", timeout=STEP_TIMEOUT_MS)
    for frame in frames.values():
        frame.locator("#spin").click()
    for dialect in DIALECTS:
        page.wait_for_function(
            "(d) => (window.studioEvents[d] || []).some((m) => m.type === 'roundEnded')",
            arg=dialect,
            timeout=STEP_TIMEOUT_MS,
        )
    rounds = {
        d: [m for m in _events(page, d) if m["type"] in ("roundStarted", "roundEnded")]
        for d in DIALECTS
    }
    balances = {
        d: [m["data"] for m in _events(page, d) if m["type"] == "balance"] for d in DIALECTS
    }
    # The same seed, the same round: one set of figures in EUR, whatever the wire said.
    # RubyPlay's balances came as integer cents and arrive in euros, exactly.
    assert balances["rubyplay"] == balances["155io"] == balances["appendix_a"]
    assert balances["appendix_a"] and all(
        isinstance(b, int | float) for b in balances["appendix_a"]
    )
    wins = {d: [m["data"]["win"] for m in rounds[d] if m["type"] == "roundEnded"] for d in DIALECTS}
    assert wins["rubyplay"] == wins["155io"] == wins["appendix_a"]
    # Each studio says what its wire can carry: RubyPlay's round start has no balance (the
    # "not given" form), the others give the balance after the stake.
    started = {
        d: [m.get("data") for m in rounds[d] if m["type"] == "roundStarted"] for d in DIALECTS
    }
    assert started["rubyplay"] == [None]
    assert started["155io"] == started["appendix_a"] and started["appendix_a"][0] is not None
    # What only the studio's envelope said comes with the message.
    ruby = next(m for m in _events(page, "rubyplay") if m["type"] == "balance")
    assert ruby["dialect"] == {"dialect": "rubyplay", "sender": "hizi_sevens", "lang": "en"}
    assert (
        next(m for m in _events(page, "155io") if m["type"] == "balance")["dialect"]["dialect"]
        == "155io"
    )
    assert "dialect" not in next(m for m in _events(page, "appendix_a") if m["type"] == "balance")

    # One lobby command, three wire forms: every game re-sends its balance.
    before = {d: len(balances[d]) for d in DIALECTS}
    page.locator("#refresh-all").click()
    for dialect in DIALECTS:
        page.wait_for_function(
            "([d, n]) => window.studioEvents[d].filter((m) => m.type === 'balance').length > n",
            arg=[dialect, before[dialect]],
            timeout=STEP_TIMEOUT_MS,
        )
    # Nothing crossed between the frames: each bridge took only its own game's origin.
    stats = page.evaluate(
        "async () => Object.fromEntries(await Promise.all(Object.entries(window.studioBridges)"
        ".map(async ([d, b]) => [d, await b.stats()])))"
    )
    for dialect in DIALECTS:
        rejected = stats[dialect]["rejected"]
        assert rejected.get("origin", 0) == 0 and rejected.get("schema", 0) == 0, (
            dialect,
            rejected,
        )
    browser_log.assert_no_errors()
