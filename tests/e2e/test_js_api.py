"""The JavaScript API (one script tag, ``HiziBridge``) in real Chromium, two origins.

One lobby + game pair (examples/js_lobby.html embedding examples/js_game.html) is booted
once for the module and shared by the tests that talk over it; the close test runs last
on it. Plain Appendix A peers (a few lines of raw postMessage) get their own pages.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page

from .conftest import LISTENER_COUNTER, ROOT, BrowserLog, E2ESite, instrumented_context

pytestmark = pytest.mark.e2e

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
REPORT = ROOT / "build" / "reports" / "js_api.json"

# Runs in every frame before any page script: counts live listeners (LISTENER_COUNTER)
# and records the targetOrigin of every same-realm window.postMessage.
# (A cross-origin WindowProxy's postMessage cannot be wrapped from either side; the
# adapter's own record of target origins, stats().target_origins, covers those posts.)
INIT_SCRIPT = (
    r"""
(() => {
"""
    + LISTENER_COUNTER
    + r"""
  window.__postTargets = [];
  const post = window.postMessage;
  window.postMessage = function (message, target) {
    const origin = typeof target === "string" ? target : (target && target.targetOrigin) || "/";
    window.__postTargets.push(origin);
    return post.apply(this, arguments);
  };
})();
"""
)

STATUS_IS = "s => document.getElementById('bridge-status').textContent === s"
LOG_JS = """() => [...document.querySelectorAll('#event-log li')].map(li => ({
    type: li.dataset.type, direction: li.dataset.direction,
    status: li.dataset.status, via: li.dataset.via }))"""
RC_DATA = {
    "elapsedSeconds": 3600,
    "totalStaked": 120,
    "totalWon": 95.5,
    "netResult": -24.5,
    "currency": "EUR",
}


def _record(data: dict[str, Any]) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report.update(data)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")


def _log(target: Page | Frame) -> list[dict[str, str]]:
    return list(target.evaluate(LOG_JS))


def _has(
    target: Page | Frame, type_: str, direction: str, status: str = "accepted", via: str = ""
) -> bool:
    return any(
        e["type"] == type_
        and e["direction"] == direction
        and e["status"] == status
        and (not via or e["via"] == via)
        for e in _log(target)
    )


def _wait_log(
    target: Page | Frame, type_: str, direction: str, status: str = "accepted", via: str = ""
) -> None:
    target.wait_for_function(
        """([t, d, s, v]) => [...document.querySelectorAll('#event-log li')].some(li =>
            li.dataset.type === t && li.dataset.direction === d && li.dataset.status === s
            && (!v || li.dataset.via === v))""",
        arg=[type_, direction, status, via],
        timeout=10_000,
    )


def _game_frame(page: Page, path_part: str) -> Frame:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame.parent_frame is not None and path_part in frame.url:
                return frame
        page.wait_for_timeout(50)
    raise AssertionError(f"no frame with {path_part!r} in its URL")


def _stats(target: Page | Frame) -> dict[str, Any]:
    return dict(target.evaluate("() => bridge.stats()"))


@pytest.fixture(scope="module")
def js_context(browser: Browser) -> Generator[tuple[BrowserContext, BrowserLog], None, None]:
    yield from instrumented_context(browser, INIT_SCRIPT)


@dataclass
class Pair:
    page: Page
    game: Frame
    site: E2ESite
    log: BrowserLog
    boot_s: float


@pytest.fixture(scope="module")
def pair(js_context: tuple[BrowserContext, BrowserLog], e2e_site: E2ESite) -> Pair:
    context, log = js_context
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(e2e_site.lobby_url(f"examples/js_lobby.html?game={e2e_site.game_origin}"))
    page.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
    game = _game_frame(page, "js_game.html")
    game.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
    boot_s = time.perf_counter() - t0
    _record({"boot_to_connected_s": round(boot_s, 2)})
    print(f"\n[js_api] page load to both connected: {boot_s:.2f} s")
    return Pair(page, game, e2e_site, log, boot_s)


# ------------------------------------------------------------------------------ bridge mode


def test_handshake_reaches_bridge_mode_over_a_message_port(pair: Pair) -> None:
    lobby, game = pair.page, pair.game
    assert lobby.evaluate("bridge.mode") == "bridge"
    assert game.evaluate("bridge.mode") == "bridge"
    assert _has(lobby, "hiziBridge.hello", "out", via="window")
    assert _has(lobby, "hiziBridge.welcome", "out", via="window")
    assert _has(game, "hiziBridge.hello", "out", via="window")
    lobby_stats, game_stats = _stats(lobby), _stats(game)
    assert lobby_stats["handshakes"] == 1
    assert lobby_stats["rejected_total"] == 0 and game_stats["rejected_total"] == 0
    # Exactly the peer's origin as targetOrigin, never "*".
    assert lobby_stats["target_origins"] == [pair.site.game_origin]
    assert game_stats["target_origins"] == [pair.site.lobby_origin]
    # Of what a boot leaves for after connected (bridge.later), the runtime imported the
    # journal alone: the example pages ask for journal entries (onJournal); no compliance, no
    # dialect but Appendix A's.
    assert lobby_stats["later_modules_loaded"] == ["bridge.core.journal"]
    assert game_stats["later_modules_loaded"] == ["bridge.core.journal"]
    # The validators the boot left unbuilt (bridge.core.validators) are built in the
    # engine's idle tasks: none is left a little after connected.
    for frame in (lobby, game):
        frame.wait_for_function(
            "async () => (await bridge.stats()).validators_unbuilt === 0", timeout=15_000
        )
    live = lobby.evaluate("bridge.liveResources()")
    assert live == {
        "window_listeners": 1,
        "port_listeners": 1,
        "load_listeners": 1,
        "timers": 0,
        "proxies": 1,
    }
    # The runtime is a worker: the page holds no MessagePort listener (the port was
    # transferred into the worker), and the early buffer gave the game's events to the bridge.
    assert lobby.evaluate("bridge.stats()")["runtime"] == "worker"
    assert lobby.evaluate("__messageListeners.port") == 0
    assert lobby.evaluate("__hiziBridgeEarly.events.length") == 0


def test_calls_made_right_after_open_arrive_in_order(pair: Pair) -> None:
    for type_ in ("onAppFrameReady", "loadProgress", "gameReady"):
        _wait_log(pair.page, type_, "in", via="port")
    entries = [e["type"] for e in _log(pair.page) if e["direction"] == "in"]
    assert entries[:3] == ["onAppFrameReady", "loadProgress", "gameReady"]


def test_events_flow_both_ways(pair: Pair) -> None:
    lobby, game = pair.page, pair.game
    lobby.evaluate("bridge.turbo(true); bridge.spin()")
    _wait_log(game, "turbo", "in", via="port")
    _wait_log(game, "spin", "in", via="port")
    _wait_log(lobby, "roundStarted", "in", via="port")
    _wait_log(lobby, "roundEnded", "in", via="port")
    # A handler receives the plain {type, data} wire object.
    # (A function body: a bare expression that yields a function would be called by evaluate.)
    lobby.evaluate("() => { window.balances = []; bridge.on('balance', (m) => balances.push(m)); }")
    game.evaluate("bridge.balance(101.5); bridge.audioToggle(true)")
    lobby.wait_for_function("balances.length === 1")
    assert lobby.evaluate("balances") == [{"type": "balance", "data": 101.5}]
    _wait_log(lobby, "audioToggle", "in", via="port")


def test_reality_check_request_is_answered_by_the_game(pair: Pair) -> None:
    answer = pair.page.evaluate("(data) => bridge.realityCheck(data)", RC_DATA)
    assert answer == {"type": "realityCheckAnswer", "data": {"choice": "continue"}}
    _wait_log(pair.game, "realityCheck", "in", via="port")
    # Rough round trip: sequential requests through both Pythons and the MessagePort.
    n = 100
    ms = pair.page.evaluate(
        """async ([data, n]) => {
            const t0 = performance.now();
            for (let i = 0; i < n; i++) await bridge.realityCheck(data);
            return (performance.now() - t0) / n;
        }""",
        [RC_DATA, n],
    )
    _record({"reality_check_round_trip_ms": round(ms, 3)})
    print(f"\n[js_api] reality-check round trip: {ms:.2f} ms (mean of {n})")
    assert _stats(pair.page)["requests"]["ok"] >= n + 1


def test_invalid_outbound_values_are_refused_with_a_typed_error(pair: Pair) -> None:
    """Every refusal is a HiziBridgeError (code invalid_outbound) naming the field; nothing
    JSON would change on the way (issue #11, section 4) is sent half-repaired."""
    result = pair.page.evaluate(
        """async () => {
            const codes = [];
            const outcome = (p) => p.then(() => "sent", (e) => [e.name, e.code, e.field || null]);
            const circular = { a: 1 }; circular.self = circular;
            const cases = {
                schema: outcome(bridge.send("turbo", "yes")),
                direction: outcome(bridge.send("gameReady")),
                request: outcome(bridge.request("spin")),
                nan: outcome(bridge.send("turbo", NaN)),
                date: outcome(bridge.request("realityCheck", { elapsedSeconds: new Date(0) })),
                bigint: outcome(bridge.send("turbo", 10n)),
                cycle: outcome(bridge.send("turbo", circular)),
                surrogate: outcome(bridge.closeGame("bye \ud800")),
                close_reason: outcome(bridge.close("\udfff")),
            };
            const out = {};
            for (const [name, p] of Object.entries(cases)) out[name] = await p;
            try { bridge.on("noSuchType", () => {}); } catch (e) { out.on = e.name; }
            out.status = bridge.status;
            return out;
        }"""
    )
    err = "HiziBridgeError"
    assert result["schema"][:2] == [err, "invalid_outbound"]
    assert result["direction"][:2] == [err, "invalid_outbound"]
    assert result["request"][:2] == [err, "invalid_outbound"]
    assert result["nan"] == [err, "invalid_outbound", "data"]
    assert result["date"] == [err, "invalid_outbound", "data.elapsedSeconds"]
    assert result["bigint"] == [err, "invalid_outbound", "data"]
    assert result["cycle"] == [err, "invalid_outbound", "data.self"]
    assert result["surrogate"] == [err, "invalid_outbound", "data.reason"]
    assert result["close_reason"] == [err, "invalid_outbound", "reason"]
    assert result["on"] == "TypeError"
    assert result["status"] == "connected"  # the refused close left the bridge open
    # None of them reached the game.
    assert not _has(pair.game, "turbo", "in", status="rejected")
    # The issue's own examples, from the game's side (#11, section 4).
    game = pair.game.evaluate(
        """async () => {
            const outcome = (p) => p.then(() => "sent", (e) => [e.name, e.code, e.field || null]);
            const circular = {}; circular.me = circular;
            return {
                nan: await outcome(bridge.send("autoplayStarted", { rounds: NaN })),
                date: await outcome(bridge.send("playerActivity", { action: new Date(0) })),
                bigint: await outcome(bridge.balance(10n)),
                cycle: await outcome(bridge.send("playerActivity", circular)),
                ok: await outcome(bridge.send("autoplayStarted", { rounds: 5 })),
            };
        }"""
    )
    assert game["nan"] == [err, "invalid_outbound", "data.rounds"]
    assert game["date"] == [err, "invalid_outbound", "data.action"]
    assert game["bigint"] == [err, "invalid_outbound", "data"]
    assert game["cycle"] == [err, "invalid_outbound", "data.me"]
    assert game["ok"] == "sent"
    _wait_log(pair.page, "autoplayStarted", "in", via="port")
    lobby_in = [e["type"] for e in _log(pair.page) if e["direction"] == "in"]
    assert lobby_in.count("autoplayStarted") == 1 and "playerActivity" not in lobby_in


def test_messages_from_a_wrong_origin_are_rejected_and_counted(pair: Pair) -> None:
    lobby, game = pair.page, pair.game
    before = _stats(lobby)["rejected"]["origin"]
    # The lobby page posts to itself: right shape, but the origin is not the game's.
    # Origin is checked before the value is read, so the journal says type "?".
    rejected = "document.querySelectorAll('#event-log li[data-reason=origin]').length"
    lobby.evaluate("window.postMessage({ type: 'gameReady' }, location.origin)")
    lobby.wait_for_function(f"{rejected} === 1")
    assert _stats(lobby)["rejected"]["origin"] == before + 1
    assert _stats(lobby)["accepted_by_type"]["gameReady"] == 1
    game.evaluate("window.postMessage({ type: 'spin' }, location.origin)")
    game.wait_for_function(f"{rejected} === 1")
    assert _stats(game)["rejected"]["origin"] == 1


def test_a_throwing_handler_is_counted_and_does_not_break_the_bridge(pair: Pair) -> None:
    lobby = pair.page
    lobby.evaluate(
        """() => {
            window.after = 0;
            bridge.on("roundEnded", () => { throw new Error("handler bug (expected in test)"); });
            bridge.on("roundEnded", () => { after += 1; });
            bridge.spin();
        }"""
    )
    lobby.wait_for_function("after === 1")
    assert _stats(lobby)["handler_errors"] == 1
    assert lobby.evaluate("bridge.status") == "connected"


def test_no_wildcard_target_origin_anywhere(pair: Pair) -> None:
    for target in (pair.page, pair.game):
        posts = target.evaluate("__postTargets")
        assert "*" not in posts
        assert "*" not in _stats(target)["target_origins"]


def test_close_cancels_pending_requests_and_leaves_nothing_behind(pair: Pair) -> None:
    lobby, game = pair.page, pair.game
    listeners_before = lobby.evaluate("__messageListeners")
    code, sent = lobby.evaluate(
        """(rc) => {
            const pending = bridge.request("realityCheck", rc)
                .then(() => "resolved", (err) => err.code);
            // Taken by the engine before the close: it resolves, it is not "cancelled".
            const sent = bridge.stakeUp().then(() => "sent", (err) => err.code);
            bridge.close();
            return Promise.all([pending, sent]);
        }""",
        RC_DATA,
    )
    assert code == "cancelled"
    assert sent == "sent"
    assert lobby.evaluate("bridge.status") == "closed"
    assert lobby.evaluate("bridge.liveResources()") == {
        "window_listeners": 0,
        "port_listeners": 0,
        "load_listeners": 0,
        "timers": 0,
        "proxies": 0,
    }
    # Independent count (addEventListener/removeEventListener wrapped): our window
    # listener and our port listener are gone; Pyodide's own listeners stay.
    assert lobby.evaluate("__messageListeners") == {
        "window": listeners_before["window"] - 1,
        "port": 0,
        "load": listeners_before["load"] - 1,  # the bridge's iframe load listener
    }
    closed = lobby.evaluate("() => bridge.send('spin').then(() => 'sent', (e) => e.code)")
    assert closed == "closed"
    # The game heard the bye: its bridge waits for a new lobby.
    game.wait_for_function(STATUS_IS, arg="handshaking")
    errors = [e for e in pair.log.errors() if "expected in test" not in e]
    assert not errors, errors


# ------------------------------------------------------------------------------ plain peers


def test_plain_appendix_a_game_with_the_js_lobby(
    js_context: tuple[BrowserContext, BrowserLog], e2e_site: E2ESite
) -> None:
    context, _ = js_context
    page = context.new_page()
    page.goto(
        e2e_site.lobby_url(
            f"examples/js_lobby.html?game={e2e_site.game_origin}&gamePath=/examples/plain_game.html"
        )
    )
    page.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("bridge.mode") == "compat"
    _wait_log(page, "onAppFrameReady", "in", via="window")
    _wait_log(page, "gameReady", "in", via="window")
    stats = _stats(page)
    # The plain game talked while the lobby's Python booted: replayed from the early buffer.
    assert stats["early_replayed"] >= 1 and stats["early_overflow"] == 0
    page.evaluate("bridge.spin()")
    _wait_log(page, "roundStarted", "in", via="window")
    plain = _game_frame(page, "plain_game.html")
    received = plain.evaluate("received")
    assert {"type": "spin"} in received
    # A plain game never answers a request: it times out (the example game answers them all).
    code = page.evaluate(
        """() => bridge.request("pause", undefined, { timeoutMs: 300 })
                .then(() => "resolved", (err) => err.code)"""
    )
    assert code == "timeout"
    assert _stats(page)["requests"]["timed_out"] == 1
    assert stats["target_origins"] == [e2e_site.game_origin]
    page.close()


def test_plain_appendix_a_lobby_with_the_js_game(
    js_context: tuple[BrowserContext, BrowserLog], e2e_site: E2ESite
) -> None:
    context, _ = js_context
    page = context.new_page()
    page.goto(
        e2e_site.lobby_url(
            f"examples/plain_lobby.html?game={e2e_site.game_origin}&handshakeTimeoutMs=1000"
        )
    )
    game = _game_frame(page, "js_game.html")
    game.wait_for_function(STATUS_IS, arg="connected", timeout=BOOT_TIMEOUT_MS)
    assert game.evaluate("bridge.mode") == "compat"
    page.wait_for_function(
        "received.filter(m => m && m.type === 'gameReady').length === 1", timeout=10_000
    )
    types = [m.get("type") for m in page.evaluate("received")]
    assert types[-3:] == ["onAppFrameReady", "loadProgress", "gameReady"]
    page.evaluate("sendToGame({ type: 'spin' })")
    _wait_log(game, "spin", "in", via="window")
    page.wait_for_function("received.some(m => m && m.type === 'roundStarted')")
    assert _stats(game)["target_origins"] == [e2e_site.lobby_origin]
    page.close()
