"""The runtime the JS API runs Python in (issue #10), and the page side's own duties (#11).

- worker (default): Python in a dedicated Web Worker; the page keeps only the DOM's part;
- main: the same engine on the page's thread (a smoke test: the rest of the suite covers the
  worker);
- failures: a worker a CSP forbids, one from another origin, a runtime whose wasm a CSP
  blocks (Pyodide hangs: the watchdog) all reject lobby() with ``boot_failed`` and a message
  that says what to change; nothing falls back silently;
- the early buffer per window (two games of one origin, talking before Python is up), a bridge
  closed before it started, ``connected()`` on a bridge that is already connected or closed,
  and a refused option as a one-line ``invalid_config``.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from .conftest import BrowserLog, HostileSite

pytestmark = pytest.mark.e2e

PAGE = "hostile/runtime.html"
BOOT_MS = 120_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _lobby_page(browser: Browser, log: BrowserLog, url: str) -> Page:
    context = browser.new_context()
    log.guard(context)
    page = context.new_page()
    page.goto(url)
    return page


def _csp_origin(start: Any, csp: str) -> str:
    port = _free_port()
    start([("127.0.0.1", port, {"Content-Security-Policy": csp})])
    return f"http://127.0.0.1:{port}"


def _open_without_game(page: Page, options: dict[str, Any]) -> list[str]:
    """Open a lobby bridge on a detached iframe; [name, code, message] of the outcome."""
    return list(
        page.evaluate(
            """(options) => outcome(HiziBridge.lobby(Object.assign(
                { iframe: document.createElement("iframe"), gameOrigin: "http://localhost:1" },
                options)))""",
            options,
        )
    )


def test_the_main_runtime_still_works(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    site = hostile_site.site
    page = _lobby_page(
        browser, browser_log, site.lobby_url(f"{PAGE}?games=1&game={site.game_origin}")
    )
    result = page.evaluate(
        """async () => {
            const bridge = await openLobby(0, { runtime: "main" });
            await bridge.connected();
            const stats = await bridge.stats();
            return { runtime: stats.runtime, mode: bridge.mode, boot: HiziBridge.bootInfo.runtime,
                     accepted: stats.accepted_by_type, early: stats.early_replayed };
        }"""
    )
    assert result["runtime"] == result["boot"] == "main"
    assert result["mode"] == "compat"
    assert result["accepted"] == {"onAppFrameReady": 1, "gameReady": 1}
    page.context.close()


def test_a_csp_that_forbids_the_worker_rejects_with_boot_failed(
    browser: Browser, hostile_site: HostileSite, start_site_servers: Any, browser_log: BrowserLog
) -> None:
    origin = _csp_origin(start_site_servers, "default-src 'self'; worker-src 'none'")
    page = _lobby_page(browser, browser_log, f"{origin}/{PAGE}?games=0")
    name, code, message = _open_without_game(page, {})
    assert (name, code) == ("HiziBridgeError", "boot_failed")
    assert "worker-src" in message and origin in message, message
    assert page.evaluate("HiziBridge.bootInfo.error") is not None
    page.context.close()


def test_a_csp_that_blocks_the_wasm_rejects_with_boot_failed(
    browser: Browser, hostile_site: HostileSite, start_site_servers: Any, browser_log: BrowserLog
) -> None:
    # The worker's own response carries the CSP: no 'wasm-unsafe-eval', so Pyodide cannot
    # compile its wasm and would hang; the worker reports the violation (the watchdog,
    # bootTimeoutMs, is the backstop if it did not).
    origin = _csp_origin(start_site_servers, "default-src 'self'; script-src 'self'")
    page = _lobby_page(browser, browser_log, f"{origin}/{PAGE}?games=0")
    name, code, message = _open_without_game(page, {"bootTimeoutMs": 15000})
    assert (name, code) == ("HiziBridgeError", "boot_failed")
    assert "'wasm-unsafe-eval'" in message, message
    page.context.close()


def test_a_worker_from_another_origin_is_refused_with_what_to_do(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    site = hostile_site.site
    page = _lobby_page(browser, browser_log, site.lobby_url(f"{PAGE}?games=0"))
    name, code, message = _open_without_game(
        page, {"workerUrl": f"{site.game_origin}/hizi-bridge-worker.mjs"}
    )
    assert (name, code) == ("HiziBridgeError", "boot_failed")
    assert "must come from this page's origin" in message and "workerUrl" in message
    page.context.close()


def test_each_bridge_replays_only_what_its_own_window_sent(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    """Issue #11, section 2: two games of one origin talk before Python is up."""
    site = hostile_site.site
    page = _lobby_page(
        browser, browser_log, site.lobby_url(f"{PAGE}?games=2&game={site.game_origin}")
    )
    # Both plain games have posted their two start-up messages into the early buffer.
    page.wait_for_function("__hiziBridgeEarly.events.length === 4")
    result = page.evaluate(
        """async () => {
            const gone = await openLobby(0);          // closed before it started: takes nothing
            await gone.close();
            const a = await openLobby(0);
            const b = await openLobby(1);
            await Promise.all([a.connected(), b.connected()]);
            await new Promise((r) => setTimeout(r, 200));
            const [sa, sb] = await Promise.all([a.stats(), b.stats()]);
            const pick = (s) => ({ replayed: s.early_replayed, accepted: s.accepted_by_type,
                                   rejected: s.rejected_total, mode: s.mode });
            return { a: pick(sa), b: pick(sb), left: __hiziBridgeEarly.events.length };
        }"""
    )
    both = {"onAppFrameReady": 1, "gameReady": 1}
    assert result["a"] == {"replayed": 2, "accepted": both, "rejected": 0, "mode": "compat"}
    assert result["b"] == {"replayed": 2, "accepted": both, "rejected": 0, "mode": "compat"}
    assert result["left"] == 0
    page.context.close()


def test_connected_settles_at_once_and_a_bad_option_is_one_line(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    """Issue #11, section 3."""
    site = hostile_site.site
    page = _lobby_page(
        browser, browser_log, site.lobby_url(f"{PAGE}?games=1&game={site.game_origin}")
    )
    result = page.evaluate(
        """async (game) => {
            const bridge = await openLobby(0);
            await bridge.connected();
            const again = await Promise.race([
                bridge.connected().then(() => "resolved"),
                new Promise((r) => setTimeout(() => r("pending"), 50)),
            ]);
            await bridge.close();
            const closed = await Promise.race([
                bridge.connected().then(() => "resolved", (e) => e.code),
                new Promise((r) => setTimeout(() => r("pending"), 50)),
            ]);
            const slash = await outcome(openLobby(0, { gameOrigin: game + "/" }));
            const typo = await outcome(openLobby(0, { requestTimeoutMS: 5 }));
            const nan = await outcome(openLobby(0, { requestTimeoutMs: NaN }));
            return { again, closed, slash, typo, nan };
        }""",
        site.game_origin,
    )
    assert result["again"] == "resolved"
    assert result["closed"] == "closed"
    name, code, message = result["slash"]
    assert (name, code) == ("HiziBridgeError", "invalid_config")
    assert "\n" not in message and "Traceback" not in message, message
    assert site.game_origin in message, message
    # Red team of #18: a misspelt option and a NaN were ignored (the default used, no word).
    assert result["typo"] == [
        "HiziBridgeError", "invalid_config",
        "hizi-bridge: unknown option requestTimeoutMS; did you mean requestTimeoutMs?",
    ]  # fmt: skip
    assert result["nan"][:2] == ["HiziBridgeError", "invalid_config"], result["nan"]
    assert "requestTimeoutMs must be a positive number of ms, not NaN" in result["nan"][2]
    page.context.close()


def test_a_lobby_whose_game_never_speaks_times_out_and_still_hears_it_later(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    """Issue #11, section 3: status error, code timeout; a game that speaks later connects."""
    site = hostile_site.site
    page = _lobby_page(
        browser,
        browser_log,
        site.lobby_url(f"{PAGE}?games=1&game={site.game_origin}&path=/hostile/blank.html"),
    )
    result = page.evaluate(
        """async () => {
            const bridge = await openLobby(0, { handshakeTimeoutMs: 1500 });
            window.lateBridge = bridge;
            const code = await bridge.connected().then(() => "connected", (e) => e.code);
            return { code, status: bridge.status, statusCode: (await bridge.stats()).status };
        }"""
    )
    assert result == {"code": "timeout", "status": "error", "statusCode": "error"}
    silent = next(f for f in page.frames if f.parent_frame is not None)
    silent.evaluate(
        "(lobby) => parent.postMessage({ type: 'gameReady' }, lobby)", site.lobby_origin
    )
    page.wait_for_function("lateBridge.status === 'connected' && lateBridge.mode === 'compat'")
    page.context.close()


def test_a_port_another_library_receives_from_the_game_is_left_to_it(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    """Only a welcome's MessagePort goes into the worker: another library's handshake on the
    same two frames (Penpal's, say) keeps its port."""
    site = hostile_site.site
    page = _lobby_page(
        browser, browser_log, site.lobby_url(f"{PAGE}?games=1&game={site.game_origin}")
    )
    page.evaluate(
        """async () => {
            await (await openLobby(0)).connected();
            window.addEventListener("message", (ev) => {
                if (ev.data && ev.data.type === "otherLibrary" && ev.ports[0]) {
                    ev.ports[0].postMessage("pong");
                }
            });
        }"""
    )
    game = next(f for f in page.frames if f.parent_frame is not None)
    answer = game.evaluate(
        """(lobby) => new Promise((resolve) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = (ev) => resolve(ev.data);
            parent.postMessage({ type: "otherLibrary" }, lobby, [channel.port2]);
            setTimeout(() => resolve("no answer"), 3000);
        })""",
        site.lobby_origin,
    )
    assert answer == "pong"
    page.context.close()


def test_removing_the_iframe_cancels_what_the_game_can_no_longer_answer(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    """The tester's find: a reality check (no timeout) left pending for ever when the lobby
    removed the game's iframe; and queries after close never settled."""
    site = hostile_site.site
    game = "/examples/js_game.html%3Frc%3Dnone"  # the game leaves reality checks unanswered
    page = _lobby_page(
        browser,
        browser_log,
        site.lobby_url(f"{PAGE}?games=1&game={site.game_origin}&path={game}"),
    )
    result = page.evaluate(
        """async () => {
            const bridge = await openLobby(0);
            await bridge.connected();
            const rc = { elapsedSeconds: 60, totalStaked: 1, totalWon: 0, netResult: -1,
                         currency: "EUR" };
            const pending = bridge.realityCheck(rc).then(() => "answered", (e) => e.code);
            await new Promise((r) => setTimeout(r, 300));
            gameFrames[0].remove();
            const code = await Promise.race([
                pending, new Promise((r) => setTimeout(() => r("still pending"), 10000))]);
            const status = bridge.status;
            const schema = await bridge.send("setStake", { stake: "2" })
                .then(() => "sent", (e) => [e.code, e.field || null]);
            const key = await bridge.send("promoInfo", { ["\\ud800"]: 1 })
                .then(() => "sent", (e) => [e.code, e.field || null]);
            await bridge.close();
            const after = await bridge.stats().then(() => "stats", (e) => e.code);
            return { code, status, schema, key, after };
        }"""
    )
    assert result["code"] == "cancelled"
    assert result["status"] == "handshaking"
    assert result["schema"] == ["invalid_outbound", "data.stake"]
    assert result["key"][0] == "invalid_outbound" and "(a key)" in result["key"][1]
    assert result["after"] == "closed"
    page.context.close()


# (runtime, wheel, what the server does, what the boot_failed message must say)
WHEEL_FAULTS = [
    ("worker", "hizi_bridge-", "tamper", ["hizi_bridge-", "bytes are not the build's"]),
    ("main", "typing_extensions-", "404", ["typing_extensions-", "HTTP 404"]),
    # pydantic-core goes through Pyodide's installer, which logs why to the console only.
    (
        "worker",
        "pydantic_core-",
        "tamper",
        ["package pydantic-core did not load", "pydantic_core-", "bytes are not the build's"],
    ),
    ("main", "pydantic_core-", "404", ["package pydantic-core did not load", "HTTP 404"]),
]


@pytest.mark.parametrize(("runtime", "wheel", "fault", "said"), WHEEL_FAULTS)
def test_a_wheel_that_is_not_the_builds_rejects_with_boot_failed_saying_why(
    runtime: str,
    wheel: str,
    fault: str,
    said: list[str],
    browser: Browser,
    hostile_site: HostileSite,
    browser_log: BrowserLog,
) -> None:
    """Each wheel is checked against the build's sha256 (the pure ones the engine fetches and
    puts on sys.path as zips, buildtool/engine_boot.py; pydantic-core by Pyodide's installer):
    a changed byte or a missing file fails the boot with a message naming the file and why,
    and nothing of it is imported."""
    site = hostile_site.site
    context = browser.new_context()
    browser_log.guard(context)

    def serve(route: Any) -> None:
        if fault == "404":
            route.fulfill(status=404, body="gone", headers={"content-type": "text/plain"})
            return
        body = bytearray(route.fetch().body())
        body[len(body) // 2] ^= 0xFF
        route.fulfill(status=200, body=bytes(body), headers={"content-type": "application/zip"})

    context.route(f"**/{wheel}*.whl", serve)
    page = context.new_page()
    page.goto(site.lobby_url(f"{PAGE}?games=0"))
    name, code, message = _open_without_game(page, {"runtime": runtime})
    assert (name, code) == ("HiziBridgeError", "boot_failed")
    for part in said:
        assert part in message, (part, message)
    context.close()


def test_start_boots_the_runtime_before_the_first_bridge(
    browser: Browser, hostile_site: HostileSite, browser_log: BrowserLog
) -> None:
    """HiziBridge.start(): Python boots before lobby() is called (issue #19: the runtime no
    longer waits for the first bridge), and that bridge uses it rather than a second one."""
    site = hostile_site.site
    page = _lobby_page(
        browser, browser_log, site.lobby_url(f"{PAGE}?games=1&game={site.game_origin}")
    )
    result = page.evaluate(
        """async () => {
            const refused = await Promise.all([
                outcome(HiziBridge.start({ runtimeKind: "main" })),
                outcome(HiziBridge.start({ iframe: gameFrames[0] })),
                outcome(HiziBridge.start(null)),
            ]);
            const before = HiziBridge.bootInfo.runtime;  // nothing started by the refusals
            await HiziBridge.start();
            const started = HiziBridge.bootInfo.startedMs;
            const up = HiziBridge.bootInfo.readyMs !== null;
            const bridge = await openLobby(0);
            await bridge.connected();
            const other = await outcome(HiziBridge.start({ runtime: "main" }));
            return { refused, before, up, same: HiziBridge.bootInfo.startedMs === started,
                     runtime: (await bridge.stats()).runtime, status: bridge.status, other };
        }"""
    )
    unknown, lobby_only, not_object = result["refused"]
    assert unknown[:2] == ["HiziBridgeError", "invalid_config"] and "runtimeKind" in unknown[2]
    assert lobby_only[:2] == ["HiziBridgeError", "invalid_config"] and "iframe" in lobby_only[2]
    assert not_object[:2] == ["HiziBridgeError", "invalid_config"], not_object
    assert result["before"] is None
    assert result["up"] and result["same"], result
    assert (result["runtime"], result["status"]) == ("worker", "connected")
    assert result["other"][:2] == ["HiziBridgeError", "invalid_config"], result["other"]
    assert "worker runtime" in result["other"][2]
    page.context.close()
