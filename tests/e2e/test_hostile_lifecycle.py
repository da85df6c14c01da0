"""Hostile environment, part 2: boot races, reloads and a strict Content-Security-Policy.

The JS example pages are served here with the strict policy an operator would use
(``CSP_STRICT``: no inline script, no eval; frame-src / frame-ancestors pinned to the peer),
so every race and reload below also proves they run under it. The PyScript demo pair gets
the same policy plus ``'unsafe-eval'``, which PyScript needs (polyscript compiles its hooks
with ``Function()``). Page scripts never use eval, so Playwright predicates here are
functions (a string predicate is eval'd in the page and would be refused by the CSP).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Generator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page

from .conftest import FIGURES, BrowserLog, HostileSite, instrumented_context
from .hostile import (
    INIT_SCRIPT,
    RECORD_DELIVERIES,
    STATUS_IS,
    delivered,
    frame_by_url,
    stats,
    wait_until,
)

pytestmark = pytest.mark.e2e

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
CSP_STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
CSP_PYSCRIPT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'"
FAST_RELOADS = 20
LOG_IN = """() => [...document.querySelectorAll('#event-log li')]
    .filter(li => li.dataset.direction === 'in' && li.dataset.status === 'accepted')
    .map(li => li.dataset.type)"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class CspPair:
    lobby: str
    game: str


def _csp_pair(start: Any, base: str) -> CspPair:
    lobby_port, game_port = _free_port(), _free_port()
    lobby, game = f"http://127.0.0.1:{lobby_port}", f"http://localhost:{game_port}"
    lobby_csp = {"Content-Security-Policy": f"{base}; frame-src {game}"}
    game_csp = {"Content-Security-Policy": f"{base}; frame-ancestors {lobby}"}
    start([("127.0.0.1", lobby_port, lobby_csp), ("localhost", game_port, game_csp)])
    return CspPair(lobby, game)


@pytest.fixture(scope="module")
def csp(hostile_site: HostileSite, start_site_servers: Any, build_module: ModuleType) -> CspPair:
    return _csp_pair(start_site_servers, CSP_STRICT)


@pytest.fixture(scope="module")
def life_context(browser: Browser) -> Generator[tuple[BrowserContext, BrowserLog], None, None]:
    yield from instrumented_context(browser, INIT_SCRIPT)


def _log_in(target: Page | Frame) -> list[str]:
    return list(target.evaluate(LOG_IN))


def _csp_violations(log: BrowserLog) -> list[str]:
    return [e for e in log.errors() if "Content Security Policy" in e]


# ------------------------------------------------------------------------------ 5 races


@pytest.fixture(scope="module")
def late_lobby(life_context: tuple[BrowserContext, BrowserLog], csp: CspPair) -> tuple[Page, Frame]:
    """The game boots first, gives up waiting after 300 ms and talks plain Appendix A on the
    window; the lobby's Python starts only once its early buffer holds the game's hello and
    three window messages, and replays them."""
    context, _ = life_context
    page = context.new_page()
    page.goto(
        f"{csp.lobby}/examples/js_lobby.html?game={csp.game}"
        "&lobbyBootAfterEvents=4&handshakeTimeoutMs=300"
    )
    page.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
    game = frame_by_url(page, "js_game.html")
    game.wait_for_function("() => window.bridge && bridge.mode === 'bridge'", timeout=30_000)
    return page, game


def test_game_talks_before_the_lobby_is_up(
    late_lobby: tuple[Page, Frame], life_context: tuple[BrowserContext, BrowserLog]
) -> None:
    page, game = late_lobby
    # The game really fell back to compat first: its first messages went on the window.
    game_out = game.evaluate(
        """() => [...document.querySelectorAll('#event-log li')]
            .filter(li => li.dataset.direction === 'out').map(li => li.dataset.via)"""
    )
    assert "window" in game_out[1:], game_out
    assert page.evaluate("bridge.mode") == "bridge"
    assert stats(page)["early_replayed"] >= 2
    # Nothing lost, nothing doubled, in order.
    wait_until(lambda: len(_log_in(page)) >= 3)
    assert _log_in(page) == ["onAppFrameReady", "loadProgress", "gameReady"]
    page.evaluate(RECORD_DELIVERIES)
    page.evaluate("bridge.spin()")
    wait_until(lambda: len(delivered(page)) >= 2)
    page.wait_for_timeout(200)
    assert [m["type"] for m in delivered(page)] == ["roundStarted", "roundEnded"]
    assert _csp_violations(life_context[1]) == []
    FIGURES["race: game first (compat, then upgraded)"] = "3 early messages delivered once"


def test_lobby_talks_before_the_game_is_up_then_closes_with_a_request_pending(
    life_context: tuple[BrowserContext, BrowserLog], csp: CspPair
) -> None:
    context, log = life_context
    page = context.new_page()
    page.goto(f"{csp.lobby}/examples/js_lobby.html?game={csp.game}&bootDelayMs=2500")
    page.wait_for_function("() => window.bridge !== undefined", timeout=BOOT_TIMEOUT_MS)
    answer = page.evaluate(
        """(rc) => {
            window.early = bridge.realityCheck(rc);
            bridge.spin(); bridge.spin(); bridge.spin();
            return bridge.status;
        }""",
        {
            "elapsedSeconds": 60,
            "totalStaked": 1,
            "totalWon": 0,
            "netResult": -1,
            "currency": "EUR",
        },
    )
    assert answer in ("booting", "handshaking")
    assert page.evaluate("early.then(a => a.data.choice)") == "continue"
    game = frame_by_url(page, "js_game.html")
    wait_until(lambda: _log_in(game).count("spin") >= 3)
    page.wait_for_timeout(200)
    assert [t for t in _log_in(game) if t in ("spin", "realityCheck")] == [
        "realityCheck",
        "spin",
        "spin",
        "spin",
    ]
    # Close while a request is pending: a typed error at once, not a hang.
    code = page.evaluate(
        """() => {
            const pending = bridge.request("pause", undefined, { timeoutMs: 60000 })
                .then(() => "resolved", (err) => err.code);
            bridge.close();
            return pending;
        }"""
    )
    assert code == "cancelled"
    game.wait_for_function(STATUS_IS, arg="handshaking")
    assert _csp_violations(log) == []
    page.close()


# ------------------------------------------------------------------------------ 6 reloads


def test_game_reloads_and_navigates_mid_session(
    late_lobby: tuple[Page, Frame], life_context: tuple[BrowserContext, BrowserLog], csp: CspPair
) -> None:
    page, _ = late_lobby
    page.evaluate(RECORD_DELIVERIES)
    listeners = page.evaluate("__messageListeners")
    live = page.evaluate("bridge.liveResources()")
    handshakes = stats(page)["handshakes"]
    targets = [
        None,  # location.reload()
        f"{csp.game}/examples/js_game.html?lobby={csp.lobby}&rc=quit",  # another game page
    ]
    for i, target in enumerate(targets):
        n = len(delivered(page))
        # The game leaves this one unanswered: it is pending when the page goes away.
        frame_by_url(page, "js_game.html").evaluate("() => { window.answering = false; }")
        pending = page.evaluate(
            """() => { window.pendingCode = bridge.request("pause", undefined, { timeoutMs: 60000 })
                .then(() => "resolved", (err) => err.code); }"""
        )
        assert pending is None
        if target is None:
            frame_by_url(page, "js_game.html").evaluate("() => location.reload()")
        else:
            page.evaluate("(url) => { document.getElementById('game').src = url; }", target)
        assert page.evaluate("pendingCode") == "cancelled"  # when the new game said hello
        wait_until(lambda n=n: len(delivered(page)) >= n + 3, 60, "the new game's messages")
        game = frame_by_url(page, "rc=quit" if target else "js_game.html")
        game.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
        page.evaluate("bridge.spin()")
        wait_until(lambda n=n: len(delivered(page)) >= n + 5)
        page.wait_for_timeout(200)
        types = [m["type"] for m in delivered(page)[n:]]
        assert types == [
            "onAppFrameReady",
            "loadProgress",
            "gameReady",
            "roundStarted",
            "roundEnded",
        ], (i, types)
        assert stats(page)["handshakes"] == handshakes + i + 1
    assert page.evaluate("__messageListeners") == listeners
    assert page.evaluate("bridge.liveResources()") == live
    FIGURES["reloads with a hizi-bridge game (re-handshake, pending request cancelled)"] = 2


def test_twenty_fast_reloads_leak_nothing(
    life_context: tuple[BrowserContext, BrowserLog], hostile_site: HostileSite
) -> None:
    """A plain Appendix A game reloads 20 times under a compat lobby: no listener, timer or
    proxy accumulates in the lobby, each load's messages arrive exactly once. (Served without
    CSP: the plain game is a bare page with an inline script.)"""
    context, log = life_context
    site = hostile_site.site
    page = context.new_page()
    page.goto(
        site.lobby_url(
            f"examples/js_lobby.html?game={site.game_origin}&gamePath=/examples/plain_game.html"
        )
    )
    page.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
    wait_until(lambda: _log_in(page) == ["onAppFrameReady", "gameReady"])
    page.evaluate(RECORD_DELIVERIES)
    listeners = page.evaluate("__messageListeners")
    live = page.evaluate("bridge.liveResources()")
    for i in range(FAST_RELOADS):
        frame_by_url(page, "plain_game.html").evaluate("() => location.reload()")
        wait_until(lambda i=i: len(delivered(page)) >= 2 * (i + 1), 30, f"reload {i}")
    page.wait_for_timeout(200)
    assert [m["type"] for m in delivered(page)] == ["onAppFrameReady", "gameReady"] * FAST_RELOADS
    assert page.evaluate("__messageListeners") == listeners
    assert page.evaluate("bridge.liveResources()") == live
    assert stats(page)["rejected_total"] == 0
    assert _csp_violations(log) == []
    FIGURES["fast reloads without a leak (listeners, timers, proxies)"] = FAST_RELOADS
    FIGURES["listeners in the lobby before/after reloads"] = (
        f"{listeners} / {page.evaluate('__messageListeners')}"
    )
    page.close()


# ------------------------------------------------------------------------------ 7 CSP demo


def test_demo_pages_run_under_the_pyscript_csp(
    life_context: tuple[BrowserContext, BrowserLog],
    hostile_site: HostileSite,
    start_site_servers: Any,
) -> None:
    context, log = life_context
    pair = _csp_pair(start_site_servers, CSP_PYSCRIPT)
    page = context.new_page()
    page.goto(f"{pair.lobby}/demo_lobby/?game={pair.game}/demo_game/&seed=7")
    page.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
    game = frame_by_url(page, "demo_game")
    game.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
    game.wait_for_function("() => !document.getElementById('spin').disabled", timeout=30_000)
    game.click("#spin")
    page.wait_for_function(
        """() => document.querySelectorAll(
            '#event-log li[data-type="roundEnded"][data-direction="in"]').length === 1""",
        timeout=30_000,
    )
    violations = _csp_violations(log)
    assert violations == [], violations
    FIGURES["CSP (JS API pages)"] = CSP_STRICT + "; frame-src|frame-ancestors <peer>"
    FIGURES["CSP (PyScript pages)"] = CSP_PYSCRIPT + "; frame-src|frame-ancestors <peer>"
    page.close()
